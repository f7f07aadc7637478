/**
 * The slabs of one comparison (streamCompare.ts), shared between this thread and the range
 * workers by claiming: each slab is posted to every worker as soon as it is ready, and whoever
 * comes to it first — a worker, in the order slabs were posted, or this thread once it is free —
 * claims it with a compare-and-swap in shared memory; the others skip it. So a worker never waits
 * for this thread (busy inflating, or computing the 3D metrics), and this thread never waits for a
 * worker's backlog that it could compute itself. Each slab is computed exactly once, so results
 * are those of any other split (computeRange: every number depends only on its own slice).
 */
import type { Worker } from 'node:worker_threads';
import type { CompareOptions } from '../core/analysis/compare';
import { computeRange, type RangeResult } from '../core/analysis/computeRange';
import type { PreparedPair } from '../core/analysis/inputs';
import { sliceGeometry } from '../core/analysis/slicing';
import { mergeTwoRuns } from '../core/kernels/lovasz';
import type { MetricSettings } from '../core/kernels/metricIds';
import { CLAIM_FREE, CLAIM_HERE, type RangeJob, type RangeReply } from './rangeMessages';
import { awaitReply } from './workerJob';

/** Sorted key runs this thread lets pile up before merging two while the workers compute. */
const MAX_KEY_RUNS = 4;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The range with label `li`'s sorted keys replaced. */
function withLabelKeys(range: RangeResult, li: number, keysLo: Uint32Array, keysHi: Uint32Array): RangeResult {
  return { ...range, labels: range.labels.map((l, i) => (i === li ? { ...l, keysLo, keysHi } : l)) };
}

export class SlabRunner {
  private slabs: { readonly start: number; readonly end: number; readonly pair: PreparedPair; done: boolean }[] = [];
  /** One claim per slab of the current pair (CLAIM_FREE, CLAIM_WORKER, CLAIM_HERE); null until `use`. */
  private claims: Int32Array | null = null;
  private readonly results: RangeResult[] = [];
  private readonly running = new Set<Promise<void>>();
  private failure: unknown = null;
  private nextId = 0;
  private pair: PreparedPair | null = null;

  /** No workers and one slab: everything runs on this thread, as one range (no sorted keys to keep and merge). */
  readonly alone: boolean;
  /** Threads computing slabs, this one included. */
  readonly threads: number;

  constructor(
    private readonly workers: readonly Worker[],
    private readonly options: CompareOptions,
    private readonly metrics: MetricSettings,
    /** Results keep the k-planes of the 3D metrics (computeRange's keepPlanes: the slab ring). */
    private readonly keepPlanes = false,
    /** Many slabs even without a worker (the slab ring): their sorted keys are kept and merged. */
    manySlabs = false,
  ) {
    this.alone = workers.length === 0 && !manySlabs;
    this.threads = workers.length + 1;
  }

