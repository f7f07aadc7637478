/**
 * The editor's session worker on the new formats: a .seg.nrrd label brings its segment names to
 * the pair (PairInfo.labelNames, shown in the label selector and header), an NRRD/MetaImage pair
 * gives the NIfTI pair's losses, and a detached header joined by the host (attachDataFile) opens.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { comparePair } from '../../src/core/analysis/compare';
import { attachDataFile, detachedDataFile } from '../../src/core/io/detached';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { SessionWorkerClient, type OpenOptions } from '../../src/editor/sessionWorkerClient';
import type { FilePayload } from '../../src/worker/sessionMessages';
import { REPO_ROOT } from './helpers/ioTestUtils';

const WORKER = resolve(REPO_ROOT, 'dist/worker.js');
const DIR = resolve(REPO_ROOT, 'test/fixtures-formats');

function payload(name: string, bytes: Uint8Array = readFileSync(resolve(DIR, name))): FilePayload {
  return { name, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}

function options(prediction: FilePayload, label: FilePayload): OpenOptions {
  return { prediction, label, underlay: null, kind: 'auto', maxVoxels: 1e9, params: DEFAULT_LOSS_PARAMS, jobs: 1, precomputeAxis: 'k' };
}

test('a .seg.nrrd label: segment names reach the pair; losses equal the NIfTI pair\'s', async () => {
  const client = new SessionWorkerClient(WORKER);
  try {
    const pair = await client.open(options(payload('label.mha'), payload('label_layers.seg.nrrd')));
    assert.deepEqual(pair.labels, [1, 2]);
    assert.deepEqual(pair.labelNames, { 1: 'liver', 2: 'tumour' });
    assert.deepEqual(pair.warnings, []);
    const expected = comparePair(readVolumeFile(resolve(DIR, 'label.nii.gz')), readVolumeFile(resolve(DIR, 'label.nii.gz')), {
      kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none',
    });
    const reply = await client.losses('k');
    assert.deepEqual(reply.labels.map((l) => [l.label, l.volume.dice]), expected.labels.map((l) => [l.label, l.volume.dice]));
  } finally {
    client.dispose();
  }
});

test('a detached .nhdr joined with its data file opens in the worker', async () => {
  const header = readFileSync(resolve(DIR, 'label_detached.nhdr'));
  const joined = attachDataFile(header, readFileSync(resolve(DIR, detachedDataFile(header)!)));
  const client = new SessionWorkerClient(WORKER);
  try {
    const pair = await client.open(options(payload('pred.nrrd'), payload('label_detached.nhdr', joined)));
    assert.deepEqual(pair.shape, [7, 6, 5]);
    assert.equal(pair.predictionKind, 'probability');
    assert.ok(pair.warnings.every((w) => !/affines differ|spacing differs/.test(w)), pair.warnings.join(' | '));
    assert.equal(pair.labelNames, undefined);
  } finally {
    client.dispose();
  }
});
