/**
 * The three-way editor in a real VS Code: Compare Two Predictions run as the Explorer runs it
 * (clicked file, the three selected), the label guessed from its folder, and the numbers the
 * webview received for A and for B equal two comparePair runs against the same label.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { comparePair } from '../../../src/core/analysis/compare';
import type { CompareResult } from '../../../src/core/analysis/result';
import { readVolumeFile } from '../../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS, type LossId } from '../../../src/core/kernels/lossIds';
import type { InitMessage, LossesMessage, MetricsMessage } from '../../../src/core/protocol';
import { snapshot, waitFor } from './editorProbe';

let root: vscode.Uri;
const file = (relative: string) => vscode.Uri.joinPath(root, relative);
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function assertLosses(got: LossesMessage, want: CompareResult, side: string): void {
  assert.equal(got.labels.length, want.labels.length, `${side}: labels`);
  got.labels.forEach((label, l) => {
    const expected = want.labels[l]!;
    assert.equal(label.label, expected.label);
    for (const [id, v] of Object.entries(expected.volume)) {
      assert.ok(Math.abs(label.volume[id as LossId] - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${side} volume ${id}: ${label.volume[id as LossId]} ≠ ${v}`);
    }
    expected.slices.forEach((row, i) => {
      for (const [id, v] of Object.entries(row.losses)) {
        const g = label.slices[i]!.losses[id as LossId];
        assert.ok(Math.abs(g - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${side} slice ${i} ${id}: ${g} ≠ ${v}`);
      }
    });
  });
}

suite('compare editor: two predictions against one label', () => {
  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    root = folder.uri;
    const extension = vscode.extensions.getExtension('mask-inspector.mask-inspector')!;
    await extension.activate();
    const sample = vscode.Uri.joinPath(extension.extensionUri, 'sample');
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(sample, 'predictions', 'liver_001.nii.gz'), file('versus/modelA/liver_001.nii.gz'), { overwrite: true });
    // Model B: a perfect prediction (the label itself), so B's numbers differ from A's everywhere A errs.
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(sample, 'labelsTr', 'liver_001.nii.gz'), file('versus/modelB/liver_001.nii.gz'), { overwrite: true });
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(sample, 'labelsTr', 'liver_001.nii.gz'), file('versus/labelsTr/liver_001.nii.gz'), { overwrite: true });
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Compare Two Predictions from an Explorer selection of three: A and B numbers equal two comparePair runs', async () => {
    const a = file('versus/modelA/liver_001.nii.gz');
    const b = file('versus/modelB/liver_001.nii.gz');
    const label = file('versus/labelsTr/liver_001.nii.gz');
    const start = (await snapshot(a)).posted.length;
    // As the Explorer calls it: the clicked file, then every selected file (the label in the middle).
    await vscode.commands.executeCommand('maskInspector.compareTwoPredictions', a, [a, label, b]);
    const init = await waitFor('init', a, (log) => log.posted.slice(start).find((m) => m['type'] === 'init') as InitMessage | undefined);
    assert.equal(init.pair.predictionName, 'versus/modelA/liver_001.nii.gz');
    assert.equal(init.pair.labelName, 'versus/labelsTr/liver_001.nii.gz');
    assert.equal(init.pair.versus?.predictionName, 'versus/modelB/liver_001.nii.gz');
    assert.equal(init.pair.versus?.predictionKind, 'labels');
    const axis = init.state?.axis ?? 'k';

    const posted = async () => (await snapshot(a)).posted.slice(start);
    const find = <T>(type: string, side: 'a' | 'b') => async (): Promise<T | undefined> =>
      (await posted()).find((m) => m['type'] === type && m['axis'] === axis && (m['side'] ?? 'a') === side) as T | undefined;
    const lossesA = await poll(find<LossesMessage>('losses', 'a'));
    const lossesB = await poll(find<LossesMessage>('losses', 'b'));
    const metricsA = await poll(find<MetricsMessage>('metrics', 'a'));
    const metricsB = await poll(find<MetricsMessage>('metrics', 'b'));

    const labelVolume = () => readVolumeFile(label.fsPath);
    const options = { kind: 'auto' as const, axis, params: DEFAULT_LOSS_PARAMS, metrics: 'all' as const };
    const expectedA = comparePair(readVolumeFile(a.fsPath), labelVolume(), options);
    const expectedB = comparePair(readVolumeFile(b.fsPath), labelVolume(), options);
    assertLosses(lossesA, expectedA, 'A');
    assertLosses(lossesB, expectedB, 'B');
    for (const [got, want, side] of [[metricsA, expectedA, 'A'], [metricsB, expectedB, 'B']] as const) {
      got.labels.forEach((l, i) => {
        assert.deepEqual(l.volume, plain(want.labels[i]!.metrics), `${side} label ${l.label}: volume metrics`);
        assert.deepEqual(l.slices, plain(want.labels[i]!.slices.map((s) => s.metrics)), `${side} label ${l.label}: slice metrics`);
      });
    }
    // The two sides really differ (A is not perfect), so a mix-up would show.
    assert.notEqual(lossesA.labels[0]!.volume.dice, lossesB.labels[0]!.volume.dice);

    // Slices carry B's values beside A's, one slice at a time, at the exact size.
    const slice = await poll(async () => (await posted()).find((m) => m['type'] === 'slice') as
      { width: number; height: number; prediction: { bytes: number }; predictionB: { bytes: number } } | undefined);
    assert.equal(slice.predictionB.bytes, slice.width * slice.height * 4);
    assert.equal(slice.prediction.bytes, slice.width * slice.height * 4);

    // As the paired report opens it: file paths and the slice to show; the open editor goes there.
    const before = (await posted()).filter((m) => m['type'] === 'init').length;
    await vscode.commands.executeCommand('maskInspector.compareTwoPredictions', { predictionA: a.fsPath, predictionB: b.fsPath, label: label.fsPath, axis: 'k', slice: 7 });
    const again = await poll(async () => (await posted()).filter((m) => m['type'] === 'init')[before] as unknown as InitMessage | undefined);
    assert.deepEqual([again.state?.axis, again.state?.index], ['k', 7]);
    assert.equal(again.pair.versus?.predictionName, 'versus/modelB/liver_001.nii.gz');
  });
});

async function poll<T>(find: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) assert.fail('timed out waiting for the three-way editor');
    await new Promise((r) => setTimeout(r, 50));
  }
}
