/**
 * Session worker (dist/worker.js): one per extension host, serving every open compare document
 * (each request names its document). Decodes the files the host sends, prepares each pair,
 * serves slices and computes losses, so the extension host never decodes or computes. Decoding
 * runs on helper threads and loss computation on the rangeWorker threads (rangePool) every
 * document shares, which leaves this thread free to answer slice requests meanwhile.
 */
import { availableParallelism } from 'node:os';
import { parentPort, workerData, type Worker } from 'node:worker_threads';
import { defaultJobs, RangePool } from './rangePool';
import {
  DECODE_MODE, decodeHere, decodeOnHelper, FileError, PageToucher, PROGRESS_ABANDONED, PROGRESS_DONE, serveOneDecode, shareInSteps,
  startDecodeHelper, type DecodeCallbacks, type Decoded, type PlannedBuffer,
} from './decodeFiles';
import { InputError, preparePair, type PreparedPair } from '../core/analysis/inputs';
import type { Axis, CompareResult, PredictionKindOption } from '../core/analysis/result';
import type { ConventionSettings } from '../core/analysis/conventionRange';
import { gatherSlice, sliceGeometry } from '../core/analysis/slicing';
import { scanValues, type VolumeValues } from '../core/analysis/valueScan';
import { labelColoursObject, labelNamesFor, labelNamesObject } from '../core/io/labelNames';
import { voxelCount, type Volume, type VoxelArray } from '../core/io/volume';
import type { LossParams } from '../core/kernels/lossIds';
import { volumeMetricsKey } from '../core/analysis/compare';
import type { MetricSettings } from '../core/kernels/metricIds';
import type { LabelMetrics, SliceLabelType } from '../core/protocol';
import type {
  FailedReply, FilePayload, FileRole, OpenRequest, PairSummary, PreviewNotice, SessionReply, SessionRequest, SliceReply, SliceRequest,
} from './sessionMessages';
import { detachOneBuffer } from './workerJob';

if (!parentPort) throw new Error('worker.js must run as a worker thread (it is the Mask Inspector session worker)');
const port = parentPort;
// Slices are transferred to the host (reply): see detachOneBuffer.
detachOneBuffer();

/** Decode on helper threads only when there is a second CPU for them to run on. */
const parallelDecode = availableParallelism() > 1;

interface Session {
  readonly files: { prediction: Volume; label: Volume | null; underlay: Volume | null };
  readonly kind: PredictionKindOption;
  readonly maxVoxels: number;
  readonly params: LossParams;
  readonly conventions?: ConventionSettings | undefined;
  readonly jobs: number;
  readonly generation: number;
  pair: PreparedPair;
  /** Settles once the masks' voxels are in shared memory (see startSharing); null until started. */
  sharing: Promise<void> | null;
  readonly losses: Map<Axis, Promise<CompareResult>>;
  readonly decodeMs: Partial<Record<FileRole, number>>;
  readonly prepareMs: number;
  /** How label slices travel: the smallest type that holds every value of the label volume. */
  readonly labelType: SliceLabelType;
}

const EDITOR_METRICS = 'none' as const;

/** One document's pair and what is under way for it. */
interface DocumentState {
  /** The prepared pair; null until the first open succeeds. */
  session: Session | null;
  /**
   * The first pair, shown before it is prepared (OpenRequest.previewMinVoxels): its kind and
   * labels come from the label and the first half of the prediction, and a slice is answered as
   * soon as its voxels are decoded. Null once the pair is prepared (or failed).
   */
  preview: { readonly session: Session; readonly filling: readonly Filling[] } | null;
  /** The axis to compute losses for as soon as a pair is ready (see OpenRequest.precomputeAxis). */
  precomputeAxis: Axis | null;
  /**
   * Changes of the pair run one after another (an open may still be decoding when a swap comes);
   * each replaces `session` only when it succeeded, so a bad file leaves the previous pair open.
   */
  changes: Promise<unknown>;
  /** The host closed the document: a change still running is dropped when it ends. */
  released: boolean;
}

/** The open documents by the id their host client gave them (SessionRequest.doc). */
const documents = new Map<number, DocumentState>();

function newDocument(): DocumentState {
  return { session: null, preview: null, precomputeAxis: null, changes: Promise.resolve(), released: false };
}

