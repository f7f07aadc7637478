/**
 * A Fortran-ordered .npy transposed on two threads (src/core/io/sharedTranspose.ts): the voxels
 * equal the one-thread reader's whoever does which unit — a real range worker, a helper that does
 * everything, nothing, fails half-way or stalls — and a file that is wrong fails in the one-thread
 * reader's words. Through readVolumeFile and the CLI's compare, the numbers equal the plain path's.
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CompareOptions } from '../../src/core/analysis/compare';
import { readFully } from '../../src/core/io/readFully';
import { readVolumeFile } from '../../src/core/io/readVolume';
import {
  CLAIM_HELPER_FAILED, CLAIM_NEXT, joinTranspose, newTransposeJob, SHARED_TRANSPOSE_MIN_BYTES, transposeWithHelper, type TransposeHelper, type TransposeJob,
} from '../../src/core/io/sharedTranspose';
import { reverseAxesFromReader, planReaderReversal, type ElementSize } from '../../src/core/io/transpose';
import { DEFAULT_MAX_VOXELS, VolumeReadError } from '../../src/core/io/volume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { compareFiles, transposeOn } from '../../src/worker/streamCompare';
import { plainCompare, RANGE_WORKER_FILE } from './helpers/comparePaths';
import { npyFile, seededBytes } from './helpers/ioTestUtils';

const dir = mkdtempSync(join(tmpdir(), 'mi-shared-transpose-'));
const workerFile = RANGE_WORKER_FILE;
const workers: Worker[] = [];
after(async () => {
  await Promise.all(workers.map((w) => w.terminate()));
  rmSync(dir, { recursive: true, force: true });
});

function rangeWorker(): Worker {
  const worker = new Worker(workerFile);
  workers.push(worker);
  return worker;
}

/** Where the data starts in the files below: not a multiple of anything, as after a header. */
const DATA_START = 13;

/** A file of DATA_START bytes then `data` (C order of `dims`), and the one-thread reversal of it. */
function dataFile(name: string, dims: readonly number[], size: ElementSize, seed: number): { path: string; expected: Uint8Array } {
  const count = dims.reduce((p, d) => p * d, 1);
  const data = seededBytes(count * size, seed);
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([seededBytes(DATA_START, seed + 1), data]));
  const expected = new Uint8Array(count * size);
  reverseAxesFromReader(dims, size, expected, (into, offset) => into.set(data.subarray(offset, offset + into.length)));
  return { path, expected };
}

const short = () => new VolumeReadError('the file is truncated');

/** transposeWithHelper over `path` with this thread's own descriptor; returns the output and how many units the helper did. */
function twoThreads(path: string, dims: readonly number[], size: ElementSize, helper: TransposeHelper, stallMs?: number) {
  const count = dims.reduce((p, d) => p * d, 1);
  const fd = openSync(path, 'r');
  try {
    const job = newTransposeJob(path, fd, DATA_START, dims, size, count * size);
    const helped = transposeWithHelper(job, helper, (into, offset) => readFully(fd, into, DATA_START + offset, short), stallMs);
    return { out: new Uint8Array(job.out), helped, job };
  } finally {
    closeSync(fd);
  }
}

