/**
 * Messages between the extension host (SessionWorkerClient, one per document) and the session
 * worker (dist/worker.js), which holds the documents' decoded volumes. Closed unions; every
 * request carries an `id` and its document's `doc`, and gets exactly one reply with that id.
 * Pixel and file bytes travel as transferred ArrayBuffers, never copied.
 */
import type { ConventionSettings } from '../core/analysis/conventionRange';
import type { Axis, LabelResult, MulticlassResult, PredictionKindOption } from '../core/analysis/result';
import type { LossParams } from '../core/kernels/lossIds';
import type { MetricSettings } from '../core/kernels/metricIds';
import type { LabelMetrics, PairInfo, SliceLabelType } from '../core/protocol';

export type FileRole = 'prediction' | 'label' | 'underlay';

export interface FilePayload {
  /** Shown in messages: a workspace-relative path or the file name. */
  readonly name: string;
  /** The whole file; transferred to the worker. */
  readonly bytes: ArrayBuffer;
}

export interface OpenRequest {
  readonly type: 'open';
  readonly id: number;
  /** The document (one SessionWorkerClient) the request is for: one worker serves them all. */
  readonly doc: number;
  readonly prediction: FilePayload;
  readonly label: FilePayload | null;
  readonly underlay: FilePayload | null;
  readonly kind: PredictionKindOption;
  readonly maxVoxels: number;
  readonly params: LossParams;
  /** Library loss conventions (settings maskInspector.losses.*); absent: the seed's losses only. */
  readonly conventions?: ConventionSettings;
  /** Threads for the loss computation (rangeWorker.js), at least one; the session thread only serves slices. */
  readonly jobs: number;
  /**
   * The axis whose losses the webview will ask for first: computed as soon as the pair is ready,
   * not after the webview has started and asked. Later changes of the pair reuse the axis last asked for.
   */
  readonly precomputeAxis: Axis | null;
  /**
   * Ask for a `preview` before `prepared` when the prediction has at least this many voxels (null:
   * never): sent once half of the prediction and half of the label are decoded, with the kind and
   * labels read from those halves. Until `prepared`, slices of that pair are answered as soon as
   * their voxels are decoded. Only for the first pair of a document (nothing else is shown then),
   * and only for NIfTI files decoded in place (not scaled or byte-swapped, ≥ 64 KiB of voxels).
   */
  readonly previewMinVoxels?: number | null;
}

/** Replaces one file; `file: null` removes the label or underlay. The pair stays as it was if the new one fails. */
export interface ReplaceRequest {
  readonly type: 'replace';
  readonly id: number;
  readonly doc: number;
  readonly role: FileRole;
  readonly file: FilePayload | null;
}

export interface SwapRequest { readonly type: 'swap'; readonly id: number; readonly doc: number }

export interface SetKindRequest {
  readonly type: 'setKind';
  readonly id: number;
  readonly doc: number;
  readonly kind: PredictionKindOption;
}

export interface SliceRequest {
  readonly type: 'slice';
  readonly id: number;
  readonly doc: number;
  readonly axis: Axis;
  readonly index: number;
}

export interface LossesRequest {
  readonly type: 'losses';
  readonly id: number;
  readonly doc: number;
  readonly axis: Axis;
}

/**
 * Evaluation metrics along `axis` (per slice) and of the volume, computed once that axis's losses
 * are done (so they never delay them), on the range workers (slices stay answered meanwhile).
 */
export interface MetricsRequest {
  readonly type: 'metrics';
  readonly id: number;
  readonly doc: number;
  readonly axis: Axis;
  readonly settings: MetricSettings;
}

/**
 * From the host when a document closes: forget its volumes (free their shared memory); the
 * worker goes on serving the other documents. The one request without a reply.
 */
export interface ReleaseRequest { readonly type: 'release'; readonly id: number; readonly doc: number }

export type SessionRequest = ReleaseRequest | OpenRequest | ReplaceRequest | SwapRequest | SetKindRequest | SliceRequest | LossesRequest | MetricsRequest;

/** What the host needs to build PairInfo; `generation` grows with every change of the pair. */
export interface PairSummary extends PairInfo {
  readonly generation: number;
  /** Milliseconds spent decoding each file and preparing the pair, for the timing bench and logs. */
  readonly timings: { readonly decodeMs: Readonly<Partial<Record<FileRole, number>>>; readonly prepareMs: number };
}

export interface PreparedReply {
  readonly type: 'prepared';
  readonly id: number;
  readonly pair: PairSummary;
}

/**
 * Not a reply: a notice on the way to the open request's `prepared` (or `failed`), with the same
 * id. `pair` is provisional: its kind, labels and warnings come from the part of the prediction
 * decoded so far, its generation is the coming pair's. The open may still fail (a NaN later in
 * the file); losses are computed only once it is prepared.
 */
export interface PreviewNotice {
  readonly type: 'preview';
  readonly id: number;
  readonly pair: PairSummary;
}

export interface SliceReply {
  readonly type: 'slice';
  readonly id: number;
  readonly generation: number;
  readonly axis: Axis;
  readonly index: number;
  readonly width: number;
  readonly height: number;
  /** Float32Array bytes, width×height×channels, channel slowest. */
  readonly prediction: ArrayBuffer;
  /** width×height values of type `labelType` (the smallest that holds every label value). */
  readonly label: ArrayBuffer | null;
  readonly labelType: SliceLabelType;
  /** Float32Array bytes, width×height. */
  readonly underlay: ArrayBuffer | null;
}

export interface LossesReply {
  readonly type: 'losses';
  readonly id: number;
  readonly generation: number;
  readonly axis: Axis;
  readonly labels: readonly LabelResult[];
  readonly multiclass: MulticlassResult | null;
  readonly computeMs: number;
}

export interface MetricsReply {
  readonly type: 'metrics';
  readonly id: number;
  readonly generation: number;
  readonly axis: Axis;
  readonly settings: MetricSettings;
  /** Empty when the level is 'none'. */
  readonly labels: readonly LabelMetrics[];
  /** From the request to the reply, including the wait for the axis's losses. */
  readonly computeMs: number;
}

/**
 * A request that could not be served. `file` names the input at fault (then `message` says
 * what is wrong with it and what to do); null means an internal failure or a bad request.
 */
export interface FailedReply {
  readonly type: 'failed';
  readonly id: number;
  readonly file: string | null;
  readonly message: string;
}

export type SessionReply = PreparedReply | SliceReply | LossesReply | MetricsReply | FailedReply;

/** Everything the worker posts to the host. */
export type SessionMessage = SessionReply | PreviewNotice;
