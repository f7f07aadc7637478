/**
 * The 3D part of the metrics, per thread: a box of mask codes (the bounding box of the two masks)
 * and what is computed in it — surfaces, directed distances, Hausdorff location, lesions — for a
 * slice (metrics.ts) or a volume (volumeMetrics.ts), and the planes a volume's box is built from.
 */
import { countComponents, ComponentScratch } from '../kernels/components';
import {
  M_ASSD, M_DETECTED_LESIONS, M_FP_LESIONS, M_HD, M_HD95, M_LABEL_LESIONS, M_NSD, type MetricSettings,
} from '../kernels/metricIds';
import {
  CODE_LABEL, CODE_LABEL_SURFACE, CODE_PRED, CODE_PRED_SURFACE, directedDistances, DistanceScratch, markSurfaces, surfaceStats,
} from '../kernels/surfaceDistance';

/** One k-plane's rectangle of mask codes: the part of the plane holding its non-zero codes. */
export interface PlaneRect {
  readonly z: number;
  readonly x0: number;
  readonly y0: number;
  readonly w: number;
  readonly h: number;
  readonly codes: Uint8Array;
}

/** The rectangle box [x0, x1, y0, y1] (inclusive) of a plane's codes (w columns), copied. */
export function planeRect(codes: Uint8Array, w: number, z: number, box: Int32Array): PlaneRect {
  const x0 = box[0]!, x1 = box[1]!, y0 = box[2]!, y1 = box[3]!;
  const rw = x1 - x0 + 1, rh = y1 - y0 + 1;
  const rect = new Uint8Array(rw * rh);
  for (let y = 0; y < rh; y++) rect.set(codes.subarray((y0 + y) * w + x0, (y0 + y) * w + x1 + 1), y * rw);
  return { z, x0, y0, w: rw, h: rh, codes: rect };
}

/** Per-thread buffers, reused across slices, labels and calls. */
export class Workspace {
  pred = new Float64Array(0);
  lab = new Float64Array(0);
  codes = new Uint8Array(0);
  box = new Uint8Array(0);
  readonly counts = new Float64Array(3);
  readonly extent = new Int32Array(4);
  readonly surfaceCounts = new Int32Array(2);
  readonly distances = new DistanceScratch();
  readonly components = new ComponentScratch();
  /** Set by boxMetrics when asked to locate the Hausdorff distance (box coordinates); null otherwise. */
  location: BoxLocation | null = null;

  ensureSlice(n: number): void {
    if (this.pred.length < n) {
      this.pred = new Float64Array(n);
      this.lab = new Float64Array(n);
      this.codes = new Uint8Array(n);
    }
  }

  ensureBox(n: number): Uint8Array {
    if (this.box.length < n) this.box = new Uint8Array(n);
    return this.box;
  }

  /** Drops the box-sized buffers of a volume job (a pair's volume metrics are computed once and cached). */
  releaseLarge(): void {
    if (this.box.length > BIG_BUFFER) this.box = new Uint8Array(0);
    this.distances.releaseLarge(BIG_BUFFER);
  }

  resetScan(): void {
    this.counts.fill(0);
    this.extent[0] = this.extent[2] = 2 ** 30;
    this.extent[1] = this.extent[3] = -1;
  }
}

/** Elements past which a volume job's buffers are dropped when it ends (its pair's metrics are cached). */
const BIG_BUFFER = 1 << 22;

/** This thread's workspace (the slice and volume metrics share it). */
export const workspace = new Workspace();

/** Where the Hausdorff distance is reached, in box coordinates (x, y, z). */
interface BoxLocation {
  readonly from: readonly [number, number, number];
  readonly fromLabel: boolean;
  readonly to: readonly [number, number, number];
  readonly distance: number;
}

/**
 * The surface voxel realising the larger directed maximum (ties: the label's; then the first in
 * box order) and its nearest voxel of the other surface (a direct search over that surface's
 * voxels: one query, linear in the box). The distance lists are in box order of their query
 * voxels (directedDistances) and must not be sorted yet.
 */