  /** Slabs added from now on use `pair` (whose preparation must equal the slabs' so far, or discard() first). */
  use(pair: PreparedPair): void {
    this.pair = pair;
    if (this.claims === null) {
      const { count } = sliceGeometry(pair.prediction.dims, this.options.axis);
      this.claims = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, count)));
    }
  }

  /** The pair slabs are computed with (null before `use`). */
  get current(): PreparedPair | null {
    return this.pair;
  }

  /**
   * Slices [start, end), after the slabs added so far; posted to every worker at once (the first
   * to claim it computes it). `pair`: the slab's own view of the pair (a slab window of the ring).
   */
  add(start: number, end: number, pair: PreparedPair = this.pair!): void {
    const index = this.slabs.length;
    const slab = { start, end, pair, done: false };
    this.slabs.push(slab);
    for (const worker of this.workers) {
      const request: RangeJob = {
        task: 'range', id: this.nextId++, pair, axis: this.options.axis, params: this.options.params,
        metrics: this.metrics, start, end, conventions: this.options.conventions ?? null,
        claim: { flags: this.claims!, index }, keepPlanes: this.keepPlanes,
      };
      const job: Promise<void> = awaitReply<RangeReply>(worker, request).then((reply) => {
        if (!reply.ok) throw new Error(reply.message);
        if (reply.result === null) return; // another thread took it
        this.results.push(reply.result as RangeResult);
        slab.done = true;
      }).catch((error: unknown) => { this.failure ??= error; })
        .finally(() => this.running.delete(job));
      this.running.add(job);
    }
  }

  /** Whether slab `index` (in the order added) has its result. */
  isDone(index: number): boolean {
    return this.slabs[index]!.done;
  }

  /** Computes here the first slab no thread has claimed; false when there is none. */
  computeOneHere(): boolean {
    if (this.failure !== null) throw this.failure;
    for (let index = 0; index < this.slabs.length; index++) {
      if (this.slabs[index]!.done) continue;
      if (!this.alone && Atomics.compareExchange(this.claims!, index, CLAIM_FREE, CLAIM_HERE) !== CLAIM_FREE) continue;
      this.computeHere(index);
      return true;
    }
    return false;
  }

  /** Resolves when a worker replies (a slab done, or skipped), at once when none is running. */
  async nextReply(): Promise<void> {
    if (this.running.size > 0) await Promise.race([...this.running]);
    if (this.failure !== null) throw this.failure;
  }

  private computeHere(index: number): void {
    const slab = this.slabs[index]!;
    this.results.push(computeRange(slab.pair, this.options.axis, this.options.params, slab.start, slab.end, !this.alone, this.metrics,
      this.options.conventions ?? null, this.keepPlanes));
    slab.done = true;
    // Many key runs: merge two now, while the workers compute, rather than after the last slab.
    if (this.keyRuns() > MAX_KEY_RUNS) this.mergeTwoSmallestRuns();
  }

  /** Computes every slab no worker has claimed yet, then waits for the workers' (merging key runs meanwhile). */
  async finish(): Promise<RangeResult[]> {
    for (let index = 0; index < this.slabs.length; index++) {
      if (this.failure !== null) throw this.failure;
      if (this.slabs[index]!.done) continue;
      if (!this.alone && Atomics.compareExchange(this.claims!, index, CLAIM_FREE, CLAIM_HERE) !== CLAIM_FREE) continue;
      this.computeHere(index);
      await nextTurn();
    }
    // While the workers finish their last slabs, join the sorted keys in hand (the volume's Lovasz
    // hinge walks all slabs' keys merged, and any grouping gives the same walk: equal keys are
    // interchangeable), so that little merging is left once the last slab is in.
    while (this.running.size > 0) {
      if (this.mergeTwoSmallestRuns()) await nextTurn();
      else await Promise.race([...this.running]);
    }
    if (this.failure !== null) throw this.failure;
    return this.results;
  }

  /** Cancels the slabs no one has claimed, waits for the claimed ones and forgets every result (the pair changed). */
  async discard(): Promise<void> {
    const claims = this.claims;
    if (claims !== null) for (let index = 0; index < this.slabs.length; index++) Atomics.compareExchange(claims, index, CLAIM_FREE, CLAIM_HERE);
    while (this.running.size > 0) await Promise.all([...this.running]);
    this.slabs = [];
    this.claims = null;
    this.results.length = 0;
    if (this.failure !== null) throw this.failure;
  }

  /** Non-empty sorted key runs of the first label (what the volume's Lovasz hinge will merge). */
  private keyRuns(): number {
    let runs = 0;
    for (const r of this.results) if ((r.labels[0]?.keysLo?.length ?? 0) > 0) runs++;
    return runs;
  }

  /** Merges the two smallest non-empty key runs of one label into one (the other left empty); false when none is left to merge. */
  private mergeTwoSmallestRuns(): boolean {
    if (this.alone || this.results.length < 2) return false;
    for (let li = 0; li < this.results[0]!.labels.length; li++) {
      const sizes = this.results.map((r, i) => [i, r.labels[li]!.keysLo?.length ?? 0] as const).filter(([, n]) => n > 0).sort((a, b) => a[1] - b[1]);
      if (sizes.length < 2) continue;
      const [a, b] = [sizes[0]![0], sizes[1]![0]];
      const keysOf = (r: RangeResult) => ({ lo: r.labels[li]!.keysLo!, hi: r.labels[li]!.keysHi! });
      const merged = mergeTwoRuns(keysOf(this.results[a]!), keysOf(this.results[b]!));
      this.results[a] = withLabelKeys(this.results[a]!, li, merged.lo, merged.hi);
      this.results[b] = withLabelKeys(this.results[b]!, li, new Uint32Array(0), new Uint32Array(0));
      return true;
    }
    return false;
  }
}
