/**
 * Triage ranking: slices ordered by the chosen loss, worst first, the way a reviewer wants to
 * walk them. Pure, unit-tested under Node.
 */
import type { SliceRow } from '../src/core/analysis/result';
import type { LossId } from '../src/core/kernels/lossIds';

/**
 * Slice indices, non-empty slices first (an empty slice's loss says nothing about the model),
 * each group by loss descending; ties and NaN (last) by index so the order is stable.
 */
export function rankSlices(rows: readonly SliceRow[], loss: LossId): number[] {
  const sorted = [...rows].sort((a, b) => {
    if (a.empty !== b.empty) return a.empty ? 1 : -1;
    const va = a.losses[loss];
    const vb = b.losses[loss];
    const aNaN = Number.isNaN(va);
    const bNaN = Number.isNaN(vb);
    if (aNaN !== bNaN) return aNaN ? 1 : -1;
    if (!aNaN && va !== vb) return vb - va;
    return a.index - b.index;
  });
  return sorted.map((row) => row.index);
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

/** Remembers the ranking for the last (rows, loss) pair: recomputing it per key press would cost a sort of every slice. */
export class RankingCache {
  private rows: readonly SliceRow[] | null = null;
  private loss: LossId | null = null;
  private ranking: number[] = [];

  get(rows: readonly SliceRow[], loss: LossId): readonly number[] {
    if (rows !== this.rows || loss !== this.loss) {
      this.rows = rows;
      this.loss = loss;
      this.ranking = rankSlices(rows, loss);
    }
    return this.ranking;
  }
}
