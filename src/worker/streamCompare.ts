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
 * - With metrics 'all' the 3D job runs on this thread the moment both volumes are in, while the
 *   workers go on claiming slabs (slabRunner.ts): they no longer wait for this thread's event loop
 *   to hand them their next slab (which is why main's be68f35 had moved the job to a worker).
 * - An uncompressed file is read once, straight into shared memory: a .nii in steps (its slabs
 *   computed as they come in), other formats by readVolumeFile (ReadOptions.sharedMemory; a
 *   Fortran-ordered .npy transposed on this thread and a range worker, sharedTranspose.ts).
 * Any input the fast path does not take (or rejects) goes through readInputFile, so errors and
 * results are exactly those of the plain path.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { assembleResult, metricSettingsOf, type CompareOptions } from '../core/analysis/compare';
import { InputError, preparePair, samePreparation, type PreparedPair } from '../core/analysis/inputs';
import { computeVolumeMetrics, type VolumeMetricsResult } from '../core/analysis/volumeMetrics';
import { readInputFile } from '../core/analysis/readInput';
import type { CompareResult } from '../core/analysis/result';
import { sliceGeometry } from '../core/analysis/slicing';
import { scanVolumeValues, type VolumeValues } from '../core/analysis/valueScan';
import { isGzip } from '../core/io/gzip';
import { readVolumeFile } from '../core/io/readVolume';
import type { TransposeHelper } from '../core/io/sharedTranspose';
import { VolumeReadError, type Volume } from '../core/io/volume';
import type { MetricSettings } from '../core/kernels/metricIds';
import {
  decodeIntoShared, decodeNiftiFileIntoShared, isFileSystemError, StreamVerdictError, type DecodeCallbacks, type InflateElsewhere,
} from './decodeFiles';
import type { InflateJob, InflateResult, PrimeJob, RangeReply, TransposeShare } from './rangeMessages';
import { defaultRangeWorkerFile, sharedCopy } from './rangePool';
import { releasePrestartedWorkers, takePrestartedWorker } from './prestart';
import { SlabRunner } from './slabRunner';
import { compareThroughRing, planRing, RING_SLAB_VOXELS } from './ringCompare';
import { primeSoftKernel } from '../core/kernels/softSlice';
import { awaitReply } from './workerJob';

/** Voxels per slab: about 8 MB of float32, enough that a job's overhead is negligible. */
const SLAB_VOXELS = 2 << 20;

interface Decoded {
  readonly volume: Volume;
  readonly values: VolumeValues | null;
}

/** True when the file starts with gzip's magic bytes (false when it cannot be read: readInputFile says why). */
function startsWithGzip(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const head = new Uint8Array(2);
    return fstatSync(fd).isFile() && readSync(fd, head, 0, 2, 0) === 2 && isGzip(head);
  } catch {
    return false; // readInputFile reports what is wrong with the file
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
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

/** Threads that can take part in reading a file: a range worker not yet given any slab. */
interface ReadHelpers {
  readonly inflate?: InflateElsewhere;
  readonly transpose?: TransposeHelper;
}

/**
 * A file that is neither NIfTI nor gzip (NRRD, MetaImage, NumPy, PNG, DICOM-SEG) read by
 * readVolumeFile straight into shared memory where it can be: an uncompressed file's voxels are a
 * view of the file's bytes, read into a SharedArrayBuffer, and a Fortran-ordered .npy is
 * transposed into one on this thread and the helper's (sharedTranspose.ts). Null when it is not
 * a regular file or the read fails: readInputFile then reads it again and says what is wrong.
 */
function decodeFromDisk(path: string, maxVoxels: number, transposeHelper: TransposeHelper | undefined): Decoded | null {
  let volume: Volume;
  try {
    if (!statSync(path).isFile()) return null;
    volume = readVolumeFile(path, transposeHelper ? { maxVoxels, sharedMemory: true, transposeHelper } : { maxVoxels, sharedMemory: true });
  } catch (error) {
    if (error instanceof VolumeReadError || isFileSystemError(error)) return null;
    throw error;
  }
  const shared: Volume = { ...volume, data: sharedCopy(volume.data) };
  return { volume: shared, values: scanVolumeValues(shared.data) };
}

/**
 * Decodes one file into shared memory with its values' scan, or null when the fast path does not
 * apply (the caller then reads both files with readInputFile, which reports any error). A gzip
 * stream the one pass found wrong (a bomb, truncation) throws InputError in readInputFile's words
 * at once: reading it again would inflate it a second time only to say so.
 */
async function decodeFile(
  path: string, maxVoxels: number, callbacks: DecodeCallbacks = {}, helpers: ReadHelpers = {}, bytesRead?: Uint8Array | null,
): Promise<Decoded | null> {
  if (bytesRead === undefined) {
    // An uncompressed NIfTI is read from disk in steps (slabs computed as they come in); any other
    // format but gzip through readVolumeFile. A gzip stream is read whole below.
    const onDisk = await decodeNiftiFileIntoShared(path, { maxVoxels, scan: true, ...callbacks });
    if (onDisk !== null) return onDisk;
    if (!startsWithGzip(path)) return decodeFromDisk(path, maxVoxels, helpers.transpose);
  }
  const bytes = bytesRead === undefined ? readBytes(path) : bytesRead;
  if (bytes === null) return null;
  try {
    const { inflate } = helpers;
    return await decodeIntoShared(bytes, path, { maxVoxels, scan: true, ...callbacks, ...(inflate ? { inflateElsewhere: inflate } : {}) });
  } catch (error) {
    if (error instanceof StreamVerdictError) throw new InputError(path, error.message);
    if (error instanceof VolumeReadError) return null;
    throw error;
  }
}

/** Ids of the range jobs (SlabRunner) count up from 0. */
const INFLATE_JOB_ID = -1;

/** Inflating (and scanning) a file on `worker`, a range worker not yet given any slab. */
export function inflateOn(worker: Worker): InflateElsewhere {
  return async (gz, buffer, span, trailing) => {
    const job: InflateJob = { task: 'inflate', id: INFLATE_JOB_ID, gz, buffer, span, trailing };
    const reply = await awaitReply<RangeReply>(worker, job);
    if (!reply.ok) throw new Error(reply.message);
    return reply.result as InflateResult;
  };
}

/** Sharing the transposition of a Fortran-ordered .npy with `worker` (sharedTranspose.ts). */
export function transposeOn(worker: Worker): TransposeHelper {
  return (job) => worker.postMessage({ task: 'transpose', job } satisfies TransposeShare);
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
  const workers = Array.from({ length: Math.max(0, jobs - 1) }, () => {
    const worker = takePrestartedWorker(workerFile) ?? new Worker(workerFile);
    // Every slab is posted at once (slabRunner.ts), each awaiting its reply with its own listeners.
    worker.setMaxListeners(0);
    return worker;
  });
  releasePrestartedWorkers(); // --jobs 1, or another worker file: not needed
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
  const helpers: ReadHelpers = workers.length > 0 ? { inflate: inflateOn(workers[0]!), transpose: transposeOn(workers[0]!) } : {};
  const labelTask = decodeFile(labelPath, maxVoxels, {}, helpers);
  /** undefined while the label decodes; null when the fast path does not take it. */
  let labelNow: Decoded | null | undefined;
  labelTask.then((decoded) => { labelNow = decoded; }, () => undefined); // a failure is thrown by `await labelTask` below
  let queued = 0;
  let speculated = false;
  let early: Volume | null = null;
  let giveUp = workers.length === 0 || options.axis !== 'k';
  /** A file found wrong on the way (InputError): slabs still running are dropped before it is reported. */
  const stopAndThrow = async (error: unknown): Promise<never> => {
    await runner.discard().catch(() => undefined);
    throw error;
  };
  // A gzip stream is read whole (the ring reads it from memory); any other file is read by decodeFile.
  const predictionBytes = startsWithGzip(predictionPath) ? readBytes(predictionPath) : undefined;
  // A float prediction is read a few slabs at a time when it can be (ringCompare.ts); if the ring
  // gives up, the file is inflated whole below and every slab computed again.
  const ring = !predictionBytes ? null : planRing(predictionBytes, predictionPath, maxVoxels, options.axis, Math.min(slabVoxels, RING_SLAB_VOXELS));
  if (ring !== null) {
    const ringRunner = new SlabRunner(workers, options, metrics, metrics.level === 'all', true);
    const result = await compareThroughRing(predictionBytes!, ring, labelTask, ringRunner, options, metrics, workers);
    if (result !== null) return result;
  }
  const prediction = await decodeFile(predictionPath, maxVoxels, {
    onPlanned: (planned) => {
      early = planned.volume;
      // A probability map: every thread will compute slabs with the soft kernel, this one once the
      // file is in, the workers while it inflates. Compiled now, in the background.
      const data = early?.data;
      if (data instanceof Float32Array || data instanceof Float64Array) {
        primeSoftKernel();
        for (const worker of workers) worker.postMessage({ task: 'prime' } satisfies PrimeJob);
      }
    },
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
  }, { transpose: helpers.transpose }, predictionBytes).catch(stopAndThrow);
  const label = await labelTask.catch(async (error: unknown) => {
    await runner.discard().catch(() => undefined);
    // The plain path reads the prediction first, so its fault is the one named when both are bad.
    if (error instanceof InputError && prediction === null) readInputFile(predictionPath, maxVoxels);
    throw error;
  });
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
  // The workers take their slabs meanwhile (slabRunner.ts), without waiting for this thread.
  const volume: VolumeMetricsResult | null = metrics.level === 'all' ? computeVolumeMetrics(pair, metrics) : null;
  const ranges = await runner.finish();
  return assembleResult(pair, options, ranges, volume);
}
