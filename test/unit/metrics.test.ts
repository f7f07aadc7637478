/**
 * Evaluation metrics (issue #5) on hand-computed cases: a single voxel, two cubes at a known
 * offset with anisotropic spacing, a sphere against a shifted sphere (analytic distances), every
 * empty case with its null reasons, lesion counts per connectivity, thresholds and kinds, levels,
 * the in-plane spacing of each slice axis, and thread-count independence.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { comparePair, type CompareOptions } from '../../src/core/analysis/compare';
import { preparePair } from '../../src/core/analysis/inputs';
import type { CompareResult, PredictionKind } from '../../src/core/analysis/result';
import type { Volume } from '../../src/core/io/volume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { sortedPercentile } from '../../src/core/kernels/surfaceDistance';
import type { Metrics, MetricParams, MetricsLevel } from '../../src/core/kernels/metricIds';
import { compareInParallel } from '../../src/worker/rangePool';
import { makeSyntheticPair } from '../bench/synthetic';
import { memoryVolume, repoRoot } from './helpers/fixtures';
import { numpyPercentile, referenceLesions } from './helpers/referenceMetrics';

type Dims = [number, number, number];
type Spacing = [number, number, number];

function spaced(v: Volume, spacing: Spacing): Volume {
  return { ...v, spacing };
}

interface Run {
  kind?: PredictionKind;
  spacing?: Spacing;
  axis?: 'i' | 'j' | 'k';
  metrics?: MetricsLevel;
  params?: Partial<MetricParams>;
}

function compare(label: ArrayLike<number>, pred: ArrayLike<number>, dims: Dims, run: Run = {}): CompareResult {
  const spacing = run.spacing ?? [1, 1, 1];
  const options: CompareOptions = {
    kind: run.kind ?? 'labels', axis: run.axis ?? 'k', params: DEFAULT_LOSS_PARAMS,
    ...(run.metrics ? { metrics: run.metrics } : {}), ...(run.params ? { metricParams: run.params } : {}),
  };
  return comparePair(spaced(memoryVolume('p', dims, Float64Array.from(pred)), spacing), spaced(memoryVolume('l', dims, Float64Array.from(label)), spacing), options);
}

/** A mask of `dims` with the voxels of the given boxes ([x0, x1] × [y0, y1] × [z0, z1], inclusive) set to 1. */
function boxes(dims: Dims, ...list: [number, number, number, number, number, number][]): Uint8Array {
  const [nx, ny] = dims;
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (const [x0, x1, y0, y1, z0, z1] of list) {
    for (let z = z0; z <= z1; z++) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) m[x + nx * (y + ny * z)] = 1;
  }
  return m;
}

function voxels(dims: Dims, ...list: [number, number, number][]): Uint8Array {
  return boxes(dims, ...list.map(([x, y, z]) => [x, x, y, y, z, z] as [number, number, number, number, number, number]));
}

function close(actual: number | null | undefined, expected: number, what: string, tolerance = 1e-12): void {
  assert.ok(typeof actual === 'number', `${what}: got ${actual}, expected ${expected}`);
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
}

function volumeMetrics(r: CompareResult, label = 0): Metrics {
  const m = r.labels[label]!.metrics;
  assert.ok(m, 'volume metrics missing');
  return m;
}

function sliceMetrics(r: CompareResult, index: number, label = 0): Metrics {
  const m = r.labels[label]!.slices[index]!.metrics;
  assert.ok(m, `slice ${index} metrics missing`);
  return m;
}

const BOTH_EMPTY_SLICE: Metrics = {
  dice: null, iou: null, precision: null, recall: null, specificity: 1, labelVolumeMl: 0, predictionVolumeMl: 0,
  relativeVolumeDifference: null, hausdorff: null, hd95: null, assd: null, surfaceDice: null,
  labelLesions: 0, detectedLesions: 0, missedLesions: 0, falsePositiveLesions: 0,
  undefinedReasons: {
    dice: 'both empty', iou: 'both empty', precision: 'both empty', recall: 'both empty', relativeVolumeDifference: 'both empty',
    hausdorff: 'both empty', hd95: 'both empty', assd: 'both empty', surfaceDice: 'both empty',
  },
};

