/**
 * Evaluation metrics of a prepared pair (issue #5): per slice (computeSliceMetrics, run inside
 * computeRange so worker threads split them) and per volume (volumeMetrics.ts, one 3D job per
 * comparison), as raw M_FIELDS rows; metricsFromRaw turns a row into the JSON `metrics`.
 * Every distance transform and component labelling runs only in the bounding box of the two masks.
 */
import type { LabelKey, LabelMetrics } from '../protocol';
import {
  M_ASSD, M_DETECTED_LESIONS, M_FIELDS, M_FN, M_FP, M_FP_LESIONS, M_HD, M_HD95, M_LABEL_LESIONS, M_N, M_NSD, M_TP,
  type Metrics, type MetricSettings, type UndefinedReason,
} from '../kernels/metricIds';
import { float32AtLeastBits, planeCodesFloat32, planeCodesUint8 } from '../kernels/planeCodes';
import { boxMetrics, emptyRowSurface, planeRect, workspace, type PlaneRect } from './boxMetrics';
import type { PreparedPair } from './inputs';
import type { Axis } from './result';
import { gatherSlice, predictionSliceIndex, sliceGeometry } from './slicing';
import type { VolumeMetricsResult } from './volumeMetrics';

const PRED_EQUALS = 0;
const PRED_AT_LEAST = 1;
const PRED_SIGMOID_AT_LEAST = 2;

/** How one label's two masks are read from gathered values. */
export interface MaskRule {
  /** Label mask: lab > 0 ('foreground') or lab === labelValue. */
  readonly labelPositive: boolean;
  readonly labelValue: number;
  readonly predMode: number;
  /** PRED_EQUALS: the label value; otherwise the probability threshold. */
  readonly predValue: number;
  /** PRED_SIGMOID_AT_LEAST: logits below `lo` are never, at or above `hi` always predicted; between, sigmoid decides. */
  readonly lo: number;
  readonly hi: number;
}

export function maskRule(pair: PreparedPair, label: LabelKey, threshold: number): MaskRule {
  const labelPositive = label === 'foreground';
  const labelValue = label === 'foreground' ? 1 : label;
  if (pair.kind === 'labels') return { labelPositive, labelValue, predMode: PRED_EQUALS, predValue: labelValue, lo: 0, hi: 0 };
  if (pair.kind === 'probability') return { labelPositive, labelValue, predMode: PRED_AT_LEAST, predValue: threshold, lo: 0, hi: 0 };
  // sigmoid(x) ≥ t exactly as the losses compute sigmoid, but exp only in a narrow band around logit(t).
  const a = Math.log(threshold / (1 - threshold));
  const band = 1e-6 * (1 + Math.abs(a));
  const finite = Number.isFinite(a);
  return {
    labelPositive, labelValue, predMode: PRED_SIGMOID_AT_LEAST, predValue: threshold,
    lo: finite ? a - band : -Infinity, hi: finite ? a + band : Infinity,
  };
}

/** codes[i] = [label mask] | [prediction mask] << 1 over i < n. NaN predictions are never predicted. */
export function maskCodes(pred: Float64Array, lab: Float64Array, n: number, rule: MaskRule, codes: Uint8Array): void {
  const v = rule.labelValue, t = rule.predValue;
  if (rule.predMode === PRED_EQUALS) {
    for (let i = 0; i < n; i++) codes[i] = (lab[i] === v ? 1 : 0) | (pred[i] === t ? 2 : 0);
  } else if (rule.predMode === PRED_AT_LEAST) {
    if (rule.labelPositive) for (let i = 0; i < n; i++) codes[i] = (lab[i]! > 0 ? 1 : 0) | (pred[i]! >= t ? 2 : 0);
    else for (let i = 0; i < n; i++) codes[i] = (lab[i] === v ? 1 : 0) | (pred[i]! >= t ? 2 : 0);
  } else {
    const lo = rule.lo, hi = rule.hi, positive = rule.labelPositive;
    for (let i = 0; i < n; i++) {
      const x = pred[i]!;
      const predicted = x >= hi || (x >= lo && 1 / (1 + Math.exp(-x)) >= t);
      codes[i] = (positive ? (lab[i]! > 0 ? 1 : 0) : (lab[i] === v ? 1 : 0)) | (predicted ? 2 : 0);
    }
  }
}

