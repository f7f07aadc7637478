/**
 * The compare editor inside a real VS Code: open a pair from the sample tree, check the numbers
 * its webview received against comparePair (what `mask-inspector compare` computes), and run
 * the commands a reviewer uses. What passed between host and webview is read through the
 * test-only command maskInspector.test.lastWebviewMessages (registered in test mode only).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { comparePair } from '../../../src/core/analysis/compare';
import type { CompareResult, SliceRow } from '../../../src/core/analysis/result';
import { gatherSlice, sliceGeometry } from '../../../src/core/analysis/slicing';
import { preparePair } from '../../../src/core/analysis/inputs';
import { readVolumeFile } from '../../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS, type LossId } from '../../../src/core/kernels/lossIds';
import type { InitMessage, LossesMessage, MarksMessage, WebviewMessage } from '../../../src/core/protocol';
import { snapshot, waitFor } from './editorProbe';

const EXTENSION_ID = 'mask-inspector.mask-inspector';
const VIEW_TYPE = 'maskInspector.compare';

let root: vscode.Uri;
const file = (relative: string) => vscode.Uri.joinPath(root, relative);


const ofType = <T>(list: Record<string, unknown>[], type: string) => list.filter((m) => m['type'] === type) as unknown as T[];

function expectedResult(prediction: string, label: string): CompareResult {
  return comparePair(readVolumeFile(file(prediction).fsPath), readVolumeFile(file(label).fsPath), { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS });
}

/** The webview's ranking (webview/triage.ts), restated: non-empty first, loss descending, index. */
function ranking(rows: readonly SliceRow[], loss: LossId): number[] {
  return [...rows].sort((a, b) => (a.empty !== b.empty ? (a.empty ? 1 : -1) : b.losses[loss] - a.losses[loss] || a.index - b.index)).map((r) => r.index);
}

function lastState(log: { received: WebviewMessage[] }) {
  return log.received.filter((m): m is Extract<WebviewMessage, { type: 'stateChanged' }> => m.type === 'stateChanged').at(-1);
}

async function closeEditorsOf(uri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === uri.toString());
  await vscode.window.tabGroups.close(tabs);
}

