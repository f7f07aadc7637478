/**
 * How the editor shows the evaluation metrics (README "Metrics"): names, units, formatting, and
 * which direction is worse — so "worst slice" means worst whether a metric is a loss-like
 * distance or a Dice-like score. Pure, unit-tested under Node.
 */
import {
  LESION_METRIC_IDS, OVERLAP_METRIC_IDS, SURFACE_METRIC_IDS, type MetricId, type Metrics, type MetricsLevel,
} from '../src/core/kernels/metricIds';
import { METRIC_BETTER, metricBadness, type Better } from '../src/core/ranking';

export type { Better };

export interface MetricInfo {
  /** Short, for table headers and the header strip. */
  readonly title: string;
  /** For the chart selector and tooltips. */
  readonly name: string;
  readonly unit: '' | 'mm' | 'mL';
  readonly better: Better;
}

export const METRIC_INFO: { readonly [K in MetricId]: MetricInfo } = {
  dice: { title: 'Dice', name: 'Dice (hard)', unit: '', better: METRIC_BETTER.dice },
  iou: { title: 'IoU', name: 'IoU (hard)', unit: '', better: METRIC_BETTER.iou },
  precision: { title: 'Precision', name: 'Precision', unit: '', better: METRIC_BETTER.precision },
  recall: { title: 'Recall', name: 'Recall (sensitivity)', unit: '', better: METRIC_BETTER.recall },
  specificity: { title: 'Specificity', name: 'Specificity', unit: '', better: METRIC_BETTER.specificity },
  labelVolumeMl: { title: 'Label mL', name: 'Label volume', unit: 'mL', better: METRIC_BETTER.labelVolumeMl },
  predictionVolumeMl: { title: 'Pred. mL', name: 'Prediction volume', unit: 'mL', better: METRIC_BETTER.predictionVolumeMl },
  relativeVolumeDifference: { title: 'RVD', name: 'Relative volume difference', unit: '', better: METRIC_BETTER.relativeVolumeDifference },
  hausdorff: { title: 'HD mm', name: 'Hausdorff distance', unit: 'mm', better: METRIC_BETTER.hausdorff },
  hd95: { title: 'HD95 mm', name: 'HD95', unit: 'mm', better: METRIC_BETTER.hd95 },
  assd: { title: 'ASSD mm', name: 'Average symmetric surface distance', unit: 'mm', better: METRIC_BETTER.assd },
  surfaceDice: { title: 'Surface Dice', name: 'Surface Dice', unit: '', better: METRIC_BETTER.surfaceDice },
  labelLesions: { title: 'Lesions', name: 'Label lesions', unit: '', better: METRIC_BETTER.labelLesions },
  detectedLesions: { title: 'Detected', name: 'Detected lesions', unit: '', better: METRIC_BETTER.detectedLesions },
  missedLesions: { title: 'Missed', name: 'Missed lesions', unit: '', better: METRIC_BETTER.missedLesions },
  falsePositiveLesions: { title: 'FP lesions', name: 'False-positive lesions', unit: '', better: METRIC_BETTER.falsePositiveLesions },
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

/** Larger is worse; NaN for a null value (ranked last). The one definition: src/core/ranking.ts. */
export function badness(id: MetricId, value: number | null): number {
  return metricBadness(id, value);
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
