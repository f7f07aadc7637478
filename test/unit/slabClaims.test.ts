/**
 * The CLI's slabs are claimed, not dispatched (src/worker/slabRunner.ts): a range worker computes
 * a posted slab only if it claims it first, and answers null when the CLI's thread already did —
 * so every slab is computed exactly once, by whoever reached it first.
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_METRIC_PARAMS } from '../../src/core/kernels/metricIds';
import { computeRange, type RangeResult } from '../../src/core/analysis/computeRange';
import { preparePair } from '../../src/core/analysis/inputs';
import { readInputFile } from '../../src/core/analysis/readInput';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { shareInSteps } from '../../src/worker/decodeFiles';
import { CLAIM_FREE, CLAIM_HERE, CLAIM_WORKER, type RangeJob, type RangeReply } from '../../src/worker/rangeMessages';
import { awaitReply } from '../../src/worker/workerJob';
import { repoRoot } from './helpers/fixtures';
import { FIXTURES_DIR } from './helpers/ioTestUtils';

const worker = new Worker(join(repoRoot, 'dist', 'rangeWorker.js'));
after(() => worker.terminate());

test('a worker computes a slab it claims, and skips one this thread claimed', async () => {
  const read = (name: string) => readInputFile(resolve(FIXTURES_DIR, 'files', name), 1e9);
  const plain = preparePair(read('prob_f32.nii.gz'), read('labels_u8.nii.gz'), 'auto');
  const pair = {
    ...plain,
    prediction: { ...plain.prediction, data: await shareInSteps(plain.prediction.data) },
    label: { ...plain.label, data: await shareInSteps(plain.label.data) },
  };
  const metrics = { level: 'none' as const, ...DEFAULT_METRIC_PARAMS };
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const job = (id: number, index: number): RangeJob => ({
    task: 'range', id, pair, axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics, start: 0, end: 1, conventions: null,
    claim: { flags, index },
  });
  flags[1] = CLAIM_HERE;
  const free = await awaitReply<RangeReply>(worker, job(1, 0));
  const taken = await awaitReply<RangeReply>(worker, job(2, 1));
  assert.ok(free.ok && taken.ok);
  assert.equal(flags[0], CLAIM_WORKER, 'the worker claimed the free slab');
  assert.equal(flags[1], CLAIM_HERE, 'the claim of this thread stands');
  assert.equal(taken.result, null, 'a slab this thread claimed is skipped');
  const expected = computeRange(pair, 'k', DEFAULT_LOSS_PARAMS, 0, 1, true, metrics, null);
  assert.deepEqual((free.result as RangeResult).labels.map((l) => [...l.sums]), expected.labels.map((l) => [...l.sums]), 'the claimed slab is computed');
  assert.equal(CLAIM_FREE, 0, 'a fresh SharedArrayBuffer starts with every slab free');
});
