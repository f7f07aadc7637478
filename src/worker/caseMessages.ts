/** Messages between the case pool (casePool.ts) and case worker threads (caseWorker.ts). */
import type { CasePair } from '../core/analysis/folderPairing';
import type { CaseOptions, CaseOutcome } from '../core/report/computeCase';

/** One whole case: read both files, compute every slice, draw the worst slices. */
export interface CaseJob {
  readonly id: number;
  readonly pair: CasePair;
  readonly options: CaseOptions;
}

export interface CaseReply {
  readonly id: number;
  readonly outcome: CaseOutcome;
  /** Resident memory of the whole process (all threads) after the case, in bytes. */
  readonly rss: number;
}
