/**
 * `compare` with the prediction held a few slabs at a time (issue #10, memory): a float map is
 * most of a pair's bytes (120 of 150 MB for 512×512×120 float32 + uint8), yet every number needs
 * only the slab it is in. So the prediction's gzip stream is inflated into a ring of RING_SLOTS
 * slab buffers instead of one buffer for the whole image; each slab is computed — losses,
 * per-slice metrics, and the k-planes of mask codes the 3D metrics are later assembled from —
 * as soon as it is in, by a range worker or by this thread when the ring is full, and its slot is
 * then refilled. The values are scanned as they arrive, as in streamCompare.ts.
 *
 * The slabs use the pair as prepared from the values seen so far (the label must be in). When the
 * whole file's values prepare it differently (another kind, a clamp), the slabs are gone: the
 * ring gives up (null) and streamCompare.ts inflates the file whole and computes everything again,
 * so results never depend on timing. It gives up the same way on anything unusual (no native zlib
 * handle, a label the fast path does not take, an unnamed zlib error): the whole-file path then
 * decides and reports in its own words. Every number depends only on its own slice and global
 * slice indices (PreparedPair.predictionFirstSlice), so the results equal the whole-file path's.
 */
import type { Worker } from 'node:worker_threads';
import { assembleResult, type CompareOptions } from '../core/analysis/compare';
import { InputError, preparePair, samePreparation, type PreparedPair } from '../core/analysis/inputs';
import type { DirectedDistancesElsewhere, PlaneRect } from '../core/analysis/boxMetrics';
import { volumeMetricsFromPlanes, volumeMetricsFromPlanesSplit } from '../core/analysis/volumeMetrics';
import type { CompareResult } from '../core/analysis/result';
import { ValueScanner, type VolumeValues } from '../core/analysis/valueScan';
import { wholeOutputLimit } from '../core/io/gzip';
import { niftiVolumeWith, type NiftiPlan } from '../core/io/nifti';
import type { Volume } from '../core/io/volume';
import { M_FIELDS, M_FN, M_FP, M_TP, type MetricSettings } from '../core/kernels/metricIds';
import { primeSoftKernel } from '../core/kernels/softSlice';
import { planFastPath, streamVerdict, viewsInPlace } from './decodeFiles';
import { inflateIntoParts } from './inflateScan';
import type { DistancesJob, PrimeJob, RangeReply } from './rangeMessages';
import { awaitReply } from './workerJob';
import type { SlabRunner } from './slabRunner';

/**
 * Slab buffers of the ring, and the most voxels a slab holds (4 MB of float32: 4 slices of 512²).
 * 8 × 1 M beat 4 × 2 M, 6 × 2 M and 12 × 0.5 M on the bench pair (0.91 s against 0.94, 0.95 and
 * 0.93 s with every metric; the same with none): with more, thinner slabs the inflater seldom waits
 * for a thread to free one, and the ring stays at 32 MB.
 */
export const RING_SLOTS = 8;
export const RING_SLAB_VOXELS = 1 << 20;

/** What the ring needs of a prediction file, known from its header alone. */
export interface RingPlan {
  readonly plan: NiftiPlan;
  /** The prediction's Volume with no voxels (every slab has its own window of them). */
  readonly shell: Volume;
  readonly slabSlices: number;
  readonly slabs: number;
}

/** The label as decoded by streamCompare.ts (null: the fast path did not take it). */
export interface RingLabel {
  readonly volume: Volume;
  readonly values: VolumeValues | null;
}

/** Thrown inside the inflate to stop it: the whole-file path takes over. */
class RingGivesUp extends Error {}

type FloatArray = Float32Array | Float64Array;
interface FloatArrayType {
  new (length: number): FloatArray;
  new (buffer: SharedArrayBuffer, byteOffset: number, length: number): FloatArray;
}

/**
 * The ring's plan for the prediction `bytes`, or null when it does not apply — then the file is
 * inflated whole, as before: another axis than k, not a gzipped unscaled float NIfTI of one
 * channel, or so few slabs that the ring would hold the whole image anyway. Without a worker this
 * thread computes each slab when the ring is full (and inflates the label between).
 */
