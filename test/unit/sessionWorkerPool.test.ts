/**
 * Issue #10 target 4: the extension host shares its session worker threads between documents.
 * A closed document hands its (booted) worker back with its volumes dropped; the next document
 * gets that same thread and the right numbers; a worker that died is replaced, never reused.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { comparePair } from '../../src/core/analysis/compare';
import { readVolume } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { SessionError, SessionWorkerClient, type OpenOptions } from '../../src/editor/sessionWorkerClient';
import { SessionWorkerPool } from '../../src/editor/sessionWorkerPool';
import type { FilePayload } from '../../src/worker/sessionMessages';
import { FIXTURES_DIR, REPO_ROOT } from './helpers/ioTestUtils';

const WORKER = resolve(REPO_ROOT, 'dist/worker.js');

function payload(file: string): FilePayload {
  const bytes = readFileSync(resolve(FIXTURES_DIR, 'files', file));
  return { name: file, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}

function options(prediction: string, label: string): OpenOptions {
  return {
    prediction: payload(prediction), label: payload(label), underlay: null,
    kind: 'auto', maxVoxels: 1e9, params: DEFAULT_LOSS_PARAMS, jobs: 2, precomputeAxis: 'k',
  };
}

function expectedVolumeLosses(prediction: string, label: string) {
  const read = (f: string) => readVolume(readFileSync(resolve(FIXTURES_DIR, 'files', f)), f);
  return comparePair(read(prediction), read(label), { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS }).labels.map((l) => l.volume);
}

test('documents opened one after another share one worker thread; each sees only its own pair', async () => {
  const pool = new SessionWorkerPool(WORKER);
  const clients: SessionWorkerClient[] = [];
  try {
    assert.equal(pool.started, 0, 'nothing starts before the first document');
    const first = new SessionWorkerClient(pool);
    clients.push(first);
    const a = await first.open(options('prob_f32.nii.gz', 'labels_u8.nii.gz'));
    assert.deepEqual(a.shape, [9, 8, 5]);
    first.dispose();
    assert.equal(pool.idleCount, 1, 'the closed document handed its worker back');

    const second = new SessionWorkerClient(pool);
    clients.push(second);
    const b = await second.open(options('prob_f64.nii', 'labels_u8.nii.gz'));
    assert.equal(pool.started, 1, 'the second document reused the first thread');
    assert.equal(b.predictionName, 'prob_f64.nii');
    const losses = await second.losses('k');
    assert.deepEqual(losses.labels.map((l) => l.volume), expectedVolumeLosses('prob_f64.nii', 'labels_u8.nii.gz'));
    second.dispose();
  } finally {
    for (const c of clients) c.dispose();
    pool.dispose();
  }
  assert.equal(pool.idleCount, 0, 'disposing the pool ends its idle workers');
});

test('a dead pooled worker fails its document clearly and is replaced for the next one', async () => {
  const pool = new SessionWorkerPool(WORKER);
  const clients: SessionWorkerClient[] = [];
  try {
    const doomed = new SessionWorkerClient(pool);
    clients.push(doomed);
    await doomed.open(options('prob_f32.nii.gz', 'labels_u8.nii.gz'));
    // The thread is gone (out of memory or a crash): reach it as the OS would.
    const thread = (doomed as unknown as { worker: import('node:worker_threads').Worker }).worker;
    await thread.terminate();
    await assert.rejects(doomed.losses('k'), (e: unknown) => e instanceof SessionError && /exited unexpectedly|stopped/.test(e.message));
    doomed.dispose();
    assert.equal(pool.idleCount, 0, 'a dead worker is not handed back');

    const next = new SessionWorkerClient(pool);
    clients.push(next);
    const pair = await next.open(options('prob_f32.nii.gz', 'labels_u8.nii.gz'));
    assert.deepEqual(pair.shape, [9, 8, 5]);
    assert.equal(pool.started, 2, 'a fresh thread replaced the dead one');
    const losses = await next.losses('k');
    assert.deepEqual(losses.labels.map((l) => l.volume), expectedVolumeLosses('prob_f32.nii.gz', 'labels_u8.nii.gz'));
    next.dispose();
  } finally {
    for (const c of clients) c.dispose();
    pool.dispose();
  }
});