/** Generations grow across documents, so each pair's is unique in this worker. */
let generation = 0;
/**
 * Long-lived range workers, started with the first open so they boot while the files decode.
 * Always at least one, even on one CPU: the OS then shares the CPU between it and this thread,
 * so a slice request never waits for a whole loss computation.
 */
let pool: RangePool | null = null;
/** The pool was started ahead with the default size (see the end of this file) and no open has taken it yet. */
let poolIsSpare = false;

/**
 * Decode helpers started with the session worker, while the host is still reading the files:
 * a prediction and its label then start decoding without waiting for a thread to boot.
 */
const spareHelpers: Worker[] = [];

/**
 * The value scans of decoded volumes (made by the decoder while inflating), by voxel array, for
 * preparePair: they follow the arrays through swaps, kind changes and replaced partners.
 */
const valuesOf = new WeakMap<VoxelArray, VolumeValues>();
/** Pre-faults the voxel buffers while the helpers fill them (decodeFiles.ts). */
const toucher = new PageToucher();

/**
 * Decodes a file, on a helper thread when there is a CPU for it to run on in parallel; masks are
 * scanned too (`scan`), an underlay is not. `watch` hears of the decoder's progress (a preview).
 */
async function decode(file: FilePayload, maxVoxels: number, scan: boolean, watch: DecodeCallbacks = {}): Promise<Decoded> {
  const callbacks: DecodeCallbacks = {
    onPlanned: (planned) => {
      // With a second CPU, this thread pre-faults the buffer while the helper fills it.
      if (parallelDecode) toucher.add(planned);
      watch.onPlanned?.(planned);
    },
    ...(watch.onHalfScanned ? { onHalfScanned: watch.onHalfScanned } : {}),
  };
  const decoded = parallelDecode
    ? await decodeOnHelper(spareHelpers.shift() ?? startDecodeHelper(__filename), file, maxVoxels, scan, callbacks)
    : await decodeHere(file, maxVoxels, scan, callbacks);
  if (decoded.values !== null) valuesOf.set(decoded.volume.data, decoded.values);
  return decoded;
}

/** A label of zeros so a mask shown alone goes through the same preparation (kind, labels). */
function emptyLabelFor(prediction: Volume): Volume {
  const [nx, ny, nz] = prediction.dims as [number, number, number];
  const data = new Uint8Array(nx * ny * nz);
  // Known without reading (or even touching) the zeros.
  const empty = data.length === 0;
  valuesOf.set(data, {
    scan: { min: empty ? Infinity : 0, max: empty ? -Infinity : 0, allIntegers: true, nonFinite: 0, firstNonFinite: -1, firstNonInteger: -1 },
    distinct: empty ? [] : [0],
  });
  return {
    source: '(no label)', format: prediction.format === 'png' ? 'nifti1' : prediction.format,
    dims: [nx, ny, nz], spacing: prediction.spacing, affine: prediction.affine,
    data, sourceDtype: 'uint8', scaled: false,
  };
}

/** The values of a volume decoded without a scan (never for masks today), computed once. */
function valuesFor(volume: Volume): VolumeValues {
  let values = valuesOf.get(volume.data);
  if (values === undefined) valuesOf.set(volume.data, values = { scan: scanValues(volume.data), distinct: null });
  return values;
}

/**
 * The smallest slice type holding every label value (a remapped PNG label holds 0 and 1: uint8
 * too). Without the values (a preview knows only some), the smallest that holds the dtype.
 */
function labelTypeOf(labelValues: VolumeValues | null, data: VoxelArray): SliceLabelType {
  if (data instanceof Uint8Array) return 'uint8';
  if (labelValues === null) return data instanceof Uint16Array ? 'uint16' : 'int32';
  const { min, max } = labelValues.scan;
  if (min >= 0 && max <= 0xff) return 'uint8';
  if (min >= 0 && max <= 0xffff) return 'uint16';
  return 'int32';
}

function checkUnderlay(underlay: Volume, prediction: Volume): void {
  const u = underlay.dims, p = prediction.dims;
  if (u[0] !== p[0] || u[1] !== p[1] || u[2] !== p[2] || (u.length > 3 && u[3] !== 1)) {
    throw new FileError(underlay.source,
      `the underlay image is ${u.join('×')} but the masks are ${p.slice(0, 3).join('×')}; choose the image these masks were made from`);
  }
}

