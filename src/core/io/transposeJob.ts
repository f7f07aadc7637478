/**
 * The shape of a transposition shared between threads (sharedTranspose.ts), in a file of its own
 * without Node imports: ReadOptions (volume.ts) names it, and the webview's build sees volume.ts.
 */
import type { ElementSize } from './transposeKernels';

/** One shared reversal: what both threads need to take part. */
export interface TransposeJob {
  readonly path: string;
  /** The file as the reading thread opened it: the helper reads only that file, unchanged (else it leaves every unit to the reader). */
  readonly file: FileIdentity;
  /** Where the C-ordered data starts in the file. */
  readonly dataStart: number;
  /** The file's C-order shape, reversed (the output's axes, first fastest). */
  readonly dims: readonly number[];
  readonly size: ElementSize;
  readonly out: SharedArrayBuffer;
  /** Int32 counters shared by the threads (their layout: sharedTranspose.ts). */
  readonly claims: SharedArrayBuffer;
}

/**
 * Starts another thread's part of `job`: that thread calls joinTranspose(job). It must return at
 * once (post a message); it is never waited on except through the job's counters.
 */
export type TransposeHelper = (job: TransposeJob) => void;

/** What tells one file from another, and an unchanged file from a rewritten one. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}
