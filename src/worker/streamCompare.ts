/**
 * `mask-inspector compare` as one pipeline over the files (issue #10): what a user waits for is
 * reading + inflating + checking + computing, so these overlap instead of following each other.
 *
 * - Each file is inflated straight into the SharedArrayBuffer the threads read (decodeFiles.ts),
 *   its values scanned piece by piece while in cache: no Buffer → SharedArrayBuffer copy, no
 *   separate scanValues / distinctIntegers passes, one copy of each volume in memory.
 * - Along k (NIfTI stores k-slices contiguously) the slices are computed in slabs as soon as they
 *   are inflated, by `jobs − 1` range workers (started before the files are read) while this thread
 *   inflates; this thread joins in once the file is in. The slabs use the pair as prepared from the
 *   values seen so far; when the whole file's values prepare it differently (another kind, a clamp,
 *   other labels), every slab is recomputed with the final pair — results never depend on timing.
 *   Every number depends only on its own slice (computeRange), so any slab split is bit-identical.
 * - With metrics 'all' the 3D job runs on this thread once both volumes are in, while the workers
 *   finish the slabs.
 * Any input the fast path does not take (or rejects) goes through readInputFile, so errors and
 * results are exactly those of the plain path.
 */
import { readFileSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { assembleResult, metricSettingsOf, type CompareOptions } from '../core/analysis/compare';
import { computeRange, type RangeResult } from '../core/analysis/computeRange';
import { InputError, preparePair, type PreparedPair } from '../core/analysis/inputs';
import { computeVolumeMetrics, type VolumeMetricsResult } from '../core/analysis/metrics';
import { readInputFile } from '../core/analysis/readInput';
import type { CompareResult } from '../core/analysis/result';
import { sliceGeometry } from '../core/analysis/slicing';
import type { VolumeValues } from '../core/analysis/valueScan';
import { VolumeReadError, type Volume } from '../core/io/volume';
import { mergeTwoRuns } from '../core/kernels/lovasz';
import type { MetricSettings } from '../core/kernels/metricIds';
import { decodeIntoShared, type DecodeCallbacks, type InflateElsewhere } from './decodeFiles';
import type { InflateJob, InflateResult, RangeJob, RangeReply, VolumeMetricsJob } from './rangeMessages';
import { defaultRangeWorkerFile } from './rangePool';
import { awaitReply } from './workerJob';

/** Voxels per slab: about 8 MB of float32, enough that a job's overhead is negligible. */
const SLAB_VOXELS = 2 << 20;

interface Decoded {
  readonly volume: Volume;
  readonly values: VolumeValues | null;
}

/** The file's bytes, or null when readInputFile should read it (and report what is wrong). */
function readBytes(path: string): Uint8Array | null {
  try {
    if (!statSync(path).isFile()) return null;
    return readFileSync(path);
  } catch {
    return null;
  }
}

/**
 * Decodes one file into shared memory with its values' scan, or null when the fast path does not
 * apply (the caller then reads both files with readInputFile, which reports any error).
 */
async function decodeFile(
  path: string, maxVoxels: number, callbacks: DecodeCallbacks = {}, inflateElsewhere?: InflateElsewhere,
): Promise<Decoded | null> {
  const bytes = readBytes(path);
  if (bytes === null) return null;
  try {
    return await decodeIntoShared(bytes, path, { maxVoxels, scan: true, ...callbacks, ...(inflateElsewhere ? { inflateElsewhere } : {}) });
  } catch (error) {
    if (error instanceof VolumeReadError) return null;
    throw error;
  }
}

/** Sorted key runs this thread lets pile up before merging two while the workers compute. */
const MAX_KEY_RUNS = 4;

/** Ids of the range jobs (SlabRunner) count up from 0. */
const INFLATE_JOB_ID = -1;

/** Inflating (and scanning) a file on `worker`, a range worker not yet given any slab. */
export function inflateOn(worker: Worker): InflateElsewhere {
  return async (gz, buffer, span) => {
    const job: InflateJob = { task: 'inflate', id: INFLATE_JOB_ID, gz, buffer, span };
    const reply = await awaitReply<RangeReply>(worker, job);
    if (!reply.ok) throw new Error(reply.message);
    return reply.result as InflateResult;
  };
}

/** The fields of a prepared pair that computeRange and the metrics read (besides the voxels). */
function samePreparation(a: PreparedPair, b: PreparedPair): boolean {
  const sameData = (x: Volume, y: Volume) => x.data.buffer === y.data.buffer && x.data.byteOffset === y.data.byteOffset
    && x.data.length === y.data.length && x.data.constructor === y.data.constructor;
  return a.kind === b.kind && a.clampProbability === b.clampProbability && a.channels === b.channels
    && a.multiclassClasses === b.multiclassClasses
    && JSON.stringify(a.labels) === JSON.stringify(b.labels) && JSON.stringify(a.classValues) === JSON.stringify(b.classValues)
    && sameData(a.prediction, b.prediction) && sameData(a.label, b.label)
    && JSON.stringify(a.prediction.dims) === JSON.stringify(b.prediction.dims)
    && JSON.stringify(a.prediction.spacing) === JSON.stringify(b.prediction.spacing);
}

/** The range with label `li`'s sorted keys replaced. */
function withLabelKeys(range: RangeResult, li: number, keysLo: Uint32Array, keysHi: Uint32Array): RangeResult {
  return { ...range, labels: range.labels.map((l, i) => (i === li ? { ...l, keysLo, keysHi } : l)) };
}

/**
 * Range workers that take slabs from a shared queue; this thread can take slabs too. While this
 * thread is busy inflating, a worker's reply is only seen when it yields, so each worker holds up
 * to two slabs (it starts the next at once); once this thread computes too (finish), one.
 */
class SlabRunner {
  private readonly queue: [number, number][] = [];
  private readonly inFlight = new Map<Worker, number>();
  private readonly results: RangeResult[] = [];
  private readonly running = new Set<Promise<void>>();
  private failure: unknown = null;
  private nextId = 0;
  private pair: PreparedPair | null = null;
  /** Workers computing the 3D metrics: no slabs for them meanwhile. */
  private readonly reserved = new Set<Worker>();
  /** Set by finish: this thread computes slabs too. */
  private finishing = false;

  /** No workers: everything runs on this thread, as one range (no sorted keys to keep and merge). */
  readonly alone: boolean;
  /** Threads computing slabs, this one included. */
  readonly threads: number;

  constructor(
    workers: readonly Worker[],
    private readonly options: CompareOptions,
    private readonly metrics: MetricSettings,
  ) {
    for (const worker of workers) this.inFlight.set(worker, 0);
    this.alone = workers.length === 0;
    this.threads = workers.length + 1;
  }

  /** Slabs computed from now on use `pair`. */
  use(pair: PreparedPair): void {
    this.pair = pair;
  }

  /** The pair slabs are computed with (null before `use`). */
  get current(): PreparedPair | null {
    return this.pair;
  }

  add(start: number, end: number): void {
    this.queue.push([start, end]);
    this.dispatch();
  }

  /** The worker with the fewest slabs in flight, if it can take one more. */
  private leastBusy(): Worker | null {
    let best: Worker | null = null;
    // Two slabs each, so a worker starts its next slab at once rather than when this thread next
    // yields; one each for the last slabs, so no worker holds a slab this thread could take.
    let fewest = !this.finishing || this.queue.length > this.threads ? 2 : 1;
    for (const [worker, count] of this.inFlight) if (count < fewest && !this.reserved.has(worker)) { best = worker; fewest = count; }
    return best;
  }

  /**
   * The 3D metrics of `pair` on a worker (after the slabs it holds), which takes no more slabs
   * until they are done; null without workers. This thread meanwhile computes slabs, replying to
   * the other workers between them (computing the 3D metrics here would leave the workers without
   * new slabs until they are done). A failed worker means computing them here.
   */
  volumeMetrics(pair: PreparedPair): Promise<VolumeMetricsResult> | null {
    const worker = [...this.inFlight.keys()][0];
    if (worker === undefined) return null;
    this.reserved.add(worker);
    const job: VolumeMetricsJob = { task: 'volumeMetrics', id: this.nextId++, pair, metrics: this.metrics };
    const result = awaitReply<RangeReply>(worker, job).then((reply) => {
      if (!reply.ok) throw new Error(reply.message);
      this.reserved.delete(worker);
      this.dispatch();
      return reply.result as VolumeMetricsResult;
    }).catch(() => computeVolumeMetrics(pair, this.metrics));
    // In `running`, so finish() waits for it, merging key runs meanwhile.
    const done: Promise<void> = result.then(() => undefined, () => undefined).finally(() => this.running.delete(done));
    this.running.add(done);
    return result;
  }

  private dispatch(): void {
    for (let worker = this.leastBusy(); worker !== null && this.queue.length > 0 && this.pair !== null; worker = this.leastBusy()) {
      const [start, end] = this.queue.shift()!;
      const request: RangeJob = {
        task: 'range', id: this.nextId++, pair: this.pair, axis: this.options.axis, params: this.options.params,
        metrics: this.metrics, start, end, conventions: this.options.conventions ?? null,
      };
      this.inFlight.set(worker, this.inFlight.get(worker)! + 1);
      const job = awaitReply<RangeReply>(worker, request).then((reply) => {
        if (!reply.ok) throw new Error(reply.message);
        this.results.push(reply.result as RangeResult);
        this.inFlight.set(worker, this.inFlight.get(worker)! - 1);
      }).catch((error: unknown) => {
        this.failure ??= error;
        this.inFlight.delete(worker); // no more slabs for it
      }).finally(() => { this.running.delete(job); this.dispatch(); });
      this.running.add(job);
    }
  }

  /** Computes queued slabs on this thread (serving worker replies between them) until none is left, then waits for the workers. */
  async finish(pieceSlices: number): Promise<RangeResult[]> {
    const pair = this.pair!;
    this.finishing = true;
    // This thread sees a worker's reply only between its own computations: it computes pieces
    // of a slab, so a worker waits at most one piece for its next slab.
    const piece = this.alone ? Infinity : Math.max(1, pieceSlices);
    for (;;) {
      if (this.failure !== null) throw this.failure;
      const next = this.queue.shift();
      if (next === undefined) break;
      const [start, slabEnd] = next;
      const end = Math.min(slabEnd, start + piece);
      if (end < slabEnd) this.queue.unshift([end, slabEnd]);
      this.results.push(computeRange(pair, this.options.axis, this.options.params, start, end, !this.alone, this.metrics,
        this.options.conventions ?? null));
      // Many key runs: merge two now, while the workers compute, rather than after the last slab.
      if (this.keyRuns() > MAX_KEY_RUNS) this.mergeTwoSmallestRuns();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // While the workers finish their last slabs, join the sorted keys in hand (the volume's Lovasz
    // hinge walks all slabs' keys merged, and any grouping gives the same walk: equal keys are
    // interchangeable), so that little merging is left once the last slab is in.
    while (this.running.size > 0) {
      if (this.mergeTwoSmallestRuns()) await new Promise<void>((resolve) => setImmediate(resolve));
      else await Promise.race([...this.running]);
    }
    if (this.failure !== null) throw this.failure;
    return this.results;
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

  /** Drops the queue, waits for the running slabs and forgets every result (the pair changed). */
  async discard(): Promise<void> {
    this.queue.length = 0;
    while (this.running.size > 0) await Promise.all([...this.running]);
    this.results.length = 0;
    if (this.failure !== null) throw this.failure;
  }
}

/**
 * Reads, checks and compares the two files with `jobs` threads (this one included); the result
 * equals assembleResult over preparePair(readInputFile(…)) with any split. Warnings are in
 * result.warnings. Throws InputError (naming the file) for an input the user must fix.
 */
export async function compareFiles(
  predictionPath: string, labelPath: string, options: CompareOptions, maxVoxels: number, jobs: number,
  workerFile = defaultRangeWorkerFile(), slabVoxels = SLAB_VOXELS,
): Promise<CompareResult> {
  const metrics = metricSettingsOf(options);
  const workers = Array.from({ length: Math.max(0, jobs - 1) }, () => new Worker(workerFile));
  try {
    return await comparePipelined(predictionPath, labelPath, options, metrics, maxVoxels, workers, slabVoxels);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function comparePipelined(
  predictionPath: string, labelPath: string, options: CompareOptions, metrics: MetricSettings, maxVoxels: number,
  workers: readonly Worker[], slabVoxels: number,
): Promise<CompareResult> {
  const runner = new SlabRunner(workers, options, metrics);
  // The label (small, compressed) inflates on a worker while this thread inflates the prediction;
  // the slabs start once the label is in.
  const labelTask = decodeFile(labelPath, maxVoxels, {}, workers.length > 0 ? inflateOn(workers[0]!) : undefined);
  /** undefined while the label decodes; null when the fast path does not take it. */
  let labelNow: Decoded | null | undefined;
  labelTask.then((decoded) => { labelNow = decoded; }, () => undefined); // a failure is thrown by `await labelTask` below
  let queued = 0;
  let speculated = false;
  let early: Volume | null = null;
  let giveUp = workers.length === 0 || options.axis !== 'k';
  const prediction = await decodeFile(predictionPath, maxVoxels, {
    onPlanned: (planned) => { early = planned.volume; },
    onProgress: (ready, valuesSoFar) => {
      if (giveUp || early === null || labelNow === undefined) return;
      const label = labelNow;
      const dims = early.dims;
      if (label === null || label.values === null || (dims.length > 3 && dims[3] !== 1)) { giveUp = true; return; }
      const plane = dims[0]! * dims[1]!;
      const slabSlices = Math.max(1, Math.floor(slabVoxels / plane));
      const count = dims[2]!;
      const readySlices = Math.floor(ready / plane);
      if (readySlices < Math.min(count, queued + slabSlices)) return;
      if (!speculated) {
        try {
          runner.use(preparePair(early, label.volume, options.kind, { prediction: valuesSoFar(), label: label.values }));
          speculated = true;
        } catch {
          giveUp = true; // the whole file decides (and reports) after decoding
          return;
        }
      }
      while (queued + slabSlices <= readySlices || (readySlices === count && queued < count)) {
        const end = Math.min(count, queued + slabSlices);
        runner.add(queued, end);
        queued = end;
      }
    },
  });
  const label = await labelTask;
  if (label === null || prediction === null) {
    // The plain path: it reads both files again and reports what is wrong, in its words.
    const pair = preparePair(readInputFile(predictionPath, maxVoxels), readInputFile(labelPath, maxVoxels), options.kind);
    return computeAll(pair, options, metrics, runner, 0, slabVoxels, false);
  }
  let pair: PreparedPair;
  try {
    pair = preparePair(prediction.volume, label.volume, options.kind, {
      prediction: prediction.values ?? undefined, label: label.values ?? undefined,
    });
  } catch (error) {
    if (error instanceof InputError) await runner.discard().catch(() => undefined);
    throw error;
  }
  return computeAll(pair, options, metrics, runner, speculated ? queued : 0, slabVoxels, speculated);
}

/** Queues the slices from `queued` on, computes the 3D metrics here when asked, joins everything. */
async function computeAll(
  pair: PreparedPair, options: CompareOptions, metrics: MetricSettings, runner: SlabRunner,
  queued: number, slabVoxels: number, speculated: boolean,
): Promise<CompareResult> {
  const { count, width, height } = sliceGeometry(pair.prediction.dims, options.axis);
  const step = runner.alone ? Math.max(1, count) : Math.max(1, Math.floor(slabVoxels / (width * height)));
  if (speculated && !samePreparation(runner.current!, pair)) {
    await runner.discard();
    queued = 0;
  }
  runner.use(pair);
  // The last slabs are half as thick, so the threads finish closer together (any split gives the same numbers).
  const tail = runner.alone ? 0 : step * (runner.threads + 1);
  for (let s = queued; s < count;) {
    const end = Math.min(count, s + (count - s <= tail ? Math.ceil(step / 2) : step));
    runner.add(s, end);
    s = end;
  }
  const onWorker = metrics.level === 'all' ? runner.volumeMetrics(pair) : null;
  const here: VolumeMetricsResult | null = metrics.level === 'all' && onWorker === null ? computeVolumeMetrics(pair, metrics) : null;
  const ranges = await runner.finish(Math.ceil(step / 4));
  return assembleResult(pair, options, ranges, onWorker ? await onWorker : here);
}