describe('metrics: single voxels', () => {
  const dims: Dims = [5, 5, 5];
  const spacing: Spacing = [2, 3, 4];
  test('the same voxel: perfect overlap, zero distances, one detected lesion; empty slices are explicit', () => {
    const v = voxels(dims, [2, 2, 2]);
    const r = compare(v, v, dims, { spacing });
    assert.deepEqual(volumeMetrics(r), {
      dice: 1, iou: 1, precision: 1, recall: 1, specificity: 1, labelVolumeMl: 0.024, predictionVolumeMl: 0.024,
      relativeVolumeDifference: 0, hausdorff: 0, hd95: 0, assd: 0, surfaceDice: 1,
      labelLesions: 1, detectedLesions: 1, missedLesions: 0, falsePositiveLesions: 0, undefinedReasons: {},
    });
    assert.deepEqual(sliceMetrics(r, 2), volumeMetrics(r), 'the slice holding the voxel');
    for (const s of [0, 1, 3, 4]) assert.deepEqual(sliceMetrics(r, s), BOTH_EMPTY_SLICE, `slice ${s}`);
    assert.deepEqual(r.metricSettings, { level: 'all', threshold: 0.5, toleranceMm: 1, connectivity: 26 });
  });
  test('one voxel apart along each axis: the distance is that axis spacing', () => {
    for (const [axis, offset, mm] of [[0, [3, 2, 2], 2], [1, [2, 3, 2], 3], [2, [2, 2, 3], 4], [3, [3, 3, 3], Math.sqrt(29)]] as const) {
      const r = compare(voxels(dims, [2, 2, 2]), voxels(dims, offset as unknown as [number, number, number]), dims, { spacing });
      const m = volumeMetrics(r);
      for (const id of ['hausdorff', 'hd95', 'assd'] as const) close(m[id], mm, `offset ${axis} ${id}`);
      assert.equal(m.surfaceDice, 0);
      assert.equal(m.dice, 0);
      assert.equal(m.precision, 0);
      assert.equal(m.recall, 0);
      assert.deepEqual([m.labelLesions, m.detectedLesions, m.missedLesions, m.falsePositiveLesions], [1, 0, 1, 1]);
      const wide = volumeMetrics(compare(voxels(dims, [2, 2, 2]), voxels(dims, offset as unknown as [number, number, number]), dims, { spacing, params: { toleranceMm: mm } }));
      assert.equal(wide.surfaceDice, 1, 'within a tolerance equal to the distance');
    }
  });
});

describe('metrics: two cubes at a known offset, anisotropic spacing (0.5, 1, 2) mm', () => {
  const spacing: Spacing = [0.5, 1, 2];
  test('shifted 2 voxels (1 mm) along x', () => {
    const dims: Dims = [12, 10, 10];
    const label = boxes(dims, [2, 5, 2, 5, 2, 5]);
    const pred = boxes(dims, [4, 7, 2, 5, 2, 5]);
    const m = volumeMetrics(compare(label, pred, dims, { spacing }));
    // Each surface: 56 voxels; distances 0 (24), 0.5 mm (16), 1 mm (16) in both directions.
    close(m.hausdorff, 1, 'HD');
    close(m.hd95, 1, 'HD95');
    close(m.assd, 48 / 112, 'ASSD');
    close(m.surfaceDice, 1, 'surface Dice at 1 mm');
    close(m.dice, 0.5, 'Dice');
    close(m.iou, 1 / 3, 'IoU');
    close(m.precision, 0.5, 'precision');
    close(m.recall, 0.5, 'recall');
    close(m.specificity, 1104 / 1136, 'specificity');
    close(m.labelVolumeMl, 0.064, 'label mL');
    close(m.predictionVolumeMl, 0.064, 'prediction mL');
    assert.equal(m.relativeVolumeDifference, 0);
    const tight = volumeMetrics(compare(label, pred, dims, { spacing, params: { toleranceMm: 0.5 } }));
    close(tight.surfaceDice, 80 / 112, 'surface Dice at 0.5 mm');
    // Slice z = 3: squares 4×4, 2D surfaces of 12 pixels, distances 0, 0.5, 1 mm four times each.
    const s = sliceMetrics(compare(label, pred, dims, { spacing }), 3);
    close(s.hausdorff, 1, 'slice HD');
    close(s.hd95, 1, 'slice HD95');
    close(s.assd, 0.5, 'slice ASSD');
    close(s.dice, 0.5, 'slice Dice');
  });
  test('shifted 3 slices (6 mm) along z, overlapping in one plane', () => {
    const dims: Dims = [10, 10, 12];
    const m = volumeMetrics(compare(boxes(dims, [2, 5, 2, 5, 2, 5]), boxes(dims, [2, 5, 2, 5, 5, 8]), dims, { spacing }));
    // Distances 0 (16), 2 (12), 4 (12), 6 mm (16) in both directions.
    close(m.hausdorff, 6, 'HD');
    close(m.hd95, 6, 'HD95');
    close(m.assd, 3, 'ASSD');
    close(m.surfaceDice, 32 / 112, 'surface Dice at 1 mm');
    close(m.dice, 0.25, 'Dice');
    const wider = volumeMetrics(compare(boxes(dims, [2, 5, 2, 5, 2, 5]), boxes(dims, [2, 5, 2, 5, 5, 8]), dims, { spacing, params: { toleranceMm: 2 } }));
    close(wider.surfaceDice, 0.5, 'surface Dice at 2 mm');
  });
});

