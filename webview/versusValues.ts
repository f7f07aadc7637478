/**
 * The three-way editor's numbers: the chosen loss or metric per slice for A and for B, their
 * difference B − A (null where either is null, as the CLI's `difference`), and the ranking of
 * slices by how much worse (or better) B is. "Worse" follows the one definition of a quantity's
 * direction (src/core/ranking.ts, through metricInfo.ts badness: a loss, a distance or a missed lesion is worse higher, a
 * Dice-like metric lower, the relative volume difference further from 0).
 */
import type { SliceRow } from '../src/core/analysis/result';
import type { MetricId } from '../src/core/kernels/metricIds';
import type { LossId } from '../src/core/kernels/lossIds';
import { DIFFERENCE_COLOURS } from './differenceColouring';
import { badness, metricValue } from './metricInfo';
import type { AxisLosses, AxisMetrics } from './state';

export type VersusRank = 'loses' | 'wins';

/** The chosen quantity: a loss, or a metric when the view has one. */
export interface Quantity {
  readonly loss: LossId;
  readonly metric?: MetricId;
}

export interface SideData {
  readonly losses: AxisLosses | undefined;
  readonly metrics: AxisMetrics | undefined;
}

/** The quantity on slice `index` of one prediction; null when undefined or not computed yet. */
export function sideValue(side: SideData, quantity: Quantity, index: number): number | null {
  if (quantity.metric === undefined) {
    const v = side.losses?.rowsByIndex[index]?.losses[quantity.loss];
    return typeof v === 'number' ? v : null;
  }
  return metricValue(side.metrics?.result.slices[index], quantity.metric);
}

/** B − A; null where either is null. */
export function differenceOf(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : b - a;
}

/** How much worse B is than A on a value of `quantity` (positive: B loses); NaN when either is null. */
export function lossOfB(quantity: Quantity, a: number | null, b: number | null): number {
  if (a === null || b === null) return Number.NaN;
  if (quantity.metric === undefined) return b - a; // every loss: lower is better
  return badness(quantity.metric, b) - badness(quantity.metric, a);
}

/** Colour of a slice's difference bar: vermillion where B is worse, blue where B is better (the difference map's colours), yellow when even. */
export function differenceBarColour(quantity: Quantity, a: number | null, b: number | null): string {
  const worse = lossOfB(quantity, a, b);
  return worse > 0 ? DIFFERENCE_COLOURS.bLoses : worse < 0 ? DIFFERENCE_COLOURS.bWins : DIFFERENCE_COLOURS.bothWrong;
}

/**
 * Rows for ranking: a slice is empty only when it is empty for both predictions (a slice where B
 * predicts something and A nothing is not "empty" for the comparison).
 */
export function versusRows(rowsA: readonly SliceRow[], b: AxisLosses | undefined): SliceRow[] {
  return rowsA.map((row) => (row.empty && b?.rowsByIndex[row.index]?.empty === false ? { ...row, empty: false } : row));
}

/** Badness of a slice for W/N/P: how much B loses on it ('loses'), or how much it wins ('wins'). */
export function versusBadness(quantity: Quantity, rank: VersusRank, a: SideData, b: SideData): (row: SliceRow) => number {
  const sign = rank === 'loses' ? 1 : -1;
  return (row) => sign * lossOfB(quantity, sideValue(a, quantity, row.index), sideValue(b, quantity, row.index));
}
