/**
 * Triage ranking: slices ordered by the chosen loss or metric, worst first, the way a reviewer
 * wants to walk them. Pure, unit-tested under Node.
 */
import type { SliceRow } from '../src/core/analysis/result';
import type { LossId } from '../src/core/kernels/lossIds';
import { lossBadness, rankByBadness as rankRows } from '../src/core/ranking';

/** Slice indices worst first by `badness` (larger is worse): the one order of src/core/ranking.ts. */
export function rankByBadness(rows: readonly SliceRow[], badness: (row: SliceRow) => number): number[] {
  return rankRows(rows, badness).map((row) => row.index);
}

/** By a loss: a higher loss is worse. */
export function rankSlices(rows: readonly SliceRow[], loss: LossId): number[] {
  return rankByBadness(rows, (row) => lossBadness(row.losses[loss]));
}

/**
 * The slice ranked `step` places from `current` (+1: next, i.e. less bad; −1: previous, worse).
 * From a slice outside the ranking, "next" starts at the worst. Undefined past either end.
 */
export function stepInRanking(ranking: readonly number[], current: number, step: 1 | -1): number | undefined {
  const position = ranking.indexOf(current);
  if (position < 0) return step === 1 ? ranking[0] : undefined;
  return ranking[position + step];
}

/**
 * Remembers the last ranking: recomputing it per key press would cost a sort of every slice.
 * `key` names what is ranked (a loss or metric id); `source` is the object its values come from
 * (the metrics message), so a new one ranks afresh.
 */
export class RankingCache {
  private rows: readonly SliceRow[] | null = null;
  private key: string | null = null;
  private source: object | null = null;
  private ranking: number[] = [];

  get(rows: readonly SliceRow[], key: string, source: object | null, badness: (row: SliceRow) => number): readonly number[] {
    if (rows !== this.rows || key !== this.key || source !== this.source) {
      this.rows = rows;
      this.key = key;
      this.source = source;
      this.ranking = rankByBadness(rows, badness);
    }
    return this.ranking;
  }
}
