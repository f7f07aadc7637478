/**
 * Per-slice sums of the libraries' multi-class mode (spec 11.1) over classes 0 … C − 1, one
 * row per slice: N, the index-form cross-entropy sum of softmax(ln clamp P), then per class
 * S_p, S_y, I and the sigmoid focal sums (fg, bg per γ slot) of logit(clamp(P_c)). Rows add
 * up to the volume's. The SMP Lovasz-Softmax errors of soft predictions go to sort keys.
 */
import type { LovaszKeys } from '../lovaszKeys';
import { focalBg, focalFg, LOGIT_DELTA, type FocalGammas, type HardVoxelTerms } from './binarySums';

export const MC_N = 0;
export const MC_CE = 1;
const MC_HEAD = 2;
export const MC_SP = 0;
export const MC_SY = 1;
export const MC_I = 2;
/** Per class: S_p, S_y, I, then focal fg/bg of slots 0, 1, 2 at focalFg(j) + 1, focalBg(j) + 1. */
export const MC_CLASS_FIELDS = 9;

export function mcRowFields(classes: number): number { return MC_HEAD + classes * MC_CLASS_FIELDS; }
/** Offset of field `f` of class `c` within a row. */
export function mcClassField(c: number, f: number): number { return MC_HEAD + c * MC_CLASS_FIELDS + f; }
/** Focal fields in a class block sit after S_p, S_y, I (binarySums numbers them from 2). */
function focalFgField(slot: number): number { return focalFg(slot) + 1; }
function focalBgField(slot: number): number { return focalBg(slot) + 1; }
export { focalFgField as mcFocalFg, focalBgField as mcFocalBg };

function pow(b: number, g: number): number {
  return g === 2 ? b * b : g === 1 ? b : g === 0 ? 1 : Math.pow(b, g);
}

/**
 * Adds class `c`'s share of voxels [0, n) of a run to row `row` of `out` (and, when `addCe`, the
 * run's cross-entropy). `channels` holds the run of every class, channel-major (class k at
 * k·stride), since softmax(ln clamp P) needs all of a voxel's classes; lab holds label values.
 * Positive SMP Lovasz errors |[t = c] − q_c| go to `keys` under `tag`. A label value outside
 * 0 … C − 1 is background of every class and adds nothing to the cross-entropy.
 */
export function accumulateMulticlassRun(
  channels: Float64Array, stride: number, lab: Float64Array, n: number, classes: number, c: number, addCe: boolean,
  g: FocalGammas, out: Float64Array, row: number, keys: LovaszKeys, tag: number,
): void {
  const lo = LOGIT_DELTA, hi = 1 - LOGIT_DELTA;
  const o = row * mcRowFields(classes);
  const b = o + mcClassField(c, 0);
  const [g0, g1, g2] = g.gammas;
  const base = c * stride;
  let sp = 0, sy = 0, inter = 0, ce = 0, f0 = 0, f1 = 0, f2 = 0, b0 = 0, b1 = 0, b2 = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let k = 0; k < classes; k++) {
      const v = channels[k * stride + i]!;
      z += v < lo ? lo : v > hi ? hi : v;
    }
    const t = lab[i]!;
    if (addCe && t >= 0 && t < classes && t === Math.floor(t)) {
      const v = channels[t * stride + i]!;
      ce += Math.log(z) - Math.log(v < lo ? lo : v > hi ? hi : v);
    }
    const v = channels[base + i]!;
    const cl = v < lo ? lo : v > hi ? hi : v;
    sp += v;
    const q = cl / z;
    if (t === c) {
      sy++;
      inter += v;
      const l = -Math.log(cl);
      const m = 1 - cl;
      f0 += pow(m, g0) * l;
      f1 += pow(m, g1) * l;
      f2 += pow(m, g2) * l;
      const e = 1 - q;
      if (e > 0) keys.push(e, tag, 1);
    } else {
      const l = -Math.log(1 - cl);
      b0 += pow(cl, g0) * l;
      b1 += pow(cl, g1) * l;
      b2 += pow(cl, g2) * l;
      if (q > 0) keys.push(q, tag, 0);
    }
  }
  out[b + MC_SP]! += sp;
  out[b + MC_SY]! += sy;
  out[b + MC_I]! += inter;
  out[b + focalFgField(0)]! += f0; out[b + focalFgField(1)]! += f1; out[b + focalFgField(2)]! += f2;
  out[b + focalBgField(0)]! += b0; out[b + focalBgField(1)]! += b1; out[b + focalBgField(2)]! += b2;
  if (addCe) {
    out[o + MC_N]! += n;
    out[o + MC_CE]! += ce;
  }
}

