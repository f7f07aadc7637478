/** Messages between rangePool (any thread) and rangeWorker threads. */
import type { RangeResult } from '../core/analysis/computeRange';
import type { PreparedPair } from '../core/analysis/inputs';
import type { Axis } from '../core/analysis/result';
import type { LossParams } from '../core/kernels/lossIds';

export interface RangeJob {
  readonly id: number;
  readonly pair: PreparedPair;
  readonly axis: Axis;
  readonly params: LossParams;
  readonly start: number;
  readonly end: number;
}

export type RangeReply =
  | { readonly id: number; readonly ok: true; readonly result: RangeResult }
  | { readonly id: number; readonly ok: false; readonly message: string };
