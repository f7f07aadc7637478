/**
 * How report.html names what it shows: losses and metrics by their human names and units
 * (quantityNames.ts, the one definition the editor uses too), loss parameters and metric
 * settings as readable rows instead of raw JSON. The ids stay the keys of report.json and the
 * CSV files; only the page's words come from here.
 */
import type { LossId, LossParams } from '../kernels/lossIds';
import type { MetricId, MetricSettings } from '../kernels/metricIds';
import {
  lossName, lossShort, METRIC_NAMES, metricDisplayValue, metricName, metricShort, metricUnit, VOLUME_GEOMETRY, withUnit,
  type QuantityGeometry,
} from '../quantityNames';

export type ReportGeometry = QuantityGeometry;

function isMetricId(key: string): key is MetricId {
  return Object.prototype.hasOwnProperty.call(METRIC_NAMES, key);
}

/**
 * The units of a report's metrics. A report of PNG pairs only is 2D with unknown spacing (areas
 * in px², distances in px: the readers assume 1 × 1 × 1). Anything else keeps mm and mL — also a
 * 1-slice NIfTI, whose areas would need each case's slice thickness (docs/decisions.md).
 */
export function reportGeometry(cases: readonly { readonly prediction: string; readonly shape: readonly number[] | null }[]): ReportGeometry {
  const done = cases.filter((c) => c.shape !== null);
  if (done.length > 0 && done.every((c) => /\.png$/i.test(c.prediction) && (c.shape![2] ?? 1) === 1)) {
    return { twoD: true, spacingKnown: false, spacing: [1, 1, 1] };
  }
  return VOLUME_GEOMETRY;
}

export function reportLossName(id: LossId): string {
  return lossName(id);
}

export function reportLossShort(id: LossId): string {
  return lossShort(id);
}

/** "Hausdorff distance (mm)"; an id this version does not know is shown as it is. */
export function reportMetricName(key: string, geometry: ReportGeometry = VOLUME_GEOMETRY): string {
  return isMetricId(key) ? withUnit(metricName(key, geometry), metricUnit(key, geometry)) : key;
}

/** "HD (mm)", for a column heading. */
export function reportMetricShort(key: string, geometry: ReportGeometry = VOLUME_GEOMETRY): string {
  return isMetricId(key) ? withUnit(metricShort(key, geometry), metricUnit(key, geometry)) : key;
}

/** A metric value in the unit its name says (2D areas from the stored mL). */
export function reportMetricValue(key: string, value: number | null, geometry: ReportGeometry = VOLUME_GEOMETRY): number | null {
  return value === null || !isMetricId(key) ? value : metricDisplayValue(key, value, geometry);
}

/** The loss parameters as [what, value] rows, in the order of docs/losses.md. */
export function lossParameterRows(p: LossParams): [string, string][] {
  const n = (v: number) => String(v);
  return [
    ['Smoothing s (Dice, BCE + Dice, IoU, Tversky, Focal Tversky, Combo)', n(p.smooth)],
    ['Focal α (focal losses)', n(p.focalAlpha)],
    ['Focal γ (focal losses)', n(p.focalGamma)],
    ['Tversky α (weight of false positives)', n(p.tverskyAlpha)],
    ['Tversky β (weight of false negatives)', n(p.tverskyBeta)],
    ['Focal Tversky γ', n(p.focalTverskyGamma)],
    ['Combo α (weight inside the cross-entropy)', n(p.comboAlpha)],
    ['Combo ratio r (cross-entropy vs Dice)', n(p.comboRatio)],
    ['Combo ε (probability clamp)', n(p.comboEpsilon)],
  ];
}

/** "all metrics · predicted at p ≥ 0.5 · surface Dice tolerance 1 mm · lesions 26-connected". */
export function metricSettingsText(m: MetricSettings): string {
  if (m.level === 'none') return 'none (losses only)';
  const level = m.level === 'all' ? 'all metrics' : 'overlap metrics only (no distances or lesions)';
  const parts = [level, `predicted at p ≥ ${m.threshold}`];
  if (m.level === 'all') parts.push(`surface Dice tolerance ${m.toleranceMm} mm`, `lesions ${m.connectivity}-connected`);
  return parts.join(' · ');
}