/**
 * Writes row `row` of a label-map prediction from one slice's confusion matrix
 * (confusion[predIndex · count + labelIndex], indices into `values`): P_c ∈ {0, 1}, so every
 * term is a count times a constant.
 */
export function hardMulticlassRow(
  confusion: Float64Array, values: readonly number[], classes: number, n: number, h: HardVoxelTerms,
  out: Float64Array, row: number,
): void {
  const count = values.length;
  const o = row * mcRowFields(classes);
  out.fill(0, o, o + mcRowFields(classes));
  let correct = 0, inRange = 0;
  for (let vi = 0; vi < count; vi++) {
    const c = values[vi]!;
    if (c < 0 || c >= classes) continue;
    let predicted = 0, labelled = 0;
    for (let k = 0; k < count; k++) {
      predicted += confusion[vi * count + k]!;
      labelled += confusion[k * count + vi]!;
    }
    const tp = confusion[vi * count + vi]!;
    const fp = predicted - tp, fn = labelled - tp, tn = n - tp - fp - fn;
    const b = o + mcClassField(c, 0);
    out[b + MC_SP] = predicted;
    out[b + MC_SY] = labelled;
    out[b + MC_I] = tp;
    for (let j = 0; j < 3; j++) {
      out[b + focalFgField(j)] = tp * h.focalRight[j]! + fn * h.focalWrong[j]!;
      out[b + focalBgField(j)] = tn * h.focalRight[j]! + fp * h.focalWrong[j]!;
    }
    correct += tp;
    inRange += labelled;
  }
  // softmax(ln clamp P) of a hard voxel: (1 − δ)/Z for the predicted class, δ/Z for the others.
  const z = (1 - LOGIT_DELTA) + (classes - 1) * LOGIT_DELTA;
  out[o + MC_N] = n;
  out[o + MC_CE] = correct * (Math.log(z) - Math.log(1 - LOGIT_DELTA)) + (inRange - correct) * (Math.log(z) - Math.log(LOGIT_DELTA));
}

/**
 * SMP's Lovasz-Softmax of a label-map prediction from a row: each class's errors take four
 * values (FN 1 − q_lo, FP q_hi, TP 1 − q_hi, TN q_lo), so the extension is a walk over four
 * groups. Mean over the classes present in the target; 0 when none is.
 */
export function hardSmpLovasz(rows: Float64Array, row: number, classes: number): number {
  const o = row * mcRowFields(classes);
  const n = rows[o + MC_N]!;
  const z = (1 - LOGIT_DELTA) + (classes - 1) * LOGIT_DELTA;
  const qHi = (1 - LOGIT_DELTA) / z, qLo = LOGIT_DELTA / z;
  let sum = 0, present = 0;
  for (let c = 0; c < classes; c++) {
    const b = o + mcClassField(c, 0);
    const gts = rows[b + MC_SY]!;
    if (gts === 0) continue;
    const tp = rows[b + MC_I]!, fp = rows[b + MC_SP]! - tp, fn = gts - tp, tn = n - tp - fp - fn;
    const groups: [number, number, number][] = [[1 - qLo, fn, 0], [qHi, 0, fp], [1 - qHi, tp, 0], [qLo, 0, tn]];
    groups.sort((a, b2) => b2[0] - a[0]);
    let fgSeen = 0, bgSeen = 0, jPrev = 0, loss = 0;
    for (const [e, fgCount, bgCount] of groups) {
      if (fgCount + bgCount === 0) continue;
      fgSeen += fgCount;
      bgSeen += bgCount;
      const j = 1 - (gts - fgSeen) / (gts + bgSeen);
      loss += e * (j - jPrev);
      jPrev = j;
    }
    sum += loss;
    present++;
  }
  return present > 0 ? sum / present : 0;
}
