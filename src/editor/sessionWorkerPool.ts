/**
 * The extension host's session worker threads, shared by every open document. A thread costs
 * ~70 ms of CPU to start and boots its own range workers and decode helpers; starting them per
 * document was most of the wait to the first slice of a small pair (docs/performance.md). The
 * pool starts nothing until the first document asks (activation stays free), hands an idle,
 * already-booted worker to the next document, and takes it back when the document closes (the
 * worker drops that document's volumes — its SharedArrayBuffers — on a 'release' message).
 * A worker that died is never handed out again: the next document gets a fresh one.
 * No `vscode` import: unit tests drive it directly.
 */
import { Worker } from 'node:worker_threads';
import { Disposable, toDisposable } from './dispose';
import { isWorkerAlive } from '../worker/workerJob';

export class SessionWorkerPool extends Disposable {
  private readonly idle: Worker[] = [];
  /** Threads started so far (tests and logs: reuse means this stays small). */
  started = 0;

  /**
   * @param maxIdle how many released workers stay booted for the next document; more are
   * ended (each idle worker holds its range workers, a few MB of heap each).
   */
  constructor(private readonly workerFile: string, private readonly maxIdle = 1) {
    super();
    this._register(toDisposable(() => {
      for (const w of this.idle.splice(0)) void w.terminate();
    }));
  }

  /** A live, booted worker if one is idle, else a new one. The caller owns it until release(). */
  acquire(): Worker {
    if (this.isDisposed) throw new Error('the Mask Inspector worker pool was closed');
    while (this.idle.length > 0) {
      const w = this.idle.pop()!;
      if (isWorkerAlive(w)) return w;
    }
    this.started++;
    const w = new Worker(this.workerFile);
    // An idle worker that dies (out of memory, crash) is dropped here; a busy one is its client's to report.
    w.on('exit', () => { const i = this.idle.indexOf(w); if (i >= 0) this.idle.splice(i, 1); });
    // Without a listener an 'error' event would be thrown on the host; the client listens while it owns the worker.
    w.on('error', () => undefined);
    return w;
  }

  /**
   * Takes a worker back: it forgets its document's volumes and waits for the next one. A dead
   * worker, or one beyond maxIdle, or any after dispose, is ended instead.
   */
  release(worker: Worker): void {
    if (this.isDisposed || !isWorkerAlive(worker) || this.idle.length >= this.maxIdle) {
      void worker.terminate();
      return;
    }
    worker.postMessage({ type: 'release', id: 0 });
    this.idle.push(worker);
  }

  get idleCount(): number {
    return this.idle.length;
  }
}