/**
 * maskCodes and scanCodes in one pass, straight from the volumes, for a k-slice (contiguous in a
 * NIfTI) of the two common pairs — float32 probabilities or uint8 labels against a uint8 label
 * map — with no gather into float64 first (planeCodes.ts). Same comparisons, so the same codes,
 * counts and box. Returns false when it does not apply (the caller gathers, calls maskCodes and
 * scanCodes).
 */
export function maskCodesScanDirect(
  pair: PreparedPair, axis: Axis, index: number, channel: number, rule: MaskRule,
  codes: Uint8Array, counts: Float64Array, box: Int32Array,
): boolean {
  const pred = pair.prediction.data, lab = pair.label.data;
  if (axis !== 'k' || channel !== 0 || !(lab instanceof Uint8Array)) return false;
  const dims = pair.prediction.dims;
  const w = dims[0]!, h = dims[1]!, plane = w * h;
  // The plane of each volume as its own view: a slab window holds other slice numbers (ringCompare.ts).
  const labFrom = index * plane, predFrom = predictionSliceIndex(pair, axis, index) * plane;
  const labPlane = lab.subarray(labFrom, labFrom + plane);
  if (rule.predMode === PRED_AT_LEAST && pred instanceof Float32Array) {
    const predPlane = pred.subarray(predFrom, predFrom + plane);
    const bits = new Int32Array(predPlane.buffer, predPlane.byteOffset, plane);
    planeCodesFloat32(predPlane, bits, float32AtLeastBits(rule.predValue), labPlane, 0, w, h, rule.labelPositive, rule.labelValue, rule.predValue,
      codes, counts, box);
    return true;
  }
  if (rule.predMode === PRED_EQUALS && pred instanceof Uint8Array) {
    planeCodesUint8(pred.subarray(predFrom, predFrom + plane), labPlane, 0, w, h, rule.labelValue, rule.predValue, codes, counts, box);
    return true;
  }
  return false;
}

/**
 * Confusion counts of codes[0 … w·h) and their bounding box: writes [label-only, pred-only, both]
 * to counts[0 … 2] (added to what is there) and widens box [x0, x1, y0, y1] (inclusive) by the
 * non-zero codes. An all-zero input leaves the box as it was.
 */
