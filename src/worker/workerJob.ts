/**
 * Posts one job to a worker thread and waits for the reply carrying the same id. Settles always:
 * a worker that has already exited (its `exit` event long gone, threadId −1) fails the job at
 * once, and one that exits or throws meanwhile fails it then (issue #9: a job sent to a dead
 * range worker waited forever).
 */
import type { Transferable, Worker } from 'node:worker_threads';

/** The worker thread stopped (out of memory, a native crash, terminated): the job will never be answered. */
export class WorkerGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerGoneError';
  }
}

export function isWorkerAlive(worker: Worker): boolean {
  return worker.threadId >= 0;
}

/** `transfer`: buffers the job hands over instead of copying (e.g. a file's bytes). */
export function awaitReply<R extends { readonly id: number }>(worker: Worker, job: { readonly id: number }, transfer: readonly Transferable[] = []): Promise<R> {
  if (!isWorkerAlive(worker)) return Promise.reject(new WorkerGoneError('the worker thread had already stopped (out of memory or crashed)'));
  return new Promise((resolve, reject) => {
    const onMessage = (reply: R) => { if (reply.id === job.id) { cleanup(); resolve(reply); } };
    const onError = (error: Error) => { cleanup(); reject(new WorkerGoneError(`the worker thread failed: ${error.message}`)); };
    const onExit = (code: number) => { cleanup(); reject(new WorkerGoneError(`the worker thread exited (code ${code}) before finishing: out of memory, or it crashed`)); };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job, [...transfer]);
  });
}

/**
 * Detaches one empty buffer. V8's optimised code assumes no ArrayBuffer was ever detached until
 * one is; then it throws away every optimised function of the thread that reads a typed array —
 * kernels, scans, sorts — to be compiled again (≈ 50 ms of compiling in a 0.45 s `compare`). A
 * thread that transfers buffers (its replies) calls this when it starts, before anything is
 * compiled, so that happens once, at no cost.
 */
export function detachOneBuffer(): void {
  const buffer = new ArrayBuffer(0);
  structuredClone(buffer, { transfer: [buffer] });
}
