/**
 * The CLI's slab ring (src/worker/ringCompare.ts): the prediction held RING_SLOTS slabs at a time
 * gives exactly the plain path's result (comparePair over readInputFile) — losses, per-slice and
 * 3D metrics — and gives up (null, nothing left running) when the whole file prepares the pair
 * differently from the first slabs. Also the pieces it rests on: the value scan through windows,
 * the 3D metrics from per-slice planes, and a slab window read at global slice indices.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { after, describe, test } from 'node:test';
import { metricSettingsOf, type CompareOptions } from '../../src/core/analysis/compare';
import { computeRange } from '../../src/core/analysis/computeRange';
import { preparePair } from '../../src/core/analysis/inputs';
import { directedDistancesOf, type PlaneRect } from '../../src/core/analysis/boxMetrics';
import { computeVolumeMetrics, volumeMetricsFromPlanes, volumeMetricsFromPlanesSplit } from '../../src/core/analysis/volumeMetrics';
import { scanValues, ValueScanner } from '../../src/core/analysis/valueScan';
import { DEFAULT_MAX_VOXELS } from '../../src/core/io/volume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { CONVENTIONS } from '../../src/core/kernels/conventions/conventionIds';
import { DEFAULT_CONVENTION_PARAMS } from '../../src/core/kernels/conventions/conventionParams';
import { M_FIELDS, M_FN, M_FP, M_HD, M_TP } from '../../src/core/kernels/metricIds';
import { decodeIntoShared } from '../../src/worker/decodeFiles';
import { compareThroughRing, planRing, RING_SLOTS } from '../../src/worker/ringCompare';
import { SlabRunner } from '../../src/worker/slabRunner';
import { repoRoot } from './helpers/fixtures';
import { failsAsThePlainPath, plainCompare } from './helpers/comparePaths';
import { gzip, writeNifti } from './helpers/niftiWriter';

const workerFile = join(repoRoot, 'dist', 'rangeWorker.js');
const dir = mkdtempSync(join(tmpdir(), 'mi-ring-'));
const workers: Worker[] = [];
after(async () => {
  await Promise.all(workers.map((w) => w.terminate()));
  rmSync(dir, { recursive: true, force: true });
});

const dims: [number, number, number] = [40, 36, 50];
const plane = dims[0] * dims[1];
const n = plane * dims[2];
const pixdim = [1, 0.7, 0.9, 1.3, 1];
const srow = [0.7, 0, 0, 0, 0, 0.9, 0, 0, 0, 0, 1.3, 0];

/** Two offset balls (label 1 and a small label 2 inside), a smooth noisy prediction; `hardBelow` slices hold only 0/1, `scale` stretches values. */
function pair(seed: number, hardBelow = 0, scale = 1): { label: Uint8Array; prediction: Float32Array } {
  let s = seed;
  const rand = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  const label = new Uint8Array(n);
  const prediction = new Float32Array(n);
  for (let z = 0; z < dims[2]; z++) {
    for (let y = 0; y < dims[1]; y++) {
      for (let x = 0; x < dims[0]; x++) {
        const i = x + dims[0] * (y + dims[1] * z);
        const r = Math.hypot((x - 18) / 12, (y - 17) / 10, (z - 24) / 15);
        label[i] = r <= 1 ? 1 : 0;
        const p = 1 / (1 + Math.exp((Math.hypot((x - 20) / 12, (y - 18) / 11, (z - 27) / 14) - 1) * 10 + (rand() - 0.5)));
        prediction[i] = z < hardBelow ? (p >= 0.5 ? 1 : 0) : p * scale;
      }
    }
  }
  return { label, prediction };
}

function write(name: string, dtype: 'float32' | 'float64' | 'uint8', values: Float32Array | Float64Array | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, gzip(writeNifti({ shape: dims, dtype, values, pixdim, srow })));
  return path;
}

const base: CompareOptions = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'all' };