suite('compare editor', () => {
  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration run must open a workspace folder');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    const sample = vscode.Uri.joinPath(extension.extensionUri, 'sample');
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(sample, 'predictions', 'liver_001.nii.gz'));
    } catch {
      assert.fail('sample/ is missing in the repository: run `npm run sample` (node dist-test/bench/make-sample.js) first');
    }
    root = folder.uri;
    await vscode.workspace.fs.copy(sample, vscode.Uri.joinPath(root, 'sample'), { overwrite: true });
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'broken', 'notes.nii.gz'), new TextEncoder().encode('meeting notes, not an image'));
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('opens a prediction with its nnU-Net label and underlay; the losses it received equal comparePair', async () => {
    const uri = file('sample/predictions/liver_001.nii.gz');
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const init = await waitFor('init', uri, (log) => log.received.some((m) => m.type === 'ready') ? ofType<InitMessage>(log.posted, 'init')[0] : undefined);
    assert.equal(init.pair.predictionName, 'sample/predictions/liver_001.nii.gz');
    assert.equal(init.pair.labelName, 'sample/labelsTr/liver_001.nii.gz');
    assert.equal(init.pair.underlayName, 'sample/imagesTr/liver_001_0000.nii.gz');
    assert.equal(init.pair.predictionKind, 'probability');
    assert.deepEqual(init.pair.shape, [128, 128, 40]);
    assert.equal(init.overlay.tpColor, '#009E73');

    const losses = await waitFor('losses along k', uri, (log) => ofType<LossesMessage>(log.posted, 'losses').find((m) => m.axis === 'k'));
    const expected = expectedResult('sample/predictions/liver_001.nii.gz', 'sample/labelsTr/liver_001.nii.gz');
    assert.equal(losses.labels.length, expected.labels.length);
    losses.labels.forEach((got, l) => {
      const want = expected.labels[l]!;
      assert.equal(got.label, want.label);
      for (const [id, v] of Object.entries(want.volume)) assert.ok(Math.abs(got.volume[id as LossId] - v) <= 1e-9 * Math.max(1, Math.abs(v)), `volume ${id}`);
      want.slices.forEach((row, i) => {
        for (const [id, v] of Object.entries(row.losses)) {
          const g = got.slices[i]!.losses[id as LossId];
          assert.ok(Math.abs(g - v) <= 1e-9 * Math.max(1, Math.abs(v)), `slice ${i} ${id}: ${g} ≠ ${v}`);
        }
      });
    });

    // The webview computed its current-slice loss from what it received.
    const state = await waitFor('stateChanged with a loss', uri, (log) => { const s = lastState(log); return s?.currentLoss != null ? s : undefined; });
    const row = expected.labels.find((l) => l.label === state.state.label)!.slices[state.state.index]!;
    assert.ok(Math.abs(state.currentLoss! - row.losses[state.state.loss]!) <= 1e-9, `current loss ${state.currentLoss} ≠ ${row.losses[state.state.loss]}`);

    // Slices arrive with exact sizes and the file's values.
    const slice = await waitFor('a slice', uri, (log) => ofType<{ index: number; axis: 'k'; width: number; height: number; prediction: { bytes: number; sum: number }; label: { sum: number }; underlay: { bytes: number } | null }>(log.posted, 'slice')[0]);
    assert.equal(slice.prediction.bytes, 128 * 128 * 4);
    const pair = preparePair(readVolumeFile(file('sample/predictions/liver_001.nii.gz').fsPath), readVolumeFile(file('sample/labelsTr/liver_001.nii.gz').fsPath), 'auto');
    const { width, height } = sliceGeometry(pair.prediction.dims, slice.axis);
    const values = new Float32Array(width * height);
    gatherSlice(pair.prediction.data, pair.prediction.dims, slice.axis, slice.index, 0, values);
    assert.equal(slice.prediction.sum, values.reduce((a, b) => a + b, 0));
    assert.equal(slice.underlay?.bytes, 128 * 128 * 4);
  });

  test('Worst / Next Worst Slice follow the dice ranking; Mark Reviewed survives closing and reopening', async () => {
    const uri = file('sample/predictions/liver_001.nii.gz');
    const before = (await snapshot(uri)).posted.length;
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const losses = await waitFor('losses', uri, (log) => ofType<LossesMessage>(log.posted.slice(before), 'losses')[0]);
    const order = ranking(losses.labels[0]!.slices, 'dice');

    await vscode.commands.executeCommand('maskInspector.worstSlice');
    await waitFor(`the worst slice ${order[0]}`, uri, (log) => (lastState(log)?.state.index === order[0] ? true : undefined));
    await vscode.commands.executeCommand('maskInspector.nextWorstSlice');
    await waitFor(`the next worst slice ${order[1]}`, uri, (log) => (lastState(log)?.state.index === order[1] ? true : undefined));

    await vscode.commands.executeCommand('maskInspector.markSliceReviewed');
    await waitFor('the reviewed mark', uri, (log) => ofType<MarksMessage>(log.posted, 'marks').find((m) => m.marks.some((k) => k.index === order[1] && k.reviewed)));

    await closeEditorsOf(uri);
    const inits = ofType<InitMessage>((await snapshot(uri)).posted, 'init').length;
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const reopened = await waitFor('init after reopening', uri, (log) => ofType<InitMessage>(log.posted, 'init')[inits]);
    assert.ok(reopened.marks.some((m) => m.axis === 'k' && m.index === order[1] && m.reviewed), `marks after reopening: ${JSON.stringify(reopened.marks)}`);
    assert.equal(reopened.state?.index, order[1], 'reopens on the slice it was closed on');
  });

  test('Compare Masks on two selected files, then Swap', async () => {
    const prediction = file('sample/predictions/liver_002.nii.gz');
    const label = file('sample/labelsTr/liver_002.nii.gz');
    // Explorer order label-first: the roles come from the folder names.
    await vscode.commands.executeCommand('maskInspector.compareMasks', label, [label, prediction]);
    const init = await waitFor('init', prediction, (log) => ofType<InitMessage>(log.posted, 'init')[0]);
    assert.equal(init.pair.predictionName, 'sample/predictions/liver_002.nii.gz');
    assert.equal(init.pair.labelName, 'sample/labelsTr/liver_002.nii.gz');
    assert.equal(init.pair.predictionKind, 'labels');
    assert.deepEqual(init.pair.labels, [1, 2]);
    await waitFor('losses', prediction, (log) => ofType<LossesMessage>(log.posted, 'losses')[0]);

    await vscode.commands.executeCommand('maskInspector.swap');
    const swapped = await waitFor('init after swap', prediction, (log) => ofType<InitMessage>(log.posted, 'init')[1]);
    assert.equal(swapped.pair.predictionName, 'sample/labelsTr/liver_002.nii.gz');
    assert.equal(swapped.pair.labelName, 'sample/predictions/liver_002.nii.gz');
    const after = await waitFor('losses after swap', prediction, (log) => {
      const all = log.posted;
      const at = all.findIndex((m) => m === all.filter((x) => x['type'] === 'init')[1]);
      return ofType<LossesMessage>(all.slice(at), 'losses')[0];
    });
    const expected = expectedResult('sample/labelsTr/liver_002.nii.gz', 'sample/predictions/liver_002.nii.gz');
    assert.ok(Math.abs(after.labels[0]!.volume.dice - expected.labels[0]!.volume.dice) <= 1e-12);
  });

  test('a swap the data cannot take is refused with the file named, and the pair stays open', async () => {
    const uri = file('sample/predictions/liver_001.nii.gz');
    const start = (await snapshot(uri)).posted.length;
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    await waitFor('init', uri, (log) => ofType<InitMessage>(log.posted.slice(start), 'init')[0]);
    await vscode.commands.executeCommand('maskInspector.swap');
    const error = await waitFor('an error', uri, (log) => ofType<{ message: string }>(log.posted.slice(start), 'error')[0]);
    assert.match(error.message, /liver_001\.nii\.gz: the label map holds non-integer values/);
    assert.equal(ofType<InitMessage>((await snapshot(uri)).posted.slice(start), 'init').length, 1, 'no new pair after a refused swap');
  });

  test('a file that is not an image shows the failed state in the editor naming the file', async () => {
    const uri = file('broken/notes.nii.gz');
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    // `failed`, not a dismissible `error`: the page shows an empty state with next steps.
    const failed = await waitFor('a failed state', uri, (log) => ofType<{ file: string | null; message: string }>(log.posted, 'failed')[0]);
    assert.equal(failed.file, 'broken/notes.nii.gz');
    assert.match(failed.message, /neither NIfTI nor PNG/);
  });
});