export function scanCodes(codes: Uint8Array, w: number, h: number, counts: Float64Array, box: Int32Array): void {
  let labelOnly = 0, predOnly = 0, both = 0;
  let x0 = box[0]!, x1 = box[1]!, y0 = box[2]!, y1 = box[3]!;
  for (let y = 0; y < h; y++) {
    const base = y * w;
    let first = -1, last = -1;
    for (let x = 0; x < w; x++) {
      const c = codes[base + x]!;
      if (c === 0) continue;
      if (first < 0) first = x;
      last = x;
      if (c === 3) both++; else if (c === 1) labelOnly++; else predOnly++;
    }
    if (first < 0) continue;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  counts[0]! += labelOnly;
  counts[1]! += predOnly;
  counts[2]! += both;
  box[0] = x0; box[1] = x1; box[2] = y0; box[3] = y1;
}

/** In-plane voxel size (mm) of slices across `axis`: k → (sx, sy), j → (sx, sz), i → (sy, sz). */
export function slicePixelSpacing(spacing: readonly number[], axis: Axis): [number, number] {
  const [sx, sy, sz] = spacing as [number, number, number];
  return axis === 'k' ? [sx, sy] : axis === 'j' ? [sx, sz] : [sy, sz];
}

/**
 * Metrics of slices [start, end) across `axis`, one Float64Array (count × M_FIELDS) per label of
 * the pair, in pair.labels order. 2D: in-plane distances, 4-connected surfaces, 2D components.
 * 'overlap' fills only the counts. Empty slices give zero counts and NaN surface values.
 * `planes` (along k, level 'all'): each label's non-empty planes are added to its list, for
 * volumeMetricsFromPlanes — the 3D metrics without thresholding the volume a second time.
 */
export function computeSliceMetrics(
  pair: PreparedPair, axis: Axis, start: number, end: number, settings: MetricSettings, planes: PlaneRect[][] | null = null,
): Float64Array[] {
  if (planes !== null && (axis !== 'k' || settings.level !== 'all')) throw new Error('internal: plane rectangles are kept along k at level all only');
  const dims = pair.prediction.dims;
  const { width, height } = sliceGeometry(dims, axis);
  const n = width * height;
  const count = end - start;
  const [wx, wy] = slicePixelSpacing(pair.prediction.spacing, axis);
  const spacing: [number, number, number] = [wx, wy, 1];
  const use: [boolean, boolean, boolean] = [width > 1, height > 1, false];
  const all = settings.level === 'all';
  const ws = workspace;
  ws.ensureSlice(n);
  const rules = pair.labels.map((label) => maskRule(pair, label, settings.threshold));
  const rows = pair.labels.map(() => new Float64Array(count * M_FIELDS));
  for (let s = start; s < end; s++) {
    let gathered = false;
    for (let li = 0; li < rules.length; li++) {
      const channel = pair.channels > 1 ? pair.labels[li] as number : 0;
      ws.resetScan();
      if (!maskCodesScanDirect(pair, axis, s, channel, rules[li]!, ws.codes, ws.counts, ws.extent)) {
        if (!gathered) gatherSlice(pair.label.data, dims, axis, s, 0, ws.lab);
        if (!gathered || pair.channels > 1) gatherSlice(pair.prediction.data, dims, axis, predictionSliceIndex(pair, axis, s), channel, ws.pred);
        gathered = true;
        maskCodes(ws.pred, ws.lab, n, rules[li]!, ws.codes);
        scanCodes(ws.codes, width, height, ws.counts, ws.extent);
      }
      const out = rows[li]!;
      const o = (s - start) * M_FIELDS;
      const [labelOnly, predOnly, both] = ws.counts;
      out[o + M_TP] = both;
      out[o + M_FP] = predOnly;
      out[o + M_FN] = labelOnly;
      out[o + M_N] = n;
      if (!all) continue;
      if (labelOnly + predOnly + both === 0) { emptyRowSurface(out, o); continue; }
      if (planes !== null) planes[li]!.push(planeRect(ws.codes, width, s, ws.extent));
      const [x0, x1, y0, y1] = ws.extent;
      const bx = x1 - x0 + 1, by = y1 - y0 + 1;
      const box = ws.ensureBox(bx * by);
      for (let y = 0; y < by; y++) box.set(ws.codes.subarray((y0 + y) * width + x0, (y0 + y) * width + x1 + 1), y * bx);
      boxMetrics(ws, bx, by, 1, spacing, use, labelOnly + both, predOnly + both, settings, out, o);
    }
  }
  return rows;
}

/** Sums the count fields (M_TP … M_N) of `rows` rows of `src` into out[0 … 3]. */
export function addMetricCounts(src: Float64Array, rows: number, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * M_FIELDS;
    out[M_TP]! += src[o + M_TP]!;
    out[M_FP]! += src[o + M_FP]!;
    out[M_FN]! += src[o + M_FN]!;
    out[M_N]! += src[o + M_N]!;
  }
}

/**
 * The `metrics` object of one row. `counts` (row `co`) gives TP/FP/FN/N at the metric threshold;
 * `surface` (row `so`), when the level is 'all', gives the surface and lesion fields.
 * voxelMm3: one voxel's volume in mm³. Which metric is null when: docs/metrics.md.
 */
