/**
 * Decoding for the session worker. With more than one CPU each file is decoded on its own
 * short-lived helper thread (dist/worker.js again, started with workerData.mode = 'decode'), so
 * a prediction and its label inflate in parallel.
 *
 * A NIfTI (.nii.gz or .nii) is inflated straight into the SharedArrayBuffer the range workers
 * will read, chunk by chunk, and its values are scanned (valueScan.ts ValueScanner) while each
 * chunk is still in cache: no second copy of the volume, no second pass over it. On this kind of
 * machine the cost of a big volume is mostly the first touch of fresh memory (the kernel
 * providing zeroed pages), so the SharedArrayBuffer is handed out as soon as it exists
 * ('planned', with the Volume it will be and a progress counter), and the session thread
 * (PageToucher) pre-faults its pages just ahead of the helper filling it: the two CPUs share that
 * cost, and the session can answer a slice as soon as its voxels are in (a preview, worker.ts).
 * Anything else (PNG, a file the fast path does not take or that fails) goes through readVolume,
 * whose result and error messages the fast path reproduces exactly.
 */
import * as fs from 'node:fs';
import { ownsWholeBuffer } from '../core/io/bytes';
import { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { scanVolumeValues, ValueScanner, type VolumeValues } from '../core/analysis/valueScan';
import {
  gunzipPrefix, gunzipSmall, isGzip, MAX_BUFFER_BYTES, MAX_DEFLATE_RATIO, wholeInflateError, wholeOutputLimit,
} from '../core/io/gzip';
import { decodeNifti, planNifti, shortNiftiError, type NiftiPlan } from '../core/io/nifti';
import { detectNifti, NIFTI2_HEADER_BYTES } from '../core/io/niftiHeader';
import { fileGotShorter, readFully } from '../core/io/readFully';
import { readVolume } from '../core/io/readVolume';
import { VolumeReadError, type Volume, type VoxelArray } from '../core/io/volume';
import {
  FITS, gunzipHead, inflateInto, isScanTypeName, STEP_BYTES, YIELD_BYTES, yieldToLoop, type Inflated, type ScanSpan, type ScanTypeName,
} from './inflateScan';
import { sharedCopy } from './rangePool';
import type { FilePayload } from './sessionMessages';

export { inflateInto, inflateStreamInto, type Inflated } from './inflateScan';

/** A failure that names an input file; anything else is internal and reported as such. */
export class FileError extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
    this.name = 'FileError';
  }
}

export const DECODE_MODE = 'decode';

interface DecodeJob {
  readonly file: FilePayload;
  readonly maxVoxels: number;
  readonly scan: boolean;
  /** Report the scan of the first half (DecodeCallbacks.onHalfScanned). */
  readonly halfScan: boolean;
}

export interface Decoded {
  readonly volume: Volume;
  /** The values' scan (preparePair's), when asked for. */
  readonly values: VolumeValues | null;
  readonly ms: number;
}

/** The decoded file's buffer, before it is filled; see decodeIntoShared. */
export interface PlannedBuffer {
  readonly buffer: SharedArrayBuffer;
  /** [0]: KiB written so far, from the start of the buffer; [1]: PROGRESS_DONE or PROGRESS_ABANDONED once the writer stopped. */
  readonly progress: Int32Array;
  /**
   * The Volume it will be, its voxels viewing `buffer` (valid as far as `progress` says), when
   * the file is decoded in place; null when the voxels will be converted (scaled, byte-swapped).
   */
  readonly volume: Volume | null;
  /** Where the voxels start in `buffer`. */
  readonly dataStart: number;
}

export const PROGRESS_DONE = 1;
/** The fast path gave up (readVolume read the file into other memory, or refused it): the buffer is not the volume. */
export const PROGRESS_ABANDONED = 2;

