/**
 * Evaluation metrics (issue #5): ids in output order, their settings, and the raw per-row
 * layout the kernels fill. docs/metrics.md documents every id, unit, convention and null.
 */

/** Hard overlap on the thresholded prediction; free from the confusion counts. */
export const OVERLAP_METRIC_IDS = [
  'dice', 'iou', 'precision', 'recall', 'specificity', 'labelVolumeMl', 'predictionVolumeMl', 'relativeVolumeDifference',
] as const;
/** Surface distances in millimetres (and the normalised surface Dice at a tolerance). */
export const SURFACE_METRIC_IDS = ['hausdorff', 'hd95', 'assd', 'surfaceDice'] as const;
/** Connected-component (lesion-wise) counts. */
export const LESION_METRIC_IDS = ['labelLesions', 'detectedLesions', 'missedLesions', 'falsePositiveLesions'] as const;

export type OverlapMetricId = (typeof OVERLAP_METRIC_IDS)[number];
export type SurfaceMetricId = (typeof SURFACE_METRIC_IDS)[number];
export type LesionMetricId = (typeof LESION_METRIC_IDS)[number];
export type MetricId = OverlapMetricId | SurfaceMetricId | LesionMetricId;

/** 'all': overlap, surface and lesion metrics; 'overlap': overlap only (no distance transform); 'none': no `metrics`. */
export type MetricsLevel = 'all' | 'overlap' | 'none';
export const METRICS_LEVELS: readonly MetricsLevel[] = ['all', 'overlap', 'none'];

/** Why a metric is null. */
export type UndefinedReason = 'label empty' | 'prediction empty' | 'both empty' | 'no background';

/** 3D neighbourhood of a lesion (6 faces, 18 faces+edges, 26 all); in 2D 6 → 4, 18 and 26 → 8. */
export type Connectivity = 6 | 18 | 26;

export interface MetricParams {
  /** A voxel is predicted when its probability p ≥ threshold (logits: sigmoid(x) ≥ threshold); in (0, 1]. */
  readonly threshold: number;
  /** Surface Dice tolerance in millimetres, ≥ 0. */
  readonly toleranceMm: number;
  readonly connectivity: Connectivity;
}

export const DEFAULT_METRIC_PARAMS: MetricParams = Object.freeze({ threshold: 0.5, toleranceMm: 1, connectivity: 26 });

/** Everything the metric kernels need to know; `level` 'none' means nothing is computed. */
export interface MetricSettings extends MetricParams {
  readonly level: MetricsLevel;
}

export const NO_METRICS: MetricSettings = Object.freeze({ ...DEFAULT_METRIC_PARAMS, level: 'none' });

/** Checks parameters; throws a RangeError naming the bad one. */
export function checkMetricParams(p: MetricParams): void {
  if (!(p.threshold > 0 && p.threshold <= 1)) throw new RangeError(`the threshold must be in (0, 1] (got ${p.threshold})`);
  if (!(p.toleranceMm >= 0 && Number.isFinite(p.toleranceMm))) throw new RangeError(`the surface tolerance must be ≥ 0 mm (got ${p.toleranceMm})`);
  if (p.connectivity !== 6 && p.connectivity !== 18 && p.connectivity !== 26) {
    throw new RangeError(`the connectivity must be 6, 18 or 26 (got ${p.connectivity})`);
  }
}

/**
 * Where a volume's Hausdorff distance is reached: the surface voxel farthest from the other
 * mask's surface, and the voxel of that surface nearest to it. Voxel indices (i, j, k) of the
 * volume. Reported by computeVolumeMetrics and the editor's `metrics` message, not in the JSON
 * `metrics` (whose keys are metrics). Ties: the label's surface when both directions reach the
 * distance, then the first voxel in volume order (k, then j, then i).
 */
export interface HausdorffVoxel {
  readonly voxel: readonly [number, number, number];
  /** The mask whose surface holds `voxel`. */
  readonly surface: 'label' | 'prediction';
  /** The nearest voxel of the other mask's surface (first in volume order among equally near ones). */
  readonly nearest: readonly [number, number, number];
  /** The Hausdorff distance in millimetres (the volume's `hausdorff`). */
  readonly distanceMm: number;
}

/** The metrics object of one row (a slice or a volume), as it appears in the JSON. */
export type Metrics =
  & { readonly [K in OverlapMetricId]: number | null }
  & { readonly [K in SurfaceMetricId]?: number | null }
  & { readonly [K in LesionMetricId]?: number }
  & {
    /** One entry per metric that is null, saying why; `{}` when none is. */
    readonly undefinedReasons: { readonly [K in MetricId]?: UndefinedReason };
  };

// Raw layout: M_FIELDS float64 numbers per row, filled by the kernels, turned into Metrics by
// metricsFromRaw. Counts are at the metric threshold; surface values are NaN when undefined.
export const M_TP = 0;
export const M_FP = 1;
export const M_FN = 2;
/** Voxels of the row (slice or volume). */
export const M_N = 3;
export const M_HD = 4;
export const M_HD95 = 5;
export const M_ASSD = 6;
export const M_NSD = 7;
export const M_LABEL_LESIONS = 8;
export const M_DETECTED_LESIONS = 9;
export const M_FP_LESIONS = 10;
export const M_FIELDS = 11;
