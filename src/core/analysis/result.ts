/**
 * The result of comparing one prediction with one label: the `mask-inspector compare --format json`
 * contract, which scripts, the editor and reports all read.
 */
import type { Losses } from '../kernels/lossIds';

export type PredictionKind = 'probability' | 'logits' | 'labels';
export type PredictionKindOption = PredictionKind | 'auto';
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
  readonly losses: Losses;
}

export interface LabelResult {
  /** Label value, or "foreground" when a single-channel prediction meets several labels. */
  readonly label: number | 'foreground';
  readonly volume: Losses;
  readonly slices: readonly SliceRow[];
}

export interface MulticlassResult {
  readonly classes: readonly number[];
  readonly volume: { readonly lovaszSoftmax: number };
  readonly slices: readonly { readonly index: number; readonly losses: { readonly lovaszSoftmax: number } }[];
}

export interface CompareResult {
  readonly prediction: string;
  readonly label: string;
  readonly shape: readonly number[];
  readonly spacing: readonly number[];
  readonly axis: Axis;
  readonly predictionKind: PredictionKind;
  readonly warnings: readonly string[];
  readonly labels: readonly LabelResult[];
  readonly multiclass?: MulticlassResult;
}