/** compareThroughRing on one worker (or none: this thread alone) with slabs of `slabSlices` slices. */
async function throughRing(pred: string, label: string, options: CompareOptions, slabSlices: number, withWorker = true) {
  const pool: Worker[] = [];
  if (withWorker) {
    const worker = new Worker(workerFile);
    workers.push(worker);
    worker.setMaxListeners(0);
    pool.push(worker);
  }
  const bytes = new Uint8Array(readFileSync(pred));
  const ring = planRing(bytes, pred, DEFAULT_MAX_VOXELS, options.axis, plane * slabSlices);
  assert.ok(ring !== null, 'the ring applies to a gzipped float32 NIfTI with more slabs than slots');
  assert.ok(ring.slabs > RING_SLOTS);
  const labelTask = decodeIntoShared(new Uint8Array(readFileSync(label)), label, { maxVoxels: DEFAULT_MAX_VOXELS, scan: true });
  const metrics = metricSettingsOf(options);
  const runner = new SlabRunner(pool, options, metrics, metrics.level === 'all', true);
  return compareThroughRing(bytes, ring, labelTask, runner, options, metrics, pool);
}

describe('slab ring (CLI compare)', () => {
  const soft = pair(11);
  const pred = write('pred.nii.gz', 'float32', soft.prediction);
  const label = write('label.nii.gz', 'uint8', soft.label);

  test('equals the plain path: every metric, losses only, logits, float64, a float label map, conventions, slabs of 1, 3 and 6 slices', async () => {
    const logits = write('logits.nii.gz', 'float32', Float32Array.from(soft.prediction, (p) => Math.log(p / (1 - p))));
    const double = write('pred64.nii.gz', 'float64', Float64Array.from(soft.prediction, (p) => p * 0.999));
    const hard = write('hard.nii.gz', 'float32', Float32Array.from(soft.prediction, (p) => (p >= 0.5 ? 1 : 0))); // a label map stored as float
    const cases: [string, CompareOptions][] = [
      [double, base], [hard, base],
      [pred, base], [pred, { ...base, metrics: 'none' }], [pred, { ...base, metrics: 'overlap', metricParams: { threshold: 0.3 } }],
      [logits, base], [pred, { ...base, conventions: { conventions: CONVENTIONS, params: DEFAULT_CONVENTION_PARAMS } }],
    ];
    for (const [p, options] of cases) {
      const expected = plainCompare(p, label, options);
      for (const slabSlices of [1, 3, 6]) {
        const got = await throughRing(p, label, options, slabSlices);
        assert.ok(got !== null, `the ring did not give up: ${p} ${JSON.stringify(options.metrics)} ${slabSlices}`);
        assert.deepStrictEqual(got, expected, `${p}, metrics ${options.metrics}, slabs of ${slabSlices}`);
      }
      // This thread alone (--jobs 1): it computes each slab when the ring is full.
      assert.deepStrictEqual(await throughRing(p, label, options, 2, false), expected, `${p}, metrics ${options.metrics}, no worker`);
    }
  });

  test('gives up when the whole file prepares the pair otherwise: a kind or a clamp the first slabs did not show', async () => {
    const mixed = write('mixed.nii.gz', 'float32', pair(12, 30).prediction); // 0/1 only below slice 30
    const stretched = pair(13).prediction;
    stretched[plane * 45] = 1.5; // a value above 1 late in the file: logits, not probabilities
    const late = write('late.nii.gz', 'float32', stretched);
    for (const p of [mixed, late]) assert.equal(await throughRing(p, label, base, 2), null, p);
  });

  test('a prediction whose stream ends early: the plain reader\'s error, through compare (the ring applies to its header)', async () => {
    const whole = gzip(writeNifti({ shape: dims, dtype: 'float32', values: soft.prediction, pixdim, srow }));
    const cut = join(dir, 'cut.nii.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    assert.ok(planRing(new Uint8Array(readFileSync(cut)), cut, DEFAULT_MAX_VOXELS, 'k', plane * 2) !== null);
    await failsAsThePlainPath(cut, label, base, /truncated|unexpected end/i, plane * 2);
  });

  test('a float prediction whose stream holds more than its header says (a bomb): the plain reader\'s error', async () => {
    const header = writeNifti({ shape: dims, dtype: 'float32', pixdim, srow, writeVoxels: 0 });
    const bomb = join(dir, 'bomb.nii.gz');
    writeFileSync(bomb, gzip(Buffer.concat([header, Buffer.alloc(n * 4 + (4 << 20))])));
    assert.ok(planRing(new Uint8Array(readFileSync(bomb)), bomb, DEFAULT_MAX_VOXELS, 'k', plane * 2) !== null);
    await failsAsThePlainPath(bomb, label, base, /decompresses to more than/, plane * 2);
  });

  test('does not apply along j or i, to an integer prediction, or when the ring would hold every slab', () => {
    const bytes = new Uint8Array(readFileSync(pred));
    assert.equal(planRing(bytes, pred, DEFAULT_MAX_VOXELS, 'j', plane), null);
    assert.equal(planRing(bytes, pred, DEFAULT_MAX_VOXELS, 'k', plane * 13), null); // 4 slabs of 13 slices: no gain
    const labelBytes = new Uint8Array(readFileSync(label));
    assert.equal(planRing(labelBytes, label, DEFAULT_MAX_VOXELS, 'k', plane), null);
  });
});

describe('what the ring rests on', () => {
  const soft = pair(21);
  const volume = (data: Float32Array | Uint8Array) => ({
    source: 'x', format: 'nifti1' as const, dims, spacing: [0.7, 0.9, 1.3] as [number, number, number],
    affine: [0.7, 0, 0, 0, 0, 0.9, 0, 0, 0, 0, 1.3, 0, 0, 0, 0, 1], data, sourceDtype: 'float32' as const, scaled: false,
  });
  const prepared = preparePair(volume(soft.prediction), volume(soft.label), 'auto');

  test('a value scan through windows equals the scan of the whole array, first positions included', () => {
    const values = soft.prediction.slice();
    values[plane * 33 + 7] = NaN;
    values[plane * 41] = 2.5;
    const scanner = new ValueScanner(new Float32Array(plane * 4), n);
    for (let z = 0; z < dims[2]; z += 4) {
      const window = new Float32Array(values.subarray(z * plane, Math.min(n, (z + 4) * plane)));
      scanner.view(window, z * plane);
      for (let at = z * plane; at < z * plane + window.length; at += 1000) scanner.add(at, Math.min(z * plane + window.length, at + 1000));
    }
    const expected = scanValues(values);
    assert.deepStrictEqual(scanner.result().scan, expected);
    assert.equal(expected.firstNonFinite, plane * 33 + 7);
  });

  test('a slab window at global slice indices gives the whole volume\'s numbers (Lovasz keys are tagged by slice)', () => {
    const metrics = metricSettingsOf(base);
    const whole = computeRange(prepared, 'k', DEFAULT_LOSS_PARAMS, 10, 17, true, metrics);
    const window = { ...prepared, prediction: { ...prepared.prediction, data: soft.prediction.slice(10 * plane, 17 * plane) }, predictionFirstSlice: 10 };
    const slab = computeRange(window, 'k', DEFAULT_LOSS_PARAMS, 10, 17, true, metrics);
    assert.deepStrictEqual(slab, whole);
    assert.throws(() => computeRange(window, 'j', DEFAULT_LOSS_PARAMS, 0, 2, true, metrics), /internal: a prediction slab window/);
  });

  test('the 3D metrics from per-slice planes equal computeVolumeMetrics, with half the distances elsewhere too', async () => {
    const metrics = metricSettingsOf(base);
    const expected = computeVolumeMetrics(prepared, metrics);
    const range = computeRange(prepared, 'k', DEFAULT_LOSS_PARAMS, 0, dims[2], false, metrics, null, true);
    const planes = range.planes as PlaneRect[][];
    assert.ok(planes[0]!.length > 10, 'the ball spans many planes');
    const rows = range.labels[0]!.metrics!;
    const counts = new Float64Array(3);
    for (let o = 0; o < rows.length; o += M_FIELDS) {
      counts[0]! += rows[o + M_FN]!;
      counts[1]! += rows[o + M_FP]!;
      counts[2]! += rows[o + M_TP]!;
    }
    assert.deepStrictEqual(volumeMetricsFromPlanes(prepared, metrics, planes, [counts]), expected);
    assert.ok(Number.isFinite(expected.labels[0]![M_HD]!), 'both masks have a surface');
    // Half of the distances elsewhere (here: later, on a copy of the box, as a worker would).
    let asked = 0;
    const split = await volumeMetricsFromPlanesSplit(prepared, metrics, planes, [counts], async (codes, box, sp, seedBit, queryBit) => {
      asked++;
      const copy = codes.slice();
      await new Promise((resolve) => setImmediate(resolve));
      return directedDistancesOf(copy, box, sp, seedBit, queryBit);
    });
    assert.equal(asked, 1);
    assert.deepStrictEqual(split, expected);
  });
});
