/**
 * Computes the sums and Lovasz values of slices [start, end) along one axis: the unit of work
 * a worker thread runs. assembleResult (compare.ts) joins ranges into one CompareResult.
 */
import type { LossParams } from '../kernels/lossIds';
import { M_FIELDS, M_FN, M_FP, M_N, M_TP, NO_METRICS, type MetricSettings } from '../kernels/metricIds';
import { lovaszFromSortedKeys, lovaszOfEqualErrors } from '../kernels/lovasz';
import { LovaszKeys, sortKeys } from '../kernels/lovaszKeys';
import { collectClassErrors } from '../kernels/lovaszSoftmax';
import { accumulateSoftSlice } from '../kernels/softSlice';
import {
  hardSums, SUM_FIELDS, SUM_HARD_FN, SUM_HARD_FP, SUM_HARD_TP, SUM_N, SUM_T, voxelTermConstants,
} from '../kernels/sums';
import { C_FIELDS, hardConventionSums, hardVoxelTerms } from '../kernels/conventions/binarySums';
import { accumulateSoftSliceWithConventions } from '../kernels/conventions/fusedSoftSlice';
import { hardMulticlassRow, mcRowFields } from '../kernels/conventions/multiclassSums';
import {
  computeSoftMulticlassConventions, hardMulticlassLovasz, needsConventionSums, runConstants,
  type ConventionSettings, type MulticlassConventionRange,
} from './conventionRange';
import type { PreparedPair } from './inputs';
import type { PlaneRect } from './boxMetrics';
import { computeSliceMetrics } from './metrics';
import type { Axis } from './result';
import { gatherRun, predictionSliceIndex, RUN_VOXELS, sliceGeometry } from './slicing';

export interface LabelRange {
  /** SUM_FIELDS numbers per slice of the range. */
  readonly sums: Float64Array;
  /** Lovasz hinge per slice of the range. */
  readonly lovasz: Float64Array;
  /** Lovasz hinge of all voxels of the range together. */
  readonly rangeLovasz: number;
  /** Sorted positive hinge errors (soft kinds), kept only when asked, to merge ranges. */
  readonly keysLo: Uint32Array | null;
  readonly keysHi: Uint32Array | null;
  /** Metric rows (M_FIELDS per slice, see metricIds.ts), or null when metrics are off. */
  readonly metrics: Float64Array | null;
  /** Library-convention sums (C_FIELDS per slice, conventions/binarySums.ts), when conventions are on. */
  readonly conventionSums?: Float64Array | null;
}

export interface MulticlassRange {
  /** Lovasz-Softmax per slice of the range. */
  readonly slices: Float64Array;
  /** Per class c of 0 … C − 1: Σ[label = c] over the range, and the range's loss for c. */
  readonly classGts: Float64Array;
  readonly classLoss: Float64Array;
  /** Hard predictions: per class, false positive and false negative voxels (additive across ranges). */
  readonly classFp: Float64Array | null;
  readonly classFn: Float64Array | null;
  /** Soft predictions, when kept: each class's sorted errors (null for absent classes). */
  readonly classKeys: ({ lo: Uint32Array; hi: Uint32Array } | null)[] | null;
}

export interface RangeResult {
  readonly start: number;
  readonly end: number;
  readonly labels: readonly LabelRange[];
  readonly multiclass: MulticlassRange | null;
  /** The libraries' multi-class sums, when conventions are on and there is a multi-class value. */
  readonly multiclassConventions?: MulticlassConventionRange | null;
  /** Per label, the range's non-empty k-planes of mask codes, when asked (volumeMetricsFromPlanes). */
  readonly planes?: readonly (readonly PlaneRect[])[] | null;
}

const keys = new LovaszKeys();

function sortedCopy(keep: boolean): { lo: Uint32Array | null; hi: Uint32Array | null } {
  return keep ? { lo: keys.lo.slice(0, keys.count), hi: keys.hi.slice(0, keys.count) } : { lo: null, hi: null };
}

/**
 * Losses (and, unless `metrics.level` is 'none', the per-slice metrics) of slices [start, end).
 * Every number depends only on its own slice (and global slice tags), so any split is bit-identical.
 * `keepPlanes` (along k, level 'all'): the result also carries the planes the 3D metrics need.
 */
