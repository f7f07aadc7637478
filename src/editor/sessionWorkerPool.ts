/**
 * The extension host's session worker: ONE thread serving every open document (each client's
 * requests carry its document id), with the range workers and decode helpers it boots. Starting
 * threads per document was most of the wait to the first slice of a small pair, and N open
 * documents held N sets of threads (docs/performance.md). The pool starts nothing until the first
 * document asks (activation stays free); a closed document's volumes are dropped ('release'),
 * and the thread stays booted for the next one. A worker that died is never handed out again:
 * every document it served fails with the client's message, and the next one gets a fresh thread.
 * No `vscode` import: unit tests drive it directly.
 */
import { Worker } from 'node:worker_threads';
import { Disposable, toDisposable } from './dispose';
import { isWorkerAlive } from '../worker/workerJob';

export class SessionWorkerPool extends Disposable {
  private shared: Worker | null = null;
  /** Documents holding the shared worker now. */
  private users = 0;
  /** Threads started so far (tests and logs: sharing means this stays at one while it lives). */
  started = 0;

  constructor(private readonly workerFile: string) {
    super();
    this._register(toDisposable(() => {
      const w = this.shared;
      this.shared = null;
      if (w !== null) void w.terminate();
    }));
  }

  /** The shared, live worker (started on first use or after the last one died). The caller releases it. */
  acquire(): Worker {
    if (this.isDisposed) throw new Error('the Mask Inspector worker pool was closed');
    if (this.shared !== null && isWorkerAlive(this.shared)) {
      this.users++;
      return this.shared;
    }
    this.started++;
    const w = new Worker(this.workerFile);
    // A dead worker (out of memory, crash) is dropped here; each client reports it to its document.
    w.on('exit', () => { if (this.shared === w) { this.shared = null; this.users = 0; } });
    // Without a listener an 'error' event would be thrown on the host; clients listen while they use the worker.
    w.on('error', () => undefined);
    // Every open document's client listens on it: more than EventEmitter's default of ten is expected.
    w.setMaxListeners(0);
    this.shared = w;
    this.users = 1;
    return w;
  }

  /** A document closed: the worker drops its volumes and goes on serving the others (or waits, booted). */
  release(worker: Worker, doc: number): void {
    if (worker !== this.shared) {
      // A worker that was replaced after it died, or any after dispose.
      void worker.terminate();
      return;
    }
    this.users = Math.max(0, this.users - 1);
    if (this.isDisposed || !isWorkerAlive(worker)) return;
    worker.postMessage({ type: 'release', id: 0, doc });
  }

  /** Documents using the shared worker (tests). */
  get documentCount(): number {
    return this.users;
  }

  /** True when a booted worker is waiting (tests). */
  get hasWorker(): boolean {
    return this.shared !== null && isWorkerAlive(this.shared);
  }
}
