/**
 * The distance-transform kernels against the brute-force reference (helpers/referenceMetrics.ts)
 * on random small masks, 2D and 3D, anisotropic, through comparePair: volume metrics (3D) and
 * every slice along the chosen axis (2D). With spacings whose squares add exactly in float64
 * (0.5, 0.75, 1, 1.5, 2) HD, HD95 and the surface Dice are bit-equal and ASSD equal to 1e-12
 * (summation order); with other spacings all four are equal to 1e-12.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import type { Axis, PredictionKind } from '../../src/core/analysis/result';
import type { Connectivity, Metrics } from '../../src/core/kernels/metricIds';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { memoryVolume } from './helpers/fixtures';
import { referenceLesions, referenceSurfaceMetrics, type Dims, type Spacing } from './helpers/referenceMetrics';

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) / 2147483647);
}

interface Case {
  dims: Dims;
  spacing: Spacing;
  exact: boolean;
  tolerance: number;
  connectivity: Connectivity;
  axis: Axis;
  kind: PredictionKind;
  threshold: number;
  label: Uint8Array;
  /** Prediction values as stored, and the binary mask they threshold to. */
  values: Float64Array;
  pred: Uint8Array;
}

const EXACT = [0.5, 0.75, 1, 1.5, 2];
const INEXACT = [0.8, 1.3, 2.7, 0.35, 1.1];

/** A random mask: a few boxes and balls, some salt, some holes; sometimes empty. */
function randomMask(rand: () => number, dims: Dims): Uint8Array {
  const [nx, ny, nz] = dims;
  const m = new Uint8Array(nx * ny * nz);
  if (rand() < 0.08) return m;
  const shapes = 1 + Math.floor(rand() * 3);
  for (let s = 0; s < shapes; s++) {
    const c = [rand() * nx, rand() * ny, rand() * nz];
    const r = [0.5 + rand() * nx / 2, 0.5 + rand() * ny / 2, 0.5 + rand() * nz / 2];
    const ball = rand() < 0.5;
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
      const d = [(x - c[0]!) / r[0]!, (y - c[1]!) / r[1]!, (z - c[2]!) / r[2]!];
      const inside = ball ? d[0]! ** 2 + d[1]! ** 2 + d[2]! ** 2 <= 1 : Math.max(...d.map(Math.abs)) <= 1;
      if (inside) m[x + nx * (y + ny * z)] = 1;
    }
  }
  for (let i = 0; i < m.length; i++) {
    const u = rand();
    if (u < 0.04) m[i] = 1;
    else if (u < 0.07) m[i] = 0;
  }
  return m;
}

function randomCase(rand: () => number, flat: boolean): Case {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const dims: Dims = [1 + Math.floor(rand() * 9), 1 + Math.floor(rand() * 8), flat ? 1 : 1 + Math.floor(rand() * 7)];
  const exact = rand() < 0.6;
  const spacing: Spacing = [pick(exact ? EXACT : INEXACT), pick(exact ? EXACT : INEXACT), pick(exact ? EXACT : INEXACT)];
  const tolerance = exact ? pick([0, 0.5, 1, 1.5, 2, 3]) : pick([0.9, 1.7, 2.3, 4.1]);
  const kind = pick(['labels', 'probability', 'logits'] as const);
  const threshold = kind === 'labels' ? 0.5 : pick([0.5, 0.3, 0.8]);
  const label = randomMask(rand, dims);
  const pred = randomMask(rand, dims);
  // Soft predictions: values on the right side of the threshold, some exactly at it.
  const values = Float64Array.from(pred, (p) => {
    if (kind === 'labels') return p;
    const prob = p ? threshold + (1 - threshold) * (rand() < 0.2 ? 0 : rand()) : threshold * rand() * 0.999;
    return kind === 'probability' ? prob : Math.log(prob / (1 - prob));
  });
  const mask = Uint8Array.from(values, (v) => (kind === 'labels' ? v : (kind === 'probability' ? v : 1 / (1 + Math.exp(-v))) >= threshold ? 1 : 0));
  return {
    dims, spacing, exact, tolerance, connectivity: pick([6, 18, 26] as const), axis: pick(['i', 'j', 'k'] as const),
    kind, threshold, label, values, pred: mask,
  };
}

/** Slice `index` across `axis` of a mask, as a 2D mask [w, h, 1] with its in-plane spacing. */
function sliceOf(mask: Uint8Array, dims: Dims, spacing: Spacing, axis: Axis, index: number): { mask: Uint8Array; dims: Dims; spacing: Spacing } {
  const [nx, ny, nz] = dims;
  const at = (x: number, y: number, z: number) => mask[x + nx * (y + ny * z)]!;
  const out: number[] = [];
  if (axis === 'k') { for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) out.push(at(x, y, index)); return { mask: Uint8Array.from(out), dims: [nx, ny, 1], spacing: [spacing[0], spacing[1], 1] }; }
  if (axis === 'j') { for (let z = 0; z < nz; z++) for (let x = 0; x < nx; x++) out.push(at(x, index, z)); return { mask: Uint8Array.from(out), dims: [nx, nz, 1], spacing: [spacing[0], spacing[2], 1] }; }
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) out.push(at(index, y, z));
  return { mask: Uint8Array.from(out), dims: [ny, nz, 1], spacing: [spacing[1], spacing[2], 1] };
}

