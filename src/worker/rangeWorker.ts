/**
 * Worker-thread entry (dist/rangeWorker.js): computes one range of slices of a prepared pair
 * whose voxel arrays live in SharedArrayBuffers, so no volume is copied per worker.
 */
import { parentPort } from 'node:worker_threads';
import { computeRange } from '../core/analysis/computeRange';
import type { RangeJob, RangeReply } from './rangeMessages';

if (!parentPort) throw new Error('rangeWorker.js must run as a worker thread');
const port = parentPort;

port.on('message', (job: RangeJob) => {
  let reply: RangeReply;
  try {
    const result = computeRange(job.pair, job.axis, job.params, job.start, job.end, true);
    reply = { id: job.id, ok: true, result };
  } catch (error) {
    reply = { id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply, reply.ok ? transferables(reply) : []);
});

function transferables(reply: Extract<RangeReply, { ok: true }>): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  const add = (a: { buffer: ArrayBufferLike } | null | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer && !buffers.includes(a.buffer)) buffers.push(a.buffer);
  };
  for (const l of reply.result.labels) { add(l.sums); add(l.lovasz); add(l.keysLo); add(l.keysHi); }
  const mc = reply.result.multiclass;
  if (mc) {
    add(mc.slices); add(mc.classGts); add(mc.classLoss); add(mc.classFp); add(mc.classFn);
    for (const k of mc.classKeys ?? []) { add(k?.lo); add(k?.hi); }
  }
  return buffers;
}
