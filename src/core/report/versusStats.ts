/**
 * report.json `versus` of a two-prediction report (issue #12):
 *   {"predictionsB": PATH, "stats": {QUANTITY: {LABEL: PairedStats}}}
 * QUANTITY: a loss id as in a result's `volume` (`dice`), a metric id prefixed `metrics.` as in
 * cases.csv (`metrics.dice`), or `lovaszSoftmax` (LABEL "multiclass"); LABEL: the label value as
 * a string. Each entry is over the computed cases where both values are defined (pairedStats.ts).
 */
import { LOSS_IDS } from '../kernels/lossIds';
import { pairedStats, type PairedStats } from './pairedStats';
import { METRIC_PREFIX } from './reportIndex';
import type { CaseLabelMetrics, CaseSummary } from './reportModel';

export type VersusStats = Record<string, Record<string, PairedStats>>;

export interface ReportVersus {
  readonly predictionsB: string;
  readonly stats: VersusStats;
}

/** One per-case value pair of a quantity and label, for the plots. */
export interface VersusPoint {
  readonly case: string;
  readonly a: number | null;
  readonly b: number | null;
  /** The slice of largest difference (Dice loss), where a click opens the three-way editor; null: the case's worst. */
  readonly slice: number | null;
}

function numeric(o: Readonly<Record<string, unknown>> | undefined): string[] {
  return o ? Object.keys(o).filter((k) => typeof o[k] === 'number' || o[k] === null) : [];
}

/** The value of QUANTITY in a label's values (null when absent or undefined). */
export function quantityValue(values: CaseLabelMetrics | undefined, quantity: string): number | null {
  if (!values) return null;
  const v = quantity.startsWith(METRIC_PREFIX) ? values.metrics?.[quantity.slice(METRIC_PREFIX.length)] : values.losses[quantity];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Quantities in output order: the loss ids, then `metrics.<id>` of every numeric metric any case has. */
export function versusQuantities(cases: readonly CaseSummary[]): string[] {
  const metrics: string[] = [];
  for (const c of cases) for (const l of [...c.labels, ...(c.versus?.labels ?? [])]) {
    for (const k of numeric(l.values.metrics)) if (!metrics.includes(k)) metrics.push(k);
  }
  return [...LOSS_IDS, ...metrics.map((k) => METRIC_PREFIX + k)];
}

/** Label keys of the computed cases, numeric order (as report.json `summary`). */
export function versusLabels(cases: readonly CaseSummary[]): string[] {
  return [...new Set(cases.filter((c) => c.status === 'done').flatMap((c) => c.labels.map((l) => String(l.label))))]
    .sort((a, b) => (Number(a) - Number(b)) || (a < b ? -1 : a > b ? 1 : 0));
}

/** A and B per computed case for one quantity and label ("multiclass": the Lovasz-Softmax). */
export function versusPoints(cases: readonly CaseSummary[], quantity: string, label: string): VersusPoint[] {
  return cases.filter((c) => c.status === 'done' && c.versus).map((c) => {
    if (label === 'multiclass') return { case: c.case, a: c.lovaszSoftmax, b: c.versus!.lovaszSoftmax, slice: null };
    const a = c.labels.find((l) => String(l.label) === label)?.values;
    const lb = c.versus!.labels.find((l) => String(l.label) === label);
    return { case: c.case, a: quantityValue(a, quantity), b: quantityValue(lb?.values, quantity), slice: lb?.largestDifferenceSlice ?? null };
  });
}

export function buildVersusStats(cases: readonly CaseSummary[]): VersusStats {
  const stats: VersusStats = {};
  const labels = versusLabels(cases);
  for (const quantity of versusQuantities(cases)) {
    const byLabel: Record<string, PairedStats> = {};
    for (const label of labels) {
      const points = versusPoints(cases, quantity, label);
      byLabel[label] = pairedStats(quantity, points.map((p) => p.a), points.map((p) => p.b));
    }
    stats[quantity] = byLabel;
  }
  if (cases.some((c) => c.status === 'done' && (c.lovaszSoftmax !== null || c.versus?.lovaszSoftmax != null))) {
    const points = versusPoints(cases, 'lovaszSoftmax', 'multiclass');
    stats['lovaszSoftmax'] = { multiclass: pairedStats('lovaszSoftmax', points.map((p) => p.a), points.map((p) => p.b)) };
  }
  return stats;
}
