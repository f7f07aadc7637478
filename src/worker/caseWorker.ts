/**
 * Worker-thread entry (dist/caseWorker.js) of the folder report: computes one whole case at a
 * time on this thread (computeCase) and posts the outcome back. The pool sends the next case
 * only after the reply, so a worker never holds more than one pair of volumes.
 */
import { parentPort } from 'node:worker_threads';
import { computeCase } from '../core/report/computeCase';
import type { CaseJob, CaseReply } from './caseMessages';

if (!parentPort) throw new Error('caseWorker.js must run as a worker thread');
const port = parentPort;

port.on('message', (job: CaseJob) => {
  const outcome = computeCase(job.pair, job.options);
  const reply: CaseReply = { id: job.id, outcome, rss: process.memoryUsage.rss() };
  port.postMessage(reply);
});
