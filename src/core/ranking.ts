/**
 * The one definition of "worse": each metric's direction, a value's badness, and the order of
 * slices worst first. The editor's slice table and worst-slice keys, the Cases view, "Next
 * Unreviewed Worst Slice", report thumbnails and the report panel all rank through here, so
 * "worst slice by X" means the same slice everywhere.
 */
import type { MetricId } from './kernels/metricIds';

/**
 * 'higher': higher is better (Dice-like), so the worst has the lowest value.
 * 'lower': lower is better (losses, distances, missed and false-positive lesions). 'zero': the
 * further from 0 the worse (relative volume difference). 'none': sizes, no better or worse
 * (volumes, lesion counts): ranked by value, largest first.
 */
export type Better = 'higher' | 'lower' | 'zero' | 'none';

export const METRIC_BETTER: { readonly [K in MetricId]: Better } = {
  dice: 'higher', iou: 'higher', precision: 'higher', recall: 'higher', specificity: 'higher',
  labelVolumeMl: 'none', predictionVolumeMl: 'none', relativeVolumeDifference: 'zero',
  hausdorff: 'lower', hd95: 'lower', assd: 'lower', surfaceDice: 'higher',
  // A count, not a score (fewer detected may just mean fewer lesions): no direction, as in the
  // editor; it was higher-is-better in the Cases view, so "worst" meant opposite slices.
  labelLesions: 'none', detectedLesions: 'none', missedLesions: 'lower', falsePositiveLesions: 'lower',
};

/** Larger is worse; NaN for a missing or non-finite value (ranked last). Losses: the value itself. */
export function metricBadness(id: MetricId, value: number | null | undefined): number {
  if (value === null || value === undefined || !Number.isFinite(value)) return Number.NaN;
  switch (METRIC_BETTER[id]) {
    case 'higher': return -value;
    case 'zero': return Math.abs(value);
    default: return value;
  }
}

export function lossBadness(value: number | null | undefined): number {
  return value === null || value === undefined || !Number.isFinite(value) ? Number.NaN : value;
}

/**
 * The slice order: non-empty slices first (an empty slice's score says nothing about the
 * model), then badness descending, NaN last, ties by index — so the order is stable.
 */
export function compareWorst(
  a: { readonly index: number; readonly empty: boolean }, badA: number,
  b: { readonly index: number; readonly empty: boolean }, badB: number,
): number {
  if (a.empty !== b.empty) return a.empty ? 1 : -1;
  const aNaN = Number.isNaN(badA), bNaN = Number.isNaN(badB);
  if (aNaN !== bNaN) return aNaN ? 1 : -1;
  if (!aNaN && badA !== badB) return badB - badA;
  return a.index - b.index;
}

/** Rows worst first by `badness` (compareWorst). */
export function rankByBadness<T extends { readonly index: number; readonly empty: boolean }>(rows: readonly T[], badness: (row: T) => number): T[] {
  const keyed = rows.map((row) => ({ row, bad: badness(row) }));
  keyed.sort((a, b) => compareWorst(a.row, a.bad, b.row, b.bad));
  return keyed.map((k) => k.row);
}