export function computeRange(
  pair: PreparedPair, axis: Axis, params: LossParams, start: number, end: number, keepKeys: boolean,
  metrics: MetricSettings = NO_METRICS, conventions: ConventionSettings | null = null, keepPlanes = false,
): RangeResult {
  const conv = needsConventionSums(conventions) ? conventions : null;
  const losses = pair.kind === 'labels'
    ? computeHardRange(pair, axis, params, start, end, conv)
    : computeSoftRange(pair, axis, params, start, end, keepKeys, conv);
  const count = end - start;
  // At the losses' own threshold (p ≥ 0.5) the overlap counts are already in the sums.
  const planes = keepPlanes ? pair.labels.map((): PlaneRect[] => []) : null;
  const rows = metrics.level === 'none' ? null
    : metrics.level === 'overlap' && metrics.threshold === 0.5 ? losses.labels.map((l) => countsFromSums(l.sums, count))
      : computeSliceMetrics(pair, axis, start, end, metrics, planes);
  return { ...losses, labels: losses.labels.map((l, i) => ({ ...l, metrics: rows ? rows[i]! : null })), planes };
}

/** Metric rows holding only the hard counts at p ≥ 0.5, copied from loss sums. */
function countsFromSums(sums: Float64Array, count: number): Float64Array {
  const rows = new Float64Array(count * M_FIELDS);
  for (let r = 0; r < count; r++) {
    const o = r * M_FIELDS, so = r * SUM_FIELDS;
    rows[o + M_TP] = sums[so + SUM_HARD_TP]!;
    rows[o + M_FP] = sums[so + SUM_HARD_FP]!;
    rows[o + M_FN] = sums[so + SUM_HARD_FN]!;
    rows[o + M_N] = sums[so + SUM_N]!;
  }
  return rows;
}

type LossRangeResult = Omit<RangeResult, 'labels'> & { readonly labels: readonly Omit<LabelRange, 'metrics'>[] };

