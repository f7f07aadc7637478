/** Joins computed slice ranges into the CompareResult contract, and the one-call comparePair. */
import type { Volume } from '../io/volume';
import { LOSS_IDS, type LossParams, type Losses } from '../kernels/lossIds';
import { lossesFromSums } from '../kernels/losses';
import { lovaszOfEqualErrors, lovaszOfMergedRuns } from '../kernels/lovasz';
import {
  addSumRow, SUM_FIELDS, SUM_HARD_FN, SUM_HARD_FP, SUM_HARD_TP, SUM_PREDICTED, SUM_T,
} from '../kernels/sums';
import { computeRange, type RangeResult } from './computeRange';
import { preparePair, type PreparedPair } from './inputs';
import type { Axis, CompareResult, LabelResult, MulticlassResult, PredictionKindOption, SliceRow } from './result';
import { sliceGeometry } from './slicing';

export interface CompareOptions {
  readonly kind: PredictionKindOption;
  readonly axis: Axis;
  readonly params: LossParams;
}

/** Compares on the calling thread. For big volumes prefer the worker pool (parallelCompare). */
export function comparePair(prediction: Volume, label: Volume, options: CompareOptions): CompareResult {
  const pair = preparePair(prediction, label, options.kind);
  const { count } = sliceGeometry(pair.prediction.dims, options.axis);
  const range = computeRange(pair, options.axis, options.params, 0, count, false);
  return assembleResult(pair, options, [range]);
}

/** Splits [0, count) into `parts` contiguous ranges of near-equal size. */
export function splitSlices(count: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, count));
  return Array.from({ length: n }, (_, i) => [Math.floor((i * count) / n), Math.floor(((i + 1) * count) / n)]);
}

function roundCount(v: number): number {
  return Math.round(v);
}

export function assembleResult(pair: PreparedPair, options: CompareOptions, ranges: readonly RangeResult[]): CompareResult {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const { count } = sliceGeometry(pair.prediction.dims, options.axis);
  const labels: LabelResult[] = pair.labels.map((label, li) => {
    const volumeSums = new Float64Array(SUM_FIELDS);
    const slices: SliceRow[] = [];
    for (const range of sorted) {
      const part = range.labels[li]!;
      for (let r = 0; r < range.end - range.start; r++) {
        addSumRow(part.sums, r, volumeSums, 0);
        const o = r * SUM_FIELDS;
        const labelVoxels = roundCount(part.sums[o + SUM_T]!);
        const predictedVoxels = roundCount(part.sums[o + SUM_PREDICTED]!);
        slices.push({
          index: range.start + r,
          labelVoxels,
          predictedVoxels,
          tp: roundCount(part.sums[o + SUM_HARD_TP]!),
          fp: roundCount(part.sums[o + SUM_HARD_FP]!),
          fn: roundCount(part.sums[o + SUM_HARD_FN]!),
          empty: labelVoxels === 0 && predictedVoxels === 0,
          losses: lossesFromSums(part.sums, r, part.lovasz[r]!, options.params),
        });
      }
    }
    let volumeLovasz: number;
    if (pair.kind === 'labels') {
      volumeLovasz = lovaszOfEqualErrors(2, volumeSums[SUM_T]!, volumeSums[SUM_HARD_FP]!, volumeSums[SUM_HARD_FN]!);
    } else if (sorted.length === 1) {
      volumeLovasz = sorted[0]!.labels[li]!.rangeLovasz;
    } else {
      volumeLovasz = lovaszOfMergedRuns(sorted.map((r) => ({ lo: r.labels[li]!.keysLo!, hi: r.labels[li]!.keysHi! })), volumeSums[SUM_T]!);
    }
    if (slices.length !== count) throw new Error(`internal: ranges cover ${slices.length} of ${count} slices`);
    return { label, volume: lossesFromSums(volumeSums, 0, volumeLovasz, options.params), slices };
  });
  return {
    prediction: pair.prediction.source,
    label: pair.label.source,
    shape: pair.prediction.dims.slice(0, 3),
    spacing: [...pair.prediction.spacing],
    axis: options.axis,
    predictionKind: pair.kind,
    warnings: pair.warnings,
    labels,
    ...(pair.multiclassClasses !== null ? { multiclass: assembleMulticlass(pair, sorted) } : {}),
  };
}

function assembleMulticlass(pair: PreparedPair, ranges: readonly RangeResult[]): MulticlassResult {
  const classes = pair.multiclassClasses!;
  const slices: { index: number; losses: { lovaszSoftmax: number } }[] = [];
  const gts = new Float64Array(classes);
  const fp = new Float64Array(classes);
  const fn = new Float64Array(classes);
  for (const range of ranges) {
    const mc = range.multiclass!;
    mc.slices.forEach((v, r) => slices.push({ index: range.start + r, losses: { lovaszSoftmax: v } }));
    for (let c = 0; c < classes; c++) {
      gts[c]! += mc.classGts[c]!;
      if (mc.classFp && mc.classFn) { fp[c]! += mc.classFp[c]!; fn[c]! += mc.classFn[c]!; }
    }
  }
  let sum = 0;
  let present = 0;
  for (let c = 0; c < classes; c++) {
    if (gts[c]! === 0) continue;
    present++;
    if (pair.kind === 'labels') sum += lovaszOfEqualErrors(1, gts[c]!, fp[c]!, fn[c]!);
    else if (ranges.length === 1) sum += ranges[0]!.multiclass!.classLoss[c]!;
    else {
      const runs = ranges.map((r) => r.multiclass!.classKeys![c]).filter((k): k is { lo: Uint32Array; hi: Uint32Array } => k != null);
      sum += lovaszOfMergedRuns(runs, gts[c]!);
    }
  }
  return {
    classes: Array.from({ length: classes }, (_, c) => c),
    volume: { lovaszSoftmax: present > 0 ? sum / present : 0 },
    slices,
  };
}

/** Convenience for tables: the losses of a row in LOSS_IDS order. */
export function lossValues(losses: Losses): number[] {
  return LOSS_IDS.map((id) => losses[id]);
}
