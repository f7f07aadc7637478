/**
 * Triage ranking: slices ordered by the chosen loss or metric, worst first, the way a reviewer
 * wants to walk them. Pure, unit-tested under Node.
 */
import type { SliceRow } from '../src/core/analysis/result';
import type { LossId } from '../src/core/kernels/lossIds';

/**
 * Slice indices, non-empty slices first (an empty slice's score says nothing about the model),
 * each group by `badness` descending (larger is worse); ties and NaN (last) by index so the order
 * is stable.
 */
export function rankByBadness(rows: readonly SliceRow[], badness: (row: SliceRow) => number): number[] {
  const values = new Map(rows.map((row) => [row.index, badness(row)]));
  const sorted = [...rows].sort((a, b) => {
    if (a.empty !== b.empty) return a.empty ? 1 : -1;
    const va = values.get(a.index)!;
    const vb = values.get(b.index)!;
    const aNaN = Number.isNaN(va);
    const bNaN = Number.isNaN(vb);
    if (aNaN !== bNaN) return aNaN ? 1 : -1;
    if (!aNaN && va !== vb) return vb - va;
    return a.index - b.index;
  });
  return sorted.map((row) => row.index);
}

/** By a loss: a higher loss is worse. */
export function rankSlices(rows: readonly SliceRow[], loss: LossId): number[] {
  return rankByBadness(rows, (row) => row.losses[loss]);
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
