/**
 * What the extension needs of a report.json to list, rank and open its cases: per case and label
 * the volume values and, per slice, every loss and per-slice metric as columns (Float64Array, NaN
 * where null), so a large report stays small in memory once read. Pure (node:test-able): the
 * cases view, "Next Unreviewed Worst Slice" and the report panel all rank through here.
 */
import type { Axis } from '../analysis/result';
import { MAX_TRIAGE_SLICE } from '../analysis/triage';
import { LOSS_IDS, type LossId } from '../kernels/lossIds';
import { LESION_METRIC_IDS, OVERLAP_METRIC_IDS, SURFACE_METRIC_IDS, type MetricId } from '../kernels/metricIds';
import { lossName, lossShort, METRIC_NAMES, metricName, metricShort, metricUnit, withUnit } from '../quantityNames';
import { lossBadness, METRIC_BETTER, metricBadness } from '../ranking';
import type { LabelKey } from '../protocol';

export interface IndexedLabel {
  readonly label: LabelKey;
  /** The label's name (report JSON labels[].name), when known. */
  readonly name?: string;
  /** Volume value per sort id (losses, then volume metrics); null when undefined. */
  readonly volume: Readonly<Record<string, number | null>>;
  /** The report's worst slices by Dice loss (its thumbnails), worst first. */
  readonly worstSlices: readonly number[];
  readonly sliceCount: number;
  /** Slice index → 1 when both masks are empty there. */
  readonly empty: Uint8Array;
  /** Sort id → value per slice (NaN: null or absent). */
  readonly values: ReadonlyMap<string, Float64Array>;
}

export interface IndexedCase {
  readonly case: string;
  readonly status: 'done' | 'failed' | 'notRun';
  /** Paths as the report has them (absolute, as the run saw them). */
  readonly prediction: string;
  readonly label: string;
  readonly image: string | null;
  readonly error: string | null;
  readonly labels: readonly IndexedLabel[];
  /** A two-prediction report's prediction B (report.json `versus.prediction_file`): the case opens in the three-way editor. */
  readonly predictionB?: string;
}

export interface ReportIndex {
  readonly created: string;
  readonly status: 'complete' | 'cancelled';
  readonly axis: Axis;
  readonly predictionDir: string;
  readonly labelDir: string;
  readonly counts: { readonly planned: number; readonly computed: number; readonly failed: number; readonly notRun: number };
  readonly cases: readonly IndexedCase[];
  /** Loss ids, then the metric ids the report holds per slice. */
  readonly sortIds: readonly string[];
}

/**
 * Metrics where a higher value is better when two models are compared on the same label (paired
 * statistics): the one table's 'higher' metrics (src/core/ranking.ts), plus detected lesions —
 * with the label fixed, more found is better, though across cases the count has no direction.
 */
export const HIGHER_IS_BETTER: ReadonlySet<string> = new Set([
  ...(Object.keys(METRIC_BETTER) as MetricId[]).filter((id) => METRIC_BETTER[id] === 'higher'), 'detectedLesions',
]);

/** The metric ids clash with two loss ids (dice, iou): metrics are `metrics.<id>` as sort ids. */
export const METRIC_PREFIX = 'metrics.';

export function isLossId(id: string): boolean {
  return (LOSS_IDS as readonly string[]).includes(id);
}

function metricOf(id: string): string {
  return id.startsWith(METRIC_PREFIX) ? id.slice(METRIC_PREFIX.length) : id;
}

function knownMetric(metric: string): metric is MetricId {
  return Object.prototype.hasOwnProperty.call(METRIC_NAMES, metric);
}

/**
 * Whether ranking by `id` answers "which is worst": losses and error-like metrics do; sizes
 * (label and prediction volume, label lesions) and the detected-lesion count (fewer may just mean
 * fewer lesions) do not, so "Sort by…" never offers them.
 */
export function isRankable(id: string): boolean {
  if (isLossId(id)) return true;
  const metric = metricOf(id);
  return !(knownMetric(metric) && METRIC_BETTER[metric] === 'none') && metric !== 'detectedLesions';
}

/** "Dice loss", "Hausdorff distance (mm)", "Dice (lowest first)": what a sort id is, for people. */
export function sortIdLabel(id: string): string {
  if (isLossId(id)) return lossName(id as LossId);
  const metric = metricOf(id);
  if (!knownMetric(metric)) return metric;
  return `${withUnit(metricName(metric), metricUnit(metric))}${METRIC_BETTER[metric] === 'higher' ? ' (lowest first)' : ''}`;
}

/** "Dice loss", "HD (mm)": the compact name, for the view's description. */
export function sortIdShort(id: string): string {
  if (isLossId(id)) return lossShort(id as LossId);
  const metric = metricOf(id);
  return knownMetric(metric) ? withUnit(metricShort(metric), metricUnit(metric)) : metric;
}

