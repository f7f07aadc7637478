/**
 * The 3D metrics of a prepared pair (one job per comparison): each label's k-planes are reduced to
 * their rectangles of mask codes — by thresholding the volume here, or by the per-slice metrics
 * of slabs along k (the CLI's slab ring) — the box is assembled, and boxMetrics runs in it.
 */
import { M_FIELDS, M_FN, M_FP, M_N, M_TP, type HausdorffVoxel, type MetricSettings } from '../kernels/metricIds';
import {
  boxMetrics, boxMetricsSplit, emptyRowSurface, planeRect, workspace, type DirectedDistancesElsewhere, type PlaneRect,
} from './boxMetrics';
import type { PreparedPair } from './inputs';
import { maskCodes, maskCodesScanDirect, maskRule, scanCodes } from './metrics';
import { gatherSlice, predictionSliceIndex } from './slicing';

/** Volume-level raw rows (M_FIELDS per label, pair.labels order): counts, 3D surface values and 3D lesions. */
export interface VolumeMetricsResult {
  readonly labels: readonly Float64Array[];
  /** Per label (same order): where the Hausdorff distance is reached; null when it is undefined or the level is not 'all'. */
  readonly hausdorffVoxels: readonly (HausdorffVoxel | null)[];
}

/**
 * The 3D metrics of every label: planes are thresholded once to find the masks' bounding box
 * (each non-empty plane keeps its own rectangle of codes), the box is assembled, and the distance transforms and
 * components run in it with the full 3D spacing. Axes of extent 1 are ignored (a PNG is 2D).
 * Empty masks: as boxMetrics; both empty: counts 0, NaN surface values, 0 lesions.
 */
export function computeVolumeMetrics(pair: PreparedPair, settings: MetricSettings): VolumeMetricsResult {
  const dims = pair.prediction.dims;
  const nx = dims[0]!, ny = dims[1]!, nz = dims[2]!;
  const plane = nx * ny;
  const ws = workspace;
  ws.ensureSlice(plane);
  const planes: PlaneRect[][] = [];
  const counts: Float64Array[] = [];
  for (const label of pair.labels) {
    const rule = maskRule(pair, label, settings.threshold);
    const channel = pair.channels > 1 ? (label as number) : 0;
    // Each non-empty plane keeps only its own bounding rectangle of codes until the box is known.
    const rects: PlaneRect[] = [];
    const local = new Int32Array(4);
    ws.resetScan();
    for (let z = 0; z < nz; z++) {
      local[0] = local[2] = 2 ** 30;
      local[1] = local[3] = -1;
      if (!maskCodesScanDirect(pair, 'k', z, channel, rule, ws.codes, ws.counts, local)) {
        gatherSlice(pair.label.data, dims, 'k', z, 0, ws.lab);
        gatherSlice(pair.prediction.data, dims, 'k', predictionSliceIndex(pair, 'k', z), channel, ws.pred);
        maskCodes(ws.pred, ws.lab, plane, rule, ws.codes);
        scanCodes(ws.codes, nx, ny, ws.counts, local);
      }
      if (local[1]! < 0) continue;
      rects.push(planeRect(ws.codes, nx, z, local));
    }
    planes.push(rects);
    counts.push(ws.counts.slice(0, 3));
  }
  return volumeMetricsFromPlanes(pair, settings, planes, counts);
}

/**
 * computeVolumeMetrics from each label's non-empty k-planes (in z order) and its counts [label
 * only, prediction only, both] over the volume — from its own thresholding, or from the per-slice
 * metrics of slabs along k (computeSliceMetrics' `planes`: the same codes of the same planes).
 */
export function volumeMetricsFromPlanes(
  pair: PreparedPair, settings: MetricSettings, planes: readonly (readonly PlaneRect[])[], counts: readonly Float64Array[],
): VolumeMetricsResult {
  const hausdorffVoxels: (HausdorffVoxel | null)[] = [];
  const labels = pair.labels.map((_label, li) => {
    const out = new Float64Array(M_FIELDS);
    const box = labelBox(pair, settings, planes[li]!, counts[li]!, out);
    if (box !== null) boxMetrics(workspace, box.bx, box.by, box.bz, box.spacing, box.use, box.labelVoxels, box.predVoxels, settings, out, 0, true);
    hausdorffVoxels.push(box === null ? null : hausdorffVoxelOf(box));
    return out;
  });
  workspace.releaseLarge();
  return { labels, hausdorffVoxels };
}

