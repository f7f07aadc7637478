/**
 * Pairs that need the person's help, in a real VS Code: a mask with no partner (shown alone,
 * then Choose Partner…), an underlay chosen by hand (and one of the wrong size), and a PNG pair
 * opened with the PNG viewType. Files come from the sample tree or are written here.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { encode } from 'fast-png';
import type { TestSnapshot } from '../../../src/commands/testMessages';
import type { InitMessage, LossesMessage } from '../../../src/core/protocol';
import { writeNifti } from '../../unit/helpers/niftiWriter';

let root: vscode.Uri;
const file = (relative: string) => vscode.Uri.joinPath(root, relative);

async function posted(uri: vscode.Uri): Promise<Record<string, unknown>[]> {
  const snap = await vscode.commands.executeCommand<TestSnapshot>('maskInspector.test.lastWebviewMessages', uri.toString());
  return (snap.logs[0]?.posted ?? []) as Record<string, unknown>[];
}

async function waitForPosted<T>(what: string, uri: vscode.Uri, type: string, nth: number, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await posted(uri)).filter((m) => m['type'] === type)[nth];
    if (found !== undefined) return found as T;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what} (${uri.path}); host posted: ${(await posted(uri)).map((m) => m['type']).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function png(width: number, height: number, on: (x: number, y: number) => boolean): Uint8Array {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = on(x, y) ? 255 : 0;
  return encode({ width, height, data, depth: 8, channels: 1 });
}

suite('compare editor: pairs chosen by hand', () => {
  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    root = folder.uri;
    const extension = vscode.extensions.getExtension('mask-inspector.mask-inspector')!;
    const sample = vscode.Uri.joinPath(extension.extensionUri, 'sample');
    await vscode.workspace.fs.copy(sample, file('sample'), { overwrite: true });
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(sample, 'labelsTr', 'liver_001.nii.gz'), file('alone/liver_001.nii.gz'), { overwrite: true });
    await vscode.workspace.fs.writeFile(file('alone/tiny.nii'), writeNifti({ shape: [4, 4, 4], dtype: 'int16' }));
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(sample, 'predictions', 'liver_001.nii.gz'), file('corrupt/predictions/case.nii.gz'), { overwrite: true });
    await vscode.workspace.fs.writeFile(file('corrupt/labelsTr/case.nii.gz'), new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    await vscode.workspace.fs.writeFile(file('slides/pred/slide_1.png'), png(64, 48, (x, y) => (x - 30) ** 2 + (y - 24) ** 2 < 150));
    await vscode.workspace.fs.writeFile(file('slides/gt/slide_1.png'), png(64, 48, (x, y) => (x - 32) ** 2 + (y - 24) ** 2 < 160));
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a mask without partner opens alone; Choose Partner pairs it and finds the underlay; a wrong-size underlay is refused', async () => {
    const uri = file('alone/liver_001.nii.gz');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'maskInspector.compare');
    const alone = await waitForPosted<InitMessage>('init', uri, 'init', 0);
    assert.equal(alone.pair.predictionName, 'alone/liver_001.nii.gz');
    assert.equal(alone.pair.labelName, null);
    assert.equal(alone.pair.predictionKind, 'labels');

    await vscode.commands.executeCommand('maskInspector.choosePartner', uri, file('sample/predictions/liver_001.nii.gz'));
    const paired = await waitForPosted<InitMessage>('init after choosing the partner', uri, 'init', 1);
    // The partner's folder says "prediction": the opened mask becomes the label.
    assert.equal(paired.pair.predictionName, 'sample/predictions/liver_001.nii.gz');
    assert.equal(paired.pair.labelName, 'alone/liver_001.nii.gz');
    assert.equal(paired.pair.underlayName, 'sample/imagesTr/liver_001_0000.nii.gz');
    await waitForPosted<LossesMessage>('losses', uri, 'losses', 0);

    await vscode.commands.executeCommand('maskInspector.openUnderlay', uri, file('alone/tiny.nii'));
    const error = await waitForPosted<{ message: string }>('an error', uri, 'error', 0);
    assert.match(error.message, /^alone\/tiny\.nii: the underlay image is 4×4×4 but the masks are 128×128×40/);
    assert.equal((await posted(uri)).filter((m) => m['type'] === 'init').length, 2, 'the pair stays as it was');
  });

  test('a partner that cannot be read leaves the mask shown alone, ready for Choose Partner', async () => {
    const uri = file('corrupt/predictions/case.nii.gz');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'maskInspector.compare');
    const init = await waitForPosted<InitMessage>('init', uri, 'init', 0);
    assert.equal(init.pair.predictionName, 'corrupt/predictions/case.nii.gz');
    assert.equal(init.pair.labelName, null);
  });

  test('overlay settings reach an open editor at once; an invalid colour falls back to the default', async () => {
    const uri = file('sample/predictions/liver_002.nii.gz');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'maskInspector.compare');
    const first = (await posted(uri)).filter((m) => m['type'] === 'init').length;
    await waitForPosted<InitMessage>('init', uri, 'init', first === 0 ? 0 : first - 1);
    const config = vscode.workspace.getConfiguration('maskInspector');
    try {
      await config.update('overlay.style', 'outline', vscode.ConfigurationTarget.Workspace);
      await config.update('overlay.falsePositiveColor', 'orange', vscode.ConfigurationTarget.Workspace);
      const inits = async () => (await posted(uri)).filter((m) => m['type'] === 'init') as unknown as InitMessage[];
      const deadline = Date.now() + 20_000;
      let last = (await inits()).at(-1)!;
      while (last.overlay.style !== 'outline' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        last = (await inits()).at(-1)!;
      }
      assert.equal(last.overlay.style, 'outline');
      assert.equal(last.overlay.fpColor, '#E69F00', 'an invalid colour is replaced by the default');
    } finally {
      await config.update('overlay.style', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('overlay.falsePositiveColor', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('a PNG pair in pred/ and gt/ opens with the PNG editor and gets losses', async () => {
    const uri = file('slides/pred/slide_1.png');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'maskInspector.comparePng');
    const init = await waitForPosted<InitMessage>('init', uri, 'init', 0);
    assert.equal(init.pair.labelName, 'slides/gt/slide_1.png');
    assert.deepEqual(init.pair.shape, [64, 48, 1]);
    assert.equal(init.pair.predictionKind, 'labels');
    const losses = await waitForPosted<LossesMessage>('losses', uri, 'losses', 0);
    assert.equal(losses.labels[0]!.slices.length, 1);
    assert.ok(losses.labels[0]!.volume.dice > 0 && losses.labels[0]!.volume.dice < 0.5, `dice ${losses.labels[0]!.volume.dice}`);
  });
});
