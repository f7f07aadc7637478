/**
 * A big pair (256³ voxels, the size from which MaskDocument previews) in a real VS Code: the
 * editor may be initialised from the preview while the prediction still decodes, then again
 * with the prepared pair. Whatever the order the webview and the decoder finish in, every slice
 * it was sent must hold the file's values, both inits must describe the same pair, and the
 * losses must come.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import * as vscode from 'vscode';
import type { TestSnapshot } from '../../../src/commands/testMessages';
import { gatherSlice, sliceGeometry } from '../../../src/core/analysis/slicing';
import type { Axis } from '../../../src/core/analysis/result';
import type { InitMessage, LossesMessage } from '../../../src/core/protocol';
import { writeNifti } from '../../unit/helpers/niftiWriter';

const N = 256;
const VIEW_TYPE = 'maskInspector.compare';

function predictionValue(i: number): number {
  const x = i % N, y = Math.floor(i / N) % N, z = Math.floor(i / (N * N));
  const r = Math.hypot(x - 128, y - 120, (z - 128) * 0.8);
  return Math.min(1, Math.max(0, (70 - r) / 20 + ((i * 2654435761) % 97) / 970));
}

function labelValue(i: number): number {
  const x = i % N, y = Math.floor(i / N) % N, z = Math.floor(i / (N * N));
  return Math.hypot(x - 125, y - 125, z - 128) < 65 ? 1 : 0;
}

interface PostedSlice {
  axis: Axis; index: number; width: number; height: number;
  prediction: { bytes: number; sum: number | null }; label: { bytes: number; sum: number | null } | null; labelType?: string;
}

suite('compare editor, big pair (preview while decoding)', () => {
  test('slices sent before and after the pair is prepared hold the file\'s values; both inits agree; losses come', async function () {
    this.timeout(180_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const dir = join(folder.uri.fsPath, 'preview', 'predictions');
    const labelDir = join(folder.uri.fsPath, 'preview', 'labelsTr');
    mkdirSync(dir, { recursive: true });
    mkdirSync(labelDir, { recursive: true });
    const n = N * N * N;
    const prediction = new Float32Array(n);
    const label = new Uint8Array(n);
    for (let i = 0; i < n; i++) { prediction[i] = predictionValue(i); label[i] = labelValue(i); }
    const fast = { level: 1 };
    writeFileSync(join(dir, 'big.nii.gz'), zlib.gzipSync(writeNifti({ shape: [N, N, N], dtype: 'float32', values: prediction }), fast));
    writeFileSync(join(labelDir, 'big.nii.gz'), zlib.gzipSync(writeNifti({ shape: [N, N, N], dtype: 'uint8', values: label }), fast));
    const uri = vscode.Uri.file(join(dir, 'big.nii.gz'));

    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const deadline = Date.now() + 150_000;
    let posted: Record<string, unknown>[] = [];
    for (;;) {
      const snap = await vscode.commands.executeCommand<TestSnapshot>('maskInspector.test.lastWebviewMessages', uri.toString());
      posted = (snap.logs[0]?.posted ?? []) as Record<string, unknown>[];
      if (posted.some((m) => m['type'] === 'losses' && m['axis'] === 'k')) break;
      assert.ok(Date.now() < deadline, `timed out waiting for the losses; host posted: ${posted.slice(-8).map((m) => String(m['type'])).join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const inits = posted.filter((m) => m['type'] === 'init') as unknown as InitMessage[];
    assert.ok(inits.length >= 1);
    for (const init of inits) {
      assert.deepEqual(init.pair.shape, [N, N, N]);
      assert.equal(init.pair.predictionKind, 'probability');
      assert.deepEqual(init.pair.labels, inits.at(-1)!.pair.labels);
    }
    const firstInit = posted.findIndex((m) => m['type'] === 'init');
    const lastInit = posted.lastIndexOf(inits.at(-1) as unknown as Record<string, unknown>);
    const slices = posted.filter((m) => m['type'] === 'slice') as unknown as PostedSlice[];
    assert.ok(slices.length > 0, 'slices were sent');
    const earlySlices = posted.slice(firstInit, lastInit).filter((m) => m['type'] === 'slice').length;
    console.log(`preview test: ${inits.length} init(s), ${earlySlices} slice(s) sent between the first and the last`);
    for (const slice of slices.filter((s) => s.prediction.sum !== null)) {
      const { width, height } = sliceGeometry([N, N, N], slice.axis);
      const p = new Float32Array(width * height);
      gatherSlice(prediction, [N, N, N], slice.axis, slice.index, 0, p);
      const l = new Float64Array(width * height);
      gatherSlice(label, [N, N, N], slice.axis, slice.index, 0, l);
      assert.equal(slice.prediction.bytes, width * height * 4);
      assert.equal(slice.prediction.sum, p.reduce((a, b) => a + b, 0), `${slice.axis}:${slice.index} prediction`);
      assert.equal(slice.labelType, 'uint8');
      assert.equal(slice.label?.bytes, width * height);
      assert.equal(slice.label?.sum, l.reduce((a, b) => a + b, 0), `${slice.axis}:${slice.index} label`);
    }
    const losses = posted.find((m) => m['type'] === 'losses') as unknown as LossesMessage;
    assert.equal(losses.labels[0]!.slices.length, N);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
