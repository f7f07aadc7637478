/**
 * report.json is parsed and indexed in a worker thread (dist/reportIndexWorker.js), never on the
 * extension host's thread (issue #9: large or hostile workspace files must not block the host).
 * The worker's answers equal indexReport's on the same text, and every failure is a reason.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { indexReport } from '../../src/core/report/reportIndex';
import { awaitReply } from '../../src/worker/workerJob';
import type { ReportIndexJob, ReportIndexReply } from '../../src/worker/reportIndexWorker';
import { REPO_ROOT } from './helpers/ioTestUtils';

const WORKER = resolve(REPO_ROOT, 'dist/reportIndexWorker.js');

async function indexInWorker(text: string): Promise<ReportIndexReply> {
  const bytes = new TextEncoder().encode(text).buffer;
  const worker = new Worker(WORKER);
  try {
    const job: ReportIndexJob = { id: 7, bytes };
    const reply = await awaitReply<ReportIndexReply>(worker, job, [bytes]);
    assert.equal(bytes.byteLength, 0, 'the bytes are transferred, not copied');
    return reply;
  } finally {
    await worker.terminate();
  }
}

const report = (index: number) => ({
  tool: { name: 'mask-inspector' }, reportFormat: 1, settings: { axis: 'k' },
  cases: [{ case: 'x', status: 'done', result: { shape: [4, 4, 8], labels: [{ label: 1, slices: [{ index, losses: { dice: 0.25 } }] }] } }],
});

test('report.json indexed in a worker equals indexReport on the host', async () => {
  const text = JSON.stringify(report(3));
  const reply = await indexInWorker(text);
  assert.equal(reply.type, 'index');
  assert.deepEqual(reply.type === 'index' ? reply.index : null, indexReport(JSON.parse(text)));
});

test('a hostile slice index (5e8) is dropped in the worker too', async () => {
  const reply = await indexInWorker(JSON.stringify(report(5e8)));
  assert.equal(reply.type, 'index');
  if (reply.type === 'index') assert.equal(reply.index.cases[0]!.labels[0]!.sliceCount, 0);
});

test('broken JSON and a foreign JSON file come back as reasons, not exceptions', async () => {
  const broken = await indexInWorker('{"tool": ');
  assert.equal(broken.type, 'error');
  if (broken.type === 'error') assert.match(broken.message, /^not valid JSON \(/);
  const foreign = await indexInWorker('{"hello": 1}');
  assert.equal(foreign.type, 'error');
  if (foreign.type === 'error') assert.match(foreign.message, /not a Mask Inspector report\.json/);
});
