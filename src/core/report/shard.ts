/**
 * `report --shard I/N` (issue #12): the I-th of N deterministic parts of the sorted case list,
 * I 0-based so Kubernetes' JOB_COMPLETION_INDEX and Slurm's SLURM_ARRAY_TASK_ID (--array=0-(N-1))
 * pass straight through. Part I holds cases [⌊I·n/N⌋, ⌊(I+1)·n/N⌋): contiguous, in order, sizes
 * differing by at most one, every case in exactly one part (a part may be empty when N > n).
 */

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** "I/N" → the shard; a message saying what is wrong otherwise. */
export function parseShard(text: string | undefined): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text?.trim() ?? '');
  if (!m) return `--shard takes I/N, part I (0-based) of N, e.g. 0/4${text === undefined ? '' : ` (got "${text}")`}`;
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || index >= count) return `--shard ${text}: needs 0 ≤ I < N (I is 0-based: the parts of N = 4 are 0/4 … 3/4)`;
  return { index, count };
}

/** The [start, end) of part `shard` of `n` sorted cases. */
export function shardRange(n: number, shard: Shard): [number, number] {
  return [Math.floor((shard.index * n) / shard.count), Math.floor(((shard.index + 1) * n) / shard.count)];
}

/** The cases of part `shard`. */
export function shardOf<T>(items: readonly T[], shard: Shard): T[] {
  const [start, end] = shardRange(items.length, shard);
  return items.slice(start, end);
}
