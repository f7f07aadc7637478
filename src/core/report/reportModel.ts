/**
 * The folder report's data: the settings that make it reproducible, a small in-memory summary
 * per case (what the case table, cases.csv and the cross-case statistics need; the full per-slice
 * result stays on disk until the files are written), and the nnU-Net-like `summary`.
 *
 * nnU-Net's summary.json ↔ report.json `summary` (docs/cli.md "Folder report" documents this):
 *   metric_per_case[] {prediction_file, reference_file, metrics: {label: {Dice, IoU, TP, FP, FN, TN,
 *   n_pred, n_ref}}}, mean {label: {…}}, foreground_mean {…} keep nnU-Net's names and meaning
 *   (counts at p ≥ 0.5; Dice/IoU null where nnU-Net has NaN, i.e. both masks empty); each label
 *   entry adds `losses` (the nine volume losses) and `metrics` (issue #5's evaluation metrics, when
 *   computed); `median`, `foreground_median`, `count` (non-null values) and `nulls` follow the same shape.
 */
import type { FolderPairingMode, FolderPairingOption, PlanFile } from '../analysis/folderPairing';
import type { Axis, CompareResult, LabelResult, PredictionKindOption } from '../analysis/result';
import type { LossParams } from '../kernels/lossIds';
import type { ConventionsRecord } from '../analysis/conventionRange';
import type { MetricSettings } from '../kernels/metricIds';
import type { LabelKey } from '../protocol';
import type { CaseError, CaseOutcome } from './computeCase';
import { resultDifference, type ResultDifference } from '../analysis/difference';
import { worstSlices } from './thumbnails';

export const REPORT_FORMAT_VERSION = 1;

export interface ReportSettings {
  readonly predictionDir: string;
  readonly labelDir: string;
  readonly pairing: { readonly requested: FolderPairingOption; readonly mode: FolderPairingMode };
  readonly kind: PredictionKindOption;
  readonly axis: Axis;
  readonly lossParams: LossParams;
  /** Metric level and parameters (level 'none': no metrics). */
  readonly metrics: MetricSettings;
  readonly maxVoxels: number;
  readonly thumbnails: { readonly perLabel: number; readonly size: number };
  /** The loss conventions reported and every parameter of the library ones (issue 11). */
  readonly conventions?: ConventionsRecord;
}

/** Per label of a case, nnU-Net's keys plus ours (see the file comment). */
export interface CaseLabelMetrics {
  readonly Dice: number | null;
  readonly IoU: number | null;
  readonly TP: number;
  readonly FP: number;
  readonly FN: number;
  readonly TN: number;
  readonly n_pred: number;
  readonly n_ref: number;
  readonly losses: Readonly<Record<string, number>>;
  readonly metrics?: Readonly<Record<string, unknown>>;
}

export interface CaseLabelSummary {
  readonly label: LabelKey;
  /** The label's name, when known (io/labelNames.ts). */
  readonly name?: string;
  readonly values: CaseLabelMetrics;
  readonly slices: number;
  readonly emptySlices: number;
  /** Worst non-empty slices by Dice loss, worst first (the thumbnails). */
  readonly worstSlices: readonly number[];
  /**
   * Model B's side only: the slice where the two models differ most, by |Δ Dice loss| (ties: the
   * first); where a click in the report's A-versus-B plots opens the three-way editor.
   */
  readonly largestDifferenceSlice?: number | null;
}

/** The slice index where |B − A| of the Dice loss is largest; null when no slice has both values. */
export function largestDifferenceSlice(a: LabelResult, b: LabelResult): number | null {
  const bDice = new Map(b.slices.map((s) => [s.index, s.losses.dice]));
  let at: number | null = null, most = -1;
  for (const s of a.slices) {
    const d = Math.abs((bDice.get(s.index) ?? NaN) - s.losses.dice);
    if (d > most) { most = d; at = s.index; }
  }
  return at;
}

/** 'missing A' / 'missing B': a two-prediction report's label without a prediction in that folder (not computed). */
export type CaseStatus = 'done' | 'failed' | 'notRun' | 'missing A' | 'missing B';

