/**
 * DICOM-SEG in a real VS Code (issue #13): a .dcm label opened with "Mask Inspector" (Open With…)
 * pairs with its _pred.nii.gz, is placed on the prediction's grid (no geometry warning, shape of the
 * NIfTI) and brings its segment labels as names.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestSnapshot } from '../../../src/commands/testMessages';
import type { InitMessage, LossesMessage } from '../../../src/core/protocol';

let root: vscode.Uri;
const file = (relative: string) => vscode.Uri.joinPath(root, relative);

async function waitForPosted<T>(what: string, uri: vscode.Uri, type: string, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snap = await vscode.commands.executeCommand<TestSnapshot>('maskInspector.test.lastWebviewMessages', uri.toString());
    const posted = (snap.logs[0]?.posted ?? []) as Record<string, unknown>[];
    const found = posted.find((m) => m['type'] === type);
    if (found !== undefined) return found as T;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what} (${uri.path}); host posted: ${posted.map((m) => m['type']).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

suite('compare editor: DICOM-SEG', () => {
  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    root = folder.uri;
    const extension = vscode.extensions.getExtension('mask-inspector.mask-inspector')!;
    const fixtures = vscode.Uri.joinPath(extension.extensionUri, 'test', 'fixtures-formats');
    const copy = (from: string, to: string) => vscode.workspace.fs.copy(vscode.Uri.joinPath(fixtures, from), file(to), { overwrite: true });
    await copy('label.seg.dcm', 'dicomseg/case3.dcm');
    await copy('label.nii.gz', 'dicomseg/case3_pred.nii.gz');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a .dcm label opens with Mask Inspector, paired with case3_pred.nii.gz, segment labels as names', async () => {
    const uri = file('dicomseg/case3.dcm');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'maskInspector.compareOther');
    const init = await waitForPosted<InitMessage>('init', uri, 'init');
    assert.equal(init.pair.predictionName, 'dicomseg/case3_pred.nii.gz');
    assert.equal(init.pair.labelName, 'dicomseg/case3.dcm');
    assert.deepEqual(init.pair.shape, [7, 6, 5]);
    assert.deepEqual(init.pair.labelNames, { 1: 'liver', 2: 'tumour' });
    assert.deepEqual(init.pair.warnings, []);
    const losses = await waitForPosted<LossesMessage>('losses', uri, 'losses');
    assert.deepEqual(losses.labels.map((l) => l.volume.dice), [0, 0], 'the same mask: Dice loss 0 for both labels');
  });
});