export function metricsFromRaw(
  counts: Float64Array, co: number, surface: Float64Array | null, so: number, voxelMm3: number,
): Metrics {
  const tp = counts[co + M_TP]!, fp = counts[co + M_FP]!, fn = counts[co + M_FN]!, n = counts[co + M_N]!;
  const labelVoxels = tp + fn, predVoxels = tp + fp;
  const background = n - labelVoxels;
  const reasons: { [id: string]: UndefinedReason } = {};
  const emptiness: UndefinedReason | null = labelVoxels === 0 && predVoxels === 0 ? 'both empty'
    : labelVoxels === 0 ? 'label empty' : predVoxels === 0 ? 'prediction empty' : null;
  const value = (id: string, defined: boolean, v: () => number, reason: UndefinedReason | null): number | null => {
    if (defined) return v();
    reasons[id] = reason ?? 'both empty';
    return null;
  };
  const union = tp + fp + fn;
  const metrics: Record<string, unknown> = {
    dice: value('dice', union > 0, () => (2 * tp) / (labelVoxels + predVoxels), 'both empty'),
    iou: value('iou', union > 0, () => tp / union, 'both empty'),
    precision: value('precision', predVoxels > 0, () => tp / predVoxels, labelVoxels === 0 ? 'both empty' : 'prediction empty'),
    recall: value('recall', labelVoxels > 0, () => tp / labelVoxels, predVoxels === 0 ? 'both empty' : 'label empty'),
    specificity: value('specificity', background > 0, () => (background - fp) / background, 'no background'),
    labelVolumeMl: (labelVoxels * voxelMm3) / 1000,
    predictionVolumeMl: (predVoxels * voxelMm3) / 1000,
    relativeVolumeDifference: value('relativeVolumeDifference', labelVoxels > 0, () => (predVoxels - labelVoxels) / labelVoxels,
      predVoxels === 0 ? 'both empty' : 'label empty'),
  };
  if (surface) {
    const both = emptiness === null;
    metrics.hausdorff = value('hausdorff', both, () => surface[so + M_HD]!, emptiness);
    metrics.hd95 = value('hd95', both, () => surface[so + M_HD95]!, emptiness);
    metrics.assd = value('assd', both, () => surface[so + M_ASSD]!, emptiness);
    metrics.surfaceDice = value('surfaceDice', union > 0, () => surface[so + M_NSD]!, 'both empty');
    const labelLesions = surface[so + M_LABEL_LESIONS]!, detected = surface[so + M_DETECTED_LESIONS]!;
    metrics.labelLesions = labelLesions;
    metrics.detectedLesions = detected;
    metrics.missedLesions = labelLesions - detected;
    metrics.falsePositiveLesions = surface[so + M_FP_LESIONS]!;
  }
  metrics.undefinedReasons = reasons;
  return metrics as unknown as Metrics;
}

/** Per-slice metric rows of slices [start, end), one Float64Array (M_FIELDS per slice) per label. */
export interface SliceMetricsRange {
  readonly start: number;
  readonly end: number;
  readonly rows: readonly Float64Array[];
}

/**
 * The editor's metrics of every label (pair.labels order) from per-slice rows covering the axis
 * and, for level 'all', the volume job's rows: the same numbers as assembleResult puts in the
 * CompareResult (volume counts are the sums of the slices', surface and lesion values the 3D job's).
 */
export function assembleLabelMetrics(
  pair: PreparedPair, settings: MetricSettings, ranges: readonly SliceMetricsRange[], volume: VolumeMetricsResult | null,
): LabelMetrics[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const [sx, sy, sz] = pair.prediction.spacing;
  const voxelMm3 = sx * sy * sz;
  const all = settings.level === 'all';
  if (all && volume === null) throw new Error('internal: level "all" needs the volume metrics');
  return pair.labels.map((label, li) => {
    const counts = new Float64Array(M_FIELDS);
    const slices: Metrics[] = [];
    for (const range of sorted) {
      const rows = range.rows[li]!;
      const n = range.end - range.start;
      addMetricCounts(rows, n, counts);
      for (let r = 0; r < n; r++) slices.push(metricsFromRaw(rows, r * M_FIELDS, all ? rows : null, r * M_FIELDS, voxelMm3));
    }
    return {
      label,
      volume: metricsFromRaw(counts, 0, all ? volume!.labels[li]! : null, 0, voxelMm3),
      hausdorffVoxel: all ? volume!.hausdorffVoxels[li] ?? null : null,
      slices,
    };
  });
}
