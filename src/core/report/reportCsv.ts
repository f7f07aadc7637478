/**
 * cases.csv (one row per case × label; a failed or not-run case: one row, label empty) and
 * slices.csv (one row per case × label × slice). Column names follow `compare --format csv`
 * (labelVoxels, predictedVoxels, tp, fp, fn, the loss ids); evaluation metrics are `metrics.<id>`
 * then `metrics.undefinedReasons` ("hd95: label empty; …"), as in `compare --format csv`.
 * `reviewed`, `flagged`, `note` come from an optional marks lookup (the triage file, next phase)
 * and are empty without one.
 */
import { csvLine } from '../csv';
import type { Axis, CompareResult } from '../analysis/result';
import { LOSS_IDS } from '../kernels/lossIds';
import type { CaseSummary } from './reportModel';

/** A triage mark; slice null = the case as a whole. */
export interface ReportMark {
  readonly reviewed?: boolean;
  readonly flagged?: boolean;
  readonly note?: string;
}

export type MarksLookup = (caseId: string, axis: Axis, slice: number | null) => ReportMark | undefined;

const MARK_COLUMNS = ['reviewed', 'flagged', 'note'] as const;

function metricHeader(metricKeys: readonly string[]): string[] {
  return metricKeys.length > 0 ? [...metricKeys, 'undefinedReasons'].map((k) => `metrics.${k}`) : [];
}

/** The metric cells of a row: each key's number (null: empty), then the reasons of the nulls. */
function metricCells(metrics: unknown, metricKeys: readonly string[]): (number | string | null | undefined)[] {
  if (metricKeys.length === 0) return [];
  const m = (typeof metrics === 'object' && metrics !== null ? metrics : {}) as Record<string, unknown>;
  const reasons = typeof m['undefinedReasons'] === 'object' && m['undefinedReasons'] !== null
    ? Object.entries(m['undefinedReasons'] as Record<string, unknown>).map(([id, why]) => `${id}: ${String(why)}`).join('; ') : '';
  return [...metricKeys.map((k) => (typeof m[k] === 'number' ? m[k] as number : null)), reasons];
}

function markCells(mark: ReportMark | undefined): (string | boolean)[] {
  return mark ? [mark.reviewed ?? '', mark.flagged ?? '', mark.note ?? ''] : ['', '', ''];
}

export const CASE_COUNT_COLUMNS = ['slices', 'emptySlices', 'labelVoxels', 'predictedVoxels', 'tp', 'fp', 'fn'] as const;

/** Extra columns at the end of cases.csv (the two-prediction report's B and Δ: reportVersusCsv.ts). */
export interface ExtraColumns {
  readonly header: readonly string[];
  /** The cells of a row: a label of a computed case, or null (the one row of a case not computed). */
  readonly cells: (c: CaseSummary, label: string | null) => readonly (string | number | null)[];
}

/** `conventionIds`: library-convention loss ids (issue 11) after the seed's, volume values. */
export function casesCsvHeader(metricKeys: readonly string[], extra?: ExtraColumns, conventionIds: readonly string[] = []): string {
  return csvLine([
    'case', 'label', 'status', 'prediction_file', 'reference_file', 'predictionKind', ...CASE_COUNT_COLUMNS,
    ...LOSS_IDS, 'lovaszSoftmax', ...conventionIds, ...metricHeader(metricKeys), 'worstSlices', 'warnings', 'error', ...MARK_COLUMNS,
    ...(extra?.header ?? []),
  ]);
}

export function casesCsvRows(
  c: CaseSummary, metricKeys: readonly string[], axis: Axis, marks?: MarksLookup, extra?: ExtraColumns, conventionIds: readonly string[] = [],
): string {
  const mark = markCells(marks?.(c.case, axis, null));
  const head = [c.case];
  const files = [c.prediction, c.label];
  if (c.status !== 'done') {
    const error = c.status === 'notRun' || !c.error ? 'not run: the report was cancelled' : `${c.error.file ? `${c.error.file}: ` : ''}${c.error.message}`;
    return csvLine([...head, '', c.status, ...files, '', ...CASE_COUNT_COLUMNS.map(() => ''), ...LOSS_IDS.map(() => ''), '',
      ...conventionIds.map(() => ''), ...metricHeader(metricKeys).map(() => ''), '', '', error, ...mark, ...(extra?.cells(c, null) ?? [])]);
  }
  return c.labels.map((l) => {
    const v = l.values;
    return csvLine([
      ...head, String(l.label), c.status, ...files, c.predictionKind, l.slices, l.emptySlices, v.n_ref, v.n_pred, v.TP, v.FP, v.FN,
      ...LOSS_IDS.map((id) => v.losses[id]), c.lovaszSoftmax, ...conventionIds.map((id) => v.losses[id] ?? null),
      ...metricCells(v.metrics, metricKeys),
      l.worstSlices.join(' '), c.warnings.join(' | '), '', ...mark, ...(extra?.cells(c, String(l.label)) ?? []),
    ]);
  }).join('');
}

export const SLICE_COUNT_COLUMNS = ['labelVoxels', 'predictedVoxels', 'tp', 'fp', 'fn', 'empty'] as const;

export function slicesCsvHeader(metricKeys: readonly string[], conventionIds: readonly string[] = []): string {
  return csvLine(['case', 'label', 'slice', ...SLICE_COUNT_COLUMNS, ...LOSS_IDS, 'lovaszSoftmax', ...conventionIds,
    ...metricHeader(metricKeys), ...MARK_COLUMNS]);
}

export function slicesCsvRows(
  caseId: string, result: CompareResult, metricKeys: readonly string[], marks?: MarksLookup, conventionIds: readonly string[] = [],
): string {
  const out: string[] = [];
  const multi = result.multiclass;
  for (const label of result.labels) {
    for (const s of label.slices) {
      out.push(csvLine([
        caseId, String(label.label), s.index, ...SLICE_COUNT_COLUMNS.map((c) => s[c]), ...LOSS_IDS.map((id) => s.losses[id]),
        multi ? multi.slices[s.index]?.losses.lovaszSoftmax : null,
        ...conventionIds.map((id) => (s.losses as Record<string, number | undefined>)[id] ?? null),
        ...metricCells(s.metrics, metricKeys),
        ...markCells(marks?.(caseId, result.axis, s.index)),
      ]));
    }
  }
  return out.join('');
}