/** Model B's side of a case of a two-prediction report (issue #12). */
export interface CaseVersusSummary {
  readonly prediction: string | null;
  readonly labels: readonly CaseLabelSummary[];
  readonly lovaszSoftmax: number | null;
}

/** What stays in memory per case for the whole run (a few hundred bytes per label). */
export interface CaseSummary {
  /** Position in the plan. */
  readonly index: number;
  readonly case: string;
  readonly status: CaseStatus;
  readonly prediction: string;
  readonly label: string;
  readonly image: string | null;
  readonly seconds: number | null;
  readonly error: CaseError | null;
  readonly warnings: readonly string[];
  readonly predictionKind: string | null;
  readonly shape: readonly number[] | null;
  readonly labels: readonly CaseLabelSummary[];
  readonly lovaszSoftmax: number | null;
  /** Names of the numeric per-slice metrics (for the CSV columns). */
  readonly sliceMetricKeys: readonly string[];
  /** Two-prediction report: B's prediction and (when computed) values. */
  readonly versus?: CaseVersusSummary;
}

function numericKeys(o: Readonly<Record<string, unknown>> | undefined): string[] {
  return o ? Object.keys(o).filter((k) => typeof o[k] === 'number' || o[k] === null) : [];
}

export function labelMetrics(label: LabelResult, result: CompareResult): CaseLabelMetrics {
  let tp = 0, fp = 0, fn = 0;
  for (const s of label.slices) { tp += s.tp; fp += s.fp; fn += s.fn; }
  const voxels = result.shape.slice(0, 3).reduce((a, b) => a * b, 1);
  const union = tp + fp + fn;
  return {
    Dice: union === 0 ? null : (2 * tp) / (2 * tp + fp + fn),
    IoU: union === 0 ? null : tp / union,
    TP: tp, FP: fp, FN: fn, TN: voxels - union, n_pred: tp + fp, n_ref: tp + fn,
    losses: { ...label.volume },
    ...(label.metrics ? { metrics: label.metrics as unknown as Record<string, unknown> } : {}),
  };
}

export function summariseCase(index: number, outcome: CaseOutcome, image: string | null, worstCount: number): CaseSummary {
  const base = {
    index, case: outcome.case, prediction: outcome.prediction, label: outcome.label, image, seconds: outcome.seconds,
  };
  if (outcome.status === 'failed') {
    return {
      ...base, status: 'failed', error: outcome.error, warnings: [], predictionKind: null, shape: null, labels: [],
      lovaszSoftmax: null, sliceMetricKeys: [],
    };
  }
  const r = outcome.result;
  const sliceKeys = new Set<string>();
  for (const l of r.labels) for (const k of numericKeys(l.slices[0]?.metrics as Record<string, unknown> | undefined)) sliceKeys.add(k);
  const labelsOf = (x: CompareResult) => x.labels.map((l) => ({
    label: l.label, ...(l.name !== undefined ? { name: l.name } : {}), values: labelMetrics(l, x), slices: l.slices.length,
    emptySlices: l.slices.reduce((n, s) => n + (s.empty ? 1 : 0), 0), worstSlices: worstSlices(l, worstCount),
  }));
  const b = outcome.resultB;
  return {
    ...base, status: 'done', error: null, warnings: r.warnings, predictionKind: r.predictionKind, shape: r.shape,
    labels: labelsOf(r),
    lovaszSoftmax: r.multiclass?.volume.lovaszSoftmax ?? null,
    sliceMetricKeys: [...sliceKeys],
    ...(b ? {
      versus: {
        prediction: b.prediction,
        labels: labelsOf(b).map((lb) => {
          const la = r.labels.find((l) => String(l.label) === String(lb.label));
          const lbResult = b.labels.find((l) => String(l.label) === String(lb.label));
          return { ...lb, largestDifferenceSlice: la && lbResult ? largestDifferenceSlice(la, lbResult) : null };
        }),
        lovaszSoftmax: b.multiclass?.volume.lovaszSoftmax ?? null,
      },
    } : {}),
  };
}

