/**
 * Messages between the extension host and the compare editor's webview.
 * Closed unions of readonly types; the webview posts `ready` before the host posts anything.
 * Pixels travel as exact-size ArrayBuffers, one slice at a time.
 */
import { LOSS_IDS, type LossId } from './kernels/lossIds';
import { CONVENTION_LOSS_IDS, type ConventionLossId } from './kernels/conventions/conventionIds';
import type { HausdorffVoxel, MetricId, Metrics, MetricSettings } from './kernels/metricIds';
import type { Axis, LabelResult, MulticlassResult, PredictionKind, PredictionKindOption } from './analysis/result';

export type LabelKey = number | 'foreground';

/** Element type of a slice's label values (SliceMessage.labelType). */
export type SliceLabelType = 'uint8' | 'uint16' | 'int32';

/** Where a slice mark lives: per axis, per slice index. */
export interface SliceMark {
  readonly axis: Axis;
  readonly index: number;
  readonly reviewed: boolean;
  readonly flagged: boolean;
  readonly note?: string;
}

export interface OverlaySettings {
  /** CSS colours (#rrggbb) of true positive, false positive, false negative voxels. */
  readonly tpColor: string;
  readonly fpColor: string;
  readonly fnColor: string;
  readonly opacity: number;
  readonly style: 'fill' | 'outline';
  /** Probability threshold for the overlay (default 0.5). */
  readonly threshold: number;
}

/**
 * What the chart plots and the worst-slice keys rank when no metric is chosen: a seed loss, or a
 * library loss of issue 11 (computed when maskInspector.losses.conventions includes its library).
 * Every one is lower-is-better (src/core/ranking.ts lossBadness).
 */
export type ViewLossId = LossId | ConventionLossId;
export const VIEW_LOSS_IDS: readonly ViewLossId[] = [...LOSS_IDS, ...CONVENTION_LOSS_IDS];
export function isViewLossId(v: unknown): v is ViewLossId {
  return (VIEW_LOSS_IDS as readonly unknown[]).includes(v);
}

/** View state the webview restores when its tab comes back (also kept in webview setState). */
export interface ViewState {
  readonly axis: Axis;
  readonly index: number;
  readonly zoom: number;
  readonly panX: number;
  readonly panY: number;
  readonly loss: ViewLossId;
  readonly label: LabelKey;
  /**
   * A per-slice evaluation metric shown in the chart and ranked by the worst-slice keys and
   * commands instead of `loss` (which the status bar keeps showing); absent: the loss is.
   */
  readonly metric?: MetricId;
}

export interface PairInfo {
  readonly predictionName: string;
  /** Null when the mask is shown alone (no partner found). */
  readonly labelName: string | null;
  readonly underlayName: string | null;
  /** [nx, ny, nz] (a 4D prediction's channels are not part of the shape). */
  readonly shape: readonly [number, number, number];
  readonly spacing: readonly [number, number, number];
  /**
   * The prediction's 4×4 voxel→world (RAS+, mm) matrix, row-major: the editor's orientation
   * letters. Absent (older hosts, tests): letters are not shown.
   */
  readonly affine?: readonly number[];
  readonly predictionKind: PredictionKind;
  readonly kindOption: PredictionKindOption;
  /** Labels the losses are reported for. */
  readonly labels: readonly LabelKey[];
  /** Label value → name (.seg.nrrd segments, nnU-Net dataset.json, maskInspector.labels.names), when known. */
  readonly labelNames?: Readonly<Record<string, string>>;
  /**
   * Label value → CSS colour (`#rrggbb`) the label file gives its segments (.seg.nrrd SegmentN_Color,
   * DICOM-SEG RecommendedDisplayCIELabValue): swatches in the label selector. Absent when it gives none.
   */
  readonly labelColors?: Readonly<Record<string, string>>;
  /** True when the prediction is 4D (per-class channels); slices then carry one channel per label. */
  readonly predictionChannels: number;
  readonly warnings: readonly string[];
  /**
   * Three-way mode (Compare Two Predictions): a second prediction B against the same label.
   * `predictionName` is then A. Absent: the ordinary two-file editor.
   */
  readonly versus?: VersusInfo;
}

/** Prediction B of a three-way editor (docs/three-way-editor.md). */
export interface VersusInfo {
  readonly predictionName: string;
  readonly predictionKind: PredictionKind;
  readonly predictionChannels: number;
  readonly warnings: readonly string[];
}

/** Whose numbers a losses or metrics message carries: A (the default) or B of a three-way editor. */
export type PredictionSide = 'a' | 'b';

// ---------- host → webview ----------

export interface InitMessage {
  readonly type: 'init';
  readonly pair: PairInfo;
  readonly overlay: OverlaySettings;
  /** State to restore, if the host remembers one for this pair. */
  readonly state: ViewState | null;
  readonly marks: readonly SliceMark[];
  /**
   * The evaluation metrics the host computes for this pair (settings maskInspector.metrics,
   * the overlay threshold, maskInspector.surfaceDiceToleranceMm): after each `losses` message a
   * `metrics` message for the same axis follows, unless the level is 'none'.
   */
  readonly metrics: MetricSettings;
}

export interface LossesMessage {
  readonly type: 'losses';
  readonly axis: Axis;
  /** Absent: A (or the only prediction). */
  readonly side?: PredictionSide;
  readonly labels: readonly LabelResult[];
  readonly multiclass: MulticlassResult | null;
}

