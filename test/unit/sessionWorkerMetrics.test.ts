/**
 * The session worker's evaluation metrics (dist/worker.js, through the host's client): a
 * `metrics` request after the losses equals comparePair with the same settings on every axis,
 * levels 'overlap' and 'none' do what they say, and slice requests are answered while the
 * metrics are being computed (they run on the range workers, not the session thread).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { comparePair } from '../../src/core/analysis/compare';
import type { Axis } from '../../src/core/analysis/result';
import { readVolume } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { DEFAULT_METRIC_PARAMS, type MetricSettings } from '../../src/core/kernels/metricIds';
import { SessionWorkerClient, type OpenOptions } from '../../src/editor/sessionWorkerClient';
import type { FilePayload } from '../../src/worker/sessionMessages';
import { makeSyntheticPair } from '../bench/synthetic';
import { FIXTURES_DIR, REPO_ROOT } from './helpers/ioTestUtils';
import { writeNifti } from './helpers/niftiWriter';

const WORKER = resolve(REPO_ROOT, 'dist/worker.js');
const ALL: MetricSettings = { ...DEFAULT_METRIC_PARAMS, level: 'all' };

function fixture(file: string): FilePayload {
  const bytes = readFileSync(resolve(FIXTURES_DIR, 'files', file));
  return { name: file, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}

function open(prediction: FilePayload, label: FilePayload, jobs: number): OpenOptions {
  return { prediction, label, underlay: null, kind: 'auto', maxVoxels: 1e9, params: DEFAULT_LOSS_PARAMS, jobs, precomputeAxis: 'k' };
}

/** What crossed the thread boundary, as JSON, against the engine's numbers. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

for (const [prediction, label] of [['prob_f32.nii.gz', 'labels_u8.nii.gz'], ['labels_u16.nii.gz', 'labels_u8.nii.gz']] as const) {
  for (const jobs of [1, 2]) {
    test(`metrics equal comparePair on every axis (${prediction} vs ${label}, ${jobs} job${jobs > 1 ? 's' : ''})`, async () => {
      const client = new SessionWorkerClient(WORKER);
      try {
        const pair = await client.open(open(fixture(prediction), fixture(label), jobs));
        const settings: MetricSettings = { ...ALL, threshold: 0.4, toleranceMm: 2 };
        for (const axis of ['k', 'j', 'i'] as Axis[]) {
          const reply = await client.metrics(axis, settings);
          assert.equal(reply.generation, pair.generation);
          assert.deepEqual(reply.settings, settings);
          const expected = comparePair(
            readVolume(readFileSync(resolve(FIXTURES_DIR, 'files', prediction)), prediction),
            readVolume(readFileSync(resolve(FIXTURES_DIR, 'files', label)), label),
            { kind: 'auto', axis, params: DEFAULT_LOSS_PARAMS, metricParams: { threshold: 0.4, toleranceMm: 2 } });
          assert.deepEqual(reply.labels.map((l) => l.label), expected.labels.map((l) => l.label));
          reply.labels.forEach((got, i) => {
            const want = expected.labels[i]!;
            assert.deepEqual(plain(got.volume), plain(want.metrics), `${axis} label ${want.label}: volume`);
            assert.deepEqual(plain(got.slices), plain(want.slices.map((s) => s.metrics)), `${axis} label ${want.label}: slices`);
            assert.equal(got.hausdorffVoxel?.distanceMm ?? null, want.metrics!.hausdorff, `${axis} label ${want.label}: HD voxel`);
          });
        }
        const overlap = await client.metrics('k', { ...ALL, level: 'overlap' });
        assert.ok(overlap.labels.every((l) => l.hausdorffVoxel === null && !('hd95' in l.volume)));
        assert.deepEqual((await client.metrics('k', { ...ALL, level: 'none' })).labels, []);
      } finally {
        client.dispose();
      }
    });
  }
}

test('slices are answered while the metrics compute; the metrics wait for the losses', async () => {
  const s = makeSyntheticPair(160, 160, 96);
  const nifti = (name: string, values: ArrayLike<number>, dtype: 'float32' | 'uint8'): FilePayload => {
    const bytes = writeNifti({ shape: [...s.dims], dtype, values, pixdim: [1, ...s.spacing] });
    return { name, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
  };
  const client = new SessionWorkerClient(WORKER);
  try {
    await client.open(open(nifti('pred.nii', s.probability, 'float32'), nifti('label.nii', s.label, 'uint8'), 2));
    const order: string[] = [];
    // Asked before the losses: the worker starts the metrics only once the losses are done.
    const t0 = performance.now();
    const metrics = client.metrics('j', ALL).then((reply) => { order.push('metrics'); return reply; });
    await client.losses('j');
    order.push('losses');
    const lossesMs = performance.now() - t0;
    // While the metrics compute (on the range workers), slices come back at once.
    const sliceMs: number[] = [];
    for (let n = 0; n < 6; n++) {
      const t = performance.now();
      await client.slice('k', 10 + n);
      sliceMs.push(performance.now() - t);
      order.push(`slice ${n}`);
    }
    const reply = await metrics;
    const metricsMs = performance.now() - t0 - lossesMs;
    assert.ok(order.indexOf('losses') < order.indexOf('metrics'), `order: ${order.join(', ')}`);
    assert.ok(order.indexOf('slice 5') < order.indexOf('metrics'),
      `slices answered before the metrics: ${order.join(', ')} (losses ${lossesMs.toFixed(0)} ms, slices ${sliceMs.map((m) => m.toFixed(0)).join('/')} ms, metrics ${metricsMs.toFixed(0)} ms more)`);
    assert.ok(reply.labels[0]!.volume.hd95! > 0);
  } finally {
    client.dispose();
  }
});
