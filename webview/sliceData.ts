/**
 * A slice as the webview uses it: typed views of the host's buffers, the prediction turned
 * into probabilities for the selected label, the label turned into a truth mask, and the
 * mapping from slice pixels back to volume voxels. Pure: no DOM, unit-tested under Node.
 */
import type { Axis, PredictionKind } from '../src/core/analysis/result';
import { distanceMap2d, surface2d } from '../src/core/kernels/distance2d';
import type { LabelKey, SliceMessage } from '../src/core/protocol';
import { formatMm } from './metricInfo';

export interface DecodedSlice {
  readonly axis: Axis;
  readonly index: number;
  readonly width: number;
  readonly height: number;
  /** width×height×channels, x fastest, channel slowest. */
  readonly prediction: Float32Array;
  readonly channels: number;
  /** Label values as the host sent them (SliceMessage.labelType; Int32 when absent). */
  readonly label: Int32Array | Uint16Array | Uint8Array | null;
  readonly underlay: Float32Array | null;
  /** Three-way mode: the same slice of prediction B (same label, no underlay); null otherwise. */
  readonly versus?: DecodedSlice | null;
}

type Bytes = ArrayBuffer | ArrayBufferView;

/** Checks every buffer's size against width×height (a wrong size is a host bug worth a clear message). */
export function decodeSlice(message: SliceMessage, channels: number, channelsB?: number): DecodedSlice {
  const pixels = message.width * message.height;
  const planes = Math.max(1, channels);
  const prediction = typedView(message.prediction, Float32Array, pixels * planes, 'prediction');
  const labelArray = message.labelType === 'uint8' ? Uint8Array : message.labelType === 'uint16' ? Uint16Array : Int32Array;
  const label = message.label === null ? null : typedView<Int32Array | Uint16Array | Uint8Array>(message.label, labelArray, pixels, 'label');
  const underlay = message.underlay === null ? null : typedView(message.underlay, Float32Array, pixels, 'underlay');
  const base = { axis: message.axis, index: message.index, width: message.width, height: message.height, label };
  let versus: DecodedSlice | null = null;
  if (channelsB !== undefined) {
    if (message.predictionB === undefined) throw new Error('slice has no prediction B (three-way editor)');
    const planesB = Math.max(1, channelsB);
    versus = { ...base, prediction: typedView(message.predictionB, Float32Array, pixels * planesB, 'prediction B'), channels: planesB, underlay: null };
  }
  return { ...base, prediction, channels: planes, underlay, versus };
}