describe('metrics: a sphere against a shifted sphere', () => {
  test('R = 10 mm, shifted 3 mm along x, spacing (0.5, 0.5, 1) mm: HD ≈ 3, ASSD and Dice ≈ analytic', () => {
    const spacing: Spacing = [0.5, 0.5, 1];
    const dims: Dims = [56, 48, 26];
    const R = 10, shift = 3;
    const centre = [24 * 0.5, 24 * 0.5, 12 * 1];
    const sphere = (dx: number) => {
      const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
      for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) {
        const px = x * spacing[0] - centre[0]! - dx, py = y * spacing[1] - centre[1]!, pz = z * spacing[2] - centre[2]!;
        if (px * px + py * py + pz * pz <= R * R) m[x + dims[0] * (y + dims[1] * z)] = 1;
      }
      return m;
    };
    const r = compare(sphere(0), sphere(shift), dims, { spacing });
    const m = volumeMetrics(r);
    // Every point of one sphere is at | |p − c| − R | from the other: at most the shift.
    close(m.hausdorff, shift, 'HD', 0.5 / shift);
    // Mean of | |p − c| − R | over the sphere: ½ ∫ |√(R² + d² − 2Rdt) − R| dt over t ∈ [−1, 1].
    let sum = 0;
    const steps = 200000;
    for (let i = 0; i < steps; i++) {
      const t = -1 + (2 * (i + 0.5)) / steps;
      sum += Math.abs(Math.sqrt(R * R + shift * shift - 2 * R * shift * t) - R);
    }
    const assd = sum / steps; // 1.5 mm
    // Counting surface voxels over-samples faces whose normal lies along the finer axes (here the
    // caps along z, where the two spheres are closest), so the voxel ASSD sits a little below.
    close(m.assd, assd, `ASSD (analytic ${assd.toFixed(3)})`, 0.3 / assd);
    assert.ok(m.hd95! <= m.hausdorff! && m.hd95! >= m.assd!, 'ASSD ≤ HD95 ≤ HD');
    const lens = (Math.PI * (4 * R + shift) * (2 * R - shift) ** 2) / 12;
    const dice = lens / ((4 / 3) * Math.PI * R ** 3);
    close(m.dice, dice, `Dice (analytic ${dice.toFixed(4)})`, 0.02);
    // The central slice: circles of radius R shifted by 3 mm, in-plane spacing (0.5, 0.5).
    const s = sliceMetrics(r, 12);
    close(s.hausdorff, shift, 'central slice HD', 0.5 / shift);
  });
});

