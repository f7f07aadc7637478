/** Posts one job to a worker thread and waits for the reply carrying the same id. */
import type { Worker } from 'node:worker_threads';

export function awaitReply<R extends { readonly id: number }>(worker: Worker, job: { readonly id: number }): Promise<R> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: R) => { if (reply.id === job.id) { cleanup(); resolve(reply); } };
    const onError = (error: Error) => { cleanup(); reject(error); };
    const onExit = (code: number) => { cleanup(); reject(new Error(`the worker thread exited (code ${code}) before finishing`)); };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job);
  });
}
