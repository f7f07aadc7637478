/**
 * Issue #9, "a dead worker hangs its caller forever": a job sent to a worker that already exited
 * fails at once; a worker killed mid-job fails that job with a clear error and is replaced, so the
 * next job (the editor's Retry) succeeds with the same numbers.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { comparePair } from '../../src/core/analysis/compare';
import { preparePair } from '../../src/core/analysis/inputs';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { RangePool, sharePair } from '../../src/worker/rangePool';
import { awaitReply, WorkerGoneError } from '../../src/worker/workerJob';
import { memoryVolume, repoRoot } from './helpers/fixtures';

const workerFile = join(repoRoot, 'dist', 'rangeWorker.js');

/** Settles within `ms` or fails the test (a hang is the defect). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms).unref())]);
}

describe('dead workers', () => {
  test('a job sent to a worker whose exit event already fired fails at once', async () => {
    const worker = new Worker('process.exit(7)', { eval: true });
    await new Promise((resolve) => worker.once('exit', resolve));
    await assert.rejects(within(awaitReply(worker, { id: 1 }), 2000), WorkerGoneError);
  });

  test('a range worker killed mid-job: that compare fails clearly, the worker is replaced, the next succeeds', async () => {
    const dims = [96, 96, 48] as const;
    const n = dims[0] * dims[1] * dims[2];
    const label = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 13 < 4 ? 1 : 0));
    const prob = Float64Array.from({ length: n }, (_, i) => ((i * 104729) % 101) / 100);
    const predVolume = memoryVolume('p.nii', [...dims], prob), labelVolume = memoryVolume('l.nii', [...dims], label);
    const pair = sharePair(preparePair(predVolume, labelVolume, 'probability'));
    const options = { kind: 'probability' as const, axis: 'k' as const, params: DEFAULT_LOSS_PARAMS, metrics: 'all' as const };
    const pool = new RangePool(2, workerFile);
    try {
      const running = pool.compare(pair, options);
      const victim = pool.threads[0]!;
      await new Promise((resolve) => setTimeout(resolve, 30));
      await victim.terminate(); // as the OS would on out-of-memory
      await assert.rejects(within(running, 20_000), (e: unknown) => e instanceof WorkerGoneError && /stopped .*replaced — try again/.test(e.message));
      assert.equal(pool.replaced, 1);
      assert.notEqual(pool.threads[0], victim);
      const retried = await within(pool.compare(pair, options), 60_000);
      const reference = comparePair(predVolume, labelVolume, options);
      assert.deepEqual(retried.labels[0]!.volume, reference.labels[0]!.volume);
    } finally {
      await pool.dispose();
    }
  });
});
