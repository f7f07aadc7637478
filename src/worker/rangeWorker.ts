/**
 * Worker-thread entry (dist/rangeWorker.js): computes one range of slices of a prepared pair
 * whose voxel arrays live in SharedArrayBuffers, so no volume is copied per worker — or the
 * volume-level metrics of the pair.
 */
import { ownsWholeBuffer } from '../core/io/bytes';
import { parentPort } from 'node:worker_threads';
import { computeRange, type RangeResult } from '../core/analysis/computeRange';
import { directedDistancesOf } from '../core/analysis/boxMetrics';
import { computeSliceMetrics, type SliceMetricsRange } from '../core/analysis/metrics';
import { computeVolumeMetrics, type VolumeMetricsResult } from '../core/analysis/volumeMetrics';
import { joinTranspose } from '../core/io/sharedTranspose';
import { primeSoftKernel } from '../core/kernels/softSlice';
import { inflateAndScan } from './inflateScan';
import { detachOneBuffer } from './workerJob';
import { CLAIM_FREE, CLAIM_WORKER, type RangeReply, type RangeWorkerMessage } from './rangeMessages';

if (!parentPort) throw new Error('rangeWorker.js must run as a worker thread');
const port = parentPort;

// Replies transfer their buffers (below): see detachOneBuffer.
detachOneBuffer();

port.on('message', (job: RangeWorkerMessage) => {
  if (job.task === 'prime') {
    // While the label inflates (its stream yields between chunks): compiled in the background
    // before this thread's first slab, instead of that slab running in the interpreter.
    primeSoftKernel();
    return;
  }
  if (job.task === 'transpose') {
    joinTranspose(job.job);
    return;
  }
  if (job.task === 'inflate') {
    inflateAndScan(job.gz, job.buffer, job.span, job.trailing).then(
      (result) => port.postMessage({ id: job.id, ok: true, result } satisfies RangeReply),
      (error: unknown) => port.postMessage({ id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies RangeReply));
    return;
  }
  if (job.task === 'range' && job.claim && Atomics.compareExchange(job.claim.flags, job.claim.index, CLAIM_FREE, CLAIM_WORKER) !== CLAIM_FREE) {
    port.postMessage({ id: job.id, ok: true, result: null } satisfies RangeReply); // the CLI's thread took this slab
    return;
  }
  let reply: Exclude<RangeReply, { result: unknown }> | { readonly id: number; readonly ok: true; readonly result: RangeResult | VolumeMetricsResult | SliceMetricsRange | Float64Array };
  try {
    const result = job.task === 'distances' ? directedDistancesOf(job.codes, job.box, job.spacing, job.seedBit, job.queryBit)
      : job.task === 'volumeMetrics' ? computeVolumeMetrics(job.pair, job.metrics)
      : job.task === 'sliceMetrics' ? { start: job.start, end: job.end, rows: computeSliceMetrics(job.pair, job.axis, job.start, job.end, job.metrics) }
        : computeRange(job.pair, job.axis, job.params, job.start, job.end, true, job.metrics, job.conventions ?? null, job.keepPlanes ?? false);
    reply = { id: job.id, ok: true, result };
  } catch (error) {
    reply = { id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply, reply.ok ? transferables(reply.result) : []);
});

function transferables(result: RangeResult | VolumeMetricsResult | SliceMetricsRange | Float64Array): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  const add = (a: { buffer: ArrayBufferLike } | null | undefined) => {
    // Only arrays spanning their whole buffer: a view's buffer would carry more than the array.
    if (a && ownsWholeBuffer(a as ArrayBufferView) && !buffers.includes(a.buffer as ArrayBuffer)) buffers.push(a.buffer as ArrayBuffer);
  };
  if (result instanceof Float64Array) {
    add(result);
    return buffers;
  }
  if ('rows' in result) {
    for (const r of result.rows) add(r);
    return buffers;
  }
  if (!('start' in result)) {
    for (const l of result.labels) add(l);
    return buffers;
  }
  for (const l of result.labels) { add(l.sums); add(l.lovasz); add(l.keysLo); add(l.keysHi); add(l.metrics); add(l.conventionSums); }
  for (const rects of result.planes ?? []) for (const r of rects) add(r.codes);
  const mcc = result.multiclassConventions;
  if (mcc) { add(mcc.rows); add(mcc.lovasz); add(mcc.classLoss); for (const k of mcc.classKeys ?? []) { add(k?.lo); add(k?.hi); } }
  const mc = result.multiclass;
  if (mc) {
    add(mc.slices); add(mc.classGts); add(mc.classLoss); add(mc.classFp); add(mc.classFn);
    for (const k of mc.classKeys ?? []) { add(k?.lo); add(k?.hi); }
  }
  return buffers;
}
