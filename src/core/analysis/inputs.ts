/**
 * Checks a prediction/label pair and decides how to read it (shared/spec/losses.md, "Inputs"):
 * the prediction kind, the labels to report, and warnings. Nothing here computes a loss.
 */
import { segAsStoredWarning, segOnPartnerGrid, segShapeMismatchMessage, segWithoutPartnerGeometry } from '../io/dicomSegGrid';
import type { Volume } from '../io/volume';
import type { LabelKey } from '../protocol';
import type { PredictionKind, PredictionKindOption } from './result';
import { voxelCoordinates } from './slicing';
import { distinctIntegers, scanValues, type ValueScan, type VolumeValues } from './valueScan';

/** A problem with one input file that the user must fix; `file` is the path to name. */
export class InputError extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A pair ready for the kernels. `prediction`/`label` may be remapped copies of the inputs. */
export interface PreparedPair {
  readonly prediction: Volume;
  readonly label: Volume;
  readonly kind: PredictionKind;
  /** Prediction values lie outside [0, 1] and must be clamped (probability kind). */
  readonly clampProbability: boolean;
  /** Rows to report, in order. */
  readonly labels: readonly LabelKey[];
  /** Distinct label-map values, 0 included when present (labels kind: of both files). */
  readonly classValues: readonly number[];
  /** Channels of a 4D prediction; 1 otherwise. */
  readonly channels: number;
  /**
   * Number of classes of the Lovasz-Softmax (class c is `classValues[c]`: label maps are
   * remapped densely; 4D predictions have classValues 0 … C − 1), or null when not called for.
   */
  readonly multiclassClasses: number | null;
  readonly warnings: readonly string[];
  /**
   * Set on a slab's copy of the pair (the CLI's slab ring, ringCompare.ts): prediction.data then
   * holds only the k-slices from this one on, and is read through predictionSliceIndex
   * (slicing.ts). Slice indices stay global everywhere else (they tag the Lovasz keys).
   */
  readonly predictionFirstSlice?: number;
}

const PROBABILITY_SLACK = 1e-6;

/**
 * Most distinct values (background included) a label map — or the classes of a 4D prediction —
 * may hold. Work and memory follow the values present (rows, per-label metrics, the confusion
 * matrix is classes²), never the largest value; past this many the pair is refused
 * (docs/limits.md). Semantic segmentation sets stay far below (TotalSegmentator: 118).
 */
export const MAX_DISTINCT_LABELS = 256;

function checkLabelCount(file: string, count: number, what: string): void {
  if (count > MAX_DISTINCT_LABELS) {
    throw new InputError(file, `${what} holds more than ${MAX_DISTINCT_LABELS} distinct label values (the most Mask Inspector compares); ` +
      'is this an image or an instance map rather than a semantic label map?');
  }
}

function describeVoxel(flat: number, dims: readonly number[]): string {
  const [i, j, k] = voxelCoordinates(flat, dims);
  const plane = dims[0]! * dims[1]! * dims[2]!;
  return dims.length > 3 ? `(${i}, ${j}, ${k}), channel ${Math.floor(flat / plane)}` : `(${i}, ${j}, ${k})`;
}

function shapeText(dims: readonly number[]): string {
  return dims.join('×');
}

/** PNG masks hold 0 and their maximum sample for a binary mask: read that as label 1. */
function pngBinaryAsLabelOne(volume: Volume, values: readonly number[]): Volume | null {
  if (volume.format !== 'png' || volume.bitDepth === undefined) return null;
  const top = 2 ** volume.bitDepth - 1;
  if (!values.every((v) => v === 0 || v === top) || !values.includes(top) || top === 1) return null;
  const data = new Uint8Array(volume.data.length);
  for (let i = 0; i < data.length; i++) data[i] = volume.data[i] === top ? 1 : 0;
  return { ...volume, data };
}

function pngAsProbability(volume: Volume): Volume {
  const scale = 1 / (2 ** (volume.bitDepth ?? 8) - 1);
  const data = new Float64Array(volume.data.length);
  for (let i = 0; i < data.length; i++) data[i] = volume.data[i]! * scale;
  return { ...volume, data };
}

