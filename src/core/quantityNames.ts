/**
 * What people read for every quantity: the one definition of the human name and unit of each
 * loss id and metric id, and of how a slice is numbered on screen (issue #8). The editor's
 * header, chart selector, table, status bar, the report, the Cases view and the CLI table all
 * take their words from here. JSON and CSV keys (`dice`, `metrics.dice`, `slice`) are a
 * contract and do not change: this module only says how they are shown.
 *
 * A loss and a metric may share an id (`dice`, `iou`): the loss is always named "… loss"
 * ("Dice loss" 0.06) and the metric by its plain name ("Dice" 0.97), so the two numbers can
 * never be mistaken for one another.
 *
 * Slice numbering: people read slices numbered from 1 ("Slice 6 / 10": the 6th of 10 slices),
 * as ITK-SNAP, 3D Slicer's slice offset counter and every image viewer's "n of N" do; the
 * 0-based `index` stays in JSON, CSV, the triage file and message payloads (it is the voxel
 * index a script uses with nibabel/NumPy). Convert with sliceNumber/sliceIndexFromNumber at the
 * edge where text is made or parsed, nowhere else.
 *
 * Pure: no `vscode` import.
 */
import type { LossId } from './kernels/lossIds';
import type { MetricId } from './kernels/metricIds';
import { CONVENTION_LOSS_LABELS, type ConventionLossId } from './kernels/conventions/conventionIds';

/** Every per-slice/volume loss id, including the multiclass Lovász softmax. */
export type LossNameId = LossId | 'lovaszSoftmax';

export interface QuantityName {
  /** Full name, for selectors, tooltips and summary rows: "Dice loss", "Hausdorff distance". */
  readonly name: string;
  /** Compact name for table headings and the header strip: "Dice loss", "HD". */
  readonly short: string;
}

export const LOSS_NAMES: { readonly [K in LossNameId]: QuantityName } = {
  dice: { name: 'Dice loss', short: 'Dice loss' },
  bceDice: { name: 'BCE + Dice loss', short: 'BCE+Dice loss' },
  iou: { name: 'IoU (Jaccard) loss', short: 'IoU loss' },
  focal: { name: 'Focal loss', short: 'Focal loss' },
  focalPixel: { name: 'Focal loss (per voxel mean)', short: 'Focal/voxel loss' },
  tversky: { name: 'Tversky loss', short: 'Tversky loss' },
  focalTversky: { name: 'Focal Tversky loss', short: 'Focal Tversky loss' },
  lovaszHinge: { name: 'Lovász hinge loss', short: 'Lovász hinge loss' },
  combo: { name: 'Combo loss', short: 'Combo loss' },
  lovaszSoftmax: { name: 'Lovász softmax loss', short: 'Lovász softmax loss' },
};

/**
 * What a metric's unit measures. 'distance': mm (px when the spacing is unknown); 'volume': mL
 * in 3D, an area in mm² (px²) in 2D; 'ratio': unitless in [0, 1] (RVD: a signed fraction);
 * 'count': whole lesions.
 */
export type UnitKind = 'ratio' | 'distance' | 'volume' | 'count';

export interface MetricName extends QuantityName {
  readonly kind: UnitKind;
  /** Name of an area metric when the pair is 2D ("Label area"); absent: same as `name`. */
  readonly name2d?: string;
  readonly short2d?: string;
}

export const METRIC_NAMES: { readonly [K in MetricId]: MetricName } = {
  dice: { name: 'Dice', short: 'Dice', kind: 'ratio' },
  iou: { name: 'IoU (Jaccard)', short: 'IoU', kind: 'ratio' },
  precision: { name: 'Precision', short: 'Precision', kind: 'ratio' },
  recall: { name: 'Recall (sensitivity)', short: 'Recall', kind: 'ratio' },
  specificity: { name: 'Specificity', short: 'Specificity', kind: 'ratio' },
  labelVolumeMl: { name: 'Label volume', short: 'Label vol.', kind: 'volume', name2d: 'Label area', short2d: 'Label area' },
  predictionVolumeMl: {
    name: 'Prediction volume', short: 'Pred. vol.', kind: 'volume', name2d: 'Prediction area', short2d: 'Pred. area',
  },
  relativeVolumeDifference: {
    name: 'Relative volume difference', short: 'RVD', kind: 'ratio', name2d: 'Relative area difference', short2d: 'RAD',
  },
  hausdorff: { name: 'Hausdorff distance', short: 'HD', kind: 'distance' },
  hd95: { name: 'Hausdorff distance (95th percentile)', short: 'HD95', kind: 'distance' },
  assd: { name: 'Average symmetric surface distance', short: 'ASSD', kind: 'distance' },
  surfaceDice: { name: 'Surface Dice', short: 'Surface Dice', kind: 'ratio' },
  labelLesions: { name: 'Label lesions', short: 'Lesions', kind: 'count' },
  detectedLesions: { name: 'Detected lesions', short: 'Detected', kind: 'count' },
  missedLesions: { name: 'Missed lesions', short: 'Missed', kind: 'count' },
  falsePositiveLesions: { name: 'False-positive lesions', short: 'FP lesions', kind: 'count' },
};