/** Optional notices while decoding. */
export interface DecodeCallbacks {
  /** The buffer exists and is about to be filled. */
  readonly onPlanned?: (planned: PlannedBuffer) => void;
  /** The scan of the first half of the voxels (when scanning in place), for a provisional kind. */
  readonly onHalfScanned?: (values: VolumeValues) => void;
  /**
   * After every inflated piece, when decoding in place with a scan: how many voxels (from the
   * start) are in, and their scan so far (ValueScanner.valuesSoFar, computed only when called).
   * The CLI computes the slices that are in while the rest inflates (streamCompare.ts).
   */
  readonly onProgress?: (voxelsReady: number, valuesSoFar: () => VolumeValues) => void;
}

type HelperMessage =
  | { readonly type: 'planned'; readonly planned: PlannedBuffer }
  | { readonly type: 'halfScanned'; readonly values: VolumeValues }
  | { readonly type: 'done'; readonly ok: true; readonly volume: Volume; readonly values: VolumeValues | null; readonly ms: number }
  | { readonly type: 'done'; readonly ok: false; readonly file: string | null; readonly message: string };

/** Bytes copied per step: a few milliseconds, so a slice request waits at most that long. */
const SHARE_STEP_BYTES = 2 << 20;

/**
 * The same values in a SharedArrayBuffer (returned as is when they already are), copied in steps
 * with the event loop served between them.
 */