function checkAgainstReference(actual: Metrics, label: Uint8Array, pred: Uint8Array, dims: Dims, spacing: Spacing, c: Case, where: string): void {
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < label.length; i++) {
    if (label[i] && pred[i]) tp++; else if (pred[i]) fp++; else if (label[i]) fn++;
  }
  const tn = label.length - tp - fp - fn;
  const voxelMm3 = c.spacing[0] * c.spacing[1] * c.spacing[2];
  const expectOverlap = {
    dice: tp + fp + fn ? (2 * tp) / (2 * tp + fp + fn) : null,
    iou: tp + fp + fn ? tp / (tp + fp + fn) : null,
    precision: tp + fp ? tp / (tp + fp) : null,
    recall: tp + fn ? tp / (tp + fn) : null,
    specificity: tn + fp ? tn / (tn + fp) : null,
    labelVolumeMl: ((tp + fn) * voxelMm3) / 1000,
    predictionVolumeMl: ((tp + fp) * voxelMm3) / 1000,
    relativeVolumeDifference: tp + fn ? (fp - fn) / (tp + fn) : null,
  };
  for (const [id, expected] of Object.entries(expectOverlap)) {
    const got = actual[id as keyof Metrics] as number | null;
    if (expected === null) assert.equal(got, null, `${where} ${id}`);
    else assert.ok(got !== null && Math.abs(got - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${where} ${id}: ${got} vs ${expected}`);
  }
  const ref = referenceSurfaceMetrics(label, pred, dims, spacing, c.tolerance);
  if (ref === null) {
    assert.deepEqual([actual.hausdorff, actual.hd95, actual.assd], [null, null, null], `${where}: an empty mask has no distances`);
    assert.equal(actual.surfaceDice, tp + fp + fn === 0 ? null : 0, `${where} surface Dice with an empty side`);
  } else {
    const near = (a: number | null | undefined, b: number, id: string, bitEqual: boolean) => {
      assert.ok(typeof a === 'number', `${where} ${id} is ${a}`);
      if (bitEqual) assert.equal(a, b, `${where} ${id}`);
      else assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, b), `${where} ${id}: ${a} vs ${b}`);
    };
    near(actual.hausdorff, ref.hausdorff, 'hausdorff', c.exact);
    near(actual.hd95, ref.hd95, 'hd95', c.exact);
    near(actual.assd, ref.assd, 'assd', false);
    near(actual.surfaceDice, ref.surfaceDice, 'surfaceDice', true);
  }
  const lesions = referenceLesions(label, pred, dims, c.connectivity);
  assert.deepEqual(
    [actual.labelLesions, actual.detectedLesions, actual.missedLesions, actual.falsePositiveLesions],
    [lesions.labelLesions, lesions.detectedLesions, lesions.missedLesions, lesions.falsePositiveLesions], `${where} lesions`);
}

function runCase(c: Case, n: number): void {
  const vol = (name: string, data: Float64Array) => ({ ...memoryVolume(name, c.dims, data), spacing: c.spacing });
  const result = comparePair(vol('p', c.values), vol('l', Float64Array.from(c.label)), {
    kind: c.kind, axis: c.axis, params: DEFAULT_LOSS_PARAMS,
    metricParams: { threshold: c.threshold, toleranceMm: c.tolerance, connectivity: c.connectivity },
  });
  const where = `case ${n} (${c.dims.join('×')}, spacing ${c.spacing.join(', ')}, ${c.kind} ≥ ${c.threshold}, tolerance ${c.tolerance}, ${c.connectivity}-conn, axis ${c.axis})`;
  const row = result.labels[0]!;
  checkAgainstReference(row.metrics!, c.label, c.pred, c.dims, c.spacing, c, `${where} volume`);
  for (const s of row.slices) {
    const l = sliceOf(c.label, c.dims, c.spacing, c.axis, s.index);
    const p = sliceOf(c.pred, c.dims, c.spacing, c.axis, s.index);
    checkAgainstReference(s.metrics!, l.mask, p.mask, l.dims, l.spacing, c, `${where} slice ${s.index}`);
  }
}

describe('metrics equal the brute-force reference on random masks', () => {
  test('3D volumes (any extent from 1), anisotropic, every axis, kind and connectivity', () => {
    const rand = random(20250501);
    for (let n = 0; n < 250; n++) runCase(randomCase(rand, false), n);
  });
  test('2D images (one slice)', () => {
    const rand = random(777);
    for (let n = 0; n < 250; n++) runCase(randomCase(rand, true), n);
  });
  test('larger 3D masks cross many envelope segments', () => {
    const rand = random(4242);
    for (let n = 0; n < 12; n++) {
      const c = randomCase(rand, false);
      const dims: Dims = [14 + Math.floor(rand() * 6), 12 + Math.floor(rand() * 6), 9 + Math.floor(rand() * 4)];
      const label = randomMask(rand, dims), pred = randomMask(rand, dims);
      runCase({ ...c, dims, kind: 'labels', threshold: 0.5, label, pred, values: Float64Array.from(pred) }, n);
    }
  });
});
