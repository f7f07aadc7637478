/** Joins computed slice ranges into the CompareResult contract, and the one-call comparePair. */
import type { Volume } from '../io/volume';
import { LOSS_IDS, type LossParams, type Losses } from '../kernels/lossIds';
import { lossesFromSums } from '../kernels/losses';
import { lovaszOfEqualErrors, lovaszOfMergedRuns } from '../kernels/lovasz';
import {
  checkMetricParams, DEFAULT_METRIC_PARAMS, M_FIELDS, type MetricParams, type MetricSettings, type MetricsLevel,
} from '../kernels/metricIds';
import {
  addSumRow, SUM_FIELDS, SUM_HARD_FN, SUM_HARD_FP, SUM_HARD_TP, SUM_PREDICTED, SUM_T,
} from '../kernels/sums';
import { computeRange, type RangeResult } from './computeRange';
import { withConventions, type ConventionSettings } from './conventionRange';
import { preparePair, type PreparedPair } from './inputs';
import { addMetricCounts, metricsFromRaw } from './metrics';
import { computeVolumeMetrics, type VolumeMetricsResult } from './volumeMetrics';
import type { Axis, CompareResult, LabelResult, MulticlassResult, PredictionKindOption, SliceRow } from './result';
import { sliceGeometry } from './slicing';

export interface CompareOptions {
  readonly kind: PredictionKindOption;
  readonly axis: Axis;
  readonly params: LossParams;
  /** Evaluation metrics to add (default 'all'): see docs/metrics.md. */
  readonly metrics?: MetricsLevel;
  /** Threshold, surface tolerance and lesion connectivity; missing ones take DEFAULT_METRIC_PARAMS. */
  readonly metricParams?: Partial<MetricParams>;
  /** Library conventions to add (shared/spec/conventions.md); absent: the seed's losses only. */
  readonly conventions?: ConventionSettings;
}

/** The metric settings of `options`, defaults filled in and checked (RangeError on a bad parameter). */
export function metricSettingsOf(options: CompareOptions): MetricSettings {
  const p = options.metricParams;
  const settings: MetricSettings = {
    level: options.metrics ?? 'all',
    threshold: p?.threshold ?? DEFAULT_METRIC_PARAMS.threshold,
    toleranceMm: p?.toleranceMm ?? DEFAULT_METRIC_PARAMS.toleranceMm,
    connectivity: p?.connectivity ?? DEFAULT_METRIC_PARAMS.connectivity,
  };
  checkMetricParams(settings);
  return settings;
}

/** A key that tells apart the settings volume metrics depend on. */
export function volumeMetricsKey(s: MetricSettings): string {
  return `${s.threshold}|${s.toleranceMm}|${s.connectivity}`;
}

/** Compares on the calling thread. For big volumes prefer the worker pool (compareInParallel). */
export function comparePair(prediction: Volume, label: Volume, options: CompareOptions): CompareResult {
  const pair = preparePair(prediction, label, options.kind);
  const { count } = sliceGeometry(pair.prediction.dims, options.axis);
  const range = computeRange(pair, options.axis, options.params, 0, count, false, metricSettingsOf(options), options.conventions ?? null);
  return assembleResult(pair, options, [range]);
}

/**
 * Volume metrics do not depend on the axis: callers that compare one pair along several axes
 * (the editor's session worker) compute them once per pair and settings.
 */
const volumeCache = new WeakMap<PreparedPair, Map<string, VolumeMetricsResult>>();

/** computeVolumeMetrics on this thread, remembered per pair object and settings. */
export function volumeMetricsOnThisThread(pair: PreparedPair, settings: MetricSettings): VolumeMetricsResult {
  let byKey = volumeCache.get(pair);
  if (!byKey) volumeCache.set(pair, byKey = new Map());
  const key = volumeMetricsKey(settings);
  let result = byKey.get(key);
  if (!result) byKey.set(key, result = computeVolumeMetrics(pair, settings));
  return result;
}

