/**
 * Splitting slices over worker threads changes nothing: results with 1, 2 and 3 threads are
 * bit-identical (slice rows and the merged volume Lovasz), for soft, 4D and hard predictions,
 * and along every axis (checked against the transposed volume compared along k).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import { preparePair } from '../../src/core/analysis/inputs';
import type { Axis, PredictionKindOption } from '../../src/core/analysis/result';
import { DEFAULT_LOSS_PARAMS, LOSS_IDS } from '../../src/core/kernels/lossIds';
import { compareInParallel } from '../../src/worker/rangePool';
import { closeToSpec, memoryVolume, repoRoot } from './helpers/fixtures';

const workerFile = join(repoRoot, 'dist', 'rangeWorker.js');

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) / 2147483647);
}

function volumes(dims: [number, number, number], channels: number, seed: number) {
  const rand = random(seed);
  const n = dims[0] * dims[1] * dims[2];
  const label = Float64Array.from({ length: n }, () => Math.floor(rand() * channels));
  const prediction = new Float64Array(n * channels);
  for (let v = 0; v < n; v++) {
    const w = Array.from({ length: channels }, (_, c) => (c === label[v] ? 2 : 0) + rand());
    const total = w.reduce((a, b) => a + b, 0);
    w.forEach((x, c) => { prediction[c * n + v] = channels > 1 ? x / total : Math.round(rand() * 8) / 8; });
  }
  return { label, prediction };
}

async function assertSameAcrossThreads(pred: ReturnType<typeof memoryVolume>, label: ReturnType<typeof memoryVolume>, kind: PredictionKindOption, axis: Axis) {
  const pair = preparePair(pred, label, kind);
  const options = { kind, axis, params: DEFAULT_LOSS_PARAMS };
  const one = await compareInParallel(pair, options, 1, workerFile);
  for (const jobs of [2, 3]) {
    const many = await compareInParallel(pair, options, jobs, workerFile);
    assert.deepEqual(many, one, `${jobs} threads differ from 1 (${kind}, axis ${axis})`);
  }
  return one;
}

describe('worker threads', () => {
  test('soft binary prediction, every axis', async () => {
    const dims: [number, number, number] = [11, 7, 9];
    const { label, prediction } = volumes(dims, 1, 3);
    const bin = label.map((v) => (v > 0 ? 1 : 0));
    for (const axis of ['i', 'j', 'k'] as const) {
      await assertSameAcrossThreads(memoryVolume('p', dims, prediction), memoryVolume('l', dims, Float64Array.from(bin)), 'probability', axis);
    }
  });
  test('logits', async () => {
    const dims: [number, number, number] = [8, 8, 6];
    const { prediction } = volumes(dims, 1, 5);
    const logits = prediction.map((p) => (p - 0.5) * 12);
    const label = prediction.map((p, i) => (p > 0.5 !== (i % 7 === 0) ? 1 : 0));
    await assertSameAcrossThreads(memoryVolume('p', dims, logits), memoryVolume('l', dims, Float64Array.from(label)), 'logits', 'k');
  });
  test('4D class probabilities with the Lovasz-Softmax merged across threads', async () => {
    const dims: [number, number, number] = [6, 5, 7];
    const { label, prediction } = volumes(dims, 3, 7);
    const r = await assertSameAcrossThreads(memoryVolume('p', [...dims, 3], prediction), memoryVolume('l', dims, label), 'auto', 'k');
    assert.ok(r.multiclass && r.multiclass.volume.lovaszSoftmax > 0);
  });
  test('hard label-map prediction', async () => {
    const dims: [number, number, number] = [9, 6, 5];
    const { label } = volumes(dims, 4, 11);
    const pred = label.map((v, i) => (i % 5 === 0 ? (v + 1) % 4 : v));
    const r = await assertSameAcrossThreads(memoryVolume('p', dims, Float64Array.from(pred)), memoryVolume('l', dims, label), 'auto', 'j');
    assert.equal(r.predictionKind, 'labels');
    assert.deepEqual(r.labels.map((l) => l.label), [1, 2, 3]);
  });
});

describe('axes', () => {
  test('axis j of a volume equals axis k of its (i, k, j) transpose', () => {
    const dims: [number, number, number] = [5, 4, 3];
    const { label, prediction } = volumes(dims, 1, 13);
    const bin = label.map((v) => (v > 0 ? 1 : 0));
    const [nx, ny, nz] = dims;
    const t = (src: Float64Array) => {
      const out = new Float64Array(src.length); // out dims [nx, nz, ny]: out(i, k, j) = src(i, j, k)
      for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[i + nx * (k + nz * j)] = src[i + nx * (j + ny * k)]!;
      return out;
    };
    const params = DEFAULT_LOSS_PARAMS;
    const alongJ = comparePair(memoryVolume('p', dims, prediction), memoryVolume('l', dims, bin), { kind: 'probability', axis: 'j', params });
    const tDims: [number, number, number] = [nx, nz, ny];
    const alongK = comparePair(memoryVolume('p', tDims, t(prediction)), memoryVolume('l', tDims, t(bin)), { kind: 'probability', axis: 'k', params });
    alongJ.labels[0]!.slices.forEach((row, s) => {
      for (const id of LOSS_IDS) assert.ok(closeToSpec(row.losses[id], alongK.labels[0]!.slices[s]!.losses[id]), `slice ${s} ${id}`);
    });
  });
});
