/**
 * Issue #10 target 4: one session worker per extension host, shared by every document (open at
 * the same time or one after another). Each document sees only its own pair; closing one drops
 * its volumes and leaves the others working; a worker that died is replaced, never reused.
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
    assert.equal(pool.documentCount, 0);
    assert.ok(pool.hasWorker, 'the worker stays booted for the next document');

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
  assert.equal(pool.hasWorker, false, 'disposing the pool ends its worker');
});

test('documents open at the same time share one worker thread and keep their own pairs', async () => {
  const pool = new SessionWorkerPool(WORKER);
  const clients: SessionWorkerClient[] = [];
  try {
    const a = new SessionWorkerClient(pool), b = new SessionWorkerClient(pool), c = new SessionWorkerClient(pool);
    clients.push(a, b, c);
    // Opened concurrently: the decodes overlap in the one worker.
    const [pa, pb, pc] = await Promise.all([
      a.open(options('prob_f32.nii.gz', 'labels_u8.nii.gz')),
      b.open(options('prob_f64.nii', 'labels_u8.nii.gz')),
      c.open(options('prob_f32.nii.gz', 'labels_u8.nii.gz')),
    ]);
    assert.equal(pool.started, 1, 'one thread serves the three documents');
    assert.equal(pool.documentCount, 3);
    assert.deepEqual([pa.predictionName, pb.predictionName, pc.predictionName], ['prob_f32.nii.gz', 'prob_f64.nii', 'prob_f32.nii.gz']);
    // Each document's generations are its own announcements; a change of one never touches another.
    await c.setKind('logits').catch(() => undefined);
    const [la, lb] = await Promise.all([a.losses('k'), b.losses('k')]);
    assert.deepEqual(la.labels.map((l) => l.volume), expectedVolumeLosses('prob_f32.nii.gz', 'labels_u8.nii.gz'));
    assert.deepEqual(lb.labels.map((l) => l.volume), expectedVolumeLosses('prob_f64.nii', 'labels_u8.nii.gz'));

    // Closing one leaves the others working; the closed one's requests are refused by its client.
    a.dispose();
    const slice = await b.slice('k', 2);
    assert.equal(slice.width * slice.height, 9 * 8);
    const again = await b.losses('k');
    assert.deepEqual(again.labels.map((l) => l.volume), expectedVolumeLosses('prob_f64.nii', 'labels_u8.nii.gz'));
    assert.equal(pool.documentCount, 2);
  } finally {
    for (const c of clients) c.dispose();
    pool.dispose();
  }
});

test('a request for a document the worker does not hold fails clearly (e.g. after its release)', async () => {
  const pool = new SessionWorkerPool(WORKER);
  try {
    const held = new SessionWorkerClient(pool);
    await held.open(options('prob_f32.nii.gz', 'labels_u8.nii.gz'));
    const worker = pool.acquire();
    // A document id the worker never opened: its own message, not another document's pair.
    const reply = await new Promise<{ type: string; message?: string }>((resolve) => {
      const onMessage = (m: { id: number; type: string; message?: string }) => { if (m.id === -7) { worker.off('message', onMessage); resolve(m); } };
      worker.on('message', onMessage);
      worker.postMessage({ type: 'slice', id: -7, doc: -1, axis: 'k', index: 0 });
    });
    assert.equal(reply.type, 'failed');
    assert.match(reply.message ?? '', /no pair is open for this document/);
    pool.release(worker, -1);
    held.dispose();
  } finally {
    pool.dispose();
  }
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
    assert.equal(pool.hasWorker, false, 'a dead worker is not handed out again');

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