/** The job's file identity for another file (a helper told to read that one instead). */
function identityOf(path: string): TransposeJob['file'] {
  const s = statSync(path);
  return { dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
}

// Several units each (planReaderReversal: bands of rows), every element size.
const CASES: ReadonlyArray<{ dims: number[]; size: ElementSize }> = [
  { dims: [16, 12, 4096], size: 4 }, { dims: [64, 21, 4096], size: 1 }, { dims: [30, 9, 5, 700], size: 2 },
  { dims: [8, 10, 4096], size: 8 }, { dims: [67, 40, 3, 401], size: 1 },
];

test('the cases cut into several units', () => {
  for (const { dims, size } of CASES) assert.ok(planReaderReversal(dims, size, 0).units >= 3, dims.join('×'));
});

test('a range worker taking part gives the one-thread voxels, every element size', async () => {
  const worker = rangeWorker();
  await new Promise((online) => worker.once('online', online));
  const helper = transposeOn(worker);
  let seed = 1;
  for (const { dims, size } of CASES) {
    const { path, expected } = dataFile(`c${seed}.bin`, dims, size, seed++);
    // Twice: the worker's first job may start after this thread has claimed every unit.
    for (let round = 0; round < 2; round++) {
      const { out, helped, job } = twoThreads(path, dims, size, helper);
      assert.deepEqual(out, expected, `${dims.join('×')} of ${size}-byte elements (the worker did ${helped})`);
      assert.ok(new Int32Array(job.claims)[CLAIM_NEXT]! >= planReaderReversal(dims, size, 0).units, 'no unit left to claim');
    }
  }
});

test('a helper that does every unit, or none: the same voxels, and the count says who did them', () => {
  const { dims, size } = CASES[0]!;
  const { path, expected } = dataFile('all-or-none.bin', dims, size, 11);
  const units = planReaderReversal(dims, size, 0).units;
  const all = twoThreads(path, dims, size, (job) => joinTranspose(job)); // runs here, before this thread claims
  assert.deepEqual(all.out, expected);
  assert.equal(all.helped, units);
  const none = twoThreads(path, dims, size, () => undefined);
  assert.deepEqual(none.out, expected);
  assert.equal(none.helped, 0);
});

test('a helper that fails half-way (its file is shorter): this thread redoes its unfinished unit', () => {
  const { dims, size } = CASES[1]!;
  const { path, expected } = dataFile('fails.bin', dims, size, 12);
  // The helper's copy of the file ends inside its second unit's last read: it finishes unit 0
  // (every unit reads a band of rows in each of the d0 slabs), claims unit 1 and fails there.
  const plan = planReaderReversal(dims, size, 0);
  const [d0, d1, d2, d3] = plan.d;
  const cut = DATA_START + ((d0 - 1) * d1 * d2 * d3 + plan.nb * d2 * d3) * size + 100;
  const shorter = join(dir, 'fails-short.bin');
  writeFileSync(shorter, readFileSync(path).subarray(0, cut));
  let failedFlag = -1;
  const got = twoThreads(path, dims, size, (job) => {
    joinTranspose({ ...job, path: shorter, file: identityOf(shorter) });
    failedFlag = new Int32Array(job.claims)[CLAIM_HELPER_FAILED]!;
  });
  assert.equal(failedFlag, 1, 'the helper said it failed');
  assert.deepEqual(got.out, expected);
  assert.equal(got.helped, 1, 'the helper finished one unit; its second was redone here');
  // A helper that cannot open the file at all.
  const missing = twoThreads(path, dims, size, (job) => joinTranspose({ ...job, path: join(dir, 'no-such-file') }));
  assert.deepEqual(missing.out, expected);
  assert.equal(missing.helped, 0);
});

test('a helper that finds another file, or the file rewritten, at the path reads nothing of it', () => {
  const { dims, size } = CASES[3]!;
  const { path, expected } = dataFile('replaced.bin', dims, size, 15);
  // Same size, other bytes: had the helper read it, its units would be wrong.
  const other = dataFile('other.bin', dims, size, 16).path;
  for (const helperPath of [other, path]) {
    const got = twoThreads(path, dims, size, (job) => {
      if (helperPath === path) utimesSync(path, new Date(), new Date(Date.now() + 5000)); // rewritten since the reader opened it
      joinTranspose({ ...job, path: helperPath });
    });
    assert.deepEqual(got.out, expected, helperPath);
    assert.equal(got.helped, 0, helperPath);
  }
});

test('a helper that claims a unit and stops: after the stall time this thread does it', () => {
  const { dims, size } = CASES[2]!;
  const { path, expected } = dataFile('stalls.bin', dims, size, 13);
  const t0 = performance.now();
  const got = twoThreads(path, dims, size, (job: TransposeJob) => { Atomics.add(new Int32Array(job.claims), CLAIM_NEXT, 1); }, 200);
  assert.ok(performance.now() - t0 >= 190, 'waited for the stall time');
  assert.deepEqual(got.out, expected);
  assert.equal(got.helped, 0);
});

test('a file that ends early fails on this thread in its own words, and the helper gets nothing more to claim', () => {
  const { dims, size } = CASES[0]!;
  const { path } = dataFile('truncated.bin', dims, size, 14);
  truncateSync(path, DATA_START + 100_000);
  const count = dims.reduce((p, d) => p * d, 1);
  const fd = openSync(path, 'r');
  let claims: SharedArrayBuffer;
  try {
    const job = newTransposeJob(path, fd, DATA_START, dims, size, count * size);
    claims = job.claims;
    assert.throws(() => transposeWithHelper(job, () => undefined, (into, offset) => readFully(fd, into, DATA_START + offset, short)),
      /the file is truncated/);
  } finally {
    closeSync(fd);
  }
  assert.ok(new Int32Array(claims)[CLAIM_NEXT]! >= planReaderReversal(dims, size, 0).units);
});

/** A probability (Z, Y, X) = (130, 128, 128) float32 (8.5 MB: over the size that takes a helper) and a label. */
function npyPair(order: 'C' | 'F'): { prediction: string; label: string } {
  const [nz, ny, nx] = [130, 128, 128];
  const probability = new Float32Array(nx * ny * nz);
  const label = new Uint8Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const r = Math.hypot((x - 60) / 40, (y - 70) / 30, (z - 64) / 50);
        label[i] = r <= 1 ? 1 : 0;
        probability[i] = 1 / (1 + Math.exp((Math.hypot((x - 63) / 41, (y - 68) / 30, (z - 66) / 48) - 1) * 9 + Math.sin(i) * 0.3));
      }
    }
  }
  // The array arr[z, y, x]: C order is the volume's own byte order; F order is its reversal.
  const inOrder = (bytes: Uint8Array, elementSize: ElementSize): Uint8Array => {
    if (order === 'C') return bytes;
    const out = new Uint8Array(bytes.length);
    reverseAxesFromReader([nz, ny, nx], elementSize, out, (into, offset) => into.set(bytes.subarray(offset, offset + into.length)));
    return out;
  };
  const prediction = join(dir, `pred_${order}.npy`);
  const labelPath = join(dir, `label_${order}.npy`);
  writeFileSync(prediction, npyFile([nz, ny, nx], '<f4', order === 'F', inOrder(new Uint8Array(probability.buffer), 4)));
  writeFileSync(labelPath, npyFile([nz, ny, nx], '|u1', order === 'F', inOrder(label, 1)));
  return { prediction, label: labelPath };
}