/**
 * How a pair's geometry changes units: 2D pairs (one slice: PNG, a 1-slice NIfTI) report areas,
 * not volumes; without a known spacing (PNG: fast-png reads no physical size, the readers assume
 * 1 × 1 × 1) distances are in pixels, not millimetres.
 */
export interface QuantityGeometry {
  readonly twoD: boolean;
  readonly spacingKnown: boolean;
  /** Voxel size [x, y, z] in mm as the readers report it (1 where unknown). */
  readonly spacing: readonly [number, number, number];
}

/** A pair is 2D when it has one slice along k (PNG, 1-slice NIfTI); PNG spacing is not known. */
export function quantityGeometry(shape: readonly number[], spacing: readonly [number, number, number], spacingKnown: boolean): QuantityGeometry {
  return { twoD: (shape[2] ?? 1) === 1, spacingKnown, spacing };
}

/** Geometry of a 3D volume with known spacing (the default for the CLI and reports). */
export const VOLUME_GEOMETRY: QuantityGeometry = Object.freeze({ twoD: false, spacingKnown: true, spacing: [1, 1, 1] as const });

/** True when a file's format carries no voxel size the readers use (PNG). */
export function spacingKnownFor(fileName: string): boolean {
  return !/\.png$/i.test(fileName);
}

export type Unit = '' | 'mm' | 'px' | 'mL' | 'mm²' | 'px²';

export function lossName(id: LossNameId): string {
  return LOSS_NAMES[id].name;
}

/**
 * The name of a seed loss or of a library loss (issue 11: "MONAI DiceLoss", from the
 * conventions' own table CONVENTION_LOSS_LABELS), with " †" when its value is substituted.
 */
export function anyLossName(id: LossNameId | ConventionLossId, substituted = false): string {
  const name = id in CONVENTION_LOSS_LABELS ? CONVENTION_LOSS_LABELS[id as ConventionLossId] : LOSS_NAMES[id as LossNameId].name;
  return substituted ? `${name} †` : name;
}

export function lossShort(id: LossNameId): string {
  return LOSS_NAMES[id].short;
}

export function metricName(id: MetricId, geometry: QuantityGeometry = VOLUME_GEOMETRY): string {
  const n = METRIC_NAMES[id];
  return geometry.twoD ? n.name2d ?? n.name : n.name;
}

export function metricShort(id: MetricId, geometry: QuantityGeometry = VOLUME_GEOMETRY): string {
  const n = METRIC_NAMES[id];
  return geometry.twoD ? n.short2d ?? n.short : n.short;
}

/** The unit a metric is shown in for a pair's geometry ('' for ratios and counts). */
export function metricUnit(id: MetricId, geometry: QuantityGeometry = VOLUME_GEOMETRY): Unit {
  switch (METRIC_NAMES[id].kind) {
    case 'distance': return geometry.spacingKnown ? 'mm' : 'px';
    case 'volume': return geometry.twoD ? (geometry.spacingKnown ? 'mm²' : 'px²') : 'mL';
    default: return '';
  }
}

/** "HD (mm)", "Label area (px²)", "Dice": a name with its unit in parentheses when it has one. */
export function withUnit(name: string, unit: Unit): string {
  return unit ? `${name} (${unit})` : name;
}

/**
 * A metric value in its display unit. The JSON's `labelVolumeMl`/`predictionVolumeMl` are mL from
 * voxels × sx·sy·sz; a 2D pair shows the in-plane area (mm², or px² when the spacing is unknown
 * and 1 × 1 × 1 was assumed), i.e. mL × 1000 / sz. Other metrics are shown as stored.
 */
export function metricDisplayValue(id: MetricId, value: number, geometry: QuantityGeometry = VOLUME_GEOMETRY): number {
  if (METRIC_NAMES[id].kind !== 'volume' || !geometry.twoD) return value;
  return (value * 1000) / geometry.spacing[2];
}

/** A note for the header/readouts when units are pixels: says so instead of pretending mm. */
export function unitNote(geometry: QuantityGeometry): string | null {
  return geometry.spacingKnown ? null : 'pixel spacing unknown: distances in px, areas in px²';
}

// ---------- slice numbering ----------

/** The number people read for a 0-based slice index: index 5 is slice 6. */
export function sliceNumber(index: number): number {
  return index + 1;
}

/** The 0-based index of a slice number a person typed (1 → 0). */
export function sliceIndexFromNumber(number: number): number {
  return number - 1;
}

/** "6 / 10": slice index 5 of 10 slices. */
export function slicePosition(index: number, count: number): string {
  return `${sliceNumber(index)} / ${count}`;
}

/** "Slice 6 / 10". */
export function sliceLabel(index: number, count: number): string {
  return `Slice ${slicePosition(index, count)}`;
}