/** The evaluation metrics of one label: docs/metrics.md for every id, unit and null. */
export interface LabelMetrics {
  readonly label: LabelKey;
  /** Of the whole volume (3D): the CLI's `labels[].metrics`. */
  readonly volume: Metrics;
  /** Where the volume's Hausdorff distance is reached; null when it is undefined or the level is 'overlap'. */
  readonly hausdorffVoxel: HausdorffVoxel | null;
  /** Of every slice along the message's axis (2D, in-plane mm), slices[i] for slice i: the CLI's `slices[].metrics`. */
  readonly slices: readonly Metrics[];
}

/**
 * Evaluation metrics along one axis, posted after that axis's `losses` (they take longer: surface
 * distances and lesions in 2D per slice and once in 3D). Numbers equal `mask-inspector compare
 * --metrics <level>` with the same settings. Labels in the order of the losses.
 */
export interface MetricsMessage {
  readonly type: 'metrics';
  readonly axis: Axis;
  /** Absent: A (or the only prediction). */
  readonly side?: PredictionSide;
  /** What was computed: level 'all' or 'overlap', threshold, surface Dice tolerance, connectivity. */
  readonly settings: MetricSettings;
  readonly labels: readonly LabelMetrics[];
}

export interface SliceMessage {
  readonly type: 'slice';
  readonly requestId: number;
  readonly axis: Axis;
  readonly index: number;
  /** Slice width and height in voxels (columns, rows) for this axis. */
  readonly width: number;
  readonly height: number;
  /** Prediction values as stored (after scaling), Float32Array bytes, width×height×channels, x fastest. */
  readonly prediction: ArrayBuffer;
  /** Label values, width×height, of type `labelType`; absent when shown alone. */
  readonly label: ArrayBuffer | null;
  /**
   * Element type of `label`: the smallest of Uint8/Uint16/Int32 that holds every value of the label
   * volume (fewer bytes to post: VS Code's server compresses them on the host's thread). Absent: int32.
   */
  readonly labelType?: SliceLabelType;
  /** Underlay intensities, Float32Array bytes, width×height; absent without an underlay. */
  readonly underlay: ArrayBuffer | null;
  /** Three-way mode: prediction B's values, laid out like `prediction` (B's own channel count). */
  readonly predictionB?: ArrayBuffer;
}

export interface SliceErrorMessage {
  readonly type: 'sliceError';
  readonly requestId: number;
  readonly message: string;
}

export interface MarksMessage {
  readonly type: 'marks';
  readonly marks: readonly SliceMark[];
}

export interface StatusMessage {
  readonly type: 'status';
  /** Shown while decoding or computing; null clears it. */
  readonly text: string | null;
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

/**
 * The pair could not be opened at all: the editor shows an empty state naming the file and the
 * reason, with the next steps (EDITOR_ACTIONS) as buttons, instead of a page that goes blank.
 */
export interface FailedMessage {
  readonly type: 'failed';
  /** The file at fault (workspace-relative), null when it is not one file. */
  readonly file: string | null;
  readonly message: string;
}

/** A palette command or keybinding forwarded to the active editor. */
export type TriageCommand =
  | 'nextWorst' | 'previousWorst' | 'worst' | 'markReviewed' | 'flag' | 'nextSlice' | 'previousSlice'
  /** Go to and mark the voxel where the volume's Hausdorff distance is reached (the selected label). */
  | 'showHausdorffVoxel';

export interface CommandMessage {
  readonly type: 'command';
  readonly command: TriageCommand;
}

export type HostMessage =
  | InitMessage | LossesMessage | MetricsMessage | SliceMessage | SliceErrorMessage
  | MarksMessage | StatusMessage | ErrorMessage | FailedMessage | CommandMessage;

// ---------- webview → host ----------

export interface ReadyMessage { readonly type: 'ready' }

export interface RequestSliceMessage {
  readonly type: 'requestSlice';
  readonly requestId: number;
  readonly axis: Axis;
  readonly index: number;
}

export interface RequestLossesMessage {
  readonly type: 'requestLosses';
  readonly axis: Axis;
}

export interface SetKindMessage {
  readonly type: 'setKind';
  readonly kind: PredictionKindOption;
}

export interface SetMarkMessage {
  readonly type: 'setMark';
  readonly axis: Axis;
  readonly index: number;
  readonly reviewed?: boolean;
  readonly flagged?: boolean;
  readonly note?: string;
}

export interface StateChangedMessage {
  readonly type: 'stateChanged';
  readonly state: ViewState;
  /** Value of state.loss on the current slice for the selected label, for the status bar. */
  readonly currentLoss: number | null;
}

/** Buttons of the editor that run a host command on it; the last two are the failed state's. */
export const EDITOR_ACTIONS = ['swap', 'choosePartner', 'openUnderlay', 'openAnother', 'reopenWith', 'versusRoles'] as const;
export type EditorAction = typeof EDITOR_ACTIONS[number];

export interface ActionMessage {
  readonly type: 'action';
  readonly action: EditorAction;
}

export interface WebviewLogMessage {
  readonly type: 'log';
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export type WebviewMessage =
  | ReadyMessage | RequestSliceMessage | RequestLossesMessage | SetKindMessage
  | SetMarkMessage | StateChangedMessage | ActionMessage | WebviewLogMessage;

/** Width and height of a slice across `axis` for a volume of shape [nx, ny, nz]. */
export function sliceSize(shape: readonly number[], axis: Axis): { width: number; height: number; count: number } {
  const [nx, ny, nz] = shape as [number, number, number];
  switch (axis) {
    case 'k': return { width: nx, height: ny, count: nz };
    case 'j': return { width: nx, height: nz, count: ny };
    case 'i': return { width: ny, height: nz, count: nx };
  }
}
