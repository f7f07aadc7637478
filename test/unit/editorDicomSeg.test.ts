/**
 * The editor's session worker with a DICOM-SEG label: it is placed on the prediction's grid, its
 * segment labels reach the pair (PairInfo.labelNames), and a label slice is the NIfTI twin's slice.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { SessionWorkerClient, type OpenOptions } from '../../src/editor/sessionWorkerClient';
import type { FilePayload } from '../../src/worker/sessionMessages';
import { REPO_ROOT } from './helpers/ioTestUtils';

const WORKER = resolve(REPO_ROOT, 'dist/worker.js');
const DIR = resolve(REPO_ROOT, 'test/fixtures-formats');

function payload(name: string): FilePayload {
  const bytes = readFileSync(resolve(DIR, name));
  return { name, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}
const options = (prediction: FilePayload, label: FilePayload): OpenOptions =>
  ({ prediction, label, underlay: null, kind: 'auto', maxVoxels: 1e9, params: DEFAULT_LOSS_PARAMS, jobs: 1, precomputeAxis: 'k' });

test('a DICOM-SEG label in the editor: names, no geometry warning, slices of the NIfTI twin', async () => {
  const client = new SessionWorkerClient(WORKER);
  try {
    const pair = await client.open(options(payload('pred.nii.gz'), payload('label.seg.dcm')));
    assert.deepEqual(pair.shape, [7, 6, 5]);
    assert.deepEqual(pair.labelNames, { 1: 'liver', 2: 'tumour' });
    assert.ok(pair.warnings.every((w) => !/affines differ|spacing differs/.test(w)), pair.warnings.join(' | '));
    const twin = readVolumeFile(resolve(DIR, 'label.nii.gz'));
    for (const k of [0, 3, 4]) {
      const slice = await client.slice('k', k);
      assert.ok(slice.label);
      const values = Array.from(new Uint8Array(slice.label)).slice(0, 7 * 6);
      assert.deepEqual(values, Array.from(twin.data.subarray(k * 42, (k + 1) * 42)), `slice k=${k}`);
    }
  } finally {
    client.dispose();
  }
});
