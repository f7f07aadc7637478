/**
 * What the webview knows: the pair from `init`, the view state, the losses and metrics per axis
 * and the marks. The controller mutates it; views read it.
 */
import type { Axis, LabelResult, MulticlassResult, SliceRow } from '../src/core/analysis/result';
import { LOSS_IDS, type LossId } from '../src/core/kernels/lossIds';
import type { HausdorffVoxel, MetricId, MetricSettings, MetricsLevel } from '../src/core/kernels/metricIds';
import {
  sliceSize, type LabelKey, type LabelMetrics, type LossesMessage, type MetricsMessage, type OverlaySettings, type PairInfo, type PredictionSide,
  type SliceMark, type ViewState,
} from '../src/core/protocol';
import type { QuantityGeometry } from '../src/core/quantityNames';
import { metricIdsOf } from './metricInfo';

export const AXES: readonly Axis[] = ['k', 'j', 'i'];
export const AXIS_NAMES: { readonly [K in Axis]: string } = { k: 'Axial (k)', j: 'Coronal (j)', i: 'Sagittal (i)' };

export const MIN_ZOOM = 0.25;
export const MAX_ZOOM = 64;

export interface Loaded {
  readonly pair: PairInfo;
  readonly overlay: OverlaySettings;
  /** What the host computes (level 'none': no metrics will come). */
  readonly metrics: MetricSettings;
  /** 2D or 3D, spacing known or not: which names and units the numbers take. */
  readonly geometry: QuantityGeometry;
}

/** Metrics of one label along one axis, with the message's settings. */
export interface AxisMetrics {
  readonly result: LabelMetrics;
  readonly settings: MetricSettings;
  /** The message they came from: its identity tells a ranking when to recompute. */
  readonly message: MetricsMessage;
}

/** Losses of one label along one axis, with rows addressable by slice index. */
export interface AxisLosses {
  readonly result: LabelResult;
  readonly rowsByIndex: readonly (SliceRow | undefined)[];
  readonly multiclass: MulticlassResult | null;
  readonly multiclassByIndex: readonly (number | undefined)[];
}

function markKey(axis: Axis, index: number): string {
  return `${axis}:${index}`;
}

export class EditorState {
  loaded: Loaded | null = null;
  view: ViewState = { axis: 'k', index: 0, zoom: 1, panX: 0, panY: 0, loss: 'dice', label: 'foreground' };
  private readonly losses = new Map<Axis, LossesMessage>();
  private readonly metrics = new Map<Axis, MetricsMessage>();
  /** Three-way mode: prediction B's losses and metrics (messages with side 'b'). */
  private readonly lossesB = new Map<Axis, LossesMessage>();
  private readonly metricsB = new Map<Axis, MetricsMessage>();
  /** The Hausdorff voxel marked on the slice ("Show HD voxel"); null when none is. */
  hausdorffMarker: HausdorffVoxel | null = null;
  private readonly lossesRequested = new Set<Axis>();
  private readonly axisLossesCache = new WeakMap<LabelResult, AxisLosses>();
  private readonly marks = new Map<string, SliceMark>();
  /** Bumped on every mark change so views can tell when to repaint marks. */
  marksVersion = 0;
  /** The slice last shown on each axis, so switching back returns to it. */
  private readonly indexByAxis = new Map<Axis, number>();

  /** A new init: everything derived from the previous pair is dropped. */
  reset(loaded: Loaded, view: ViewState, marks: readonly SliceMark[]): void {
    this.loaded = loaded;
    this.losses.clear();
    this.metrics.clear();
    this.lossesB.clear();
    this.metricsB.clear();
    this.hausdorffMarker = null;
    this.lossesRequested.clear();
    this.indexByAxis.clear();
    this.setMarks(marks);
    this.view = view;
  }

  sliceCount(axis: Axis = this.view.axis): number {
    return this.loaded === null ? 0 : sliceSize(this.loaded.pair.shape, axis).count;
  }

  hasLabel(): boolean {
    return this.loaded !== null && this.loaded.pair.labelName !== null;
  }

  setLosses(message: LossesMessage): void {
    (message.side === 'b' ? this.lossesB : this.losses).set(message.axis, message);
  }

  setMetrics(message: MetricsMessage): void {
    (message.side === 'b' ? this.metricsB : this.metrics).set(message.axis, message);
  }

  /** True in three-way mode (two predictions against one label). */
  isVersus(): boolean {
    return this.loaded?.pair.versus !== undefined;
  }

  clearLosses(): void {
    this.losses.clear();
    this.metrics.clear();
    this.lossesB.clear();
    this.metricsB.clear();
    this.hausdorffMarker = null;
    this.lossesRequested.clear();
  }

  /** True once per axis: whether the caller should post requestLosses now. */
  shouldRequestLosses(axis: Axis): boolean {
    if (!this.hasLabel() || this.losses.has(axis) || this.lossesRequested.has(axis)) return false;
    this.lossesRequested.add(axis);
    return true;
  }

