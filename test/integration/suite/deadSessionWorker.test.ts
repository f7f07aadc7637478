/**
 * Issue #9, a dead session worker, inside a real VS Code: the worker of an open compare editor is
 * killed (as the OS would on out-of-memory) through the test-only command
 * maskInspector.test.killSessionWorker. The document opens the pair again in a fresh worker by
 * itself: the panel is initialised anew on the slice it showed, and the losses come again with
 * the same numbers.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InitMessage, LossesMessage, WebviewMessage } from '../../../src/core/protocol';
import { snapshot, waitFor } from './editorProbe';

const VIEW_TYPE = 'maskInspector.compare';
const ofType = <T>(list: readonly unknown[], type: string) => list.filter((m) => (m as { type?: unknown }).type === type) as T[];
const lastState = (log: { received: WebviewMessage[] }) => ofType<Extract<WebviewMessage, { type: 'stateChanged' }>>(log.received, 'stateChanged').at(-1);

suite('compare editor: a dead session worker', () => {
  let uri: vscode.Uri;

  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const extension = vscode.extensions.getExtension('mask-inspector.mask-inspector')!;
    const sample = vscode.Uri.joinPath(extension.extensionUri, 'sample');
    await vscode.workspace.fs.copy(sample, vscode.Uri.joinPath(folder.uri, 'dead-worker'), { overwrite: true });
    uri = vscode.Uri.joinPath(folder.uri, 'dead-worker', 'predictions', 'liver_002.nii.gz');
    // Three-way: model A, model B (the label itself) and the label, in folders of their own.
    for (const [from, to] of [['predictions', 'modelA'], ['labelsTr', 'modelB'], ['labelsTr', 'labelsTr']] as const) {
      await vscode.workspace.fs.copy(vscode.Uri.joinPath(sample, from, 'liver_001.nii.gz'), vscode.Uri.joinPath(folder.uri, 'dead-versus', to, 'liver_001.nii.gz'), { overwrite: true });
    }
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the pair is opened again in a fresh worker, on the slice it showed, with the same losses', async () => {
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const first = await waitFor('losses', uri, (log) => ofType<LossesMessage>(log.posted, 'losses')[0]);
    // Away from the middle slice the editor opens on, so that the restored view tells.
    await vscode.commands.executeCommand('maskInspector.worstSlice');
    const shown = await waitFor('the worst slice shown', uri, (log) => {
      const s = lastState(log);
      return s !== undefined && ofType<InitMessage>(log.posted, 'init').length > 0 && s.state.index !== ofType<InitMessage>(log.posted, 'init')[0]!.state?.index ? s.state : undefined;
    });
    const before = await snapshot(uri);
    const inits = ofType<InitMessage>(before.posted, 'init').length;
    const lossesSeen = ofType<LossesMessage>(before.posted, 'losses').length;

    await vscode.commands.executeCommand('maskInspector.test.killSessionWorker', uri);

    const init = await waitFor('init from the fresh worker', uri, (log) => ofType<InitMessage>(log.posted, 'init')[inits]);
    assert.equal(init.state?.axis, shown.axis);
    assert.equal(init.state?.index, shown.index, 'the slice shown before the worker died');
    const again = await waitFor('losses from the fresh worker', uri, (log) => ofType<LossesMessage>(log.posted, 'losses')[lossesSeen]);
    assert.deepEqual(again.labels.map((l) => l.volume), first.labels.map((l) => l.volume));
    const after = await snapshot(uri);
    assert.equal(ofType(after.posted, 'failed').length, 0, 'the document never showed a failure');
    await waitFor('a slice from the fresh worker', uri, (log) => (ofType<{ index: number }>(log.posted, 'slice').slice(ofType(before.posted, 'slice').length).some((s) => s.index === shown.index) ? true : undefined));
  });

  test('a three-way editor (both sides on the one shared worker) is opened again once, A and B with the same losses', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const [a, b, label] = ['modelA', 'modelB', 'labelsTr'].map((f) => vscode.Uri.joinPath(folder, 'dead-versus', f, 'liver_001.nii.gz')) as [vscode.Uri, vscode.Uri, vscode.Uri];
    await vscode.commands.executeCommand('maskInspector.compareTwoPredictions', a, [a, label, b]);
    const side = (m: LossesMessage) => (m as { side?: string }).side ?? 'a';
    const both = (list: LossesMessage[]) => {
      const first = list.find((m) => side(m) === 'a'), second = list.find((m) => side(m) === 'b');
      return first && second ? [first, second] as const : undefined;
    };
    const [firstA, firstB] = await waitFor('losses of A and B', a, (log) => both(ofType<LossesMessage>(log.posted, 'losses')));
    const before = await snapshot(a);
    const inits = ofType<InitMessage>(before.posted, 'init').length;
    const lossesSeen = ofType<LossesMessage>(before.posted, 'losses').length;

    await vscode.commands.executeCommand('maskInspector.test.killSessionWorker', a);

    const init = await waitFor('init from the fresh worker', a, (log) => ofType<InitMessage>(log.posted, 'init')[inits]);
    assert.equal(init.pair.versus?.predictionName, 'dead-versus/modelB/liver_001.nii.gz');
    const [againA, againB] = await waitFor('losses of A and B from the fresh worker', a, (log) => both(ofType<LossesMessage>(log.posted, 'losses').slice(lossesSeen)));
    assert.deepEqual(againA.labels.map((l) => l.volume), firstA.labels.map((l) => l.volume));
    assert.deepEqual(againB.labels.map((l) => l.volume), firstB.labels.map((l) => l.volume));
    const after = await snapshot(a);
    assert.equal(ofType(after.posted, 'init').length, inits + 1, 'opened again once, though both of its clients heard of the death');
    assert.equal(ofType(after.posted, 'failed').length, 0);
  });
});
