/**
 * Known inputs for the browser tests: an 8×6×5 probability volume whose slice k = 2 holds one
 * TP, one FP and one FN voxel among TN voxels, losses per axis with a known worst-first order,
 * the metrics the engine computes for that volume, and the init message that goes with them.
 */
import { preparePair } from '../../src/core/analysis/inputs';
import { assembleLabelMetrics, computeSliceMetrics } from '../../src/core/analysis/metrics';
import { computeVolumeMetrics } from '../../src/core/analysis/volumeMetrics';
import type { Axis, SliceRow } from '../../src/core/analysis/result';
import { sliceGeometry } from '../../src/core/analysis/slicing';
import type { Volume } from '../../src/core/io/volume';
import { LOSS_IDS, type Losses } from '../../src/core/kernels/lossIds';
import { DEFAULT_METRIC_PARAMS, type MetricSettings } from '../../src/core/kernels/metricIds';
import type { InitMessage, LossesMessage, MetricsMessage, OverlaySettings, PairInfo } from '../../src/core/protocol';
import type { FakeVolume } from './fakeHost';

export const SHAPE = [8, 6, 5] as const;
export const KNOWN_SLICE = 2;
/** (column, row) on slice k = 2. */
export const TP_PIXEL = [1, 1] as const;
export const FP_PIXEL = [5, 1] as const;
export const FN_PIXEL = [2, 4] as const;
export const TN_PIXEL = [7, 5] as const;

export const OVERLAY: OverlaySettings = {
  tpColor: '#009e73', fpColor: '#d55e00', fnColor: '#56b4e9', opacity: 0.6, style: 'fill', threshold: 0.5,
};

export function volumeIndex(i: number, j: number, k: number): number {
  return i + SHAPE[0] * (j + SHAPE[1] * k);
}

/** Background p = 0.1 (TN); the known voxels of slice 2 plus a little prediction on other slices. */
export function knownVolume(options: { underlay?: boolean } = {}): FakeVolume {
  const voxels = SHAPE[0] * SHAPE[1] * SHAPE[2];
  const prediction = new Float32Array(voxels).fill(0.1);
  const label = new Int32Array(voxels);
  const set = (i: number, j: number, k: number, p: number, t: number): void => {
    prediction[volumeIndex(i, j, k)] = p;
    label[volumeIndex(i, j, k)] = t;
  };
  set(TP_PIXEL[0], TP_PIXEL[1], KNOWN_SLICE, 0.9, 1);
  set(FP_PIXEL[0], FP_PIXEL[1], KNOWN_SLICE, 0.8, 0);
  set(FN_PIXEL[0], FN_PIXEL[1], KNOWN_SLICE, 0.2, 1);
  for (let k = 1; k < SHAPE[2]; k++) if (k !== KNOWN_SLICE) set(3, 3, k, 0.7, 1);
  let underlay: Float32Array | null = null;
  if (options.underlay === true) {
    // A ramp along i: 0, 100, …, 700 — with a 0..700 window, column c is grey 255·c/7.
    underlay = new Float32Array(voxels);
    for (let v = 0; v < voxels; v++) underlay[v] = (v % SHAPE[0]) * 100;
  }
  return { shape: SHAPE, prediction, channels: 1, label, underlay };
}

export function pair(overrides: Partial<PairInfo> = {}): PairInfo {
  return {
    predictionName: 'case01_pred.nii.gz', labelName: 'case01_label.nii.gz', underlayName: null,
    shape: SHAPE, spacing: [1, 1, 1], predictionKind: 'probability', kindOption: 'auto',
    labels: [1], predictionChannels: 1, warnings: ['prediction values were clamped to [0, 1] (3 voxels)'],
    ...overrides,
  };
}

export function init(overrides: Partial<InitMessage> = {}, pairOverrides: Partial<PairInfo> = {}): InitMessage {
  return {
    type: 'init', pair: pair(pairOverrides), overlay: OVERLAY,
    state: { axis: 'k', index: KNOWN_SLICE, zoom: 1, panX: 0, panY: 0, loss: 'dice', label: 1 },
    marks: [{ axis: 'k', index: 3, reviewed: true, flagged: false }],
    metrics: METRIC_SETTINGS,
    ...overrides,
  };
}

/**
 * Axis k: dice [–, 0.8, 0.3, 0.95, 0.5] with slice 0 empty → worst-first order 3, 1, 4, 2, 0.
 * FP counts [0, 5, 1, 3, 2] → sorted by FP descending: 1, 3, 4, 2, 0.
 */
export const DICE_K = [0, 0.8, 0.3, 0.95, 0.5];
export const FP_K = [0, 5, 1, 3, 2];
export const WORST_FIRST_K = [3, 1, 4, 2, 0];

function losses(dice: number): Losses {
  // Every loss distinct from dice so a wrong column would show; the shape of the ranking is dice's.
  return Object.fromEntries(LOSS_IDS.map((id, n) => [id, +(dice * (1 - n * 0.05)).toFixed(6)])) as unknown as Losses;
}

export function row(index: number, dice: number, empty: boolean, fp: number): SliceRow {
  return {
    index, empty, labelVoxels: empty ? 0 : 4, predictedVoxels: empty ? 0 : 3 + fp, tp: empty ? 0 : 3, fp, fn: empty ? 0 : 1,
    losses: losses(dice),
  };
}

export const METRIC_SETTINGS: MetricSettings = { ...DEFAULT_METRIC_PARAMS, level: 'all' };

/**
 * The metrics of knownVolume() along `axis`, computed by the engine the way the session worker
 * does. Along k: slice 0 is empty (null Dice), slices 1, 3, 4 hold one TP voxel (Dice 1, HD 0),
 * slice 2 has Dice 0.5 and HD 4 mm; the volume's Hausdorff distance (3 mm) is reached at the FP
 * voxel (5, 1, 2), whose nearest label voxel is (3, 3, 1).
 */
export function metricsFor(axis: Axis, settings: MetricSettings = METRIC_SETTINGS): MetricsMessage {
  const known = knownVolume();
  const volume = (name: string, data: Float32Array | Int32Array): Volume => ({
    source: name, format: 'nifti1', dims: [...SHAPE], spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    data, sourceDtype: data instanceof Float32Array ? 'float32' : 'int32', scaled: false,
  });
  const pair = preparePair(volume('p', known.prediction), volume('l', known.label!), 'probability');
  const { count } = sliceGeometry(pair.prediction.dims, axis);
  const ranges = [{ start: 0, end: count, rows: computeSliceMetrics(pair, axis, 0, count, settings) }];
  const labels = assembleLabelMetrics(pair, settings, ranges, settings.level === 'all' ? computeVolumeMetrics(pair, settings) : null);
  return { type: 'metrics', axis, settings, labels };
}

export function lossesFor(axis: Axis, count: number): LossesMessage {
  const rows = axis === 'k'
    ? DICE_K.map((d, i) => row(i, d, i === 0, FP_K[i]!))
    : Array.from({ length: count }, (_, i) => row(i, ((i * 37) % 10) / 10, false, i));
  return {
    type: 'losses', axis, multiclass: null,
    labels: [{ label: 1, volume: losses(0.42), slices: rows }],
  };
}