  /** Losses of the selected label on the given axis (default: the current one). */
  axisLosses(axis: Axis = this.view.axis, side: PredictionSide = 'a'): AxisLosses | undefined {
    const message = (side === 'b' ? this.lossesB : this.losses).get(axis);
    if (message === undefined) return undefined;
    const result = message.labels.find((r) => r.label === this.view.label) ?? (message.labels.length === 1 ? message.labels[0] : undefined);
    if (result === undefined) return undefined;
    let cached = this.axisLossesCache.get(result);
    if (cached === undefined || cached.multiclass !== message.multiclass) {
      const rowsByIndex: (SliceRow | undefined)[] = [];
      for (const row of result.slices) rowsByIndex[row.index] = row;
      const multiclassByIndex: (number | undefined)[] = [];
      for (const row of message.multiclass?.slices ?? []) multiclassByIndex[row.index] = row.losses.lovaszSoftmax;
      cached = { result, rowsByIndex, multiclass: message.multiclass, multiclassByIndex };
      this.axisLossesCache.set(result, cached);
    }
    return cached;
  }

  /** Volume-level numbers do not depend on the axis: any axis whose losses arrived will do. */
  volumeLosses(side: PredictionSide = 'a'): AxisLosses | undefined {
    return this.axisLosses(this.view.axis, side) ?? AXES.map((axis) => this.axisLosses(axis, side)).find((l) => l !== undefined);
  }

  /** Metrics of the selected label along the axis (default: the current one). */
  axisMetrics(axis: Axis = this.view.axis, side: PredictionSide = 'a'): AxisMetrics | undefined {
    const message = (side === 'b' ? this.metricsB : this.metrics).get(axis);
    if (message === undefined) return undefined;
    const result = message.labels.find((r) => r.label === this.view.label) ?? (message.labels.length === 1 ? message.labels[0] : undefined);
    return result === undefined ? undefined : { result, settings: message.settings, message };
  }

  /** Volume metrics do not depend on the axis: any axis whose metrics arrived will do. */
  volumeMetrics(side: PredictionSide = 'a'): AxisMetrics | undefined {
    return this.axisMetrics(this.view.axis, side) ?? AXES.map((axis) => this.axisMetrics(axis, side)).find((m) => m !== undefined);
  }

  /** The metric level the host computes; 'none' before init or without a label. */
  metricsLevel(): MetricsLevel {
    return this.loaded === null || !this.hasLabel() ? 'none' : this.loaded.metrics.level;
  }

  currentLoss(): number | null {
    const row = this.axisLosses()?.rowsByIndex[this.view.index];
    return row === undefined ? null : row.losses[this.view.loss];
  }

  setMarks(marks: readonly SliceMark[]): void {
    this.marksVersion++;
    this.marks.clear();
    for (const mark of marks) this.marks.set(markKey(mark.axis, mark.index), mark);
  }

  mark(axis: Axis, index: number): SliceMark | undefined {
    return this.marks.get(markKey(axis, index));
  }

  /** Applied locally at once so the UI answers the key press; the host's `marks` message confirms it. */
  updateMark(axis: Axis, index: number, change: { reviewed?: boolean; flagged?: boolean }): SliceMark {
    const previous = this.mark(axis, index);
    const next: SliceMark = {
      axis, index,
      reviewed: change.reviewed ?? previous?.reviewed ?? false,
      flagged: change.flagged ?? previous?.flagged ?? false,
      ...(previous?.note === undefined ? {} : { note: previous.note }),
    };
    this.marks.set(markKey(axis, index), next);
    this.marksVersion++;
    return next;
  }

  rememberIndex(): void {
    this.indexByAxis.set(this.view.axis, this.view.index);
  }

  indexFor(axis: Axis): number {
    return this.indexByAxis.get(axis) ?? Math.floor(this.sliceCount(axis) / 2);
  }
}

/**
 * A view state to restore, checked field by field: it may come from an older version's setState.
 * `metric` is kept only when `level` computes it.
 */
export function normaliseViewState(candidate: unknown, pair: PairInfo, level: MetricsLevel = 'none'): ViewState {
  const c = (typeof candidate === 'object' && candidate !== null ? candidate : {}) as Partial<Record<keyof ViewState, unknown>>;
  const axis: Axis = AXES.includes(c.axis as Axis) ? (c.axis as Axis) : 'k';
  const count = sliceSize(pair.shape, axis).count;
  const index = typeof c.index === 'number' && Number.isInteger(c.index) ? Math.min(Math.max(c.index, 0), Math.max(count - 1, 0)) : Math.floor(count / 2);
  const finite = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, finite(c.zoom, 1)));
  const loss: LossId = (LOSS_IDS as readonly unknown[]).includes(c.loss) ? (c.loss as LossId) : 'dice';
  const label: LabelKey = pair.labels.includes(c.label as LabelKey) ? (c.label as LabelKey) : (pair.labels[0] ?? 'foreground');
  const view: ViewState = { axis, index, zoom, panX: finite(c.panX, 0), panY: finite(c.panY, 0), loss, label };
  const metric = (metricIdsOf(level) as readonly unknown[]).includes(c.metric) ? (c.metric as MetricId) : undefined;
  return metric === undefined ? view : { ...view, metric };
}