/** Splits [0, count) into `parts` contiguous ranges of near-equal size. */
export function splitSlices(count: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, count));
  return Array.from({ length: n }, (_, i) => [Math.floor((i * count) / n), Math.floor(((i + 1) * count) / n)]);
}

function roundCount(v: number): number {
  return Math.round(v);
}

/**
 * Joins ranges (computed with metricSettingsOf(options)) into the result. `volume`: the volume
 * metrics when computed elsewhere (a worker); when the level is 'all' and it is missing, they are
 * computed here (cached per pair).
 */
export function assembleResult(
  pair: PreparedPair, options: CompareOptions, ranges: readonly RangeResult[], volume: VolumeMetricsResult | null = null,
): CompareResult {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const { count } = sliceGeometry(pair.prediction.dims, options.axis);
  const settings = metricSettingsOf(options);
  const withMetrics = settings.level !== 'none';
  const volumeRaw = settings.level === 'all' ? volume ?? volumeMetricsOnThisThread(pair, settings) : null;
  const [sx, sy, sz] = pair.prediction.spacing;
  const voxelMm3 = sx * sy * sz;
  const labels: LabelResult[] = pair.labels.map((label, li) => {
    const volumeSums = new Float64Array(SUM_FIELDS);
    const volumeCounts = new Float64Array(M_FIELDS);
    const slices: SliceRow[] = [];
    for (const range of sorted) {
      const part = range.labels[li]!;
      const rows = part.metrics;
      if (withMetrics && !rows) throw new Error('internal: a range was computed without metrics');
      if (rows) addMetricCounts(rows, range.end - range.start, volumeCounts);
      for (let r = 0; r < range.end - range.start; r++) {
        addSumRow(part.sums, r, volumeSums, 0);
        const o = r * SUM_FIELDS;
        const labelVoxels = roundCount(part.sums[o + SUM_T]!);
        const predictedVoxels = roundCount(part.sums[o + SUM_PREDICTED]!);
        const row: SliceRow = {
          index: range.start + r,
          labelVoxels,
          predictedVoxels,
          tp: roundCount(part.sums[o + SUM_HARD_TP]!),
          fp: roundCount(part.sums[o + SUM_HARD_FP]!),
          fn: roundCount(part.sums[o + SUM_HARD_FN]!),
          empty: labelVoxels === 0 && predictedVoxels === 0,
          losses: lossesFromSums(part.sums, r, part.lovasz[r]!, options.params),
        };
        slices.push(rows ? { ...row, metrics: metricsFromRaw(rows, r * M_FIELDS, settings.level === 'all' ? rows : null, r * M_FIELDS, voxelMm3) } : row);
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
    const volumeLosses = lossesFromSums(volumeSums, 0, volumeLovasz, options.params);
    if (!withMetrics) return { label, volume: volumeLosses, slices };
    return { label, volume: volumeLosses, metrics: metricsFromRaw(volumeCounts, 0, volumeRaw ? volumeRaw.labels[li]! : null, 0, voxelMm3), slices };
  });
  const result: CompareResult = {
    prediction: pair.prediction.source,
    label: pair.label.source,
    shape: pair.prediction.dims.slice(0, 3),
    spacing: [...pair.prediction.spacing],
    axis: options.axis,
    predictionKind: pair.kind,
    ...(withMetrics ? { metricSettings: settings } : {}),
    warnings: pair.warnings,
    labels,
    ...(pair.multiclassClasses !== null ? { multiclass: assembleMulticlass(pair, sorted) } : {}),
  };
  return options.conventions ? withConventions(result, pair, sorted, options.conventions) : result;
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
    // The class values present (dense: a label map {0, 1, 2e9} has three classes, not 2e9 + 1).
    classes: pair.classValues.slice(0, classes),
    volume: { lovaszSoftmax: present > 0 ? sum / present : 0 },
    slices,
  };
}

/** Convenience for tables: the losses of a row in LOSS_IDS order. */
export function lossValues(losses: Losses): number[] {
  return LOSS_IDS.map((id) => losses[id]);
}
