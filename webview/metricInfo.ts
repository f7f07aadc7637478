/**
 * How the editor shows the evaluation metrics (README "Metrics"): names, units, formatting, and
 * which direction is worse — so "worst slice" means worst whether a metric is a loss-like
 * distance or a Dice-like score. Pure, unit-tested under Node.
 */
import {
  LESION_METRIC_IDS, OVERLAP_METRIC_IDS, SURFACE_METRIC_IDS, type MetricId, type Metrics, type MetricsLevel,
} from '../src/core/kernels/metricIds';

/**
 * 'higher': higher is better (Dice-like), so the worst slice has the lowest value. 'lower':
 * lower is better (distances, missed and false-positive lesions). 'zero': the further from 0
 * the worse (relative volume difference). 'none': no better or worse (volumes, lesion counts):
 * ranked by value, largest first, like the voxel counts.
 */
export type Better = 'higher' | 'lower' | 'zero' | 'none';

export interface MetricInfo {
  /** Short, for table headers and the header strip. */
  readonly title: string;
  /** For the chart selector and tooltips. */
  readonly name: string;
  readonly unit: '' | 'mm' | 'mL';
  readonly better: Better;
}

export const METRIC_INFO: { readonly [K in MetricId]: MetricInfo } = {
  dice: { title: 'Dice', name: 'Dice (hard)', unit: '', better: 'higher' },
  iou: { title: 'IoU', name: 'IoU (hard)', unit: '', better: 'higher' },
  precision: { title: 'Precision', name: 'Precision', unit: '', better: 'higher' },
  recall: { title: 'Recall', name: 'Recall (sensitivity)', unit: '', better: 'higher' },
  specificity: { title: 'Specificity', name: 'Specificity', unit: '', better: 'higher' },
  labelVolumeMl: { title: 'Label mL', name: 'Label volume', unit: 'mL', better: 'none' },
  predictionVolumeMl: { title: 'Pred. mL', name: 'Prediction volume', unit: 'mL', better: 'none' },
  relativeVolumeDifference: { title: 'RVD', name: 'Relative volume difference', unit: '', better: 'zero' },
  hausdorff: { title: 'HD mm', name: 'Hausdorff distance', unit: 'mm', better: 'lower' },
  hd95: { title: 'HD95 mm', name: 'HD95', unit: 'mm', better: 'lower' },
  assd: { title: 'ASSD mm', name: 'Average symmetric surface distance', unit: 'mm', better: 'lower' },
  surfaceDice: { title: 'Surface Dice', name: 'Surface Dice', unit: '', better: 'higher' },
  labelLesions: { title: 'Lesions', name: 'Label lesions', unit: '', better: 'none' },
  detectedLesions: { title: 'Detected', name: 'Detected lesions', unit: '', better: 'none' },
  missedLesions: { title: 'Missed', name: 'Missed lesions', unit: '', better: 'lower' },
  falsePositiveLesions: { title: 'FP lesions', name: 'False-positive lesions', unit: '', better: 'lower' },
};

/** The per-slice (and volume) metrics a level computes, in output order. */
export function metricIdsOf(level: MetricsLevel | undefined): readonly MetricId[] {
  if (level === 'all') return [...OVERLAP_METRIC_IDS, ...SURFACE_METRIC_IDS, ...LESION_METRIC_IDS];
  if (level === 'overlap') return OVERLAP_METRIC_IDS;
  return [];
}

export function isMetricId(value: unknown): value is MetricId {
  return typeof value === 'string' && (metricIdsOf('all') as readonly string[]).includes(value);
}

/** The value of one metric of a row; null when undefined or not computed. */
export function metricValue(metrics: Metrics | undefined, id: MetricId): number | null {
  const v = metrics?.[id];
  return typeof v === 'number' ? v : null;
}

/** Larger is worse; NaN for a null value (ranked last). */
export function badness(id: MetricId, value: number | null): number {
  if (value === null) return Number.NaN;
  switch (METRIC_INFO[id].better) {
    case 'higher': return -value;
    case 'zero': return Math.abs(value);
    default: return value;
  }
}

/** A metric value for display: "—" for null, units left to the caller. */
export function formatMetric(id: MetricId, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  const info = METRIC_INFO[id];
  if (id === 'labelLesions' || id === 'detectedLesions' || id === 'missedLesions' || id === 'falsePositiveLesions') return String(value);
  if (info.unit === 'mm') return value < 10 ? value.toFixed(2) : value.toFixed(1);
  if (info.unit === 'mL') return value === 0 ? '0' : value < 100 ? value.toPrecision(4) : value.toFixed(1);
  if (id === 'relativeVolumeDifference') return `${value > 0 ? '+' : ''}${value.toFixed(4)}`;
  return value === 0 || value === 1 ? String(value) : value.toFixed(4);
}

/** Why a metric of a row is null ("label empty", …), or null when it is not. */
export function nullReason(metrics: Metrics | undefined, id: MetricId): string | null {
  if (metrics === undefined) return null;
  if (metricValue(metrics, id) !== null) return null;
  return metrics.undefinedReasons[id] ?? 'not computed';
}

/** "p ≥ 0.5", "sigmoid ≥ 0.5" or "prediction = label": what counts as predicted for the metrics. */
export function predictedWhen(kind: 'probability' | 'logits' | 'labels', threshold: number): string {
  return kind === 'labels' ? 'prediction = label' : kind === 'logits' ? `sigmoid ≥ ${threshold}` : `p ≥ ${threshold}`;
}

/** Millimetres for the readouts: two decimals below 10 mm, one above. */
export function formatMm(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} mm`;
}