describe('metrics: empty masks are null with a reason, never a silent 0 or 1', () => {
  const dims: Dims = [6, 5, 4];
  const cube = boxes(dims, [1, 3, 1, 3, 1, 2]);
  const none = new Uint8Array(dims[0] * dims[1] * dims[2]);
  test('label empty', () => {
    const m = volumeMetrics(compare(none, cube, dims));
    assert.equal(m.dice, 0);
    assert.equal(m.iou, 0);
    assert.equal(m.precision, 0);
    assert.equal(m.surfaceDice, 0);
    assert.equal(m.labelVolumeMl, 0);
    close(m.predictionVolumeMl, 0.018, 'prediction mL');
    assert.deepEqual([m.recall, m.relativeVolumeDifference, m.hausdorff, m.hd95, m.assd], [null, null, null, null, null]);
    assert.deepEqual(m.undefinedReasons, {
      recall: 'label empty', relativeVolumeDifference: 'label empty', hausdorff: 'label empty', hd95: 'label empty', assd: 'label empty',
    });
    assert.deepEqual([m.labelLesions, m.detectedLesions, m.missedLesions, m.falsePositiveLesions], [0, 0, 0, 1]);
  });
  test('prediction empty', () => {
    const m = volumeMetrics(compare(cube, none, dims));
    assert.deepEqual([m.dice, m.iou, m.recall, m.surfaceDice, m.relativeVolumeDifference, m.specificity], [0, 0, 0, 0, -1, 1]);
    assert.deepEqual(m.undefinedReasons, { precision: 'prediction empty', hausdorff: 'prediction empty', hd95: 'prediction empty', assd: 'prediction empty' });
    assert.deepEqual([m.labelLesions, m.detectedLesions, m.missedLesions, m.falsePositiveLesions], [1, 0, 1, 0]);
  });
  test('both empty', () => {
    const r = compare(none, none, dims);
    assert.deepEqual(r.labels.map((l) => l.label), [1], 'still one row, as for the losses');
    assert.deepEqual(volumeMetrics(r), BOTH_EMPTY_SLICE);
    for (const row of r.labels[0]!.slices) assert.deepEqual(row.metrics, BOTH_EMPTY_SLICE);
  });
  test('a label covering every voxel has no specificity', () => {
    const all = new Uint8Array(none.length).fill(1);
    const m = volumeMetrics(compare(all, cube, dims));
    assert.equal(m.specificity, null);
    assert.deepEqual(m.undefinedReasons, { specificity: 'no background' });
    close(m.hausdorff, Math.sqrt(2 * 2 + 1 + 1), 'a mask touching the image border has its border voxels on its surface');
  });
  test('JSON keeps every null and its reason', () => {
    const m = JSON.parse(JSON.stringify(volumeMetrics(compare(none, cube, dims))));
    assert.equal(m.hd95, null);
    assert.equal(m.undefinedReasons.hd95, 'label empty');
  });
});

describe('metrics: lesions (connected components)', () => {
  const dims: Dims = [12, 8, 6];
  // Label: A (2×2×2 cube), B (one voxel), C (two voxels touching at a corner), D (two voxels touching along an edge, in plane z = 3).
  const label = voxels(dims,
    [1, 1, 1], [2, 1, 1], [1, 2, 1], [2, 2, 1], [1, 1, 2], [2, 1, 2], [1, 2, 2], [2, 2, 2],
    [9, 1, 1],
    [5, 5, 1], [6, 6, 2],
    [9, 5, 3], [10, 6, 3]);
  // Prediction: hits A and one voxel of C; false positives: a pair, a single voxel, a corner-touching pair.
  const pred = voxels(dims, [2, 2, 2], [3, 2, 2], [6, 6, 2], [5, 1, 4], [6, 1, 4], [1, 6, 4], [3, 6, 4], [4, 7, 5]);
  const expected: Record<number, [number, number, number, number]> = {
    26: [4, 2, 2, 3],
    18: [5, 2, 3, 4],
    6: [6, 2, 4, 4],
  };
  for (const connectivity of [26, 18, 6] as const) {
    test(`${connectivity}-connectivity`, () => {
      const r = compare(label, pred, dims, { params: { connectivity } });
      const m = volumeMetrics(r);
      assert.deepEqual([m.labelLesions, m.detectedLesions, m.missedLesions, m.falsePositiveLesions], expected[connectivity]);
      const ref = referenceLesions(label, pred, dims, connectivity);
      assert.deepEqual([ref.labelLesions, ref.detectedLesions, ref.missedLesions, ref.falsePositiveLesions], expected[connectivity], 'the reference agrees');
      // Slice z = 3 holds only D, diagonal in plane: one lesion with 8-connectivity (26, 18), two with 4 (6).
      const s = sliceMetrics(r, 3);
      const d = connectivity === 6 ? 2 : 1;
      assert.deepEqual([s.labelLesions, s.detectedLesions, s.missedLesions, s.falsePositiveLesions], [d, 0, d, 0]);
    });
  }
});

