/**
 * The result of comparing one prediction with one label: the `mask-inspector compare --format json`
 * contract, which scripts, the editor and reports all read.
 */
import type { Losses } from '../kernels/lossIds';
import type { Metrics, MetricSettings } from '../kernels/metricIds';
import type { ConventionLossId, ConventionLosses } from '../kernels/conventions/conventionIds';
import type { ConventionsRecord } from './conventionRange';

import type { PredictionKind } from '../predictionKinds';
export type { PredictionKind, PredictionKindOption } from '../predictionKinds';
export type Axis = 'i' | 'j' | 'k';

export interface SliceRow {
  readonly index: number;
  readonly labelVoxels: number;
  /** Voxels with p ≥ 0.5. */
  readonly predictedVoxels: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  /** No label voxel and no predicted voxel. */
  readonly empty: boolean;
  /** The seed's losses, and the library ids of the conventions asked for (conventionIds.ts). */
  readonly losses: Losses & ConventionLosses;
  /** Evaluation metrics of the slice (2D, in-plane mm); absent when metrics are 'none'. */
  readonly metrics?: Metrics;
}

export interface LabelResult {
  /** Label value, or "foreground" when a single-channel prediction meets several labels. */
  readonly label: number | 'foreground';
  /** The label's name (io/labelNames.ts: .seg.nrrd segment, nnU-Net dataset.json, setting), when known. */
  readonly name?: string;
  /** The losses of the whole volume. */
  readonly volume: Losses & ConventionLosses;
  /** Library ids whose values use the project's substitute logit (label-map prediction); with conventions only. */
  readonly substituted?: readonly ConventionLossId[];
  /** Evaluation metrics of the whole volume (3D); absent when metrics are 'none'. */
  readonly metrics?: Metrics;
  readonly slices: readonly SliceRow[];
}

export interface MulticlassResult {
  readonly classes: readonly number[];
  readonly volume: { readonly lovaszSoftmax: number } & ConventionLosses;
  readonly substituted?: readonly ConventionLossId[];
  readonly slices: readonly { readonly index: number; readonly losses: { readonly lovaszSoftmax: number } & ConventionLosses }[];
}

export interface CompareResult {
  readonly prediction: string;
  readonly label: string;
  readonly shape: readonly number[];
  readonly spacing: readonly number[];
  readonly axis: Axis;
  readonly predictionKind: PredictionKind;
  /** What the metrics were computed with; absent when metrics are 'none'. */
  readonly metricSettings?: MetricSettings;
  readonly warnings: readonly string[];
  /** The conventions reported and the parameters changed from their defaults (absent: seed only, not asked). */
  readonly conventions?: ConventionsRecord;
  readonly labels: readonly LabelResult[];
  readonly multiclass?: MulticlassResult;
}