/** "Dice loss 0.1677", "HD 85.80 mm", "Dice –": a value with its name and unit. */
export function sortIdValueText(id: string, value: number | null | undefined, format: (v: number | null | undefined) => string): string {
  if (isLossId(id)) return `${lossShort(id as LossId)} ${format(value)}`;
  const metric = metricOf(id);
  if (!knownMetric(metric)) return `${metric} ${format(value)}`;
  const unit = metricUnit(metric);
  const shown = format(value);
  return `${metricShort(metric)} ${shown}${unit && shown !== '–' ? ` ${unit}` : ''}`;
}

/**
 * How bad a value is, for ranking worst first (src/core/ranking.ts, the one definition): a loss as
 * is, a metric by its direction. A null or unknown value ranks after every number.
 */
export function badness(id: string, value: number): number {
  const bad = isLossId(id) ? lossBadness(value) : metricBadness(id.startsWith(METRIC_PREFIX) ? id.slice(METRIC_PREFIX.length) as MetricId : id as MetricId, value);
  return Number.isNaN(bad) ? -Infinity : bad;
}

/** report.json files above this are refused unread (docs/limits.md). */
export const MAX_REPORT_JSON_BYTES = 512 * 1024 * 1024;

const KNOWN_METRICS: ReadonlySet<string> = new Set([...OVERLAP_METRIC_IDS, ...SURFACE_METRIC_IDS, ...LESION_METRIC_IDS]);

/** No volume axis is longer (NIfTI-1 dims are int16; the triage file has the same bound). */
const MAX_SLICES = MAX_TRIAGE_SLICE + 1;

/** Slices along `axis` of a result's `shape` [nx, ny, nz]; null when the shape is not one. */
function slicesAlong(shape: unknown, axis: Axis): number | null {
  if (!Array.isArray(shape) || shape.length !== 3) return null;
  if (!shape.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_SLICES)) return null;
  return shape[axis === 'i' ? 0 : axis === 'j' ? 1 : 2] as number;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function valueOf(row: Record<string, unknown>, id: string): number | null {
  if (id.startsWith(METRIC_PREFIX)) return num(record(row['metrics'])[id.slice(METRIC_PREFIX.length)]);
  return num(record(row['losses'])[id]);
}

/**
 * Indexes a parsed report.json. Throws an Error saying what is wrong when it is not a Mask
 * Inspector report (another file, or an unknown reportFormat).
 */
export function indexReport(json: unknown): ReportIndex {
  const top = record(json);
  if (record(top['tool'])['name'] !== 'mask-inspector' || !Array.isArray(top['cases'])) {
    throw new Error('not a Mask Inspector report.json (no tool "mask-inspector" or no "cases")');
  }
  if (top['reportFormat'] !== 1) throw new Error(`reportFormat ${JSON.stringify(top['reportFormat'])} is not one this version reads (1)`);
  const settings = record(top['settings']);
  const axis: Axis = settings['axis'] === 'i' || settings['axis'] === 'j' ? settings['axis'] : 'k';
  const cases = top['cases'] as unknown[];

  // Per-slice metric ids: every known metric id (a hostile file's thousands of made-up keys would
  // each cost a column per slice) with a numeric (or null) value in any slice's metrics.
  const metricIds = new Set<string>();
  for (const raw of cases) {
    for (const l of (record(record(raw)['result'])['labels'] as unknown[] | undefined) ?? []) {
      const first = ((record(l)['slices'] as unknown[] | undefined) ?? []).map(record).find((s) => s['metrics'] !== undefined);
      if (!first) continue;
      for (const [k, v] of Object.entries(record(first['metrics']))) if (KNOWN_METRICS.has(k) && (typeof v === 'number' || v === null)) metricIds.add(k);
    }
  }
  const sortIds = [...LOSS_IDS, ...[...metricIds].map((k) => METRIC_PREFIX + k)];

  const indexed: IndexedCase[] = cases.map((raw, i) => {
    const c = record(raw);
    const status = c['status'] === 'done' || c['status'] === 'failed' ? c['status'] : 'notRun';
    const error = record(c['error']);
    const errorText = str(error['message']) === null ? null : `${str(error['file']) ? `${str(error['file'])}: ` : ''}${str(error['message'])}`;
    const worst = record(c['worstSlices']);
    const labels = ((record(c['result'])['labels'] as unknown[] | undefined) ?? []).map((rawLabel): IndexedLabel => {
      const l = record(rawLabel);
      const label: LabelKey = typeof l['label'] === 'number' ? l['label'] : 'foreground';
      const slices = ((l['slices'] as unknown[] | undefined) ?? []).map(record);
      // Validated against the pair's real shape (a 150-byte file claiming slice 5e8 must not
      // allocate gigabytes): indices beyond the slices along the axis are dropped.
      const along = slicesAlong(record(c['result'])['shape'], axis) ?? slices.length;
      const isSlice = (n: number | null): n is number => n !== null && Number.isInteger(n) && n >= 0 && n < along;
      const count = slices.reduce((n, s) => { const i = num(s['index']); return isSlice(i) ? Math.max(n, i + 1) : n; }, 0);
      const empty = new Uint8Array(count);
      const values = new Map<string, Float64Array>();
      for (const id of sortIds) values.set(id, new Float64Array(count).fill(NaN));
      for (const s of slices) {
        const index = num(s['index']);
        if (!isSlice(index)) continue;
        empty[index] = s['empty'] === true ? 1 : 0;
        for (const id of sortIds) values.get(id)![index] = valueOf(s, id) ?? NaN;
      }
      const volume: Record<string, number | null> = {};
      for (const id of sortIds) {
        volume[id] = id.startsWith(METRIC_PREFIX) ? num(record(l['metrics'])[id.slice(METRIC_PREFIX.length)]) : num(record(l['volume'])[id]);
      }
      const worstList = worst[String(label)];
      const name = typeof l['name'] === 'string' ? l['name'] : undefined;
      return {
        label, ...(name !== undefined ? { name } : {}), volume, sliceCount: count, empty, values,
        worstSlices: Array.isArray(worstList) ? worstList.filter((n): n is number => typeof n === 'number' && n < count && isSlice(n)) : [],
      };
    });
    return {
      case: str(c['case']) ?? `case ${i + 1}`, status,
      prediction: str(c['prediction_file']) ?? '', label: str(c['reference_file']) ?? '', image: str(c['image_file']),
      // A two-prediction report's `missing A`/`missing B` case is listed as not run, with its own reason.
      error: status === 'notRun' ? errorText ?? 'not run: the report was cancelled' : errorText, labels,
      ...(typeof record(c['versus'])['prediction_file'] === 'string' ? { predictionB: record(c['versus'])['prediction_file'] as string } : {}),
    };
  });
  const counts = record(top['counts']);
  return {
    created: str(top['created']) ?? '', status: top['status'] === 'cancelled' ? 'cancelled' : 'complete', axis,
    predictionDir: str(settings['predictionDir']) ?? '', labelDir: str(settings['labelDir']) ?? '',
    counts: {
      planned: num(counts['planned']) ?? indexed.length, computed: num(counts['computed']) ?? 0,
      failed: num(counts['failed']) ?? 0, notRun: num(counts['notRun']) ?? 0,
    },
    cases: indexed, sortIds,
  };
}