export async function shareInSteps(data: VoxelArray): Promise<VoxelArray> {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const Ctor = data.constructor as { new (buffer: SharedArrayBuffer): VoxelArray; BYTES_PER_ELEMENT: number };
  const shared = new Ctor(new SharedArrayBuffer(data.length * Ctor.BYTES_PER_ELEMENT));
  const step = Math.max(1, Math.floor(SHARE_STEP_BYTES / Ctor.BYTES_PER_ELEMENT));
  for (let at = 0; at < data.length; at += step) {
    shared.set(data.subarray(at, at + step) as never, at);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return shared;
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Where the volume's bytes come from: the file's bytes in memory, its gzip stream, or the file on disk (a descriptor). */
export type Source =
  | { readonly kind: 'raw'; readonly plan: NiftiPlan }
  | { readonly kind: 'gzip'; readonly plan: NiftiPlan }
  | { readonly kind: 'disk'; readonly plan: NiftiPlan; readonly fd: number };

/**
 * The plan of a NIfTI the fast path can take, or null: then readVolume decides (and reports any
 * error in its own words). Mirrors readVolume's checks before it allocates.
 */
export function planFastPath(bytes: Uint8Array, maxVoxels: number): Source | null {
  try {
    if (!(maxVoxels > 0) || bytes.length === 0) return null;
    if (isGzip(bytes)) {
      let head = gunzipHead(bytes, NIFTI2_HEADER_BYTES) ?? gunzipPrefix(bytes, NIFTI2_HEADER_BYTES);
      if (head.length < NIFTI2_HEADER_BYTES) head = gunzipSmall(bytes, NIFTI2_HEADER_BYTES);
      const kind = detectNifti(head);
      if (kind === undefined) return null;
      const plan = planNifti(head, kind, { maxVoxels });
      if (plan.neededBytes > bytes.length * MAX_DEFLATE_RATIO || plan.neededBytes > MAX_BUFFER_BYTES) return null;
      return { kind: 'gzip', plan };
    }
    const kind = detectNifti(bytes);
    if (kind === undefined) return null;
    const plan = planNifti(bytes, kind, { maxVoxels });
    return bytes.length >= plan.neededBytes ? { kind: 'raw', plan } : null;
  } catch {
    return null;
  }
}

/** True when decodeNifti will return a zero-copy view of the decoded bytes (what the scanner reads). */
export function viewsInPlace(plan: NiftiPlan): boolean {
  const { header, datatype } = plan;
  const slope = header.sclSlope, inter = header.sclInter;
  const scaled = Number.isFinite(slope) && slope !== 0 && !(slope === 1 && inter === 0);
  return !scaled && plan.dataStart % datatype.bytesPerVoxel === 0 && (datatype.bytesPerVoxel === 1 || header.littleEndian === HOST_IS_LITTLE_ENDIAN);
}

/**
 * readVolume's own verdict on a NIfTI's gzip stream (a bomb, a truncated or corrupt stream),
 * reached by the one in-place pass: the file is wrong as it is, and reading it again through
 * readVolume would only inflate it a second time to say the same (issue #9).
 */
export class StreamVerdictError extends VolumeReadError {}

/**
 * Decodes a mask file into a Volume whose voxels live in a SharedArrayBuffer, with the values'
 * scan when `scan` is set. Equal to readVolume (same Volume, same VolumeReadError) for every
 * input; a NIfTI is inflated (or copied) chunk by chunk straight into the buffer, which
 * `onPlanned` receives before it is filled. Throws VolumeReadError for a file that is not a
 * readable mask.
 */
export async function decodeIntoShared(
  bytes: Uint8Array, name: string,
  options: { readonly maxVoxels: number; readonly scan: boolean; readonly inflateElsewhere?: InflateElsewhere } & DecodeCallbacks,
): Promise<{ volume: Volume; values: VolumeValues | null }> {
  const source = planFastPath(bytes, options.maxVoxels);
  if (source !== null) {
    const fast = await fillShared(bytes, name, source, options);
    if (fast !== null) return fast;
  }
  // readVolume throws the error the file deserves, or reads what the fast path would not take.
  const volume = readVolume(bytes, name, { maxVoxels: options.maxVoxels });
  const shared: Volume = { ...volume, data: sharedCopy(volume.data) };
  return { volume: shared, values: options.scan ? scanVolumeValues(shared.data) : null };
}

/**
 * Inflates a gzip stream into a buffer on another thread, scanning `span` there as it arrives
 * (inflateScan.ts inflateAndScan, run by a range worker: streamCompare.ts). Rejects when that
 * thread fails; the file is then inflated on this thread.
 */
export type InflateElsewhere = (gz: Uint8Array, buffer: SharedArrayBuffer, span: ScanSpan | null, trailing: number) => Promise<{ ok: boolean; values: VolumeValues | null }>;

function scanSpanType(data: VoxelArray): ScanTypeName {
  const name = data.constructor.name;
  if (!isScanTypeName(name)) throw new Error(`internal: no scan type ${name}`);
  return name;
}

/** Writes the decoded file into `out` from its start, calling `advance(bytes written)` after every step. */
type Producer = (out: Uint8Array, advance: (written: number) => void) => Promise<Inflated>;

/**
 * The fast path; null when readVolume must decide (a zlib error the inflater could not name,
 * or a file that needs converting and failed). A gzip stream is inflated once: what it holds
 * beyond or short of the plan, or its damage, is refused here in readVolume's words, never by
 * inflating it a second time (issue #9: a gzip bomb held twice the memory and inflated twice).
 */
async function fillShared(
  bytes: Uint8Array, name: string, source: Source,
  options: { readonly scan: boolean; readonly inflateElsewhere?: InflateElsewhere } & DecodeCallbacks,
): Promise<{ volume: Volume; values: VolumeValues | null } | null> {
  const { plan } = source;
  const buffer = new SharedArrayBuffer(plan.neededBytes);
  const out = new Uint8Array(buffer);
  const progress = new Int32Array(new SharedArrayBuffer(8));
  const inPlace = viewsInPlace(plan);
  let early: Volume | null = null;
  if (inPlace) {
    // The header is parsed already; decodeNifti only views the (still empty) voxels.
    early = decodeNifti(plan, out, name, source.kind === 'gzip');
    if (early.data.buffer !== buffer) early = null; // a tiny volume is copied, not viewed
  }
  options.onPlanned?.({ buffer, progress, volume: early, dataStart: plan.dataStart });
  const size = plan.datatype.bytesPerVoxel;
  const scanned = options.scan && inPlace ? new plan.datatype.arrayType(buffer, plan.dataStart, plan.voxelCount) : null;
  const scanner = scanned ? new ValueScanner(scanned) : null;
  const half = Math.ceil(plan.voxelCount / 2);
  let halfReported = options.onHalfScanned === undefined;
  let ok = false;
  /** readVolume's verdict on the stream, reached without it: thrown as it is. */
  let verdict: StreamVerdictError | null = null;
  const advance = (written: number) => {
    Atomics.store(progress, 0, Math.floor(written / 1024));
    if (scanner === null || written <= plan.dataStart) return;
    const ready = Math.min(plan.voxelCount, Math.floor((written - plan.dataStart) / size));
    if (ready > scanner.scanned) scanner.add(scanner.scanned, ready);
    if (!halfReported && ready >= half) {
      halfReported = true;
      options.onHalfScanned!(scanner.valuesSoFar());
    }
    options.onProgress?.(ready, () => scanner.valuesSoFar());
  };
  try {
    // What gunzipWhole would let the stream inflate to: the plan and the trailing data ISIZE accounts for.
    const limit = source.kind === 'gzip' ? wholeOutputLimit(bytes, plan.neededBytes) : plan.neededBytes;
    let elsewhere: { readonly values: VolumeValues | null } | null = null;
    if (source.kind === 'gzip' && options.inflateElsewhere && options.onProgress === undefined && options.onHalfScanned === undefined) {
      const span: ScanSpan | null = scanned ? { type: scanSpanType(scanned), start: plan.dataStart, count: plan.voxelCount } : null;
      // A thread that failed (it died, say) wrote nothing that counts, and a stream that did not
      // fit the plan is inflated again here, where inflateInto says exactly what is wrong with it.
      const inflated = await options.inflateElsewhere(bytes, buffer, span, limit - out.length).catch(() => null);
      if (inflated?.ok) {
        elsewhere = inflated;
        Atomics.store(progress, 0, Math.floor(out.length / 1024));
      }
    }
    if (elsewhere === null) {
      const produce: Producer = source.kind === 'raw' ? (o, a) => copyInto(bytes, o, a)
        : source.kind === 'disk' ? (o, a) => readInto(source.fd, o, a)
          : (o, a) => inflateInto(bytes, o, a, limit - o.length);
      const inflated = await produce(out, advance);
      if (inflated.kind !== 'fits') {
        const found = streamVerdict(inflated, plan, limit);
        if (found === null) return null;
        throw (verdict = new StreamVerdictError(found.message));
      }
    }
    const volume = decodeNifti(plan, out, name, source.kind === 'gzip');
    const data = volume.data;
    // decodeNifti views the buffer in place unless the file needs scaling or byte swapping (or is tiny).
    const direct = scanned !== null && data.buffer === buffer && data.byteOffset === scanned.byteOffset && data.length === scanned.length;
    const values = !options.scan ? null
      : !direct ? scanVolumeValues(data)
        : elsewhere !== null ? elsewhere.values ?? scanVolumeValues(data) : scanner!.result();
    ok = data.buffer === buffer;
    return { volume: data.buffer instanceof SharedArrayBuffer ? volume : { ...volume, data: sharedCopy(data) }, values };
  } catch (error) {
    if (error instanceof VolumeReadError && error !== verdict) return null;
    throw error;
  } finally {
    Atomics.store(progress, 1, ok ? PROGRESS_DONE : PROGRESS_ABANDONED);
  }
}

/** What readVolume says of a stream that did not fit the plan; null when only it can say (an unnamed zlib error). */
export function streamVerdict(inflated: Exclude<Inflated, { kind: 'fits' }>, plan: NiftiPlan, limit: number): VolumeReadError | null {
  switch (inflated.kind) {
    case 'longer': return wholeInflateError(null, limit);
    case 'damaged': return inflated.error === null ? null : wholeInflateError(inflated.error, limit);
    // decodeNifti's words for a short image (the call readVolume makes with the shorter output).
    case 'shorter': return shortNiftiError(plan, inflated.written, true);
  }
}

async function copyInto(bytes: Uint8Array, out: Uint8Array, advance: (written: number) => void): Promise<Inflated> {
  for (let at = 0; at < out.length;) {
    const end = Math.min(out.length, at + STEP_BYTES);
    out.set(bytes.subarray(at, end), at);
    advance(at = end);
    if (at % YIELD_BYTES === 0) await yieldToLoop();
  }
  return FITS;
}

async function readInto(fd: number, out: Uint8Array, advance: (written: number) => void): Promise<Inflated> {
  for (let at = 0; at < out.length;) {
    const end = Math.min(out.length, at + STEP_BYTES);
    readFully(fd, out.subarray(at, end), at, fileGotShorter);
    advance(at = end);
    if (at % YIELD_BYTES === 0) await yieldToLoop();
  }
  return FITS;
}

/**
 * An uncompressed NIfTI on disk, decoded as decodeIntoShared decodes its bytes, but read from the
 * file straight into the shared buffer in steps: no whole-file Buffer and then a copy of it (half
 * the memory, one pass fewer). Null for any other file, or one the fast path does not take or
 * that fails (the caller then reads it whole, and readVolume says what is wrong).
 */
export async function decodeNiftiFileIntoShared(
  path: string, options: { readonly maxVoxels: number; readonly scan: boolean } & DecodeCallbacks,
): Promise<{ volume: Volume; values: VolumeValues | null } | null> {
  let fd: number | undefined;
  try {
    // O_NONBLOCK and a check on the descriptor: a FIFO or device is never waited on (readVolume's rule).
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || !(options.maxVoxels > 0)) return null;
    const head = new Uint8Array(Math.min(stat.size, NIFTI2_HEADER_BYTES));
    readFully(fd, head, 0, fileGotShorter);
    const kind = isGzip(head) ? undefined : detectNifti(head);
    if (kind === undefined) return null;
    const plan = planNifti(head, kind, { maxVoxels: options.maxVoxels });
    if (stat.size < plan.neededBytes || plan.neededBytes > MAX_BUFFER_BYTES) return null;
    return await fillShared(head, path, { kind: 'disk', plan, fd }, options);
  } catch (error) {
    if (error instanceof VolumeReadError || isFileSystemError(error)) return null;
    throw error;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** An error from node:fs (it carries an errno code), as opposed to a bug. */
export function isFileSystemError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** Decodes on this thread. Throws FileError for a file that is not a readable mask. */
export async function decodeHere(file: FilePayload, maxVoxels: number, scan: boolean, callbacks: DecodeCallbacks = {}): Promise<Decoded> {
  const t0 = performance.now();
  try {
    const { volume, values } = await decodeIntoShared(new Uint8Array(file.bytes), file.name, { maxVoxels, scan, ...callbacks });
    return { volume, values, ms: performance.now() - t0 };
  } catch (error) {
    if (error instanceof VolumeReadError) throw new FileError(file.name, error.message);
    throw error;
  }
}

export function startDecodeHelper(workerFile: string): Worker {
  return new Worker(workerFile, { workerData: { mode: DECODE_MODE } });
}

/**
 * Decodes on a helper thread running this bundle (`helper`, started ahead with startDecodeHelper,
 * or a new one); the file's bytes are transferred, the voxels come back in shared memory. The
 * helper serves this one job and ends.
 */
export function decodeOnHelper(helper: Worker, file: FilePayload, maxVoxels: number, scan: boolean, callbacks: DecodeCallbacks = {}): Promise<Decoded> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void helper.terminate();
    };
    helper.on('message', (message: HelperMessage) => {
      if (message.type === 'planned' || message.type === 'halfScanned') {
        if (settled) return;
        if (message.type === 'planned') callbacks.onPlanned?.(message.planned);
        else callbacks.onHalfScanned?.(message.values);
        return;
      }
      settle(() => {
        if (message.ok) resolve({ volume: message.volume, values: message.values, ms: message.ms });
        else if (message.file !== null) reject(new FileError(message.file, message.message));
        else reject(new Error(`decoding ${file.name} failed: ${message.message}`));
      });
    });
    helper.once('error', (error) => settle(() => reject(new Error(`decoding ${file.name} failed: ${error.message}`))));
    helper.once('exit', (code) => settle(() => reject(new Error(`the thread decoding ${file.name} exited (code ${code})`))));
    const job: DecodeJob = { file, maxVoxels, scan, halfScan: callbacks.onHalfScanned !== undefined };
    helper.postMessage(job, [file.bytes]);
  });
}

