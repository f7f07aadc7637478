/** Messages between rangePool (any thread) and rangeWorker threads. */
import type { RangeResult } from '../core/analysis/computeRange';
import type { ConventionSettings } from '../core/analysis/conventionRange';
import type { PreparedPair } from '../core/analysis/inputs';
import type { SliceMetricsRange, VolumeMetricsResult } from '../core/analysis/metrics';
import type { Axis } from '../core/analysis/result';
import type { LossParams } from '../core/kernels/lossIds';
import type { MetricSettings } from '../core/kernels/metricIds';

/** Losses and per-slice metrics of slices [start, end). */
export interface RangeJob {
  readonly task: 'range';
  readonly id: number;
  readonly pair: PreparedPair;
  readonly axis: Axis;
  readonly params: LossParams;
  readonly metrics: MetricSettings;
  readonly start: number;
  readonly end: number;
  /** Library conventions (absent or null: the seed's losses only). */
  readonly conventions?: ConventionSettings | null;
}

/** The 3D (volume-level) metrics of every label: one job per pair and settings. */
export interface VolumeMetricsJob {
  readonly task: 'volumeMetrics';
  readonly id: number;
  readonly pair: PreparedPair;
  readonly metrics: MetricSettings;
}

/** Per-slice metrics only (no losses) of slices [start, end): the editor's metrics after its losses. */
export interface SliceMetricsJob {
  readonly task: 'sliceMetrics';
  readonly id: number;
  readonly pair: PreparedPair;
  readonly axis: Axis;
  readonly metrics: MetricSettings;
  readonly start: number;
  readonly end: number;
}

export type WorkerJob = RangeJob | VolumeMetricsJob | SliceMetricsJob;

export type RangeReply =
  | { readonly id: number; readonly ok: true; readonly result: RangeResult | VolumeMetricsResult | SliceMetricsRange }
  | { readonly id: number; readonly ok: false; readonly message: string };