type BuildOptions = Omit<Session, 'files' | 'generation' | 'pair' | 'sharing' | 'losses' | 'prepareMs' | 'labelType'>;

/**
 * Prepares a pair. `partial` replaces the known scans with those of the part decoded so far (a
 * preview's); `reserved` is a generation taken earlier (the one its preview announced).
 */
function build(
  files: Session['files'], options: BuildOptions, reserved?: number,
  partial?: { readonly prediction: VolumeValues; readonly label: VolumeValues | null },
): Session {
  const t0 = performance.now();
  if (files.underlay) checkUnderlay(files.underlay, files.prediction);
  const label = files.label ?? emptyLabelFor(files.prediction);
  const labelValues = partial?.label ?? valuesFor(label);
  const pair = preparePair(files.prediction, label, options.kind, { prediction: partial?.prediction ?? valuesOf.get(files.prediction.data), label: labelValues });
  return {
    ...options, files, pair, sharing: null, generation: reserved ?? ++generation,
    losses: new Map(), prepareMs: performance.now() - t0, labelType: labelTypeOf(partial?.label ? null : labelValues, pair.label.data),
  };
}

/** The label file's own segment names (.seg.nrrd); the host adds dataset.json and the setting. */
function segmentNames(label: Volume | null): { labelNames?: Record<string, string>; labelColors?: Record<string, string> } {
  const names = labelNamesObject(labelNamesFor(label, null, null));
  const colours = labelColoursObject(label);
  return { ...(names ? { labelNames: names } : {}), ...(colours ? { labelColors: colours } : {}) };
}

function summary(s: Session): PairSummary {
  const dims = s.pair.prediction.dims;
  return {
    generation: s.generation,
    predictionName: s.files.prediction.source,
    labelName: s.files.label?.source ?? null,
    underlayName: s.files.underlay?.source ?? null,
    shape: [dims[0]!, dims[1]!, dims[2]!],
    spacing: s.pair.prediction.spacing,
    affine: s.pair.prediction.affine,
    predictionKind: s.pair.kind,
    kindOption: s.kind,
    labels: s.files.label ? s.pair.labels : [],
    ...segmentNames(s.files.label),
    predictionChannels: s.pair.channels,
    warnings: s.files.label ? s.pair.warnings : [],
    timings: { decodeMs: s.decodeMs, prepareMs: s.prepareMs },
  };
}

/** A volume still being decoded into its buffer. */
interface Filling {
  readonly planned: PlannedBuffer;
  readonly dims: readonly number[];
  readonly bytesPerVoxel: number;
}

/** True when every voxel of slice `index` along `axis` (every channel) is in the buffer. */
function sliceDecoded(f: Filling, axis: Axis, index: number): boolean {
  const state = Atomics.load(f.planned.progress, 1);
  if (state === PROGRESS_DONE) return true;
  if (state === PROGRESS_ABANDONED) return false; // read elsewhere: wait for the prepared pair
  // Along k a slice is one contiguous run per channel; along i and j it spans the whole volume.
  const [nx, ny, nz] = f.dims as [number, number, number];
  const channels = f.dims[3] ?? 1;
  const voxelsBefore = axis === 'k' ? ((channels - 1) * nz + index + 1) * nx * ny : voxelCount(f.dims);
  return Atomics.load(f.planned.progress, 0) * 1024 >= f.planned.dataStart + voxelsBefore * f.bytesPerVoxel;
}

/** One file of a pair being previewed: its buffer and half scan as they come, then its volume. */
class Arriving {
  planned: PlannedBuffer | null = null;
  half: VolumeValues | null = null;
  decoded: Decoded | null = null;

  /** The volume to show now: decoded, or still filling its buffer in place. */
  get volume(): Volume | null {
    return this.decoded?.volume ?? this.planned?.volume ?? null;
  }

  /** Still filling: slices wait for their voxels. */
  filling(): Filling | null {
    const volume = this.planned?.volume;
    return this.decoded !== null || !this.planned || !volume ? null : { planned: this.planned, dims: volume.dims, bytesPerVoxel: volume.data.BYTES_PER_ELEMENT };
  }
}