/** Helper-thread side: one job, one answer (after a 'planned' notice when the fast path runs). */
export function serveOneDecode(port: MessagePort): void {
  port.once('message', (job: DecodeJob) => {
    const callbacks: DecodeCallbacks = {
      onPlanned: (planned) => port.postMessage({ type: 'planned', planned } satisfies HelperMessage),
      ...(job.halfScan ? { onHalfScanned: (values: VolumeValues) => port.postMessage({ type: 'halfScanned', values } satisfies HelperMessage) } : {}),
    };
    decodeHere(job.file, job.maxVoxels, job.scan, callbacks).then(
      ({ volume, values, ms }) => {
        // The voxels are shared, not copied; a non-shared buffer (never expected) is transferred.
        // Only a buffer the voxels span whole may be transferred (src/core/io/bytes.ts); else cloned.
        port.postMessage({ type: 'done', ok: true, volume, values, ms } satisfies HelperMessage, ownsWholeBuffer(volume.data) ? [volume.data.buffer] : []);
      },
      (error: unknown) => {
        const message: HelperMessage = error instanceof FileError
          ? { type: 'done', ok: false, file: error.file, message: error.message }
          : { type: 'done', ok: false, file: null, message: error instanceof Error ? error.message : String(error) };
        port.postMessage(message);
      });
  });
}