describe('metrics: threshold, kinds and levels', () => {
  const dims: Dims = [4, 1, 1];
  const label = [0, 1, 1, 1];
  const probability = [0.2, 0.4, 0.6, 0.8];
  test('the threshold decides the predicted voxels (probability and logits alike)', () => {
    const logits = probability.map((p) => Math.log(p / (1 - p)));
    for (const [threshold, dice] of [[0.5, 0.8], [0.3, 1], [0.7, 0.5]] as const) {
      for (const [kind, values] of [['probability', probability], ['logits', logits]] as const) {
        const m = volumeMetrics(compare(label, values, dims, { kind, params: { threshold } }));
        close(m.dice, dice, `${kind} at ${threshold}`);
      }
    }
  });
  test('at the default threshold the counts are the losses\' hard counts (p ≥ 0.5, sigmoid exactly as computed)', () => {
    const logits = [0, -1e-17, -1e-15, 1e-300, -3, 3, 0.2, -0.2];
    const lab = [1, 0, 1, 0, 1, 0, 0, 1];
    for (const [kind, values] of [['logits', logits], ['probability', [0.5, 0.4999999999999999, 0.5000000000000001, 1, 0, 0.7, 0.3, 0.5]]] as const) {
      const r = compare(lab, values, [8, 1, 1], { kind });
      const row = r.labels[0]!.slices[0]!;
      close(row.metrics!.dice, (2 * row.tp) / (2 * row.tp + row.fp + row.fn), `${kind}: Dice from the loss row's counts`);
      close(row.metrics!.predictionVolumeMl, row.predictedVoxels / 1000, `${kind}: predicted voxels`);
    }
  });
  test('levels: overlap has no surface or lesion keys, none has no metrics at all', () => {
    const d: Dims = [6, 6, 3];
    const l = boxes(d, [1, 3, 1, 3, 0, 1]);
    const p = boxes(d, [2, 4, 1, 3, 1, 2]);
    const all = compare(l, p, d);
    const overlap = compare(l, p, d, { metrics: 'overlap' });
    const overlapOther = compare(l, p, d, { metrics: 'overlap', params: { threshold: 0.75 } });
    const keys = ['dice', 'iou', 'precision', 'recall', 'specificity', 'labelVolumeMl', 'predictionVolumeMl', 'relativeVolumeDifference', 'undefinedReasons'];
    assert.deepEqual(Object.keys(volumeMetrics(overlap)), keys);
    assert.deepEqual(Object.keys(sliceMetrics(overlap, 0)), keys);
    const pick = (m: Metrics) => Object.fromEntries(keys.filter((k) => k !== 'undefinedReasons').map((k) => [k, m[k as keyof Metrics]]));
    assert.deepEqual(pick(volumeMetrics(overlap)), pick(volumeMetrics(all)), 'overlap from the loss sums equals overlap from the masks');
    assert.deepEqual(overlapOther.labels[0]!.slices.map((s) => pick(s.metrics!)), all.labels[0]!.slices.map((s) => pick(s.metrics!)), 'hard prediction: any threshold');
    const none = compare(l, p, d, { metrics: 'none' });
    assert.equal(none.metricSettings, undefined);
    assert.ok(!('metrics' in none.labels[0]!));
    assert.ok(none.labels[0]!.slices.every((s) => !('metrics' in s)));
    assert.deepEqual(none.labels[0]!.volume, all.labels[0]!.volume, 'losses unchanged by metrics');
  });
  test('bad parameters are refused', () => {
    const d: Dims = [2, 2, 1];
    for (const params of [{ threshold: 0 }, { threshold: 1.5 }, { toleranceMm: -1 }, { connectivity: 8 as 26 }]) {
      assert.throws(() => compare([0, 1, 1, 0], [0, 1, 0, 0], d, { params }), RangeError);
    }
  });
  test('4D probabilities: one channel per label', () => {
    const d: Dims = [4, 1, 1];
    const labelMap = [0, 1, 2, 2];
    const probs = [/* c0 */ 1, 0, 0, 0, /* c1 */ 0, 1, 0.6, 0, /* c2 */ 0, 0, 0.4, 1];
    const r = comparePair(memoryVolume('p', [4, 1, 1, 3], Float64Array.from(probs)), memoryVolume('l', d, Float64Array.from(labelMap)), { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS });
    assert.deepEqual(r.labels.map((l) => l.label), [1, 2]);
    close(volumeMetrics(r, 0).precision, 0.5, 'channel 1 predicts voxels 1 and 2');
    close(volumeMetrics(r, 1).recall, 0.5, 'channel 2 predicts voxel 3 only');
  });
});

