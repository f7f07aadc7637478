/**
 * A Fortran-ordered .npy read from disk on two threads. Its transposition is the one read whose
 * cost is more than the copy a `.nii` read makes (transpose.ts: the page faults of the output,
 * the reads and the transposing pass), and it splits: the reversal's units (bands of rows,
 * planReaderReversal) are independent. The reading thread and a helper thread (ReadOptions
 * .transposeHelper: in the CLI a range worker that would otherwise wait for the file) each open
 * the file, claim the next unit from a shared counter and write it into the shared output, until
 * none is left; the reading thread then waits until every unit is finished.
 *
 * Claiming, not halving: the helper may come online late or be busy (a range worker inflating
 * the other file), and then the reading thread simply does more of the units. The voxels are the
 * same whichever thread wrote them. The helper never reports an error: if it fails (it cannot open
 * or read the file, or the path now names another file or a rewritten one) or stops finishing
 * units for STALL_MS, the reading thread does every unit not finished itself, reading the file
 * with its own descriptor, so a bad file fails here with the single-thread reader's words and
 * nothing depends on the helper.
 */
import * as fs from 'node:fs';
import { readFully } from './readFully';
import { planReaderReversal, reversalScratch, reverseUnit, type ElementSize, type ReaderReversal } from './transpose';
import type { FileIdentity, TransposeHelper, TransposeJob } from './transposeJob';

export type { TransposeHelper, TransposeJob } from './transposeJob';

/**
 * TransposeJob.claims, Int32: the next unit to claim, how many units are finished, 1 once the
 * helper failed, then each unit's state (0, UNIT_CLAIMED, UNIT_FINISHED). Two indices are
 * exported for the tests that play a helper.
 */
export const CLAIM_NEXT = 0;
const FINISHED_COUNT = 1;
export const CLAIM_HELPER_FAILED = 2;
const STATES = 3;
const UNIT_CLAIMED = 1;
const UNIT_FINISHED = 2;

/** No unit finished for this long: the helper is gone (or far behind), and this thread finishes its units. */
export const STALL_MS = 2000;

/** Below this many output bytes a helper is not worth a message: the read is a few milliseconds. */
export const SHARED_TRANSPOSE_MIN_BYTES = 8 << 20;

/** A job for the file open as `fd` at `path`, its output in shared memory. */
export function newTransposeJob(path: string, fd: number, dataStart: number, dims: readonly number[], size: ElementSize, byteLength: number): TransposeJob {
  const units = planReaderReversal(dims, size, 0).units;
  return {
    path, file: identityOf(fs.fstatSync(fd)), dataStart, dims, size,
    out: new SharedArrayBuffer(byteLength), claims: new SharedArrayBuffer(4 * (STATES + units)),
  };
}

function identityOf(stat: fs.Stats): FileIdentity {
  return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Claims and does units of `job` until none is left; returns how many this thread did. */
function claimUnits(job: TransposeJob, plan: ReaderReversal, read: (into: Uint8Array, byteOffset: number) => void): number {
  const claims = new Int32Array(job.claims);
  const scratch = reversalScratch(plan, new Uint8Array(job.out));
  let done = 0;
  for (let unit = Atomics.add(claims, CLAIM_NEXT, 1); unit < plan.units; unit = Atomics.add(claims, CLAIM_NEXT, 1)) {
    Atomics.store(claims, STATES + unit, UNIT_CLAIMED);
    reverseUnit(plan, unit, scratch, read);
    finish(claims, unit);
    done++;
  }
  return done;
}

function finish(claims: Int32Array, unit: number): void {
  Atomics.store(claims, STATES + unit, UNIT_FINISHED);
  Atomics.add(claims, FINISHED_COUNT, 1);
  Atomics.notify(claims, FINISHED_COUNT);
}

/** The helper thread's part: never throws (a failure only hands its units back to the reading thread). */
export function joinTranspose(job: TransposeJob): void {
  let fd: number | undefined;
  try {
    const file = fd = fs.openSync(job.path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    // Another file at the path now (replaced, rewritten): its bytes are not this read's.
    if (!sameFile(identityOf(fs.fstatSync(file)), job.file)) throw new Error('not the file being read');
    const plan = planReaderReversal(job.dims, job.size, 0);
    claimUnits(job, plan, (into, offset) => readFully(file, into, job.dataStart + offset, () => new Error('short read')));
  } catch {
    // Why no message here: the reading thread redoes this thread's unfinished units with its own
    // reads, and reports whatever is wrong with the file in the single-thread reader's words.
    const claims = new Int32Array(job.claims);
    Atomics.store(claims, CLAIM_HELPER_FAILED, 1);
    Atomics.notify(claims, FINISHED_COUNT);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The reading thread's part: starts the helper, does units until none is left, then waits for
 * the helper's, finishing them itself if the helper failed or stalled. `read` reads the data
 * from this thread's descriptor. Returns how many units the helper did (for the tests).
 */
export function transposeWithHelper(
  job: TransposeJob, helper: TransposeHelper, read: (into: Uint8Array, byteOffset: number) => void, stallMs = STALL_MS,
): number {
  const plan = planReaderReversal(job.dims, job.size, 0);
  const claims = new Int32Array(job.claims);
  try {
    helper(job);
    const mine = claimUnits(job, plan, read);
    let seen = Atomics.load(claims, FINISHED_COUNT);
    let since = performance.now();
    let redone = 0;
    while (seen < plan.units) {
      if (Atomics.load(claims, CLAIM_HELPER_FAILED) === 1 || performance.now() - since > stallMs) {
        // A unit a slow helper is still writing is written twice with the same bytes: harmless.
        const scratch = reversalScratch(plan, new Uint8Array(job.out));
        for (let unit = 0; unit < plan.units; unit++) {
          if (Atomics.load(claims, STATES + unit) === UNIT_FINISHED) continue;
          reverseUnit(plan, unit, scratch, read);
          finish(claims, unit);
          redone++;
        }
        break;
      }
      Atomics.wait(claims, FINISHED_COUNT, seen, 50);
      const now = Atomics.load(claims, FINISHED_COUNT);
      if (now !== seen) since = performance.now();
      seen = now;
    }
    return plan.units - mine - redone;
  } finally {
    // On an error here, the helper claims nothing more of a job nobody will use.
    Atomics.store(claims, CLAIM_NEXT, plan.units);
  }
}
