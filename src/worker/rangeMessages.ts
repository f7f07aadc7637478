/** Messages between rangePool (any thread) and rangeWorker threads. */
import type { RangeResult } from '../core/analysis/computeRange';
import type { ConventionSettings } from '../core/analysis/conventionRange';
import type { PreparedPair } from '../core/analysis/inputs';
import type { SliceMetricsRange } from '../core/analysis/metrics';
import type { VolumeMetricsResult } from '../core/analysis/volumeMetrics';
import type { Axis } from '../core/analysis/result';
import type { LossParams } from '../core/kernels/lossIds';
import type { MetricSettings } from '../core/kernels/metricIds';
import type { VolumeValues } from '../core/analysis/valueScan';
import type { TransposeJob } from '../core/io/transposeJob';
import type { ScanSpan } from './inflateScan';

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
  /**
   * When set, the worker computes the range only if it claims it first — compare-and-swap
   * flags[index] from CLAIM_FREE to CLAIM_WORKER — and replies a null result otherwise (the CLI's
   * thread took it: slabRunner.ts).
   */
  readonly claim?: { readonly flags: Int32Array; readonly index: number } | null;
  /** Keep the k-planes the 3D metrics need (computeRange's keepPlanes: the CLI's slab ring). */
  readonly keepPlanes?: boolean;
}

export const CLAIM_FREE = 0;
export const CLAIM_WORKER = 1;
export const CLAIM_HERE = 2;

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

/** Inflate a gzip stream into `buffer`, scanning `span` as it arrives (inflateScan.ts): the CLI's label, while it inflates the prediction. */
export interface InflateJob {
  readonly task: 'inflate';
  readonly id: number;
  readonly gz: Uint8Array;
  readonly buffer: SharedArrayBuffer;
  readonly span: ScanSpan | null;
  /** Bytes the stream may hold beyond the buffer (inflateInto's `trailing`). */
  readonly trailing: number;
}

export interface InflateResult {
  /** The stream fit the buffer (inflateInto's 'fits'). */
  readonly ok: boolean;
  readonly values: VolumeValues | null;
}

/** One directed distance list of a volume's box (directedDistancesOf): half of its 3D distances, the CLI's thread doing the other. */
export interface DistancesJob {
  readonly task: 'distances';
  readonly id: number;
  /** The box of codes, surfaces marked (shared memory: the CLI's thread must not detach a buffer). */
  readonly codes: Uint8Array;
  readonly box: readonly [number, number, number];
  readonly spacing: readonly [number, number, number];
  readonly seedBit: number;
  readonly queryBit: number;
}

export type WorkerJob = RangeJob | VolumeMetricsJob | SliceMetricsJob | InflateJob | DistancesJob;

/**
 * The CLI found the prediction is a float map, so this worker's slabs will run the soft kernel:
 * get it compiled now (primeSoftKernel). No reply.
 */
export interface PrimeJob {
  readonly task: 'prime';
}

/**
 * The CLI is reading a Fortran-ordered .npy: take part in its transposition (joinTranspose). No
 * reply: the job's shared counters say which parts are done.
 */
export interface TransposeShare {
  readonly task: 'transpose';
  readonly job: TransposeJob;
}

/** What a range worker receives: a job (one reply each), a hint or a share of a read (none). */
export type RangeWorkerMessage = WorkerJob | PrimeJob | TransposeShare;

export type RangeReply =
  | { readonly id: number; readonly ok: true; readonly result: RangeResult | VolumeMetricsResult | SliceMetricsRange | InflateResult | Float64Array | null }
  | { readonly id: number; readonly ok: false; readonly message: string };
