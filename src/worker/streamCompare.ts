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
 * - With metrics 'all' the 3D job is posted to a range worker once both volumes are in (an idle
 *   one, or one busy with a slab: it starts right after, before any slab still queued), while
 *   this thread computes slabs; alone, here. (On this thread it blocked the event loop that hands
 *   the workers their next slab: a worker sat idle for the whole 3D job.)
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
import type { MetricSettings } from '../core/kernels/metricIds';
import { decodeIntoShared, type DecodeCallbacks } from './decodeFiles';
import type { RangeJob, RangeReply, VolumeMetricsJob } from './rangeMessages';
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
async function decodeFile(path: string, maxVoxels: number, callbacks: DecodeCallbacks = {}): Promise<Decoded | null> {
  const bytes = readBytes(path);
  if (bytes === null) return null;
  try {
    return await decodeIntoShared(bytes, path, { maxVoxels, scan: true, ...callbacks });
  } catch (error) {
    if (error instanceof VolumeReadError) return null;
    throw error;
  }
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

/** Range workers that each take one slab at a time from a shared queue; this thread can take slabs too. */
class SlabRunner {
  private readonly queue: [number, number][] = [];
  private readonly idle: Worker[];
  private readonly results: RangeResult[] = [];
  private readonly running = new Set<Promise<void>>();
  private failure: unknown = null;
  private nextId = 0;
  private pair: PreparedPair | null = null;
  /** The worker the 3D job was posted to, until it replies: it takes no slab meanwhile. */
  private volumeWorker: Worker | null = null;

  /** No workers: everything runs on this thread, as one range (no sorted keys to keep and merge). */
  readonly alone: boolean;
  private readonly workers: readonly Worker[];

  constructor(
    workers: readonly Worker[],
    private readonly options: CompareOptions,
    private readonly metrics: MetricSettings,
  ) {
    this.idle = [...workers];
    this.workers = workers;
    this.alone = workers.length === 0;
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

  /**
   * The 3D metrics of the current pair (set by `use`) on a worker: an idle one, or else one busy
   * with a slab, posted at once so that it starts the moment the slab is done (a worker's next
   * job otherwise waits for this thread's event loop, busy with its own slab). Needs a worker.
   */
  volumeMetrics(): Promise<VolumeMetricsResult> {
    const worker = this.idle.pop() ?? this.workers[0]!;
    this.volumeWorker = worker;
    const request: VolumeMetricsJob = { task: 'volumeMetrics', id: this.nextId++, pair: this.pair!, metrics: this.metrics };
    const result = awaitReply<RangeReply>(worker, request).then((reply) => {
      if (!reply.ok) throw new Error(reply.message);
      return reply.result as VolumeMetricsResult;
    });
    const job = result.then(() => undefined, () => undefined).finally(() => {
      this.volumeWorker = null;
      this.idle.push(worker);
      this.running.delete(job);
      this.dispatch();
    });
    this.running.add(job);
    return result;
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0 && this.pair !== null) {
      const worker = this.idle.pop()!;
      const [start, end] = this.queue.shift()!;
      const request: RangeJob = {
        task: 'range', id: this.nextId++, pair: this.pair, axis: this.options.axis, params: this.options.params,
        metrics: this.metrics, start, end, conventions: this.options.conventions ?? null,
      };
      const job = awaitReply<RangeReply>(worker, request).then((reply) => {
        if (!reply.ok) throw new Error(reply.message);
        this.results.push(reply.result as RangeResult);
        if (worker !== this.volumeWorker) this.idle.push(worker);
      }).catch((error: unknown) => { this.failure ??= error; })
        .finally(() => { this.running.delete(job); this.dispatch(); });
      this.running.add(job);
    }
  }

  /** Computes queued slabs on this thread (serving worker replies between them) until none is left, then waits for the workers. */
  async finish(): Promise<RangeResult[]> {
    const pair = this.pair!;
    for (;;) {
      if (this.failure !== null) throw this.failure;
      const next = this.queue.shift();
      if (next === undefined) break;
      this.results.push(computeRange(pair, this.options.axis, this.options.params, next[0], next[1], !this.alone, this.metrics,
        this.options.conventions ?? null));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    while (this.running.size > 0) await Promise.all([...this.running]);
    if (this.failure !== null) throw this.failure;
    return this.results;
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
  const label = await decodeFile(labelPath, maxVoxels);
  let prediction: Decoded | null = null;
  let slabSlices = 1;
  let queued = 0;
  let speculated = false;
  if (label !== null) {
    const labelDims = label.volume.dims;
    const plane = labelDims[0]! * labelDims[1]!;
    slabSlices = Math.max(1, Math.floor(slabVoxels / plane));
    let early: Volume | null = null;
    let giveUp = workers.length === 0 || options.axis !== 'k' || label.values === null;
    prediction = await decodeFile(predictionPath, maxVoxels, {
      onPlanned: (planned) => { early = planned.volume; },
      onProgress: (ready, valuesSoFar) => {
        if (giveUp || early === null) return;
        const dims = early.dims;
        if (dims.length > 3 && dims[3] !== 1) { giveUp = true; return; }
        const count = dims[2]!;
        const readySlices = Math.floor(ready / plane);
        if (readySlices < Math.min(count, queued + slabSlices)) return;
        if (!speculated) {
          try {
            runner.use(preparePair(early, label.volume, options.kind, { prediction: valuesSoFar(), label: label.values! }));
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
  }
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
  const all = metrics.level === 'all';
  const onWorker = all && !runner.alone ? runner.volumeMetrics() : null;
  for (let s = queued; s < count; s += step) runner.add(s, Math.min(count, s + step));
  const here: VolumeMetricsResult | null = all && runner.alone ? computeVolumeMetrics(pair, metrics) : null;
  const [ranges, volume] = await Promise.all([runner.finish(), onWorker ?? here]);
  return assembleResult(pair, options, ranges, volume);
}
