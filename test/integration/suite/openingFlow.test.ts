/**
 * The calmer opening flow (issue #8), in a real VS Code: a mask with several possible partners
 * opened as a preview (a single click in the Explorer) opens at once with the best one and no
 * quick pick; opened for good it asks, and dismissing the pick (clicking elsewhere) takes the
 * first candidate instead of leaving the editor waiting. A `_label` file next to its `_pred8`
 * prediction pairs with it, never with another label.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InitMessage } from '../../../src/core/protocol';
import { snapshot, waitFor } from './editorProbe';

const VIEW_TYPE = 'maskInspector.compare';
let root: vscode.Uri;
const file = (relative: string) => vscode.Uri.joinPath(root, relative);
const inits = async (uri: vscode.Uri) => (await snapshot(uri)).posted.filter((m) => m['type'] === 'init') as unknown as InitMessage[];

suite('opening flow', () => {
  suiteSetup(async () => {
    root = vscode.workspace.workspaceFolders![0]!.uri;
    const sample = vscode.Uri.joinPath(vscode.extensions.getExtension('mask-inspector.mask-inspector')!.extensionUri, 'sample');
    const copy = (from: string, to: string) => vscode.workspace.fs.copy(vscode.Uri.joinPath(sample, from), file(to), { overwrite: true });
    // One label, two prediction folders: two candidates in other folders.
    await copy('labelsTr/liver_001.nii.gz', 'flow/labels/case.nii.gz');
    await copy('predictions/liver_001.nii.gz', 'flow/pred_unet/case.nii.gz');
    await copy('predictions/liver_002.nii.gz', 'flow/pred_swin/case.nii.gz');
    await copy('labelsTr/liver_002.nii.gz', 'pinned/labels/case.nii.gz');
    await copy('predictions/liver_002.nii.gz', 'pinned/pred_unet/case.nii.gz');
    await copy('predictions/liver_001.nii.gz', 'pinned/pred_swin/case.nii.gz');
    // A suffix pair with a tagged prediction, and a second label in a sibling labelsTr/.
    await copy('labelsTr/liver_001.nii.gz', 'pairs/x_label.nii.gz');
    await copy('predictions/liver_001.nii.gz', 'pairs/x_pred8.nii.gz');
    await copy('labelsTr/liver_001.nii.gz', 'labelsTr/x.nii.gz');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a preview open takes the best candidate without a quick pick', async () => {
    const uri = file('flow/labels/case.nii.gz');
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE, { preview: true });
    const init = await waitFor('init without any pick', uri, (log) => log.posted.find((m) => m['type'] === 'init') as InitMessage | undefined, 30_000);
    assert.match(init.pair.predictionName, /^flow\/pred_(unet|swin)\/case\.nii\.gz$/);
    assert.equal(init.pair.labelName, 'flow/labels/case.nii.gz');
  });

  test('a pinned open asks; dismissing the pick takes the first candidate', async () => {
    const uri = file('pinned/labels/case.nii.gz');
    // The previous test's editor was just closed: let the workbench settle its focus first, or
    // the focus moving back (to the explorer, say) can close the pick this test waits on.
    await new Promise((r) => setTimeout(r, 1000));
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE, { preview: false });
    // The pick is up: the pair waits for the answer.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await inits(uri)).length, 0, 'the editor waits for the person to choose');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const init = await waitFor('init after the pick was dismissed', uri, (log) => log.posted.find((m) => m['type'] === 'init') as InitMessage | undefined, 30_000);
    assert.match(init.pair.predictionName, /^pinned\/pred_(unet|swin)\/case\.nii\.gz$/, 'the first candidate, not the mask alone');
  });

  test('x_label pairs with x_pred8 in its folder, never with labelsTr/x, and is the label', async () => {
    const uri = file('pairs/x_label.nii.gz');
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE, { preview: false });
    const init = await waitFor('init', uri, (log) => log.posted.find((m) => m['type'] === 'init') as InitMessage | undefined, 30_000);
    assert.equal(init.pair.predictionName, 'pairs/x_pred8.nii.gz');
    assert.equal(init.pair.labelName, 'pairs/x_label.nii.gz');
  });
});