function locateHausdorff(
  codes: Uint8Array, bx: number, by: number, bz: number, spacing: readonly [number, number, number],
  predToLabel: Float64Array, nPred: number, labelToPred: Float64Array, nLabel: number,
): BoxLocation {
  const argmax = (d: Float64Array, n: number): number => {
    let at = 0;
    for (let i = 1; i < n; i++) if (d[i]! > d[at]!) at = i;
    return at;
  };
  const atPred = argmax(predToLabel, nPred), atLabel = argmax(labelToPred, nLabel);
  const fromLabel = labelToPred[atLabel]! >= predToLabel[atPred]!;
  const queryBit = fromLabel ? CODE_LABEL_SURFACE : CODE_PRED_SURFACE;
  const seedBit = fromLabel ? CODE_PRED_SURFACE : CODE_LABEL_SURFACE;
  const ordinal = fromLabel ? atLabel : atPred;
  const size = bx * by * bz;
  let at = -1;
  for (let i = 0, n = 0; i < size; i++) {
    if ((codes[i]! & queryBit) === 0) continue;
    if (n++ === ordinal) { at = i; break; }
  }
  const plane = bx * by;
  const x = at % bx, y = Math.floor(at / bx) % by, z = Math.floor(at / plane);
  const [wx, wy, wz] = spacing;
  let best = Infinity, nearest = -1;
  // Nested loops visit the voxels in box order, as one loop over i would, without a division per voxel.
  for (let zz = 0, i = 0; zz < bz; zz++) {
    const dz = (zz - z) * wz;
    for (let yy = 0; yy < by; yy++) {
      const dy = (yy - y) * wy;
      for (let xx = 0; xx < bx; xx++, i++) {
        if ((codes[i]! & seedBit) === 0) continue;
        const dx = (xx - x) * wx;
        const d2 = dx * dx + dy * dy + dz * dz;
        if (d2 < best) { best = d2; nearest = i; }
      }
    }
  }
  return {
    from: [x, y, z], fromLabel,
    to: [nearest % bx, Math.floor(nearest / bx) % by, Math.floor(nearest / plane)],
    distance: fromLabel ? labelToPred[atLabel]! : predToLabel[atPred]!,
  };
}

/**
 * Surface and lesion fields (M_HD … M_FP_LESIONS) of row `o` of `out` from the box of codes in
 * ws.box. Surface values are NaN when label or prediction is empty, except the surface Dice,
 * which is 0 when exactly one is (no surface voxel lies within tolerance of an empty surface).
 */
export function boxMetrics(
  ws: Workspace, bx: number, by: number, bz: number, spacing: readonly [number, number, number],
  use: readonly [boolean, boolean, boolean], labelVoxels: number, predVoxels: number,
  settings: MetricSettings, out: Float64Array, o: number, locate = false,
): void {
  if (boxSurfaces(ws, bx, by, bz, use, labelVoxels, predVoxels, out, o)) {
    const d = ws.distances;
    const [wx, wy, wz] = spacing;
    const mPred = directedDistances(ws.box, bx, by, bz, wx, wy, wz, CODE_LABEL_SURFACE, CODE_PRED_SURFACE, d, d.predToLabel);
    const mLabel = directedDistances(ws.box, bx, by, bz, wx, wy, wz, CODE_PRED_SURFACE, CODE_LABEL_SURFACE, d, d.labelToPred);
    surfaceFields(ws, bx, by, bz, spacing, d.predToLabel, mPred, d.labelToPred, mLabel, settings, out, o, locate);
  }
  boxLesions(ws, bx, by, bz, settings, out, o);
}

/**
 * boxMetrics with the label's directed distances computed on another thread (`elsewhere`) while
 * this one computes the prediction's and the lesions: the same functions on the same box, so the
 * same numbers; the two distance transforms are most of a volume's 3D metrics.
 */
export async function boxMetricsSplit(
  ws: Workspace, bx: number, by: number, bz: number, spacing: readonly [number, number, number],
  use: readonly [boolean, boolean, boolean], labelVoxels: number, predVoxels: number,
  settings: MetricSettings, out: Float64Array, o: number, elsewhere: DirectedDistancesElsewhere,
): Promise<void> {
  if (!boxSurfaces(ws, bx, by, bz, use, labelVoxels, predVoxels, out, o)) {
    boxLesions(ws, bx, by, bz, settings, out, o);
    return;
  }
  const remote = elsewhere(ws.box.subarray(0, bx * by * bz), [bx, by, bz], spacing, CODE_PRED_SURFACE, CODE_LABEL_SURFACE);
  remote.catch(() => undefined); // awaited below; this thread's work first
  const d = ws.distances;
  const [wx, wy, wz] = spacing;
  const mPred = directedDistances(ws.box, bx, by, bz, wx, wy, wz, CODE_LABEL_SURFACE, CODE_PRED_SURFACE, d, d.predToLabel);
  boxLesions(ws, bx, by, bz, settings, out, o);
  const labelToPred = await remote;
  surfaceFields(ws, bx, by, bz, spacing, d.predToLabel, mPred, labelToPred, labelToPred.length, settings, out, o, true);
}