/** A two-prediction report's case whose label has no prediction in one folder: listed, not computed. */
export function missingSummary(
  index: number, pair: { case: string; prediction: string; predictionB: string | null; label: string; image: string | null }, missing: 'A' | 'B',
): CaseSummary {
  const folder = missing === 'A' ? 'the first prediction folder' : 'the --versus prediction folder';
  return {
    index, case: pair.case, status: `missing ${missing}`, prediction: pair.prediction, label: pair.label, image: pair.image, seconds: null,
    error: { file: null, message: `no prediction for this label in ${folder}; not compared` },
    warnings: [], predictionKind: null, shape: null, labels: [], lovaszSoftmax: null, sliceMetricKeys: [],
    versus: { prediction: pair.predictionB, labels: [], lovaszSoftmax: null },
  };
}

export function notRunSummary(index: number, pair: { case: string; prediction: string; label: string; image: string | null }): CaseSummary {
  return {
    index, case: pair.case, status: 'notRun', prediction: pair.prediction, label: pair.label, image: pair.image, seconds: null,
    error: null, warnings: [], predictionKind: null, shape: null, labels: [], lovaszSoftmax: null, sliceMetricKeys: [],
  };
}

// ---------- cross-case statistics, generic over numeric leaves ----------

type Tree = { [key: string]: Tree | number | null };

/** Numeric leaves (number or null) of a nested object, by path; strings, booleans and arrays are skipped. */
function leaves(value: unknown, path: string[], out: Map<string, { path: string[]; values: number[]; nulls: number }>): void {
  if (value === null || typeof value === 'number') {
    const key = path.join('\u0000');
    let entry = out.get(key);
    if (!entry) out.set(key, entry = { path, values: [], nulls: 0 });
    if (value === null || !Number.isFinite(value)) entry.nulls++;
    else entry.values.push(value);
    return;
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) leaves(v, [...path, k], out);
  }
}