function checkFinite(volume: Volume, scan: ValueScan, role: string): void {
  if (scan.nonFinite > 0) {
    throw new InputError(volume.source,
      `${role} holds ${scan.nonFinite} NaN or infinite value${scan.nonFinite === 1 ? '' : 's'}, the first at voxel ` +
      `${describeVoxel(scan.firstNonFinite, volume.dims)}; fix the file (nothing is computed from such values)`);
  }
}

function sameGeometryWarnings(prediction: Volume, label: Volume): string[] {
  const warnings: string[] = [];
  const assumed = [prediction.geometryAssumed ? 'prediction' : '', label.geometryAssumed ? 'label' : ''].filter((w) => w !== '');
  if (assumed.length > 0) {
    // NumPy files carry no geometry: comparing an assumed identity affine would always warn.
    warnings.push(`the ${assumed.join(' and ')} file${assumed.length > 1 ? 's have' : ' has'} no geometry (NumPy): ` +
      '1 mm spacing and identity orientation assumed, geometry not checked; compared voxel by voxel');
    return warnings;
  }
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b));
  if (!prediction.spacing.every((s, i) => close(s, label.spacing[i]!))) {
    warnings.push(`voxel spacing differs: prediction ${prediction.spacing.map((s) => +s.toPrecision(6)).join(' × ')} mm, ` +
      `label ${label.spacing.map((s) => +s.toPrecision(6)).join(' × ')} mm; compared voxel by voxel anyway`);
  }
  if (prediction.format !== 'png' && label.format !== 'png' && !prediction.affine.every((v, i) => close(v, label.affine[i]!))) {
    warnings.push('the two files place their voxels differently in space (their affines differ); compared voxel by voxel anyway');
  }
  return warnings;
}

/**
 * Value scans a caller already has (the editor's decoder scans while it inflates): each must be
 * of exactly that volume's `data`, as scanValues / distinctIntegers would compute it
 * (valueScan.ts ValueScanner). Missing ones, or a null `distinct`, are computed here as before.
 */
export interface KnownValues {
  readonly prediction?: VolumeValues | undefined;
  readonly label?: VolumeValues | undefined;
}

