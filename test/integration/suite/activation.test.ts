/**
 * The extension loads in a real VS Code, activates, and its contributed commands exist.
 * Written against the manifest, not a fixed command list, so it keeps holding as
 * src/extension.ts grows.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'mask-inspector.mask-inspector';
const ABOUT_COMMAND = 'maskInspector.about';

interface Manifest {
  readonly contributes?: { readonly commands?: ReadonlyArray<{ readonly command: string }> };
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded; the development extension path or package.json publisher/name may be wrong`);
  return ext;
}

function contributedCommands(): string[] {
  return ((extension().packageJSON as Manifest).contributes?.commands ?? []).map((c) => c.command);
}

suite('activation', () => {
  test(`${EXTENSION_ID} is present`, () => {
    const ext = extension();
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace, 'expected the Node (workspace) extension host');
  });

  test('activates', async () => {
    const ext = extension();
    if (contributedCommands().includes(ABOUT_COMMAND)) {
      // Activate the way a user does (onCommand, derived from contributes). Don't wait for
      // the command's own promise: a handler that awaits its notification would never settle.
      await Promise.race([vscode.commands.executeCommand(ABOUT_COMMAND), delay(5000)]);
    }
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('every contributed command is registered', async () => {
    await extension().activate();
    const contributed = contributedCommands();
    assert.ok(contributed.length > 0, 'package.json contributes no command');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed in package.json but not registered by activate(): ${missing.join(', ')}`);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
