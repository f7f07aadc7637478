/**
 * The evaluation metrics in the compare editor, inside a real VS Code: after the losses of an
 * axis the host posts a `metrics` message whose numbers equal `mask-inspector compare` (comparePair
 * with metrics 'all' and the editor's settings: the overlay threshold, 1 mm, 26-connected), and
 * "Show Hausdorff Distance Voxel" goes to the slice holding the voxel it names.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { comparePair } from '../../../src/core/analysis/compare';
import { readVolumeFile } from '../../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS } from '../../../src/core/kernels/lossIds';
import type { InitMessage, MetricsMessage, WebviewMessage } from '../../../src/core/protocol';
import { snapshot, waitFor } from './editorProbe';

let root: vscode.Uri;
const file = (relative: string) => vscode.Uri.joinPath(root, relative);


/** JSON-equal: what crossed postMessage against what the engine returns. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

suite('compare editor: evaluation metrics', () => {
  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration run must open a workspace folder');
    root = folder.uri;
    const extension = vscode.extensions.getExtension('mask-inspector.mask-inspector')!;
    await extension.activate(); // when this suite runs alone (MOCHA_GREP), nothing else has activated it
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(extension.extensionUri, 'sample'), file('sample'), { overwrite: true });
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the metrics posted after the losses equal comparePair with metrics "all"; Show HD voxel goes to its slice', async () => {
    const uri = file('sample/predictions/liver_001.nii.gz');
    const start = (await snapshot(uri)).posted.length;
    await vscode.commands.executeCommand('vscode.openWith', uri, 'maskInspector.compare');
    const init = await waitFor('init', uri, (log) => log.posted.slice(start).find((m) => m['type'] === 'init') as InitMessage | undefined);
    assert.deepEqual(init.metrics, { level: 'all', threshold: 0.5, toleranceMm: 1, connectivity: 26 });
    const axis = init.state?.axis ?? 'k';
    const metrics = await waitFor(`metrics along ${axis}`, uri, (log) =>
      log.posted.slice(start).find((m) => m['type'] === 'metrics' && m['axis'] === axis) as MetricsMessage | undefined);
    const log = (await snapshot(uri)).posted.slice(start);
    const at = (type: string) => log.findIndex((m) => m['type'] === type && m['axis'] === axis);
    assert.ok(at('losses') >= 0 && at('losses') < at('metrics'), `the losses come first: ${log.map((m) => String(m['type'])).join(', ')}`);

    const expected = comparePair(
      readVolumeFile(file('sample/predictions/liver_001.nii.gz').fsPath), readVolumeFile(file('sample/labelsTr/liver_001.nii.gz').fsPath),
      { kind: 'auto', axis, params: DEFAULT_LOSS_PARAMS, metrics: 'all' });
    assert.deepEqual(metrics.settings, expected.metricSettings);
    assert.deepEqual(metrics.labels.map((l) => l.label), expected.labels.map((l) => l.label));
    metrics.labels.forEach((got, i) => {
      const want = expected.labels[i]!;
      assert.deepEqual(got.volume, plain(want.metrics), `label ${want.label}: volume metrics`);
      assert.deepEqual(got.slices, plain(want.slices.map((s) => s.metrics)), `label ${want.label}: slice metrics`);
      assert.ok(got.hausdorffVoxel !== null && got.hausdorffVoxel.distanceMm === want.metrics!.hausdorff, 'the HD voxel is at the HD');
    });

    const hd = metrics.labels[0]!.hausdorffVoxel!;
    const target = axis === 'k' ? hd.voxel[2] : axis === 'j' ? hd.voxel[1] : hd.voxel[0];
    await vscode.commands.executeCommand('maskInspector.showHausdorffVoxel');
    await waitFor(`the slice of the HD voxel (${target})`, uri, (l) => {
      const last = l.received.filter((m): m is Extract<WebviewMessage, { type: 'stateChanged' }> => m.type === 'stateChanged').at(-1);
      return last?.state.index === target ? true : undefined;
    });
  });
});
