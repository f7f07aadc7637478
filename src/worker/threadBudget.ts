/**
 * How many worker threads a run may start. Every thread costs a V8 heap and its own scratch
 * arrays, so asking for more threads than cores only adds memory (issue #9: `--jobs 1000`
 * reached 6 GB on a thin volume). Requests are capped at what the machine can use, and the
 * caller says so in a warning.
 */
import { availableParallelism, totalmem } from 'node:os';

/** Memory a report worker may need for one large case (two 512×512×300 volumes decoded, metrics, scratch). */
export const CASE_WORKER_BUDGET_BYTES = 1.5 * 1024 ** 3;

/** Range threads of one comparison: one per core (they share the pair's memory). */
export function mostRangeThreads(): number {
  return Math.max(1, availableParallelism());
}

/** Case threads of a report: one per core, but no more than half the memory allows at CASE_WORKER_BUDGET_BYTES each. */
export function mostCaseThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(totalmem() / 2 / CASE_WORKER_BUDGET_BYTES)));
}

export interface ThreadChoice {
  readonly threads: number;
  /** Set when the request was lowered: say it to the user. */
  readonly warning: string | null;
}

/** `requested` (undefined: the most) capped at `most`; `what` names the request in the warning ("--jobs 400"). */
export function capThreads(requested: number | undefined, most: number, what: string): ThreadChoice {
  if (requested === undefined || requested <= most) return { threads: requested ?? most, warning: null };
  const cores = availableParallelism();
  const gb = (totalmem() / 1024 ** 3).toFixed(1);
  return {
    threads: most,
    warning: `${what} is more than this machine can use (${cores} core${cores === 1 ? '' : 's'}, ${gb} GB of memory); using ${most} thread${most === 1 ? '' : 's'}`,
  };
}