/**
 * Collects what a preview needs while the files decode, and announces it once it has it: the
 * prediction's and label's buffers with the scans of their first halves (or the decoded label),
 * the underlay's buffer.
 */
function previewWatch(doc: DocumentState, request: OpenRequest, reserved: number, options: BuildOptions) {
  const minVoxels = request.previewMinVoxels;
  if (minVoxels === null || minVoxels === undefined || doc.session !== null) return null;
  const prediction = new Arriving(), label = new Arriving(), underlay = new Arriving();
  let announced = false;
  const attempt = () => {
    const predVolume = prediction.planned?.volume;
    if (announced || !prediction.planned || !predVolume || !prediction.half) return;
    if (request.label && !label.decoded && !(label.volume && label.half)) return;
    if (request.underlay && !underlay.volume) return;
    // Never for a small file: its pair is ready at once, a preview would only mean a second init.
    if (voxelCount(predVolume.dims) < minVoxels) return;
    announced = true;
    let s: Session;
    try {
      const files = { prediction: predVolume, label: label.volume, underlay: underlay.volume };
      s = build(files, options, reserved, { prediction: prediction.half, label: label.decoded ? null : label.half });
    } catch {
      return; // e.g. a NaN in the first half: the open itself reports it
    }
    const filling = [prediction.filling(), label.filling(), underlay.filling()].filter((f): f is Filling => f !== null);
    doc.preview = { session: s, filling };
    port.postMessage({ type: 'preview', id: request.id, pair: summary(s) } satisfies PreviewNotice);
  };
  const callbacks = (file: Arriving): DecodeCallbacks => ({
    onPlanned: (p) => { file.planned = p; attempt(); },
    onHalfScanned: (v) => { file.half = v; attempt(); },
  });
  const decoded = (file: Arriving) => (d: Decoded) => { file.decoded = d; attempt(); };
  return {
    prediction: callbacks(prediction), label: callbacks(label), underlay: { onPlanned: callbacks(underlay).onPlanned! },
    labelDecoded: decoded(label), underlayDecoded: decoded(underlay),
  };
}

async function open(doc: DocumentState, request: OpenRequest): Promise<Session> {
  const jobs = Math.max(1, request.jobs);
  if (pool === null || (poolIsSpare && pool.size !== jobs)) {
    void pool?.dispose();
    pool = new RangePool(jobs);
  }
  poolIsSpare = false;
  doc.precomputeAxis = request.precomputeAxis;
  const decodeMs: Partial<Record<FileRole, number>> = {};
  const options: BuildOptions = {
    kind: request.kind, maxVoxels: request.maxVoxels, params: request.params, jobs: request.jobs, decodeMs,
    ...(request.conventions ? { conventions: request.conventions } : {}),
  };
  const wantsPreview = request.previewMinVoxels !== null && request.previewMinVoxels !== undefined && doc.session === null;
  const reserved = wantsPreview ? ++generation : undefined;
  const watch = reserved === undefined ? null : previewWatch(doc, request, reserved, options);
  const maybe = (file: FilePayload | null, scan: boolean, callbacks?: DecodeCallbacks, then?: (d: Decoded) => void) =>
    (file === null ? Promise.resolve(null) : decode(file, request.maxVoxels, scan, callbacks).then((d) => { then?.(d); return d; }));
  try {
    // All files at once: the decodes run in parallel and the first failure is reported.
    const [prediction, label, underlay] = await Promise.all([
      decode(request.prediction, request.maxVoxels, true, watch?.prediction), maybe(request.label, true, watch?.label, watch?.labelDecoded),
      maybe(request.underlay, false, watch?.underlay, watch?.underlayDecoded),
    ]);
    decodeMs.prediction = prediction.ms;
    if (label) decodeMs.label = label.ms;
    if (underlay) decodeMs.underlay = underlay.ms;
    const files = { prediction: prediction.volume, label: label?.volume ?? null, underlay: underlay?.volume ?? null };
    return build(files, options, reserved);
  } finally {
    // On success `doc.session` is set before any other message or timer runs (a microtask later).
    doc.preview = null;
  }
}