test('readVolumeFile with a helper: the one-thread Volume (in shared memory when the helper took part), equal to the C-ordered file', () => {
  const f = npyPair('F');
  const c = npyPair('C');
  const helper = transposeOn(rangeWorker());
  for (const [path, cPath] of [[f.prediction, c.prediction], [f.label, c.label]] as const) {
    const two = readVolumeFile(path, { transposeHelper: helper });
    const one = readVolumeFile(path);
    // The 8.5 MB prediction takes the helper; the 2 MB label is read here alone, as before.
    assert.equal(two.data.buffer instanceof SharedArrayBuffer, two.data.byteLength >= SHARED_TRANSPOSE_MIN_BYTES, path);
    assert.deepEqual({ ...two, data: null }, { ...one, data: null });
    assert.deepEqual(Array.from(two.data), Array.from(one.data));
    assert.deepEqual(Array.from(two.data), Array.from(readVolumeFile(cPath).data));
  }
});

test("compare on a Fortran-ordered .npy pair (read on two threads) gives the plain path's numbers, 1 and 2 threads", async () => {
  const { prediction, label } = npyPair('F');
  for (const metrics of ['none', 'all'] as const) {
    const options: CompareOptions = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics };
    const expected = plainCompare(prediction, label, options);
    for (const jobs of [1, 2]) {
      assert.deepStrictEqual(await compareFiles(prediction, label, options, DEFAULT_MAX_VOXELS, jobs, workerFile), expected, `${metrics}, ${jobs} jobs`);
    }
  }
});