function computeSoftRange(
  pair: PreparedPair, axis: Axis, params: LossParams, start: number, end: number, keepKeys: boolean,
  conv: ConventionSettings | null,
): LossRangeResult {
  const convRun = conv ? runConstants(conv) : null;
  const dims = pair.prediction.dims;
  const { width, height, count: sliceCount } = sliceGeometry(dims, axis);
  const n = width * height;
  const count = end - start;
  const k = voxelTermConstants(params);
  // Tags are global slice indices sized for the whole axis, so keys — and every number
  // derived from them — are bit-identical however the slices are split over threads.
  const run = Math.min(n, RUN_VOXELS);
  const p = new Float64Array(run);
  const raw = pair.kind === 'logits' ? new Float64Array(run) : p;
  const lab = new Float64Array(run);
  const labels: Omit<LabelRange, 'metrics'>[] = [];

  for (const label of pair.labels) {
    const channel = pair.channels > 1 ? (label as number) : 0;
    const target = label === 'foreground' ? 1 : label;
    const sums = new Float64Array(count * SUM_FIELDS);
    const conventionSums = convRun ? new Float64Array(count * C_FIELDS) : null;
    keys.reset(sliceCount);
    for (let s = start; s < end; s++) {
      for (let from = 0; from < n; from += run) {
        const len = Math.min(run, n - from);
        if (pair.kind === 'logits') {
          gatherRun(pair.prediction.data, dims, axis, predictionSliceIndex(pair, axis, s), channel, from, len, raw);
          for (let i = 0; i < len; i++) p[i] = 1 / (1 + Math.exp(-raw[i]!));
        } else {
          gatherRun(pair.prediction.data, dims, axis, predictionSliceIndex(pair, axis, s), channel, from, len, p);
          if (pair.clampProbability) for (let i = 0; i < len; i++) p[i] = Math.min(1, Math.max(0, p[i]!));
        }
        gatherRun(pair.label.data, dims, axis, s, 0, from, len, lab);
        if (label === 'foreground') for (let i = 0; i < len; i++) lab[i] = lab[i]! > 0 ? 1 : 0;
        if (conventionSums) {
          // The seed's pass with the library sums added (conventions/fusedSoftSlice.ts).
          accumulateSoftSliceWithConventions(p, raw, pair.kind === 'logits', lab, target, len, k, sums, s - start, keys, s,
            convRun!, conventionSums, s - start);
        } else {
          accumulateSoftSlice(p, raw, pair.kind === 'logits', lab, target, len, k, sums, s - start, keys, s);
        }
      }
    }
    sortKeys(keys);
    const gts = new Float64Array(count);
    let totalGts = 0;
    for (let r = 0; r < count; r++) totalGts += gts[r] = sums[r * SUM_FIELDS + SUM_T]!;
    const lovasz = new Float64Array(count);
    const rangeLovasz = lovaszFromSortedKeys(keys, gts, lovasz, totalGts, start);
    const kept = sortedCopy(keepKeys);
    labels.push({ sums, lovasz, rangeLovasz, keysLo: kept.lo, keysHi: kept.hi, conventionSums });
  }

  let multiclass: MulticlassRange | null = null;
  if (pair.multiclassClasses !== null) {
    const classes = pair.multiclassClasses;
    const slices = new Float64Array(count);
    const present = new Float64Array(count);
    const classGts = new Float64Array(classes);
    const classLoss = new Float64Array(classes);
    const classKeys: ({ lo: Uint32Array; hi: Uint32Array } | null)[] = [];
    const gts = new Float64Array(count);
    const loss = new Float64Array(count);
    for (let c = 0; c < classes; c++) {
      keys.reset(sliceCount);
      for (let s = start; s < end; s++) {
        let sliceGts = 0;
        for (let from = 0; from < n; from += run) {
          const len = Math.min(run, n - from);
          gatherRun(pair.prediction.data, dims, axis, predictionSliceIndex(pair, axis, s), c, from, len, p);
          gatherRun(pair.label.data, dims, axis, s, 0, from, len, lab);
          sliceGts += collectClassErrors(p, lab, c, len, keys, s);
        }
        gts[s - start] = sliceGts;
      }
      sortKeys(keys);
      let total = 0;
      for (let r = 0; r < count; r++) total += gts[r]!;
      classGts[c] = total;
      classLoss[c] = lovaszFromSortedKeys(keys, gts, loss, total, start);
      for (let r = 0; r < count; r++) {
        if (gts[r]! > 0) { slices[r]! += loss[r]!; present[r]!++; }
      }
      const kept = sortedCopy(keepKeys && total > 0);
      classKeys.push(kept.lo && kept.hi ? { lo: kept.lo, hi: kept.hi } : null);
    }
    for (let r = 0; r < count; r++) slices[r] = present[r]! > 0 ? slices[r]! / present[r]! : 0;
    multiclass = { slices, classGts, classLoss, classFp: null, classFn: null, classKeys: keepKeys ? classKeys : null };
  }
  const multiclassConventions = convRun && pair.multiclassClasses !== null
    ? computeSoftMulticlassConventions(pair, axis, start, end, convRun, keepKeys) : null;
  return { start, end, labels, multiclass, multiclassConventions };
}

/**
 * Label-map predictions: p is 0 or 1, so one confusion matrix per slice between prediction
 * and label values gives every label's sums and both Lovasz losses, with no sort.
 */