async function replace(doc: DocumentState, role: FileRole, file: FilePayload | null): Promise<Session> {
  const s = current(doc);
  if (role === 'prediction' && file === null) throw new Error('the prediction cannot be removed');
  const decoded = file === null ? null : await decode(file, s.maxVoxels, role !== 'underlay');
  const files = { ...s.files, [role]: decoded?.volume ?? null } as Session['files'];
  return build(files, { ...s, decodeMs: { ...s.decodeMs, [role]: decoded?.ms ?? 0 } });
}

function current(doc: DocumentState): Session {
  if (doc.session === null) throw new Error('no pair is open for this document yet');
  return doc.session;
}

function checkSliceIndex(s: Session, axis: Axis, index: number): void {
  const { count } = sliceGeometry(s.pair.prediction.dims, axis);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`slice ${index} does not exist on axis ${axis} (0 … ${count - 1})`);
  }
}

/** A slice of the pair (or, before the first pair is prepared, of its preview). */
function slice(doc: DocumentState, id: number, axis: Axis, index: number): { reply: SliceReply; transfer: ArrayBuffer[] } {
  const s = doc.session ?? doc.preview?.session ?? current(doc);
  const dims = s.pair.prediction.dims;
  const { width, height } = sliceGeometry(dims, axis);
  checkSliceIndex(s, axis, index);
  const n = width * height;
  const prediction = new Float32Array(n * s.pair.channels);
  for (let c = 0; c < s.pair.channels; c++) gatherSlice(s.pair.prediction.data, dims, axis, index, c, prediction.subarray(c * n, (c + 1) * n));
  let label: Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Int32Array<ArrayBuffer> | null = null;
  if (s.files.label) {
    label = s.labelType === 'uint8' ? new Uint8Array(n) : s.labelType === 'uint16' ? new Uint16Array(n) : new Int32Array(n);
    gatherSlice(s.pair.label.data, dims, axis, index, 0, label);
  }
  let underlay: Float32Array<ArrayBuffer> | null = null;
  if (s.files.underlay) {
    underlay = new Float32Array(n);
    gatherSlice(s.files.underlay.data, s.files.underlay.dims, axis, index, 0, underlay);
  }
  const transfer = [prediction.buffer, label?.buffer, underlay?.buffer].filter((b): b is ArrayBuffer => b !== undefined);
  return {
    reply: {
      type: 'slice', id, generation: s.generation, axis, index, width, height,
      prediction: prediction.buffer, label: label?.buffer ?? null, labelType: s.labelType, underlay: underlay?.buffer ?? null,
    },
    transfer,
  };
}

/**
 * Range workers read the masks in place from SharedArrayBuffers. The decoder inflates NIfTI
 * voxels straight into one, so usually there is nothing to copy; only arrays made later (a PNG
 * read as probabilities, a scaled or byte-swapped file) are copied, in steps, so the first slices
 * are answered meanwhile; the session then reads the shared copies too, and the ordinary ones can
 * be collected.
 */
/** Shared copies by source array, finished or in progress: a swap or kind change mid-copy reuses it. */
const sharedCopies = new WeakMap<VoxelArray, Promise<VoxelArray>>();

function sharedCopyOf(data: VoxelArray): Promise<VoxelArray> {
  let copy = sharedCopies.get(data);
  if (copy === undefined) {
    // (The decoder's arrays are shared already and come back as they are; a copy keeps their scan.)
    copy = shareInSteps(data).then((shared) => {
      const values = valuesOf.get(data);
      if (values !== undefined && shared !== data) valuesOf.set(shared, values);
      return shared;
    });
    sharedCopies.set(data, copy);
    // A failed copy (out of memory) may be retried by a later request.
    copy.catch(() => sharedCopies.delete(data));
  }
  return copy;
}