export function planRing(bytes: Uint8Array, name: string, maxVoxels: number, axis: string, slabVoxels: number): RingPlan | null {
  if (axis !== 'k') return null;
  const source = planFastPath(bytes, maxVoxels);
  if (source === null || source.kind !== 'gzip' || !viewsInPlace(source.plan)) return null;
  const { plan } = source;
  const Ctor = plan.datatype.arrayType as unknown;
  if ((Ctor !== Float32Array && Ctor !== Float64Array) || plan.dims.length !== 3) return null;
  const plane = plan.dims[0]! * plan.dims[1]!;
  const slabSlices = Math.max(1, Math.floor(slabVoxels / plane));
  const slabs = Math.ceil(plan.dims[2]! / slabSlices);
  if (slabs <= RING_SLOTS) return null;
  let shell: Volume;
  try {
    shell = niftiVolumeWith(plan, new (Ctor as FloatArrayType)(0), name, false);
  } catch {
    return null; // the whole-file path reports what is wrong with the header
  }
  return { plan, shell, slabSlices, slabs };
}

/**
 * Reads the prediction through the ring and compares it with the label (`labelTask`, decoding
 * meanwhile); null when the ring gives up (nothing is left running). Throws InputError for a
 * file the user must fix, as streamCompare.ts does.
 */
export async function compareThroughRing(
  bytes: Uint8Array, ring: RingPlan, labelTask: Promise<RingLabel | null>, runner: SlabRunner,
  options: CompareOptions, metrics: MetricSettings, workers: readonly Worker[],
): Promise<CompareResult | null> {
  const { plan, shell, slabSlices, slabs } = ring;
  const dims = plan.dims;
  const plane = dims[0]! * dims[1]!;
  const count = dims[2]!;
  const Ctor = plan.datatype.arrayType as unknown as FloatArrayType;
  const size = plan.datatype.bytesPerVoxel;
  const slabVoxels = slabSlices * plane;
  const slots = Array.from({ length: RING_SLOTS }, () => new SharedArrayBuffer(slabVoxels * size));
  const header = new Uint8Array(plan.dataStart);
  const scanner = new ValueScanner(new Ctor(slots[0]!, 0, slabVoxels), plan.voxelCount);
  const voxelsOf = (slab: number) => (Math.min(count, (slab + 1) * slabSlices) - slab * slabSlices) * plane;
  const windowOf = (slab: number) => new Ctor(slots[slab % RING_SLOTS]!, 0, voxelsOf(slab));

  primeSoftKernel();
  for (const worker of workers) worker.postMessage({ task: 'prime' } satisfies PrimeJob);
  let label: RingLabel | null | undefined;
  labelTask.then((decoded) => { label = decoded; }, () => undefined); // a failure is thrown by `await labelTask`
  let speculated: PreparedPair | null = null;
  /** Slabs whose voxels are all in, and those handed to the runner (in order: runner index = slab). */
  let complete = 0;
  let queued = 0;

  /** Hands the complete slabs to the runner once the label is in (preparing the pair at the first). */
  const queueComplete = () => {
    if (label === undefined || queued === complete) return;
    if (label === null || label.values === null) throw new RingGivesUp();
    if (speculated === null) {
      const values = scanner.valuesSoFar();
      if (values.scan.allIntegers && values.distinct === null) throw new RingGivesUp(); // preparePair would read the voxels
      try {
        speculated = preparePair(shell, label.volume, options.kind, { prediction: values, label: label.values });
      } catch {
        throw new RingGivesUp(); // the whole file decides (and reports) after decoding
      }
      runner.use(speculated);
    }
    for (; queued < complete; queued++) {
      const first = queued * slabSlices;
      runner.add(first, Math.min(count, first + slabSlices), {
        ...speculated, prediction: { ...speculated.prediction, data: windowOf(queued) }, predictionFirstSlice: first,
      });
    }
  };

  /** Waits until slab `slab` is computed (its slot is then free), computing slabs here meanwhile. */
  const slabDone = async (slab: number) => {
    while (queued <= slab || !runner.isDone(slab)) {
      if (label === undefined) {
        await labelTask.catch(() => { throw new RingGivesUp(); });
        queueComplete();
      } else if (queued <= slab) {
        queueComplete();
      } else if (!runner.computeOneHere()) {
        await runner.nextReply();
      }
    }
  };

  const limit = wholeOutputLimit(bytes, plan.neededBytes);
  let inflated: Awaited<ReturnType<typeof inflateIntoParts>>;
  try {
    inflated = await inflateIntoParts(bytes, {
      total: plan.neededBytes,
      next: async (offset) => {
        if (offset === 0) return header;
        const slab = (offset - plan.dataStart) / (slabVoxels * size);
        if (slab >= RING_SLOTS) await slabDone(slab - RING_SLOTS);
        const window = windowOf(slab);
        scanner.view(window, slab * slabVoxels);
        return new Uint8Array(window.buffer, 0, window.byteLength);
      },
    }, (written) => {
      if (written <= plan.dataStart) return;
      const ready = Math.min(plan.voxelCount, Math.floor((written - plan.dataStart) / size));
      if (ready > scanner.scanned) scanner.add(scanner.scanned, ready);
      while (complete < slabs && ready >= Math.min(plan.voxelCount, (complete + 1) * slabVoxels)) complete++;
      queueComplete();
    }, limit - plan.neededBytes);
  } catch (error) {
    await runner.discard().catch(() => undefined);
    if (error instanceof RingGivesUp) return null;
    throw error;
  }
  if (inflated === null) return giveUp(runner);
  if (inflated.kind !== 'fits') {
    await runner.discard().catch(() => undefined);
    const verdict = streamVerdict(inflated, plan, limit);
    if (verdict === null) return null;
    throw new InputError(shell.source, verdict.message);
  }
  const labelDecoded = await labelTask.catch(async (error: unknown) => {
    await runner.discard().catch(() => undefined);
    throw error;
  });
  label = labelDecoded;
  try {
    queueComplete(); // slabs completed before the label was in, when the ring never filled
  } catch (error) {
    if (error instanceof RingGivesUp) return giveUp(runner);
    throw error;
  }
  const values = scanner.result();
  if (labelDecoded === null || labelDecoded.values === null || speculated === null || (values.scan.allIntegers && values.distinct === null)) {
    return giveUp(runner);
  }
  let pair: PreparedPair;
  try {
    pair = preparePair(shell, labelDecoded.volume, options.kind, { prediction: values, label: labelDecoded.values });
  } catch (error) {
    await runner.discard().catch(() => undefined);
    throw error;
  }
  if (!samePreparation(speculated, pair)) return giveUp(runner);
  const ranges = await runner.finish();
  // The slabs are done, so the worker computes half of the 3D distances (the other half here).
  const planes = metrics.level === 'all' ? planesAndCounts(ranges, pair.labels.length) : null;
  const volume = planes === null ? null
    : workers.length === 0 ? volumeMetricsFromPlanes(pair, metrics, ...planes)
      : await volumeMetricsFromPlanesSplit(pair, metrics, ...planes, distancesOn(workers[0]!));
  return assembleResult(pair, options, ranges, volume);
}

