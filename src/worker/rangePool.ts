/**
 * Splits a comparison's slices over worker threads. Volumes are copied once into
 * SharedArrayBuffers (workers read them in place); each worker returns its slice rows and
 * sorted Lovasz keys, which assembleResult merges into the volume row. The volume-level (3D)
 * metrics are one more job, on the last worker (which then gets no slices), computed once per
 * pair and settings.
 */
import { takePrestartedWorker } from './prestart';
import { mostRangeThreads } from './threadBudget';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  assembleResult, metricSettingsOf, splitSlices, volumeMetricsKey, type CompareOptions,
} from '../core/analysis/compare';
import { computeRange, type RangeResult } from '../core/analysis/computeRange';
import type { PreparedPair } from '../core/analysis/inputs';
import { assembleLabelMetrics, type SliceMetricsRange } from '../core/analysis/metrics';
import type { VolumeMetricsResult } from '../core/analysis/volumeMetrics';
import type { Axis, CompareResult } from '../core/analysis/result';
import { sliceGeometry } from '../core/analysis/slicing';
import type { Volume, VoxelArray } from '../core/io/volume';
import type { MetricSettings } from '../core/kernels/metricIds';
import type { LabelMetrics } from '../core/protocol';
import type { RangeReply, WorkerJob } from './rangeMessages';
import { awaitReply, WorkerGoneError } from './workerJob';

/** dist/rangeWorker.js next to the bundle that imports this module. */
export function defaultRangeWorkerFile(): string {
  return join(__dirname, 'rangeWorker.js');
}

export function defaultJobs(): number {
  return mostRangeThreads();
}

/** The same values in a SharedArrayBuffer: `data` itself when it is in one already, else a copy. */
export function sharedCopy(data: VoxelArray): VoxelArray {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const Ctor = data.constructor as { new (buffer: SharedArrayBuffer): VoxelArray; BYTES_PER_ELEMENT: number };
  const shared = new Ctor(new SharedArrayBuffer(data.length * Ctor.BYTES_PER_ELEMENT));
  shared.set(data as never);
  return shared;
}

/** The pair with its voxel arrays in shared memory (copied only when they are not already). */
export function sharePair(pair: PreparedPair): PreparedPair {
  const share = (v: Volume): Volume => ({ ...v, data: sharedCopy(v.data) });
  return { ...pair, prediction: share(pair.prediction), label: share(pair.label) };
}

async function runJob<T extends RangeResult | VolumeMetricsResult | SliceMetricsRange>(worker: Worker, job: WorkerJob): Promise<T> {
  let reply: RangeReply;
  try {
    reply = await awaitReply<RangeReply>(worker, job);
  } catch (error) {
    if (error instanceof WorkerGoneError) {
      throw new WorkerGoneError(`a computing thread stopped (out of memory or crashed) before the ${job.task === 'range' ? 'losses' : 'metrics'} were done; it has been replaced — try again`);
    }
    throw error;
  }
  if (!reply.ok) throw new Error(reply.message);
  return reply.result as T;
}

/**
 * A set of long-lived range workers. Starting a worker costs tens of milliseconds and its JIT
 * warms up on the first job, so callers that compare repeatedly keep one pool.
 */
export class RangePool {
  private readonly workers: Worker[];
  private nextId = 0;
  private disposed = false;
  /** Volume metrics per pair object and settings (they do not depend on the axis). */
  private readonly volumeMetrics = new WeakMap<PreparedPair, Map<string, Promise<VolumeMetricsResult>>>();

  constructor(readonly size: number, private readonly workerFile = defaultRangeWorkerFile()) {
    this.workers = Array.from({ length: size }, (_, i) => this.spawn(i));
  }