function startSharing(s: Session): void {
  if (pool === null || s.sharing !== null || s.files.label === null) return;
  const attempt = (async () => {
    const pair = s.pair;
    const [prediction, label] = await Promise.all([sharedCopyOf(pair.prediction.data), sharedCopyOf(pair.label.data)]);
    s.pair = { ...pair, prediction: { ...pair.prediction, data: prediction }, label: { ...pair.label, data: label } };
    // The files usually hold the very arrays the pair does (no remapping): from now on they read
    // the shared copies too, so the ordinary ones can be collected.
    const files = s.files;
    if (files.prediction.data === pair.prediction.data) files.prediction = { ...files.prediction, data: prediction };
    if (files.label && files.label.data === pair.label.data) files.label = { ...files.label, data: label };
  })();
  s.sharing = attempt;
  // The loss request awaiting `sharing` reports a failure (e.g. out of memory); this handler only
  // keeps it from ending the worker as an unhandled rejection, and lets a later request retry.
  attempt.catch(() => { if (s.sharing === attempt) s.sharing = null; });
}

function losses(s: Session, axis: Axis): Promise<CompareResult> {
  let result = s.losses.get(axis);
  if (result === undefined) {
    if (s.files.label === null) return Promise.reject(new Error('there is no label to compare with; choose a partner first'));
    const rangePool = pool;
    if (rangePool === null) return Promise.reject(new Error('internal: losses were asked for before any pair was opened'));
    startSharing(s);
    // Losses only: the webview shows no evaluation metrics yet, and with them (level 'all': surface
    // distances) the loss panel would wait about four times longer for a 512×512×300 pair.
    result = s.sharing!.then(() => rangePool.compare(s.pair, {
      kind: s.kind, axis, params: s.params, metrics: EDITOR_METRICS, ...(s.conventions ? { conventions: s.conventions } : {}),
    }));
    s.losses.set(axis, result);
    // A failed computation may succeed later (e.g. after a worker ran out of memory): do not cache it.
    result.catch(() => s.losses.delete(axis));
  }
  return result;
}

/** Metrics per session, axis and settings (a new pair is a new session object, so its entries go with it). */
const metricsBySession = new WeakMap<Session, Map<string, Promise<LabelMetrics[]>>>();

/**
 * The editor's evaluation metrics along `axis`: started only once that axis's losses are done
 * (they would otherwise share the range workers with them and delay the loss panel), then run on
 * the range workers — the 3D job on one of its own — so this thread keeps answering slices.
 */
function metricsFor(s: Session, axis: Axis, settings: MetricSettings): Promise<LabelMetrics[]> {
  if (settings.level === 'none') return Promise.resolve([]);
  let byKey = metricsBySession.get(s);
  if (byKey === undefined) metricsBySession.set(s, byKey = new Map());
  const key = `${axis}|${settings.level}|${volumeMetricsKey(settings)}`;
  let result = byKey.get(key);
  if (result === undefined) {
    const rangePool = pool;
    if (rangePool === null) return Promise.reject(new Error('internal: metrics were asked for before any pair was opened'));
    // After the losses, s.pair holds the shared copies the range workers read in place.
    result = losses(s, axis).then(() => rangePool.metrics(s.pair, axis, settings));
    byKey.set(key, result);
    const entries = byKey;
    result.catch(() => entries.delete(key));
  }
  return result;
}

function failure(id: number, error: unknown): FailedReply {
  if (error instanceof FileError || error instanceof InputError) {
    // The engine's messages address CLI users; in the editor the kind is a menu, not a flag.
    const message = error.message.replace(/use --kind (\w+) or (\w+)/, 'set the prediction kind to $1 or $2');
    return { type: 'failed', id, file: error.file, message };
  }
  if (error instanceof RangeError && /allocat|memory/i.test(error.message)) {
    return { type: 'failed', id, file: null, message: `not enough memory for this pair (${error.message}); close other compare editors and try again` };
  }
  return { type: 'failed', id, file: null, message: error instanceof Error ? error.message : String(error) };
}

