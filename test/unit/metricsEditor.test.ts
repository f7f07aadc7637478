/**
 * The metric pieces the editor adds (issue #5 in the compare editor): where the volume's
 * Hausdorff distance is reached (two cubes at a known offset, ties, random masks against a
 * brute-force search), the editor's metrics path (assembleLabelMetrics and RangePool.metrics)
 * against comparePair, and the exact 2D distance map of the hover readout against brute force.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import { preparePair } from '../../src/core/analysis/inputs';
import { assembleLabelMetrics, computeSliceMetrics } from '../../src/core/analysis/metrics';
import { computeVolumeMetrics, type VolumeMetricsResult } from '../../src/core/analysis/volumeMetrics';
import type { Axis } from '../../src/core/analysis/result';
import { sliceGeometry } from '../../src/core/analysis/slicing';
import type { Volume } from '../../src/core/io/volume';
import { distanceMap2d, surface2d } from '../../src/core/kernels/distance2d';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { DEFAULT_METRIC_PARAMS, type MetricSettings } from '../../src/core/kernels/metricIds';
import { RangePool, sharePair } from '../../src/worker/rangePool';
import { memoryVolume, repoRoot } from './helpers/fixtures';
import { referenceSurface, type Dims, type Spacing } from './helpers/referenceMetrics';

const ALL: MetricSettings = { ...DEFAULT_METRIC_PARAMS, level: 'all' };

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) / 2147483647);
}

function volume(name: string, dims: Dims, data: ArrayLike<number>, spacing: Spacing): Volume {
  return { ...memoryVolume(name, dims, Float64Array.from(data)), spacing: [...spacing] as [number, number, number] };
}

function mask(dims: Dims, voxels: readonly (readonly [number, number, number])[]): Uint8Array {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (const [x, y, z] of voxels) m[x + dims[0] * (y + dims[1] * z)] = 1;
  return m;
}

function cube(x0: number, x1: number, y0: number, y1: number, z0: number, z1: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let z = z0; z <= z1; z++) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) out.push([x, y, z]);
  return out;
}

function volumeMetrics(label: Uint8Array, pred: Uint8Array, dims: Dims, spacing: Spacing, settings = ALL): VolumeMetricsResult {
  return computeVolumeMetrics(preparePair(volume('p', dims, pred, spacing), volume('l', dims, label, spacing), 'labels'), settings);
}

function mm(a: readonly number[], b: readonly number[], spacing: Spacing): number {
  return Math.hypot((a[0]! - b[0]!) * spacing[0], (a[1]! - b[1]!) * spacing[1], (a[2]! - b[2]!) * spacing[2]);
}

function coords(index: number, dims: Dims): [number, number, number] {
  return [index % dims[0], Math.floor(index / dims[0]) % dims[1], Math.floor(index / (dims[0] * dims[1]))];
}

describe('metrics: where the Hausdorff distance is reached', () => {
  test('two cubes at a known offset and one stray predicted voxel, spacing (0.5, 1, 2)', () => {
    const dims: Dims = [10, 10, 6];
    const spacing: Spacing = [0.5, 1, 2];
    const label = mask(dims, cube(2, 4, 2, 4, 2, 4));
    // The prediction: the cube moved 3 voxels along i, plus a stray voxel at (7, 8, 2).
    const pred = mask(dims, [...cube(5, 7, 2, 4, 2, 4), [7, 8, 2]]);
    const result = volumeMetrics(label, pred, dims, spacing);
    const hd = result.hausdorffVoxels[0];
    // From the stray voxel the nearest label voxel is the cube's corner (4, 4, 2): 1.5 mm along i, 4 mm along j.
    assert.deepEqual(hd, { voxel: [7, 8, 2], surface: 'prediction', nearest: [4, 4, 2], distanceMm: Math.hypot(1.5, 4) });
    const pair = comparePair(volume('p', dims, pred, spacing), volume('l', dims, label, spacing), { kind: 'labels', axis: 'k', params: DEFAULT_LOSS_PARAMS });
    assert.equal(pair.labels[0]!.metrics!.hausdorff, hd!.distanceMm, 'the same number as the `hausdorff` metric');
    assert.ok(!('hausdorffVoxel' in pair.labels[0]!.metrics!), 'the JSON metrics are unchanged');
  });

  test('a tie between the two directions names the label\'s surface voxel, the first in volume order', () => {
    const dims: Dims = [10, 7, 7];
    const label = mask(dims, cube(2, 4, 2, 4, 2, 4));
    const pred = mask(dims, cube(5, 7, 2, 4, 2, 4));
    const hd = volumeMetrics(label, pred, dims, [1, 1, 1]).hausdorffVoxels[0]!;
    assert.deepEqual(hd, { voxel: [2, 2, 2], surface: 'label', nearest: [5, 2, 2], distanceMm: 3 });
  });

  test('null when a mask is empty or the level is overlap; located per label', () => {
    const dims: Dims = [6, 6, 3];
    const empty = new Uint8Array(6 * 6 * 3);
    const some = mask(dims, cube(1, 2, 1, 2, 1, 1));
    assert.deepEqual(volumeMetrics(some, empty, dims, [1, 1, 1]).hausdorffVoxels, [null]);
    assert.deepEqual(volumeMetrics(empty, some, dims, [1, 1, 1]).hausdorffVoxels, [null]);
    assert.deepEqual(volumeMetrics(some, some, dims, [1, 1, 1], { ...ALL, level: 'overlap' }).hausdorffVoxels, [null]);
    const same = volumeMetrics(some, some, dims, [1, 1, 1]).hausdorffVoxels[0]!;
    assert.deepEqual([same.distanceMm, same.voxel, same.nearest], [0, [1, 1, 1], [1, 1, 1]], 'identical masks: distance 0 at the first surface voxel');
    // A label map with two labels: each label gets its own location.
    const labels = Float64Array.from(mask(dims, cube(0, 1, 0, 1, 0, 0)), (v, i) => v + (coords(i, dims)[0] === 5 && coords(i, dims)[2] === 2 ? 2 : 0));
    const predMap = Float64Array.from(mask(dims, cube(0, 1, 0, 1, 0, 0)), (v, i) => v + (coords(i, dims)[0] === 4 && coords(i, dims)[2] === 2 ? 2 : 0));
    const multi = computeVolumeMetrics(preparePair(volume('p', dims, predMap, [1, 1, 1]), volume('l', dims, labels, [1, 1, 1]), 'labels'), ALL);
    assert.deepEqual(multi.hausdorffVoxels.map((h) => h?.distanceMm), [0, 1]);
    assert.equal(multi.hausdorffVoxels[1]!.surface, 'label');
    assert.deepEqual(multi.hausdorffVoxels[1]!.voxel, [5, 0, 2]);
  });

  test('random masks: the voxel realises the Hausdorff distance and its partner is the nearest other-surface voxel', () => {
    const rand = random(97531);
    const spacings: Spacing[] = [[1, 1, 1], [0.5, 1, 2], [0.8, 1.3, 2.7], [1.5, 0.75, 1]];
    let checked = 0;
    for (let n = 0; n < 120; n++) {
      const dims: Dims = [1 + Math.floor(rand() * 9), 1 + Math.floor(rand() * 8), 1 + Math.floor(rand() * 6)];
      const spacing = spacings[n % spacings.length]!;
      const fill = 0.1 + rand() * 0.5;
      const label = Uint8Array.from({ length: dims[0] * dims[1] * dims[2] }, () => (rand() < fill ? 1 : 0));
      const pred = Uint8Array.from({ length: label.length }, () => (rand() < fill ? 1 : 0));
      const result = volumeMetrics(label, pred, dims, spacing);
      const hd = result.hausdorffVoxels[0];
      const labelSurface = referenceSurface(label, dims).map((i) => coords(i, dims));
      const predSurface = referenceSurface(pred, dims).map((i) => coords(i, dims));
      if (labelSurface.length === 0 || predSurface.length === 0) {
        assert.equal(hd, null, `case ${n}: an empty mask has no location`);
        continue;
      }
      assert.ok(hd, `case ${n}: located`);
      const [from, to] = hd.surface === 'label' ? [labelSurface, predSurface] : [predSurface, labelSurface];
      const where = `case ${n} (${dims.join('×')}, spacing ${spacing.join(', ')})`;
      assert.ok(from.some((v) => v.join() === hd.voxel.join()), `${where}: ${hd.voxel} is on the ${hd.surface} surface`);
      assert.ok(to.some((v) => v.join() === hd.nearest.join()), `${where}: ${hd.nearest} is on the other surface`);
      const nearestFrom = (v: readonly number[]) => Math.min(...to.map((w) => mm(v, w, spacing)));
      const directedMax = (a: [number, number, number][], b: [number, number, number][]) => Math.max(...a.map((v) => Math.min(...b.map((w) => mm(v, w, spacing)))));
      const hausdorff = Math.max(directedMax(labelSurface, predSurface), directedMax(predSurface, labelSurface));
      assert.ok(Math.abs(hd.distanceMm - hausdorff) <= 1e-12 * Math.max(1, hausdorff), `${where}: distance ${hd.distanceMm} vs ${hausdorff}`);
      assert.ok(Math.abs(nearestFrom(hd.voxel) - hausdorff) <= 1e-12 * Math.max(1, hausdorff), `${where}: the voxel realises the distance`);
      assert.ok(Math.abs(mm(hd.voxel, hd.nearest, spacing) - hausdorff) <= 1e-12 * Math.max(1, hausdorff), `${where}: the partner is the nearest`);
      checked++;
    }
    assert.ok(checked > 80, `${checked} non-empty cases`);
  });
});

describe('metrics: the editor\'s path gives the CLI\'s numbers', () => {
  function randomPair(rand: () => number, dims: Dims): { label: Uint8Array; values: Float64Array } {
    const n = dims[0] * dims[1] * dims[2];
    const label = new Uint8Array(n);
    const values = new Float64Array(n);
    const c = [rand() * dims[0], rand() * dims[1], rand() * dims[2]];
    for (let i = 0; i < n; i++) {
      const [x, y, z] = coords(i, dims);
      const r = Math.hypot(x - c[0]!, y - c[1]!, (z - c[2]!) * 1.5);
      label[i] = r < 3 + rand() ? 1 : 0;
      values[i] = Math.min(1, Math.max(0, 1.2 - r / 4 + (rand() - 0.5) * 0.4));
    }
    return { label, values };
  }

  test('assembleLabelMetrics over split slice ranges equals comparePair, every axis and level', () => {
    const rand = random(8642);
    const dims: Dims = [13, 11, 9];
    const spacing: Spacing = [0.8, 1.3, 2.5];
    const { label, values } = randomPair(rand, dims);
    const pair = preparePair(volume('p', dims, values, spacing), volume('l', dims, label, spacing), 'probability');
    for (const level of ['all', 'overlap'] as const) {
      const settings: MetricSettings = { ...DEFAULT_METRIC_PARAMS, level, threshold: 0.4, toleranceMm: 1.5 };
      const volumeRows = level === 'all' ? computeVolumeMetrics(pair, settings) : null;
      for (const axis of ['i', 'j', 'k'] as Axis[]) {
        const { count } = sliceGeometry(pair.prediction.dims, axis);
        const cut = Math.floor(count / 3);
        const ranges = [[cut, count], [0, cut]].map(([start, end]) => ({ start: start!, end: end!, rows: computeSliceMetrics(pair, axis, start!, end!, settings) }));
        const editor = assembleLabelMetrics(pair, settings, ranges, volumeRows);
        const cli = comparePair(volume('p', dims, values, spacing), volume('l', dims, label, spacing), {
          kind: 'probability', axis, params: DEFAULT_LOSS_PARAMS, metrics: level, metricParams: { threshold: 0.4, toleranceMm: 1.5 },
        });
        assert.equal(editor.length, 1);
        assert.deepEqual(editor[0]!.volume, cli.labels[0]!.metrics, `${level} ${axis}: volume`);
        assert.deepEqual(editor[0]!.slices, cli.labels[0]!.slices.map((s) => s.metrics), `${level} ${axis}: slices`);
        assert.equal(editor[0]!.hausdorffVoxel === null, level !== 'all');
      }
    }
  });

  test('RangePool.metrics (range workers: slices split, the 3D job on its own) equals comparePair', async () => {
    const rand = random(1357);
    const dims: Dims = [20, 18, 12];
    const spacing: Spacing = [0.7, 0.7, 2];
    const { label, values } = randomPair(rand, dims);
    const pair = sharePair(preparePair(volume('p', dims, values, spacing), volume('l', dims, label, spacing), 'probability'));
    const pool = new RangePool(2, join(repoRoot, 'dist', 'rangeWorker.js'));
    try {
      for (const axis of ['k', 'j'] as Axis[]) {
        const got = await pool.metrics(pair, axis, ALL);
        const cli = comparePair(volume('p', dims, values, spacing), volume('l', dims, label, spacing), { kind: 'probability', axis, params: DEFAULT_LOSS_PARAMS });
        assert.deepEqual(got[0]!.volume, cli.labels[0]!.metrics, `${axis}: volume`);
        assert.deepEqual(got[0]!.slices, cli.labels[0]!.slices.map((s) => s.metrics), `${axis}: slices`);
        assert.deepEqual(got[0]!.hausdorffVoxel, computeVolumeMetrics(pair, ALL).hausdorffVoxels[0]);
      }
      assert.deepEqual(await pool.metrics(pair, 'k', { ...ALL, level: 'none' }), []);
    } finally {
      await pool.dispose();
    }
  });
});

describe('2D distance map of the hover readout', () => {
  function bruteForce(seeds: Uint8Array, width: number, height: number, wx: number, wy: number): Float64Array {
    const out = new Float64Array(width * height).fill(Infinity);
    for (let p = 0; p < out.length; p++) {
      for (let q = 0; q < out.length; q++) {
        if (!seeds[q]) continue;
        const d = Math.hypot(((p % width) - (q % width)) * wx, (Math.floor(p / width) - Math.floor(q / width)) * wy);
        if (d < out[p]!) out[p] = d;
      }
    }
    return out;
  }

  test('exact against a search over every seed, anisotropic, any size from 1×1', () => {
    const rand = random(24680);
    const spacings: [number, number][] = [[1, 1], [0.5, 2], [0.8, 1.3], [2.7, 0.35]];
    for (let n = 0; n < 300; n++) {
      const width = 1 + Math.floor(rand() * 17), height = 1 + Math.floor(rand() * 13);
      const [wx, wy] = spacings[n % spacings.length]!;
      const fill = n % 10 === 0 ? 0 : rand() * 0.3;
      const seeds = Uint8Array.from({ length: width * height }, () => (rand() < fill ? 1 : 0));
      const got = distanceMap2d(seeds, width, height, wx, wy);
      const want = bruteForce(seeds, width, height, wx, wy);
      for (let p = 0; p < got.length; p++) {
        const a = got[p]!, b = want[p]!;
        assert.ok(a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, b), `case ${n} (${width}×${height}, ${wx}×${wy}) pixel ${p}: ${a} vs ${b}`);
      }
    }
  });

  test('surface2d is the metrics\' 2D surface (4-neighbours, outside the slice is background)', () => {
    const rand = random(11);
    for (let n = 0; n < 200; n++) {
      const width = 1 + Math.floor(rand() * 9), height = 1 + Math.floor(rand() * 9);
      const m = Uint8Array.from({ length: width * height }, () => (rand() < 0.6 ? 1 : 0));
      const got = surface2d(m, width, height);
      const want = new Uint8Array(width * height);
      for (const i of referenceSurface(m, [width, height, 1])) want[i] = 1;
      assert.deepEqual(got, want, `case ${n} (${width}×${height})`);
    }
  });

  test('the distances the hover readout shows on a known slice', () => {
    // The e2e slice: label {(1,1), (2,4)}, prediction {(1,1), (5,1)} in an 8×6 slice, 1 mm pixels.
    const width = 8, height = 6;
    const at = (list: [number, number][]) => { const m = new Uint8Array(width * height); for (const [x, y] of list) m[y * width + x] = 1; return m; };
    const toPrediction = distanceMap2d(surface2d(at([[1, 1], [5, 1]]), width, height), width, height, 1, 1);
    const toLabel = distanceMap2d(surface2d(at([[1, 1], [2, 4]]), width, height), width, height, 1, 1);
    assert.equal(toPrediction[4 * width + 2], Math.sqrt(10), 'FN (2, 4) → prediction (1, 1)');
    assert.equal(toLabel[1 * width + 5], 4, 'FP (5, 1) → label (1, 1)');
    assert.equal(toLabel[1 * width + 1], 0, 'TP on the label surface');
  });
});
