/**
 * Issue #9, a dead *session* worker: every request pending on it fails at once with
 * SessionWorkerGoneError, the death is reported once (MaskDocument then rebuilds the pair, or
 * offers Retry), and `revive` continues with a fresh worker from the pool in which the pair opens
 * again with the right numbers. The worker is killed mid-job, as the OS would on out-of-memory.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { comparePair } from '../../src/core/analysis/compare';
import { readVolume } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { SessionError, SessionWorkerClient, SessionWorkerGoneError, type OpenOptions } from '../../src/editor/sessionWorkerClient';
import { SessionWorkerPool } from '../../src/editor/sessionWorkerPool';
import { REPO_ROOT } from './helpers/ioTestUtils';
import { gzip, writeNifti } from './helpers/niftiWriter';

const WORKER = resolve(REPO_ROOT, 'dist/worker.js');

/** A pair big enough that its losses take a while (≈1.5 M voxels), so the kill lands mid-job. */
const SHAPE = [128, 128, 96];
const N = SHAPE[0]! * SHAPE[1]! * SHAPE[2]!;
const PREDICTION = gzip(writeNifti({ shape: SHAPE, dtype: 'float32', values: Float32Array.from({ length: N }, (_, i) => ((i * 104729) % 101) / 100) }));
const LABEL = gzip(writeNifti({ shape: SHAPE, dtype: 'uint8', values: Uint8Array.from({ length: N }, (_, i) => ((i * 7919) % 13 < 4 ? 1 : 0)) }));

/** Fresh bytes each time: an open transfers them to the worker. */
function options(): OpenOptions {
  const own = (bytes: Uint8Array) => Uint8Array.from(bytes).buffer;
  return {
    prediction: { name: 'pred.nii.gz', bytes: own(PREDICTION) }, label: { name: 'label.nii.gz', bytes: own(LABEL) }, underlay: null,
    kind: 'auto', maxVoxels: 1e9, params: DEFAULT_LOSS_PARAMS, jobs: 2, precomputeAxis: null,
  };
}

function threadOf(client: SessionWorkerClient): Worker {
  return (client as unknown as { worker: Worker }).worker;
}

/** Settles within `ms` or fails the test (a hang is the defect). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms).unref())]);
}

const gone = (e: unknown) => e instanceof SessionWorkerGoneError && e instanceof SessionError && e.file === null
  && /worker for pred\.nii\.gz exited unexpectedly \(code 1\); the pair it held is lost — Retry opens it again in a new one/.test(e.message);

test('a session worker killed mid-job fails its requests, says so once, and a revived client opens the pair again in a fresh worker', async () => {
  const pool = new SessionWorkerPool(WORKER);
  const deaths: SessionWorkerGoneError[] = [];
  const client = new SessionWorkerClient(pool, 'the Mask Inspector worker for pred.nii.gz', (error) => deaths.push(error));
  try {
    await within(client.open(options()), 60_000);
    const first = threadOf(client);
    // Mid-job: the losses (and a slice) are asked for, then the thread is gone.
    const losses = client.losses('k');
    const slice = client.slice('k', 10);
    await first.terminate();
    await assert.rejects(within(losses, 10_000), gone);
    await assert.rejects(within(slice, 10_000), gone);
    assert.equal(deaths.length, 1, 'the death is reported once, whatever was pending');
    assert.ok(client.isDead);
    await assert.rejects(within(client.losses('k'), 1000), gone, 'later requests fail at once');
    assert.equal(pool.hasWorker, false, 'the dead worker is not handed out again');

    client.revive();
    assert.equal(client.isDead, false);
    assert.notEqual(threadOf(client), first);
    assert.equal(pool.started, 2, 'a fresh thread from the pool');
    // A fresh worker holds no pair: MaskDocument waits for the pair to be opened again before asking.
    await assert.rejects(client.slice('k', 0), (e: unknown) => e instanceof SessionError && /no pair is open/.test(e.message));

    // Killed again, while decoding this time: the open fails the same way, and is reported again.
    const opening = client.open(options());
    await threadOf(client).terminate();
    await assert.rejects(within(opening, 10_000), gone);
    assert.equal(deaths.length, 2);

    client.revive();
    const pair = await within(client.open(options()), 60_000);
    assert.deepEqual(pair.shape, SHAPE);
    const reply = await within(client.losses('k'), 60_000);
    const reference = comparePair(readVolume(PREDICTION, 'pred.nii.gz'), readVolume(LABEL, 'label.nii.gz'), { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS });
    const rel = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
    for (const [name, value] of Object.entries(reference.labels[0]!.volume)) {
      const got = (reply.labels[0]!.volume as unknown as Record<string, number>)[name]!;
      assert.ok(typeof value !== 'number' || rel(got, value), `${name}: ${got} ≠ ${value}`);
    }
    assert.equal(pool.started, 3);
  } finally {
    client.dispose();
    pool.dispose();
  }
});

test('a client disposed after its worker died ends quietly; the pool keeps working', async () => {
  const pool = new SessionWorkerPool(WORKER);
  const client = new SessionWorkerClient(pool, 'the Mask Inspector worker for pred.nii.gz', () => undefined);
  let next: SessionWorkerClient | null = null;
  try {
    await within(client.open(options()), 60_000);
    await threadOf(client).terminate();
    await assert.rejects(client.losses('k'), gone);
    client.dispose();
    assert.throws(() => client.revive(), /was closed/);
    next = new SessionWorkerClient(pool);
    assert.deepEqual((await within(next.open(options()), 60_000)).shape, SHAPE);
  } finally {
    client.dispose();
    next?.dispose();
    pool.dispose();
  }
});
