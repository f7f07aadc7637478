/**
 * The CLI's pipelined compare (src/worker/streamCompare.ts) held against the plain path — both
 * files read by readInputFile, then comparePair on one thread: the same result, and the same
 * failure (message and file) when an input is wrong.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { comparePair, type CompareOptions } from '../../../src/core/analysis/compare';
import { InputError } from '../../../src/core/analysis/inputs';
import { readInputFile } from '../../../src/core/analysis/readInput';
import { DEFAULT_MAX_VOXELS } from '../../../src/core/io/volume';
import { compareFiles } from '../../../src/worker/streamCompare';
import { REPO_ROOT } from './ioTestUtils';

export const RANGE_WORKER_FILE = join(REPO_ROOT, 'dist', 'rangeWorker.js');

export function plainCompare(pred: string, label: string, options: CompareOptions) {
  return comparePair(readInputFile(pred, DEFAULT_MAX_VOXELS), readInputFile(label, DEFAULT_MAX_VOXELS), options);
}

/** The plain path fails with an InputError (matching `what`), and compareFiles with 2 threads fails with the same message, naming the same file. */
export async function failsAsThePlainPath(pred: string, label: string, options: CompareOptions, what: RegExp, slabVoxels?: number): Promise<void> {
  let expected: Error | null = null;
  try {
    plainCompare(pred, label, options);
  } catch (error) {
    expected = error as Error;
  }
  assert.ok(expected instanceof InputError && what.test(expected.message), `the plain path (${pred}, ${label}): ${expected?.message}`);
  await assert.rejects(compareFiles(pred, label, options, DEFAULT_MAX_VOXELS, 2, RANGE_WORKER_FILE, slabVoxels),
    (error: unknown) => error instanceof InputError && error.message === expected!.message && error.file === (expected as InputError).file);
}