describe('metrics: slices use the in-plane spacing of their axis', () => {
  const dims: Dims = [5, 5, 5];
  const spacing: Spacing = [2, 3, 4];
  test('k → (sx, sy), j → (sx, sz), i → (sy, sz)', () => {
    const label = voxels(dims, [2, 2, 2]);
    const cases = [
      // [prediction voxel, axis, slice, expected in-plane distance]
      [[3, 2, 2], 'k', 2, 2], [[2, 3, 2], 'k', 2, 3],
      [[3, 2, 2], 'j', 2, 2], [[2, 2, 3], 'j', 2, 4],
      [[2, 3, 2], 'i', 2, 3], [[2, 2, 3], 'i', 2, 4],
    ] as const;
    for (const [voxel, axis, slice, mm] of cases) {
      const r = compare(label, voxels(dims, voxel as unknown as [number, number, number]), dims, { spacing, axis });
      close(sliceMetrics(r, slice).hausdorff, mm, `${voxel} along ${axis}`);
      close(volumeMetrics(r).hausdorff, mm, 'the volume is 3D whatever the axis');
    }
  });
  test('a volume one voxel thick is measured in 2D (its flat faces are not surface)', () => {
    const d: Dims = [7, 7, 1];
    const l = boxes(d, [1, 5, 1, 5, 0, 0]);
    const p = boxes(d, [1, 5, 1, 4, 0, 0]);
    const m = volumeMetrics(compare(l, p, d));
    close(m.hausdorff, 1, 'HD from the missing row');
    assert.deepEqual(m, sliceMetrics(compare(l, p, d), 0), 'volume = its only slice');
  });
});

describe('metrics: numpy percentile', () => {
  test('linear interpolation as numpy.percentile(values, 95)', () => {
    // Expected values printed by numpy 2.4.6.
    const cases: [number[], number][] = [
      [[3], 3], [[1, 2], 1.95], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 8.549999999999999], [[0, 0.5, 0.5, 1, 10], 8.2],
      [[0.1, 0.2, 0.3, 0.7, 0.7, 0.9, 1.3, 2.2, 5.5, 0.05, 7.25, 3.3, 1.1, 1.1, 1.1, 9.75, 0.4, 0.6, 2.9, 8.1, 4.4], 8.1],
    ];
    for (const [values, expected] of cases) {
      assert.equal(numpyPercentile(values, 95), expected, `reference on ${values}`);
      const sorted = Float64Array.from(values).sort();
      assert.equal(sortedPercentile(sorted, sorted.length, 95), expected, `kernel on ${values}`);
    }
  });
});

describe('metrics: worker threads change nothing', () => {
  const workerFile = join(repoRoot, 'dist', 'rangeWorker.js');
  test('synthetic organ + lesions (soft and label-map predictions), 1 vs 2 vs 3 threads, every axis', async () => {
    const s = makeSyntheticPair(40, 36, 24, { multiLabel: true });
    const vol = (name: string, data: Float32Array | Uint8Array) => spaced(memoryVolume(name, s.dims, Float64Array.from(data)), s.spacing);
    for (const [pred, kind] of [[vol('p', s.probability), 'probability'], [vol('h', s.hard), 'labels']] as const) {
      const pair = preparePair(pred, vol('l', s.label), kind);
      for (const axis of ['k', 'j', 'i'] as const) {
        const options: CompareOptions = { kind, axis, params: DEFAULT_LOSS_PARAMS };
        const one = await compareInParallel(pair, options, 1, workerFile);
        for (const jobs of [2, 3]) assert.deepEqual(await compareInParallel(pair, options, jobs, workerFile), one, `${kind} ${axis} ${jobs} threads`);
        const m = one.labels[0]!.metrics!;
        assert.ok(m.hd95 != null && m.hd95 > 0 && m.labelLesions! >= 1, `${kind}: non-trivial metrics`);
      }
    }
  });
});