/** Bytes pre-faulted per step (about 3 ms on a machine where fresh memory costs 3 ms/MB). */
const TOUCH_STEP_BYTES = 1 << 20;
/**
 * Distance kept ahead of the writer's last reported position: more than it writes while a step
 * runs, so the two do not fault the same pages.
 */
const TOUCH_MARGIN_BYTES = 4 << 20;
const PAGE_BYTES = 4096;

/**
 * Pre-faults planned buffers just ahead of their writers, in steps with the event loop served
 * between them, so the kernel's page provisioning runs on this thread's CPU in parallel with the
 * inflating, and the writer advances evenly — the middle slice is there at about half the time,
 * as the preview needs. (Touching from the far end instead would finish the whole no sooner but
 * leave the writer slow until they meet.) The touch is an atomic add of 0: it changes no byte even
 * if it met the writer, but makes the page resident and writable.
 */
export class PageToucher {
  private readonly regions: { bytes: Uint8Array; progress: Int32Array; next: number }[] = [];
  private running = false;
  /** Bytes touched so far (for tests and logs). */
  touched = 0;

  add(planned: Pick<PlannedBuffer, 'buffer' | 'progress'>): void {
    this.regions.push({ bytes: new Uint8Array(planned.buffer), progress: planned.progress, next: 0 });
    if (!this.running) {
      this.running = true;
      setImmediate(() => this.step());
    }
  }

  private step(): void {
    // The region with the most left to touch; finished ones (writer done, or touched to the end) go.
    let best: (typeof this.regions)[number] | null = null;
    let bestStart = 0;
    let bestLeft = 0;
    for (let i = this.regions.length - 1; i >= 0; i--) {
      const r = this.regions[i]!;
      const start = Math.max(r.next, Atomics.load(r.progress, 0) * 1024 + TOUCH_MARGIN_BYTES);
      const left = Atomics.load(r.progress, 1) !== 0 ? 0 : r.bytes.length - start;
      if (left <= 0) this.regions.splice(i, 1);
      else if (left > bestLeft) { best = r; bestStart = start; bestLeft = left; }
    }
    if (best === null) {
      this.running = false;
      return;
    }
    const end = bestStart + Math.min(bestLeft, TOUCH_STEP_BYTES);
    const bytes = best.bytes;
    for (let p = bestStart; p < end; p += PAGE_BYTES) Atomics.add(bytes, p, 0);
    this.touched += end - bestStart;
    best.next = end;
    setImmediate(() => this.step());
  }
}