export function preparePair(prediction: Volume, label: Volume, kindOption: PredictionKindOption, known: KnownValues = {}): PreparedPair {
  // A DICOM-SEG holds only its segments' frames: place it on its partner's grid (dicomSegGrid.ts).
  const labelOnGrid = segOnPartnerGrid(label, prediction);
  if (labelOnGrid) ({ label, known } = { label: labelOnGrid, known: { prediction: known.prediction } });
  const predictionOnGrid = segOnPartnerGrid(prediction, label);
  if (predictionOnGrid) ({ prediction, known } = { prediction: predictionOnGrid, known: { label: known.label } });
  const pd = prediction.dims, ld = label.dims;
  if (ld.length > 3 && ld[3] !== 1) {
    throw new InputError(label.source, `a label map must be 3D, but this file is 4D (${shapeText(ld)}); did you swap prediction and label?`);
  }
  const segAlone = segWithoutPartnerGeometry(prediction, label);
  if (segAlone && (pd[0] !== ld[0] || pd[1] !== ld[1] || pd[2] !== ld[2])) throw new InputError(segAlone.seg.source, segShapeMismatchMessage(segAlone.seg, segAlone.other));
  if (pd[0] !== ld[0] || pd[1] !== ld[1] || pd[2] !== ld[2]) {
    const numpy = [prediction, label].some((v) => v.format === 'npy' || v.format === 'npz');
    const reversed = pd[0] === ld[2] && pd[1] === ld[1] && pd[2] === ld[0];
    throw new InputError(prediction.source,
      `prediction is ${shapeText(pd)} but label ${label.source} is ${shapeText(ld)}; they must have the same shape (x × y × z)` +
      (numpy && reversed ? ' — a NumPy array is read in ITK order (z, y, x): save an array indexed [i, j, k] (nibabel) transposed, arr.T' : ''));
  }
  const warnings = [...new Set([...sameGeometryWarnings(prediction, label), ...prediction.readNotes ?? [], ...label.readNotes ?? []])];
  if (segAlone) warnings.push(segAsStoredWarning(segAlone.seg, segAlone.other));
  if (prediction.spacingAssumed !== undefined && prediction.spacingAssumed.length > 0) {
    // The prediction's spacing is the one distances and volumes use (result.spacing).
    const axes = prediction.spacingAssumed.map((a) => 'ijk'[a]).join(', ');
    warnings.push(`the prediction's voxel size (pixdim) along ${axes} is NaN, infinite or 0: distances (HD, HD95, ASSD, surface Dice) ` +
      'and volumes use an assumed spacing of 1 mm there, so their units may be wrong');
  }

  const labelScan = known.label?.scan ?? scanValues(label.data);
  checkFinite(label, labelScan, 'the label map');
  if (!labelScan.allIntegers) {
    throw new InputError(label.source,
      `the label map holds non-integer values (first at voxel ${describeVoxel(labelScan.firstNonInteger, ld)}: ` +
      `${label.data[labelScan.firstNonInteger]}); a label must hold integer labels — is this the prediction?`);
  }
  let labelValues = known.label?.distinct?.slice() ?? distinctIntegers(label.data, labelScan, MAX_DISTINCT_LABELS);
  checkLabelCount(label.source, labelValues.length, 'the label map');
  const binaryLabel = pngBinaryAsLabelOne(label, labelValues);
  if (binaryLabel) {
    label = binaryLabel;
    labelValues = labelValues.map((v) => (v === 0 ? 0 : 1));
  }
  const labelForeground = labelValues.filter((v) => v !== 0);

  const predScan = known.prediction?.scan ?? scanValues(prediction.data);
  const knownPredValues = known.prediction?.distinct?.slice() ?? null;
  checkFinite(prediction, predScan, 'the prediction');
  const channels = pd.length > 3 ? pd[3]! : 1;
  checkLabelCount(prediction.source, channels, `the ${channels}-channel prediction`);

  let kind: PredictionKind;
  let predValues: number[] | null = null;
  // A PNG read as probabilities is divided by its maximum sample: in [0, 1] by construction, so
  // the raw scan's range (0…255) says nothing about clamping.
  let pngScaled = false;
  if (channels > 1) {
    if (kindOption === 'labels' || kindOption === 'logits' || predScan.min < -PROBABILITY_SLACK || predScan.max > 1 + PROBABILITY_SLACK) {
      throw new InputError(prediction.source,
        `a 4D prediction (${shapeText(pd)}) must hold per-class probabilities in [0, 1] along its 4th axis` +
        (kindOption === 'labels' || kindOption === 'logits' ? `, not ${kindOption}` : `, but its values run from ${predScan.min} to ${predScan.max}`));
    }
    kind = 'probability';
  } else if (prediction.format === 'png') {
    predValues = knownPredValues ?? distinctIntegers(prediction.data, predScan, MAX_DISTINCT_LABELS);
    const binary = pngBinaryAsLabelOne(prediction, predValues);
    const holdsLabels = predValues.every((v) => v === 0 || labelValues.includes(v));
    if (kindOption === 'labels' || (kindOption === 'auto' && (binary || holdsLabels))) {
      kind = 'labels';
      if (binary) {
        prediction = binary;
        predValues = predValues.map((v) => (v === 0 ? 0 : 1));
      }
    } else if (kindOption === 'logits') {
      kind = 'logits';
    } else {
      kind = 'probability';
      prediction = pngAsProbability(prediction);
      pngScaled = true;
    }
  } else if (kindOption !== 'auto') {
    kind = kindOption;
  } else if (predScan.allIntegers) {
    kind = 'labels';
  } else if (predScan.min >= -PROBABILITY_SLACK && predScan.max <= 1 + PROBABILITY_SLACK) {
    kind = 'probability';
  } else {
    kind = 'logits';
  }

  if (kind === 'labels' && !predScan.allIntegers) {
    throw new InputError(prediction.source,
      `the prediction was read as a label map but holds non-integer values (first at voxel ` +
      `${describeVoxel(predScan.firstNonInteger, pd)}); use --kind probability or logits`);
  }
  const clampProbability = kind === 'probability' && !pngScaled && (predScan.min < 0 || predScan.max > 1);
  if (kind === 'probability' && !pngScaled && (predScan.min < -PROBABILITY_SLACK || predScan.max > 1 + PROBABILITY_SLACK)) {
    warnings.push(`prediction values run from ${predScan.min} to ${predScan.max}, outside [0, 1]; clamped to [0, 1] as probabilities`);
  }

  let labels: LabelKey[];
  let classValues: number[];
  let multiclassClasses: number | null = null;
  if (kind === 'labels') {
    // Here the prediction is still the caller's volume (only PNGs are remapped, and they set predValues).
    predValues ??= knownPredValues ?? distinctIntegers(prediction.data, scanValues(prediction.data), MAX_DISTINCT_LABELS);
    checkLabelCount(prediction.source, predValues.length, 'the prediction label map');
    // Neither file holds a label: report label 1, as the soft kinds do, so empty pairs still get rows.
    classValues = [...new Set([0, ...labelValues, ...predValues])].sort((a, b) => a - b);
    checkLabelCount(prediction.source, classValues.length, `with the label map ${label.source}, the prediction`);
    if (classValues.every((v) => v === 0)) classValues = [0, 1];
    labels = classValues.filter((v) => v !== 0);
    // Dense classes: class c is classValues[c], so memory follows the labels present, not max(value).
    if (labelForeground.length >= 2) multiclassClasses = classValues.length;
  } else if (channels > 1) {
    classValues = Array.from({ length: channels }, (_, c) => c);
    labels = classValues.slice(1);
    multiclassClasses = channels;
    const stray = labelForeground.filter((v) => v >= channels);
    if (stray.length > 0) {
      const listed = stray.length > 8 ? `${stray.slice(0, 8).join(', ')} and ${stray.length - 8} more` : stray.join(', ');
      warnings.push(`label values ${listed} have no channel in the ${channels}-channel prediction; they count as background of every channel`);
    }
  } else {
    classValues = labelValues;
    labels = labelForeground.length >= 2 ? ['foreground'] : [labelForeground[0] ?? 1];
    if (labelForeground.length >= 2) {
      warnings.push(`the label map has ${labelForeground.length} labels but the prediction is one ${kind} map: ` +
        'compared as foreground (label > 0); the Lovasz-Softmax needs a label-map or 4D prediction');
    }
  }
  return { prediction, label, kind, clampProbability, labels, classValues, channels, multiclassClasses, warnings };
}

/**
 * Whether slabs computed with pair `a` stand for pair `b`: the fields computeRange and the metrics
 * read, and the same voxel arrays (the CLI prepares a pair from the first slabs' values, then from
 * the whole file's: streamCompare.ts, ringCompare.ts).
 */
export function samePreparation(a: PreparedPair, b: PreparedPair): boolean {
  const sameData = (x: Volume, y: Volume) => x.data.buffer === y.data.buffer && x.data.byteOffset === y.data.byteOffset
    && x.data.length === y.data.length && x.data.constructor === y.data.constructor;
  return a.kind === b.kind && a.clampProbability === b.clampProbability && a.channels === b.channels
    && a.multiclassClasses === b.multiclassClasses
    && JSON.stringify(a.labels) === JSON.stringify(b.labels) && JSON.stringify(a.classValues) === JSON.stringify(b.classValues)
    && sameData(a.prediction, b.prediction) && sameData(a.label, b.label)
    && JSON.stringify(a.prediction.dims) === JSON.stringify(b.prediction.dims)
    && JSON.stringify(a.prediction.spacing) === JSON.stringify(b.prediction.spacing);
}