function setPath(tree: Tree, path: readonly string[], value: number | null): void {
  let node = tree;
  for (const k of path.slice(0, -1)) node = (node[k] ??= {}) as Tree;
  node[path[path.length - 1]!] = value;
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Statistics {
  readonly mean: Tree;
  readonly median: Tree;
  /** Non-null values per leaf. */
  readonly count: Tree;
  /** Null (undefined) values per leaf. */
  readonly nulls: Tree;
}

/** Mean, median, count and nulls of every numeric leaf over `items` (objects of the same shape). */
export function statistics(items: readonly unknown[]): Statistics {
  const all = new Map<string, { path: string[]; values: number[]; nulls: number }>();
  for (const item of items) leaves(item, [], all);
  const out: Statistics = { mean: {}, median: {}, count: {}, nulls: {} };
  for (const { path, values, nulls } of all.values()) {
    setPath(out.mean, path, mean(values));
    setPath(out.median, path, median(values));
    setPath(out.count, path, values.length);
    setPath(out.nulls, path, nulls);
  }
  return out;
}

export interface ReportSummary {
  readonly metric_per_case: readonly {
    readonly case: string;
    readonly prediction_file: string;
    readonly reference_file: string;
    readonly metrics: Readonly<Record<string, CaseLabelMetrics>>;
    readonly lovaszSoftmax?: number;
  }[];
  /** Per label: mean over computed cases of every numeric value (nulls skipped). */
  readonly mean: Tree;
  readonly median: Tree;
  readonly count: Tree;
  readonly nulls: Tree;
  /** Mean over labels of `mean` (nnU-Net's foreground_mean); likewise of `median`. */
  readonly foreground_mean: Tree;
  readonly foreground_median: Tree;
  /** The Lovasz-Softmax over cases that have one. */
  readonly multiclass?: { readonly mean: number | null; readonly median: number | null; readonly count: number };
}

export function buildSummary(cases: readonly CaseSummary[]): ReportSummary {
  const done = cases.filter((c) => c.status === 'done');
  const metric_per_case = done.map((c) => ({
    case: c.case, prediction_file: c.prediction, reference_file: c.label,
    metrics: Object.fromEntries(c.labels.map((l) => [String(l.label), l.values])),
    ...(c.lovaszSoftmax !== null ? { lovaszSoftmax: c.lovaszSoftmax } : {}),
  }));
  const labelKeys = [...new Set(done.flatMap((c) => c.labels.map((l) => String(l.label))))]
    .sort((a, b) => (Number(a) - Number(b)) || (a < b ? -1 : a > b ? 1 : 0));
  const byLabel: Record<string, Statistics> = {};
  for (const key of labelKeys) {
    byLabel[key] = statistics(done.flatMap((c) => c.labels.filter((l) => String(l.label) === key).map((l) => l.values)));
  }
  const pick = (s: keyof Statistics) => Object.fromEntries(labelKeys.map((k) => [k, byLabel[k]![s]])) as Tree;
  const perLabelMeans = labelKeys.map((k) => byLabel[k]!.mean);
  const perLabelMedians = labelKeys.map((k) => byLabel[k]!.median);
  const softmax = done.map((c) => c.lovaszSoftmax).filter((v): v is number => v !== null);
  return {
    metric_per_case,
    mean: pick('mean'), median: pick('median'), count: pick('count'), nulls: pick('nulls'),
    foreground_mean: statistics(perLabelMeans).mean,
    foreground_median: statistics(perLabelMedians).mean,
    ...(softmax.length > 0 ? { multiclass: { mean: mean(softmax), median: median(softmax), count: softmax.length } } : {}),
  };
}

/** A report's header: everything but the per-case details. */
export interface ReportHeader {
  readonly tool: { readonly name: 'mask-inspector'; readonly version: string };
  readonly reportFormat: number;
  readonly created: string;
  readonly status: 'complete' | 'cancelled';
  readonly settings: ReportSettings;
  readonly plan: {
    readonly pairs: number;
    readonly pairsByMode: Readonly<Record<string, number>>;
    readonly unmatchedPredictions: readonly PlanFile[];
    /** Two-prediction report: the --versus folder's predictions without a label. */
    readonly unmatchedPredictionsB?: readonly PlanFile[];
    readonly unmatchedLabels: readonly PlanFile[];
    readonly ignored: readonly PlanFile[];
  };
  readonly counts: { readonly planned: number; readonly computed: number; readonly failed: number; readonly notRun: number; readonly missing?: number };
  /** Cases not computed because the run was cancelled. */
  readonly notRun: readonly string[];
  readonly seconds: number;
  /** A partial report (`report --shard`): which part of how many, of how many planned cases. */
  readonly shard?: { readonly index: number; readonly count: number; readonly planned: number };
}

/** One entry of report.json `cases` (its `result` is the `compare --format json` contract). */
export interface ReportCase {
  readonly case: string;
  readonly status: CaseStatus;
  readonly prediction_file: string;
  readonly reference_file: string;
  readonly image_file: string | null;
  readonly seconds: number | null;
  readonly error: CaseError | null;
  readonly worstSlices: Readonly<Record<string, readonly number[]>>;
  readonly result: CompareResult | null;
  /** Two-prediction report: B's file and result, and the difference B − A (`compare --versus`). */
  readonly versus?: { readonly prediction_file: string | null; readonly result: CompareResult | null };
  readonly difference?: ResultDifference | null;
}

export function reportCase(summary: CaseSummary, result: CompareResult | null, resultB: CompareResult | null = null): ReportCase {
  return {
    case: summary.case, status: summary.status, prediction_file: summary.prediction, reference_file: summary.label,
    image_file: summary.image, seconds: summary.seconds, error: summary.error,
    worstSlices: Object.fromEntries(summary.labels.map((l) => [String(l.label), l.worstSlices])),
    result,
    ...(summary.versus ? {
      versus: { prediction_file: summary.versus.prediction, result: resultB },
      difference: result && resultB ? resultDifference(result, resultB) : null,
    } : {}),
  };
}
