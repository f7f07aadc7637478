/**
 * How the editor shows the evaluation metrics (README "Metrics"): names, units, formatting, and
 * which direction is worse — so "worst slice" means worst whether a metric is a loss-like
 * distance or a Dice-like score. Pure, unit-tested under Node.
 */
import {
  LESION_METRIC_IDS, OVERLAP_METRIC_IDS, SURFACE_METRIC_IDS, type MetricId, type Metrics, type MetricsLevel,
} from '../src/core/kernels/metricIds';
import { METRIC_BETTER, metricBadness, type Better } from '../src/core/ranking';
import {
  metricDisplayValue, metricName, metricShort, metricUnit, VOLUME_GEOMETRY, withUnit, type QuantityGeometry, type Unit,
} from '../src/core/quantityNames';

export type { Better };

export interface MetricInfo {
  /** Short, for table headers and the header strip (quantityNames' `short`). */
  readonly title: string;
  /** For the chart selector and tooltips (quantityNames' `name`). */
  readonly name: string;
  /** Unit of a 3D volume with known spacing; use metricUnit(id, geometry) for the pair's own. */
  readonly unit: Unit;
  readonly better: Better;
}

/** Which direction is worse: the one definition, src/core/ranking.ts (names: src/core/quantityNames). */
const BETTER: { readonly [K in MetricId]: Better } = METRIC_BETTER;

export const METRIC_INFO: { readonly [K in MetricId]: MetricInfo } = Object.fromEntries(
  (Object.keys(BETTER) as MetricId[]).map((id) => [id, { title: metricShort(id), name: metricName(id), unit: metricUnit(id), better: BETTER[id] }]),
) as { readonly [K in MetricId]: MetricInfo };

/** "HD95 (mm)", "Label area (px²)": a metric's short name with the unit of the pair's geometry. */
export function metricHeading(id: MetricId, geometry: QuantityGeometry = VOLUME_GEOMETRY): string {
  return withUnit(metricShort(id, geometry), metricUnit(id, geometry));
}

/** "Hausdorff distance (mm)": the full name with the unit, for selectors and tooltips. */
export function metricTitle(id: MetricId, geometry: QuantityGeometry = VOLUME_GEOMETRY): string {
  return withUnit(metricName(id, geometry), metricUnit(id, geometry));
}

/** A metric's value as shown for the pair (areas for 2D pairs), "—" for null, without the unit. */
export function formatMetricFor(id: MetricId, value: number | null | undefined, geometry: QuantityGeometry = VOLUME_GEOMETRY): string {
  if (value === null || value === undefined) return '—';
  const unit = metricUnit(id, geometry);
  // Pixel areas are pixel counts: whole numbers.
  if (unit === 'px²' && Number.isFinite(value)) return String(Math.round(metricDisplayValue(id, value, geometry)));
  return formatMetric(id, metricDisplayValue(id, value, geometry));
}

/** The same with its unit: "2.35 mm", "12.30 mL", "0.9721". */
export function formatMetricWithUnit(id: MetricId, value: number | null | undefined, geometry: QuantityGeometry = VOLUME_GEOMETRY): string {
  const text = formatMetricFor(id, value, geometry);
  const unit = metricUnit(id, geometry);
  return value === null || value === undefined || unit === '' ? text : `${text} ${unit}`;
}

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