function computeHardRange(
  pair: PreparedPair, axis: Axis, params: LossParams, start: number, end: number, conv: ConventionSettings | null,
): LossRangeResult {
  const hardTerms = conv ? hardVoxelTerms(runConstants(conv)) : null;
  const dims = pair.prediction.dims;
  const { width, height } = sliceGeometry(dims, axis);
  const n = width * height;
  const count = end - start;
  const k = voxelTermConstants(params);
  const values = pair.classValues;
  const classCount = values.length;
  const indexOf = new Map(values.map((v, i) => [v, i]));
  // Integer gathers keep the lookup-table index an int (a double index takes V8's slow path).
  const int32 = values[0]! >= -(2 ** 31) && values[classCount - 1]! < 2 ** 31;
  const run = Math.min(n, RUN_VOXELS);
  const predValues = int32 ? new Int32Array(run) : new Float64Array(run);
  const labValues = int32 ? new Int32Array(run) : new Float64Array(run);
  const confusion = new Float64Array(classCount * classCount);
  const labelIndex = pair.labels.map((l) => indexOf.get(l as number)!);
  const labels = labelIndex.map(() => ({
    sums: new Float64Array(count * SUM_FIELDS), lovasz: new Float64Array(count),
    conventionSums: hardTerms ? new Float64Array(count * C_FIELDS) : null,
  }));
  const mc = pair.multiclassClasses !== null;
  const mcConventionRows = hardTerms && mc ? new Float64Array(count * mcRowFields(pair.multiclassClasses!)) : null;
  const multiSlices = new Float64Array(count);
  const total = new Float64Array(classCount * classCount);
  const small = values[0]! >= 0 && values[classCount - 1]! < 1 << 16;
  const lut = small ? new Int32Array(values[classCount - 1]! + 1) : null;
  if (lut) values.forEach((v, i) => { lut[v] = i; });

  for (let s = start; s < end; s++) {
    confusion.fill(0);
    for (let from = 0; from < n; from += run) {
      const len = Math.min(run, n - from);
      gatherRun(pair.prediction.data, dims, axis, predictionSliceIndex(pair, axis, s), 0, from, len, predValues);
      gatherRun(pair.label.data, dims, axis, s, 0, from, len, labValues);
      if (lut && predValues instanceof Int32Array && labValues instanceof Int32Array) {
        countConfusion(predValues, labValues, len, lut, classCount, confusion);
      } else {
        for (let i = 0; i < len; i++) confusion[indexOf.get(predValues[i]!)! * classCount + indexOf.get(labValues[i]!)!]!++;
      }
    }
    let mcLoss = 0;
    let mcPresent = 0;
    for (let c = 0; c < classCount; c++) {
      let predicted = 0, labelled = 0;
      for (let o = 0; o < classCount; o++) {
        predicted += confusion[c * classCount + o]!;
        labelled += confusion[o * classCount + c]!;
      }
      const tp = confusion[c * classCount + c]!;
      const fp = predicted - tp, fn = labelled - tp;
      const row = labelIndex.indexOf(c);
      if (row >= 0) {
        hardSums(tp, fp, fn, n, k, labels[row]!.sums, s - start);
        labels[row]!.lovasz[s - start] = lovaszOfEqualErrors(2, labelled, fp, fn);
        if (hardTerms) hardConventionSums(tp, fp, fn, n, hardTerms, labels[row]!.conventionSums!, s - start);
      }
      if (mc && labelled > 0) { mcLoss += lovaszOfEqualErrors(1, labelled, fp, fn); mcPresent++; }
    }
    multiSlices[s - start] = mcPresent > 0 ? mcLoss / mcPresent : 0;
    if (mcConventionRows) hardMulticlassRow(confusion, values, pair.multiclassClasses!, n, hardTerms!, mcConventionRows, s - start);
    for (let i = 0; i < total.length; i++) total[i]! += confusion[i]!;
  }

  let multiclass: MulticlassRange | null = null;
  if (mc) {
    const classes = pair.multiclassClasses!;
    const classGts = new Float64Array(classes);
    const classLoss = new Float64Array(classes);
    const classFp = new Float64Array(classes);
    const classFn = new Float64Array(classes);
    values.forEach((_v, c) => {
      let predicted = 0, labelled = 0;
      for (let o = 0; o < classCount; o++) {
        predicted += total[c * classCount + o]!;
        labelled += total[o * classCount + c]!;
      }
      const tp = total[c * classCount + c]!;
      // Dense classes (inputs.ts): class index c is value classValues[c].
      if (c < classes) {
        classGts[c] = labelled;
        classFp[c] = predicted - tp;
        classFn[c] = labelled - tp;
        classLoss[c] = lovaszOfEqualErrors(1, labelled, predicted - tp, labelled - tp);
      }
    });
    multiclass = { slices: multiSlices, classGts, classLoss, classFp, classFn, classKeys: null };
  }
  return {
    start, end,
    labels: labels.map((l) => ({ ...l, rangeLovasz: NaN, keysLo: null, keysHi: null })),
    multiclass,
    multiclassConventions: mcConventionRows
      ? { rows: mcConventionRows, lovasz: hardMulticlassLovasz(mcConventionRows, pair.multiclassClasses!, count), classLoss: null, classKeys: null }
      : null,
  };
}

/** confusion[lut[pred] · classes + lut[label]] += 1 over a slice; values are lut indices. */
function countConfusion(
  pred: Int32Array, lab: Int32Array, n: number, lut: Int32Array, classes: number, confusion: Float64Array,
): void {
  for (let i = 0; i < n; i++) confusion[lut[pred[i]!]! * classes + lut[lab[i]!]!]!++;
}
