/**
 * The new formats in a real VS Code (issue #13): a .seg.nrrd opens in Mask Inspector by default
 * (paired with its _pred.mha) and brings its segment names;
 * a detached .nhdr prediction (Open With… Mask Inspector) finds its .nrrd label in labelsTr/, is
 * joined with its data file by the host, and the pair carries the label names of the dataset's
 * dataset.json and of the .seg.nrrd's segments.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestSnapshot } from '../../../src/commands/testMessages';
import type { InitMessage, LossesMessage } from '../../../src/core/protocol';

let root: vscode.Uri;
const file = (relative: string) => vscode.Uri.joinPath(root, relative);

async function posted(uri: vscode.Uri): Promise<Record<string, unknown>[]> {
  const snap = await vscode.commands.executeCommand<TestSnapshot>('maskInspector.test.lastWebviewMessages', uri.toString());
  return (snap.logs[0]?.posted ?? []) as Record<string, unknown>[];
}

async function waitForPosted<T>(what: string, uri: vscode.Uri, type: string, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await posted(uri)).find((m) => m['type'] === type);
    if (found !== undefined) return found as T;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what} (${uri.path}); host posted: ${(await posted(uri)).map((m) => m['type']).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

suite('compare editor: NRRD, MetaImage, NumPy and label names', () => {
  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    root = folder.uri;
    const extension = vscode.extensions.getExtension('mask-inspector.mask-inspector')!;
    const fixtures = vscode.Uri.joinPath(extension.extensionUri, 'test', 'fixtures-formats');
    const copy = (from: string, to: string) => vscode.workspace.fs.copy(vscode.Uri.joinPath(fixtures, from), file(to), { overwrite: true });
    await copy('label.nrrd', 'Dataset013_Formats/labelsTr/case1.nrrd');
    await copy('label_detached.nhdr', 'Dataset013_Formats/predictions/case1.nhdr');
    await copy('label_detached.raw', 'Dataset013_Formats/predictions/label_detached.raw');
    await copy('label_layers.seg.nrrd', 'slicer/case2.seg.nrrd');
    await copy('label.mha', 'slicer/case2_pred.mha');
    await vscode.workspace.fs.writeFile(file('Dataset013_Formats/dataset.json'),
      new TextEncoder().encode(JSON.stringify({ labels: { background: 0, liver: 1, tumour: 2 }, file_ending: '.nrrd' })));
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a detached .nhdr prediction pairs with its .nrrd label and shows dataset.json names', async () => {
    const uri = file('Dataset013_Formats/predictions/case1.nhdr');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'maskInspector.compareOther');
    const init = await waitForPosted<InitMessage>('init', uri, 'init');
    assert.equal(init.pair.labelName, 'Dataset013_Formats/labelsTr/case1.nrrd');
    assert.deepEqual(init.pair.shape, [7, 6, 5]);
    assert.deepEqual(init.pair.labels, [1, 2]);
    assert.deepEqual(init.pair.labelNames, { 0: 'background', 1: 'liver', 2: 'tumour' });
    assert.deepEqual(init.pair.warnings, []);
    const losses = await waitForPosted<LossesMessage>('losses', uri, 'losses');
    assert.deepEqual(losses.labels.map((l) => l.volume.dice), [0, 0], 'the same mask: Dice loss 0 for both labels');
  });

  test('a .seg.nrrd opens in Mask Inspector by default, paired with case2_pred.mha, its segment names and colours on the pair', async () => {
    const uri = file('slicer/case2.seg.nrrd');
    await vscode.commands.executeCommand('vscode.open', uri);
    const init = await waitForPosted<InitMessage>('init', uri, 'init');
    assert.equal(init.pair.predictionName, 'slicer/case2_pred.mha');
    assert.equal(init.pair.labelName, 'slicer/case2.seg.nrrd');
    assert.deepEqual(init.pair.labelNames, { 1: 'liver', 2: 'tumour' });
    // SegmentN_Color (0.86 0.55 0.39; 0.2 0.8 0.2) reaches the webview as the selector's swatch colours.
    assert.deepEqual(init.pair.labelColors, { 1: '#db8c63', 2: '#33cc33' });
  });
});