/** A case's rank value for `id`: its worst label's volume value (badness; -Infinity when none). */
export function caseBadness(c: IndexedCase, id: string): number {
  let worst = -Infinity;
  for (const l of c.labels) {
    const v = l.volume[id];
    if (v !== null && v !== undefined) worst = Math.max(worst, badness(id, v));
  }
  return worst;
}

/** Computed cases worst first by `id` (ties by case id), then failed, then not run. */
export function sortCases(cases: readonly IndexedCase[], id: string): IndexedCase[] {
  const order = { done: 0, failed: 1, notRun: 2 } as const;
  const keyed = cases.map((c) => ({ c, bad: caseBadness(c, id) }));
  keyed.sort((a, b) => order[a.c.status] - order[b.c.status] || (b.bad - a.bad || 0) || (a.c.case < b.c.case ? -1 : a.c.case > b.c.case ? 1 : 0));
  return keyed.map((k) => k.c);
}

export interface RankedSlice {
  readonly case: IndexedCase;
  readonly label: LabelKey;
  readonly slice: number;
  /** The value of the sort id (not the badness); null when undefined. */
  readonly value: number | null;
}

/** Every non-empty slice of `c` with a value for `id`, worst first (labels mixed). */
export function rankSlices(c: IndexedCase, id: string): RankedSlice[] {
  const out: { r: RankedSlice; bad: number }[] = [];
  for (const l of c.labels) {
    const values = l.values.get(id);
    if (!values) continue;
    for (let i = 0; i < l.sliceCount; i++) {
      if (l.empty[i] === 1 || !Number.isFinite(values[i]!)) continue;
      out.push({ r: { case: c, label: l.label, slice: i, value: values[i]! }, bad: badness(id, values[i]!) });
    }
  }
  out.sort((a, b) => b.bad - a.bad || a.r.slice - b.r.slice || String(a.r.label).localeCompare(String(b.r.label)));
  return out.map((o) => o.r);
}

/** The `count` worst slices of a case by `id`, each slice once (its worst label). */
export function worstSlicesOf(c: IndexedCase, id: string, count: number): RankedSlice[] {
  const seen = new Set<number>();
  const out: RankedSlice[] = [];
  for (const r of rankSlices(c, id)) {
    if (seen.has(r.slice)) continue;
    seen.add(r.slice);
    out.push(r);
    if (out.length >= count) break;
  }
  return out;
}

/**
 * The worst slice by `id` over every computed case that `isReviewed` says is not reviewed yet;
 * null when every ranked slice is reviewed.
 */
export function nextUnreviewedSlice(
  index: ReportIndex, id: string, isReviewed: (c: IndexedCase, axis: Axis, slice: number) => boolean,
): RankedSlice | null {
  let best: { r: RankedSlice; bad: number } | null = null;
  for (const c of index.cases) {
    if (c.status !== 'done') continue;
    for (const r of rankSlices(c, id)) {
      const bad = badness(id, r.value!);
      if (best !== null && bad <= best.bad) break; // ranked: nothing further in this case beats the best
      if (isReviewed(c, index.axis, r.slice)) continue;
      best = { r, bad };
      break;
    }
  }
  return best?.r ?? null;
}