function reply(message: SessionReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/**
 * Runs a change of the document's pair after those before it. Slices and losses do not wait for
 * changes: they use the pair of their moment, tagged with its generation, and the host drops
 * answers older than the pair it last announced.
 */
function change(doc: DocumentState, id: number, next: () => Session | Promise<Session>): void {
  doc.changes = doc.changes.then(next).then(
    (s) => {
      if (doc.released) return; // closed meanwhile: nobody waits, and its volumes go with it
      doc.session = s;
      reply({ type: 'prepared', id, pair: summary(s) });
      // The webview asks for losses right after init: start now (cached for its request). A
      // failure is reported to that request, so nothing is lost by not waiting here.
      if (s.files.label !== null && doc.precomputeAxis !== null) void losses(s, doc.precomputeAxis).catch(() => undefined);
    },
    (error: unknown) => { if (!doc.released) reply(failure(id, error)); });
}

/**
 * The document closed: its volumes are dropped now (their SharedArrayBuffers are freed once
 * losses still running for them end; a change in flight is dropped when it ends). The range
 * workers stay booted for the other documents, and decode helpers are started for the next one.
 */
function release(docId: number): void {
  const doc = documents.get(docId);
  if (doc === undefined) return;
  documents.delete(docId);
  doc.released = true;
  doc.session = null;
  doc.preview = null;
  if (parallelDecode) while (spareHelpers.length < 2) spareHelpers.push(startDecodeHelper(__filename));
}

/** Polling interval while a previewed slice's voxels are still being decoded. */
const SLICE_WAIT_MS = 4;

/** Answers now, or — for a preview whose slice is not decoded yet — as soon as it is. */
function answerSlice(doc: DocumentState, request: SliceRequest): void {
  try {
    const p = doc.preview;
    if (doc.session === null && p !== null) {
      checkSliceIndex(p.session, request.axis, request.index);
      if (!p.filling.every((f) => sliceDecoded(f, request.axis, request.index))) {
        setTimeout(() => {
          // The preview may have become the prepared pair (served from it) or failed (then the open's failure explains).
          if (doc.released) return;
          if (doc.session === null && doc.preview === null) reply(failure(request.id, new Error('the pair could not be opened')));
          else answerSlice(doc, request);
        }, SLICE_WAIT_MS);
        return;
      }
    }
    const { reply: message, transfer } = slice(doc, request.id, request.axis, request.index);
    reply(message, transfer);
  } catch (error) {
    reply(failure(request.id, error));
  }
}

/** The request's document; an open makes it known, any other request of an unknown one fails (current()). */
function documentOf(request: SessionRequest): DocumentState {
  let doc = documents.get(request.doc);
  if (doc === undefined && request.type === 'open') documents.set(request.doc, doc = newDocument());
  return doc ?? newDocument();
}

function handle(request: SessionRequest): void {
  try {
    if (request.type === 'release') return release(request.doc);
    const doc = documentOf(request);
    switch (request.type) {
      case 'open': return change(doc, request.id, () => open(doc, request));
      case 'replace': return change(doc, request.id, () => replace(doc, request.role, request.file));
      case 'swap':
        return change(doc, request.id, () => {
          const s = current(doc);
          if (s.files.label === null) throw new Error('there is no label to swap with; choose a partner first');
          return build({ ...s.files, prediction: s.files.label, label: s.files.prediction }, s);
        });
      case 'setKind': return change(doc, request.id, () => build(current(doc).files, { ...current(doc), kind: request.kind }));
      case 'slice': return answerSlice(doc, request);
      case 'losses': {
        const s = current(doc);
        doc.precomputeAxis = request.axis;
        const t0 = performance.now();
        losses(s, request.axis).then(
          (result) => reply({
            type: 'losses', id: request.id, generation: s.generation, axis: request.axis,
            labels: result.labels, multiclass: result.multiclass ?? null, computeMs: performance.now() - t0,
          }),
          (error: unknown) => reply(failure(request.id, error)));
        return;
      }
      case 'metrics': {
        const s = current(doc);
        const t0 = performance.now();
        metricsFor(s, request.axis, request.settings).then(
          (labels) => reply({
            type: 'metrics', id: request.id, generation: s.generation, axis: request.axis, settings: request.settings,
            labels, computeMs: performance.now() - t0,
          }),
          (error: unknown) => reply(failure(request.id, error)));
        return;
      }
    }
  } catch (error) {
    reply(failure(request.id, error));
  }
}

if ((workerData as { mode?: string } | null)?.mode === DECODE_MODE) {
  serveOneDecode(port);
} else {
  port.on('message', handle);
  if (parallelDecode) spareHelpers.push(startDecodeHelper(__filename), startDecodeHelper(__filename));
  // The range workers boot now too, while the host reads the files, rather than during the decode
  // (starting a thread costs ~70 ms of CPU); an open asking for another size replaces them.
  pool = new RangePool(defaultJobs());
  poolIsSpare = true;
}