/**
 * Marks the surfaces in ws.box and sizes the distance scratch; true when both masks are there
 * (the distances are then the caller's to compute), else writes the empty-mask surface fields.
 */
function boxSurfaces(
  ws: Workspace, bx: number, by: number, bz: number,
  use: readonly [boolean, boolean, boolean], labelVoxels: number, predVoxels: number, out: Float64Array, o: number,
): boolean {
  ws.location = null;
  markSurfaces(ws.box, bx, by, bz, use[0], use[1], use[2], ws.surfaceCounts);
  if (labelVoxels > 0 && predVoxels > 0) {
    ws.distances.ensure(bx, by, bz, ws.surfaceCounts[1]!, ws.surfaceCounts[0]!);
    return true;
  }
  out[o + M_HD] = out[o + M_HD95] = out[o + M_ASSD] = NaN;
  out[o + M_NSD] = labelVoxels + predVoxels > 0 ? 0 : NaN;
  return false;
}

/** The surface fields from both directed distance lists (in box order; sorted here), locating the Hausdorff voxel when asked. */
function surfaceFields(
  ws: Workspace, bx: number, by: number, bz: number, spacing: readonly [number, number, number],
  predToLabel: Float64Array, mPred: number, labelToPred: Float64Array, mLabel: number,
  settings: MetricSettings, out: Float64Array, o: number, locate: boolean,
): void {
  if (locate) ws.location = locateHausdorff(ws.box, bx, by, bz, spacing, predToLabel, mPred, labelToPred, mLabel);
  surfaceStats(predToLabel, mPred, labelToPred, mLabel, settings.toleranceMm, out, o + M_HD);
}

function boxLesions(ws: Workspace, bx: number, by: number, bz: number, settings: MetricSettings, out: Float64Array, o: number): void {
  const s = ws.components;
  countComponents(ws.box, bx, by, bz, CODE_LABEL, CODE_PRED, settings.connectivity, s);
  out[o + M_LABEL_LESIONS] = s.components;
  out[o + M_DETECTED_LESIONS] = s.touching;
  countComponents(ws.box, bx, by, bz, CODE_PRED, CODE_LABEL, settings.connectivity, s);
  out[o + M_FP_LESIONS] = s.components - s.touching;
}

/**
 * One directed distance list computed on another thread (a range worker: directedDistancesOf),
 * for the query voxels of `queryBit` in box order. `codes` is the box, surfaces marked, valid only
 * during the call (the thread is given a copy).
 */
export type DirectedDistancesElsewhere = (
  codes: Uint8Array, box: readonly [number, number, number], spacing: readonly [number, number, number], seedBit: number, queryBit: number,
) => Promise<Float64Array>;

/** directedDistancesOf's scratch: its own, so that it never overwrites a box job's distances on the same thread. */
const elsewhereScratch = new DistanceScratch();

/** What DirectedDistancesElsewhere asks of a range worker: the distances, exactly as many as there are query voxels. */
export function directedDistancesOf(
  codes: Uint8Array, box: readonly [number, number, number], spacing: readonly [number, number, number], seedBit: number, queryBit: number,
): Float64Array {
  const [bx, by, bz] = box;
  let queries = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i]! & queryBit) queries++;
  elsewhereScratch.ensure(bx, by, bz, 0, 0);
  const out = new Float64Array(queries);
  const m = directedDistances(codes, bx, by, bz, spacing[0], spacing[1], spacing[2], seedBit, queryBit, elsewhereScratch, out);
  elsewhereScratch.releaseLarge(BIG_BUFFER);
  return m === queries ? out : out.slice(0, m);
}

export function emptyRowSurface(out: Float64Array, o: number): void {
  out[o + M_HD] = out[o + M_HD95] = out[o + M_ASSD] = out[o + M_NSD] = NaN;
  out[o + M_LABEL_LESIONS] = out[o + M_DETECTED_LESIONS] = out[o + M_FP_LESIONS] = 0;
}