/** volumeMetricsFromPlanes with half of each label's distances computed elsewhere (boxMetricsSplit). */
export async function volumeMetricsFromPlanesSplit(
  pair: PreparedPair, settings: MetricSettings, planes: readonly (readonly PlaneRect[])[], counts: readonly Float64Array[],
  elsewhere: DirectedDistancesElsewhere,
): Promise<VolumeMetricsResult> {
  const hausdorffVoxels: (HausdorffVoxel | null)[] = [];
  const labels: Float64Array[] = [];
  for (let li = 0; li < pair.labels.length; li++) {
    const out = new Float64Array(M_FIELDS);
    const box = labelBox(pair, settings, planes[li]!, counts[li]!, out);
    if (box !== null) await boxMetricsSplit(workspace, box.bx, box.by, box.bz, box.spacing, box.use, box.labelVoxels, box.predVoxels, settings, out, 0, elsewhere);
    hausdorffVoxels.push(box === null ? null : hausdorffVoxelOf(box));
    labels.push(out);
  }
  workspace.releaseLarge();
  return { labels, hausdorffVoxels };
}

/** A label's box of codes assembled in workspace.box from its planes. */
interface LabelBox {
  readonly bx: number; readonly by: number; readonly bz: number;
  readonly x0: number; readonly y0: number; readonly z0: number;
  readonly spacing: readonly [number, number, number];
  readonly use: readonly [boolean, boolean, boolean];
  readonly labelVoxels: number;
  readonly predVoxels: number;
}

/**
 * Writes a label's counts to `out`, and assembles its box from its planes when the level asks for
 * surfaces; null when nothing is left to compute (counts only, or both masks empty: then the
 * surface fields are written here).
 */
function labelBox(pair: PreparedPair, settings: MetricSettings, rects: readonly PlaneRect[], counts: Float64Array, out: Float64Array): LabelBox | null {
  const dims = pair.prediction.dims;
  const nx = dims[0]!, ny = dims[1]!, nz = dims[2]!;
  const [labelOnly, predOnly, both] = counts;
  out[M_TP] = both!;
  out[M_FP] = predOnly!;
  out[M_FN] = labelOnly!;
  out[M_N] = nx * ny * nz;
  if (settings.level !== 'all') return null;
  if (rects.length === 0) { emptyRowSurface(out, 0); return null; }
  let x0 = 2 ** 30, x1 = -1, y0 = 2 ** 30, y1 = -1;
  for (const r of rects) {
    if (r.x0 < x0) x0 = r.x0;
    if (r.x0 + r.w - 1 > x1) x1 = r.x0 + r.w - 1;
    if (r.y0 < y0) y0 = r.y0;
    if (r.y0 + r.h - 1 > y1) y1 = r.y0 + r.h - 1;
  }
  const z0 = rects[0]!.z, z1 = rects[rects.length - 1]!.z;
  const bx = x1 - x0 + 1, by = y1 - y0 + 1, bz = z1 - z0 + 1;
  const box = workspace.ensureBox(bx * by * bz);
  box.fill(0, 0, bx * by * bz);
  for (const r of rects) {
    const at = ((r.z - z0) * by + (r.y0 - y0)) * bx + (r.x0 - x0);
    for (let y = 0; y < r.h; y++) box.set(r.codes.subarray(y * r.w, (y + 1) * r.w), at + y * bx);
  }
  return {
    bx, by, bz, x0, y0, z0, spacing: pair.prediction.spacing, use: [nx > 1, ny > 1, nz > 1],
    labelVoxels: labelOnly! + both!, predVoxels: predOnly! + both!,
  };
}

/** Where boxMetrics found the Hausdorff distance (workspace.location), in image coordinates; null when undefined. */
function hausdorffVoxelOf(box: LabelBox): HausdorffVoxel | null {
  const at = workspace.location;
  if (at === null) return null;
  return {
    voxel: [box.x0 + at.from[0], box.y0 + at.from[1], box.z0 + at.from[2]],
    surface: at.fromLabel ? 'label' : 'prediction',
    nearest: [box.x0 + at.to[0], box.y0 + at.to[1], box.z0 + at.to[2]],
    distanceMm: at.distance,
  };
}