  /**
   * A worker for slot `slot`, replaced by a fresh one when it exits (out of memory, a crash):
   * its jobs in flight fail (awaitReply), later ones run on the replacement.
   */
  private spawn(slot: number): Worker {
    // The CLI's entry may have started one already (prestart.ts: `compare --versus`, an .npz array).
    const worker = takePrestartedWorker(this.workerFile) ?? new Worker(this.workerFile);
    // Errors reach the job in flight through awaitReply; an idle worker's must not be unhandled.
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      if (this.disposed || this.workers[slot] !== worker) return;
      this.workers[slot] = this.spawn(slot);
      this.replaced++;
    });
    return worker;
  }

  /** Workers replaced after they stopped (diagnostics). */
  replaced = 0;

  /** The current worker threads (diagnostics and tests: a test kills one mid-job). */
  get threads(): readonly Worker[] {
    return this.workers;
  }

  /** Computes `pair` (voxel arrays already in shared memory, see sharePair) over the pool. */
  async compare(pair: PreparedPair, options: CompareOptions): Promise<CompareResult> {
    if (this.disposed) throw new Error('the worker pool was closed');
    const { count } = sliceGeometry(pair.prediction.dims, options.axis);
    const metrics = metricSettingsOf(options);
    let volume: Promise<VolumeMetricsResult> | null = null;
    let rangeWorkers = this.workers;
    if (metrics.level === 'all') {
      volume = this.cachedVolumeMetrics(pair, metrics);
      if (!volume) {
        // The 3D job costs about as much as all slice ranges together: with two or more
        // workers it gets one to itself and the slices are split over the others.
        const worker = this.workers[this.workers.length - 1]!;
        if (this.workers.length > 1) rangeWorkers = this.workers.slice(0, -1);
        volume = this.startVolumeMetrics(worker, pair, metrics);
      }
    }
    const ranges = splitSlices(count, rangeWorkers.length);
    const results = await Promise.all(ranges.map(([start, end], i) => runJob<RangeResult>(rangeWorkers[i]!, {
      task: 'range', id: this.nextId++, pair, axis: options.axis, params: options.params, metrics, start, end,
      conventions: options.conventions ?? null,
    })));
    return assembleResult(pair, options, results, volume ? await volume : null);
  }

  /**
   * Only the evaluation metrics of `pair` along `axis` (no losses): per-slice metrics split over
   * the workers and, for level 'all', the 3D job (cached per pair and settings, shared with
   * compare) on a worker of its own when there are two or more. Level 'none': nothing.
   */
  async metrics(pair: PreparedPair, axis: Axis, settings: MetricSettings): Promise<LabelMetrics[]> {
    if (this.disposed) throw new Error('the worker pool was closed');
    if (settings.level === 'none') return [];
    const { count } = sliceGeometry(pair.prediction.dims, axis);
    let volume: Promise<VolumeMetricsResult> | null = null;
    let rangeWorkers = this.workers;
    if (settings.level === 'all') {
      volume = this.cachedVolumeMetrics(pair, settings);
      if (!volume) {
        const worker = this.workers[this.workers.length - 1]!;
        if (this.workers.length > 1) rangeWorkers = this.workers.slice(0, -1);
        volume = this.startVolumeMetrics(worker, pair, settings);
      }
    }
    const ranges = await Promise.all(splitSlices(count, rangeWorkers.length).map(([start, end], i) => runJob<SliceMetricsRange>(rangeWorkers[i]!, {
      task: 'sliceMetrics', id: this.nextId++, pair, axis, metrics: settings, start, end,
    })));
    return assembleLabelMetrics(pair, settings, ranges, volume ? await volume : null);
  }

  private cachedVolumeMetrics(pair: PreparedPair, metrics: MetricSettings): Promise<VolumeMetricsResult> | null {
    return this.volumeMetrics.get(pair)?.get(volumeMetricsKey(metrics)) ?? null;
  }

  private startVolumeMetrics(worker: Worker, pair: PreparedPair, metrics: MetricSettings): Promise<VolumeMetricsResult> {
    let byKey = this.volumeMetrics.get(pair);
    if (!byKey) this.volumeMetrics.set(pair, byKey = new Map());
    const key = volumeMetricsKey(metrics);
    const result = runJob<VolumeMetricsResult>(worker, { task: 'volumeMetrics', id: this.nextId++, pair, metrics });
    byKey.set(key, result);
    // A failure may not repeat (e.g. memory): do not keep it.
    const entries = byKey;
    result.catch(() => entries.delete(key));
    return result;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Computes `pair` with `jobs` threads (1: on this thread, no worker); workers live for this
 * call only. `workerFile` is the bundled rangeWorker.js.
 */
export async function compareInParallel(
  pair: PreparedPair, options: CompareOptions, jobs: number, workerFile = defaultRangeWorkerFile(),
): Promise<CompareResult> {
  const { count } = sliceGeometry(pair.prediction.dims, options.axis);
  if (Math.min(jobs, count) <= 1) {
    return assembleResult(pair, options, [computeRange(pair, options.axis, options.params, 0, count, false, metricSettingsOf(options), options.conventions ?? null)]);
  }
  const pool = new RangePool(Math.min(jobs, count), workerFile);
  try {
    return await pool.compare(sharePair(pair), options);
  } finally {
    await pool.dispose();
  }
}
