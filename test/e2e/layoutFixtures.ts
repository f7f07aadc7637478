/**
 * A case that looks like the real thing for the layout and viewer tests: a 48×40×24 volume with
 * 0.8 × 0.8 × 2.5 mm voxels in LPS-like orientation (affine diag(−0.8, −0.8, 2.5)), an ellipsoid
 * label and a shifted, slightly larger prediction, a ramp underlay, the engine's metrics, and
 * per-slice losses. Also a 2D PNG-like pair (one slice, spacing unknown).
 */
import { preparePair } from '../../src/core/analysis/inputs';
import { assembleLabelMetrics, computeSliceMetrics } from '../../src/core/analysis/metrics';
import { computeVolumeMetrics } from '../../src/core/analysis/volumeMetrics';
import type { Axis, SliceRow } from '../../src/core/analysis/result';
import { sliceGeometry } from '../../src/core/analysis/slicing';
import type { Volume } from '../../src/core/io/volume';
import { LOSS_IDS, type Losses } from '../../src/core/kernels/lossIds';
import { DEFAULT_METRIC_PARAMS, type MetricSettings } from '../../src/core/kernels/metricIds';
import type { InitMessage, LossesMessage, MetricsMessage, OverlaySettings } from '../../src/core/protocol';
import type { FakeVolume } from './fakeHost';

export const OVERLAY: OverlaySettings = {
  tpColor: '#009e73', fpColor: '#d55e00', fnColor: '#56b4e9', opacity: 0.5, style: 'fill', threshold: 0.5,
};
export const METRICS: MetricSettings = { ...DEFAULT_METRIC_PARAMS, level: 'all' };

export interface Case {
  readonly volume: FakeVolume;
  readonly spacing: readonly [number, number, number];
  readonly affine: readonly number[];
  readonly names: { readonly prediction: string; readonly label: string };
}

export function ellipsoidCase(shape: readonly [number, number, number] = [48, 40, 24], underlay = true): Case {
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  const prediction = new Float32Array(n);
  const label = new Int32Array(n);
  const ct = underlay ? new Float32Array(n) : null;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        const kz = nz === 1 ? 0 : ((k - nz / 2) / (0.3 * nz)) ** 2;
        const inside = (ci: number, cj: number, r: number): number => ((i - ci) / (r * nx)) ** 2 + ((j - cj) / (r * ny)) ** 2 + kz;
        label[v] = inside(nx / 2, ny / 2, 0.25) <= 1 ? 1 : 0;
        const d = inside(nx / 2 + 3, ny / 2 + 1, 0.27);
        prediction[v] = d <= 1 ? 0.95 - 0.3 * d : Math.max(0.02, 0.4 - 0.3 * (d - 1));
        if (ct !== null) ct[v] = 40 + 20 * Math.sin(i / 5) + 10 * Math.cos(j / 4) + (label[v] ? 30 : 0);
      }
    }
  }
  return {
    volume: { shape, prediction, channels: 1, label, underlay: ct },
    spacing: [0.8, 0.8, 2.5],
    affine: [-0.8, 0, 0, 20, 0, -0.8, 0, 16, 0, 0, 2.5, -30, 0, 0, 0, 1],
    names: { prediction: 'BraTS_0012_pred.nii.gz', label: 'BraTS_0012_label.nii.gz' },
  };
}

function volumeOf(c: Case, name: string, data: Float32Array | Int32Array): Volume {
  return {
    source: name, format: 'nifti1', dims: [...c.volume.shape], spacing: c.spacing, affine: c.affine,
    data, sourceDtype: data instanceof Float32Array ? 'float32' : 'int32', scaled: false,
  };
}

export function caseMetrics(c: Case, axis: Axis): MetricsMessage {
  const pair = preparePair(volumeOf(c, 'p', c.volume.prediction), volumeOf(c, 'l', c.volume.label!), 'probability');
  const { count } = sliceGeometry(pair.prediction.dims, axis);
  const ranges = [{ start: 0, end: count, rows: computeSliceMetrics(pair, axis, 0, count, METRICS) }];
  const labels = assembleLabelMetrics(pair, METRICS, ranges, computeVolumeMetrics(pair, METRICS));
  return { type: 'metrics', axis, settings: METRICS, labels };
}

/** Per-slice counts from the volume; losses derived from them (their exact values do not matter for layout). */
export function caseLosses(c: Case, axis: Axis): LossesMessage {
  const [nx, ny, nz] = c.volume.shape;
  const count = axis === 'k' ? nz : axis === 'j' ? ny : nx;
  const rows: SliceRow[] = [];
  for (let s = 0; s < count; s++) {
    let tp = 0, fp = 0, fn = 0;
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      if ((axis === 'k' ? k : axis === 'j' ? j : i) !== s) continue;
      const v = i + nx * (j + ny * k);
      const p = c.volume.prediction[v]! >= 0.5;
      const t = c.volume.label![v] === 1;
      if (p && t) tp++; else if (p) fp++; else if (t) fn++;
    }
    const empty = tp + fp + fn === 0;
    const dice = empty ? 0 : 1 - (2 * tp + 1) / (2 * tp + fp + fn + 1);
    rows.push({ index: s, empty, labelVoxels: tp + fn, predictedVoxels: tp + fp, tp, fp, fn, losses: lossesOf(empty ? 0.9 : dice) });
  }
  return { type: 'losses', axis, multiclass: null, labels: [{ label: 1, volume: lossesOf(0.0639), slices: rows }] };
}

function lossesOf(dice: number): Losses {
  return Object.fromEntries(LOSS_IDS.map((id, n) => [id, +(dice * (1 + n * 0.1)).toFixed(6)])) as unknown as Losses;
}

export function caseInit(c: Case, overrides: Partial<InitMessage> = {}): InitMessage {
  const [, , nz] = c.volume.shape;
  return {
    type: 'init',
    pair: {
      predictionName: c.names.prediction, labelName: c.names.label, underlayName: c.volume.underlay === null ? null : 'BraTS_0012_t1.nii.gz',
      shape: c.volume.shape, spacing: c.spacing, affine: c.affine, predictionKind: 'probability', kindOption: 'auto',
      labels: [1], predictionChannels: 1, warnings: [],
    },
    overlay: OVERLAY,
    state: { axis: 'k', index: Math.floor(nz / 2), zoom: 1, panX: 0, panY: 0, loss: 'dice', label: 1 },
    marks: [],
    metrics: METRICS,
    ...overrides,
  };
}

/** A PNG pair: one slice, spacing unknown (readers assume 1 × 1 × 1), identity affine. */
export function pngCase(): Case {
  const c = ellipsoidCase([64, 48, 1], false);
  return { ...c, spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], names: { prediction: 'cell_07_pred.png', label: 'cell_07_label.png' } };
}