function typedView<T extends Float32Array | Int32Array | Uint16Array | Uint8Array>(
  data: Bytes,
  Type: { new (buffer: ArrayBuffer, offset: number, length: number): T; new (length: number): T; readonly BYTES_PER_ELEMENT: number },
  expected: number, name: string,
): T {
  const isView = ArrayBuffer.isView(data);
  const buffer = (isView ? data.buffer : data) as ArrayBuffer;
  const offset = isView ? data.byteOffset : 0;
  const byteLength = isView ? data.byteLength : data.byteLength;
  const size = Type.BYTES_PER_ELEMENT;
  if (byteLength !== expected * size) {
    throw new Error(`slice ${name} has ${byteLength} bytes, expected ${expected * size} (${expected} values of ${size} byte${size === 1 ? '' : 's'})`);
  }
  if (offset % size === 0) return new Type(buffer, offset, expected);
  // A view at an odd offset cannot be reinterpreted in place; copy it once.
  const copy = new Type(expected);
  new Uint8Array(copy.buffer).set(new Uint8Array(buffer, offset, byteLength));
  return copy;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Probability of one prediction value under the prediction kind, for the selected label. */
export function probabilityOf(value: number, kind: PredictionKind, label: LabelKey): number {
  switch (kind) {
    case 'probability': return value < 0 ? 0 : value > 1 ? 1 : value;
    case 'logits': return sigmoid(value);
    case 'labels': return (label === 'foreground' ? value > 0 : value === label) ? 1 : 0;
  }
}

/**
 * p for every pixel. A 4D prediction's channel c holds the probability of label c (plane c);
 * "foreground" against per-class channels is 1 − P(background). One loop per kind, each
 * monomorphic: this runs on every slice change and must stay a few milliseconds at 512×512.
 * `out` (width×height) is reused when given, to spare the garbage collector.
 */
export function probabilities(slice: DecodedSlice, kind: PredictionKind, label: LabelKey, out?: Float32Array): Float32Array {
  const pixels = slice.width * slice.height;
  const result = out !== undefined && out.length === pixels ? out : new Float32Array(pixels);
  if (slice.channels > 1) {
    const channelKind: PredictionKind = kind === 'labels' ? 'probability' : kind;
    if (label === 'foreground') {
      toProbability(slice.prediction.subarray(0, pixels), channelKind, -1, result);
      for (let n = 0; n < pixels; n++) result[n] = 1 - result[n]!;
    } else if (label < slice.channels) {
      toProbability(slice.prediction.subarray(label * pixels, (label + 1) * pixels), channelKind, label, result);
    } else {
      result.fill(0); // no channel for this label
    }
    return result;
  }
  toProbability(slice.prediction.subarray(0, pixels), kind, label === 'foreground' ? -1 : label, result);
  return result;
}

/** `label` −1 means "foreground" (any value > 0) for a label map. */
function toProbability(values: Float32Array, kind: PredictionKind, label: number, out: Float32Array): void {
  const count = values.length;
  switch (kind) {
    case 'probability':
      for (let n = 0; n < count; n++) {
        const v = values[n]!;
        out[n] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
      return;
    case 'logits':
      for (let n = 0; n < count; n++) out[n] = 1 / (1 + Math.exp(-values[n]!));
      return;
    case 'labels':
      if (label < 0) for (let n = 0; n < count; n++) out[n] = values[n]! > 0 ? 1 : 0;
      else for (let n = 0; n < count; n++) out[n] = values[n] === label ? 1 : 0;
      return;
  }
}

/** t for every pixel: label == selected label, or label > 0 for "foreground"; null when shown alone. */
export function truthMask(slice: DecodedSlice, label: LabelKey, out?: Uint8Array): Uint8Array | null {
  if (slice.label === null) return null;
  const values = slice.label;
  const result = out !== undefined && out.length === values.length ? out : new Uint8Array(values.length);
  const count = values.length;
  if (label === 'foreground') for (let n = 0; n < count; n++) result[n] = values[n]! > 0 ? 1 : 0;
  else for (let n = 0; n < count; n++) result[n] = values[n] === label ? 1 : 0;
  return result;
}

/** The raw prediction value shown in the hover readout: the selected label's channel for 4D. */
export function rawPredictionAt(slice: DecodedSlice, pixel: number, label: LabelKey): number {
  if (slice.channels <= 1) return slice.prediction[pixel]!;
  if (label !== 'foreground' && label >= slice.channels) return Number.NaN; // no channel for this label
  const channel = label === 'foreground' ? 0 : label;
  return slice.prediction[channel * slice.width * slice.height + pixel]!;
}

/** One voxel's BCE term, clamped like torch: −[t·max(ln p, −100) + (1−t)·max(ln(1−p), −100)]. */
export function bceTerm(p: number, t: number): number {
  const logP = Math.max(Math.log(p), -100);
  const logNotP = Math.max(Math.log(1 - p), -100);
  return -(t * logP + (1 - t) * logNotP);
}

/** Coronal and sagittal slices are shown with k increasing upward, so their rows are flipped. */
export function rowsFlipped(axis: Axis): boolean {
  return axis !== 'k';
}

/** Volume voxel (i, j, k) of slice pixel (column, row), row in the slice's data order. */
export function voxelOf(axis: Axis, index: number, column: number, row: number): [number, number, number] {
  switch (axis) {
    case 'k': return [column, row, index];
    case 'j': return [column, index, row];
    case 'i': return [index, column, row];
  }
}

/** Slice index along `axis` and pixel (column, row in data order) of volume voxel (i, j, k): voxelOf's inverse. */
export function pixelOfVoxel(axis: Axis, voxel: readonly [number, number, number]): { index: number; column: number; row: number } {
  const [i, j, k] = voxel;
  switch (axis) {
    case 'k': return { index: k, column: i, row: j };
    case 'j': return { index: j, column: i, row: k };
    case 'i': return { index: i, column: j, row: k };
  }
}

/**
 * The two masks of a slice as the metrics see them (label = the selected label; predicted =
 * p ≥ threshold) and, per pixel, the 2D distance in mm to the nearest surface pixel of each
 * (Infinity when that mask is empty in the slice): the hover readout's "2D distance in this slice".
 */
export interface SurfaceDistances {
  readonly truth: Uint8Array;
  readonly predicted: Uint8Array;
  readonly toLabelSurface: Float64Array;
  readonly toPredictionSurface: Float64Array;
}

/** Null when the slice has no label (a mask shown alone). `spacing`: the pixel size (pixelSpacing). */
export function surfaceDistances(
  slice: DecodedSlice, kind: PredictionKind, label: LabelKey, threshold: number, spacing: readonly [number, number],
): SurfaceDistances | null {
  const truth = truthMask(slice, label);
  if (truth === null) return null;
  const p = probabilities(slice, kind, label);
  const predicted = new Uint8Array(p.length);
  for (let n = 0; n < p.length; n++) predicted[n] = p[n]! >= threshold ? 1 : 0;
  const { width, height } = slice;
  const [wx, wy] = spacing;
  return {
    truth, predicted,
    toLabelSurface: distanceMap2d(surface2d(truth, width, height), width, height, wx, wy),
    toPredictionSurface: distanceMap2d(surface2d(predicted, width, height), width, height, wx, wy),
  };
}

/**
 * "2D distance in this slice: to prediction surface 3.16 mm" for a label voxel, "… to label
 * surface …" for a predicted voxel, both for a voxel in both masks; null for a voxel in neither.
 */
export function distanceText(distances: SurfaceDistances, pixel: number): string | null {
  const parts: string[] = [];
  const mm = (value: number, other: string): string => (value === Infinity ? `no ${other} in this slice` : `to ${other} surface ${formatMm(value)}`);
  if (distances.truth[pixel] !== 0) parts.push(mm(distances.toPredictionSurface[pixel]!, 'prediction'));
  if (distances.predicted[pixel] !== 0) parts.push(mm(distances.toLabelSurface[pixel]!, 'label'));
  return parts.length === 0 ? null : `2D distance in this slice: ${parts.join(', ')}`;
}

/** Physical size of one slice pixel (width, height) in the volume's spacing units. */
export function pixelSpacing(axis: Axis, spacing: readonly [number, number, number]): [number, number] {
  const positive = (s: number): number => (Number.isFinite(s) && s > 0 ? s : 1);
  switch (axis) {
    case 'k': return [positive(spacing[0]), positive(spacing[1])];
    case 'j': return [positive(spacing[0]), positive(spacing[2])];
    case 'i': return [positive(spacing[1]), positive(spacing[2])];
  }
}