/** Ids of the range jobs (SlabRunner) count up from 0; streamCompare's inflate job is −1. */
const DISTANCES_JOB_ID = -2;

/** One directed distance list on `worker`; the box is copied to shared memory (a transfer would detach a buffer here: workerJob.ts). */
function distancesOn(worker: Worker): DirectedDistancesElsewhere {
  return async (codes, box, spacing, seedBit, queryBit) => {
    const shared = new Uint8Array(new SharedArrayBuffer(codes.length));
    shared.set(codes);
    const job: DistancesJob = { task: 'distances', id: DISTANCES_JOB_ID, codes: shared, box, spacing, seedBit, queryBit };
    const reply = await awaitReply<RangeReply>(worker, job);
    if (!reply.ok) throw new Error(reply.message);
    return reply.result as Float64Array;
  };
}

async function giveUp(runner: SlabRunner): Promise<null> {
  await runner.discard().catch(() => undefined);
  return null;
}

/** Per label, the k-planes of every range in slice order, and the counts [label only, prediction only, both] summed. */
function planesAndCounts(
  ranges: readonly { start: number; labels: readonly { metrics: Float64Array | null }[]; planes?: readonly (readonly PlaneRect[])[] | null }[],
  labels: number,
): [PlaneRect[][], Float64Array[]] {
  const ordered = [...ranges].sort((a, b) => a.start - b.start);
  const planes: PlaneRect[][] = [];
  const counts: Float64Array[] = [];
  for (let li = 0; li < labels; li++) {
    const rects: PlaneRect[] = [];
    const sum = new Float64Array(3);
    for (const range of ordered) {
      rects.push(...(range.planes?.[li] ?? []));
      const rows = range.labels[li]!.metrics!;
      for (let o = 0; o < rows.length; o += M_FIELDS) {
        sum[0]! += rows[o + M_FN]!;
        sum[1]! += rows[o + M_FP]!;
        sum[2]! += rows[o + M_TP]!;
      }
    }
    planes.push(rects);
    counts.push(sum);
  }
  return [planes, counts];
}
