/**
 * The extension host's handle on one session worker (dist/worker.js). Requests become promises;
 * every pending promise is rejected when the worker dies or the client is disposed, so no
 * caller waits forever. A worker that died (out of memory, a crash) is reported once
 * (`onDidDie`) and can be replaced by a fresh one (`revive`); its pair is then opened again by
 * the caller (MaskDocument). No `vscode` import: the timing bench and unit tests drive it directly.
 */
import { exactArrayBuffer } from '../core/io/bytes';
import { Worker } from 'node:worker_threads';
import type { Axis, PredictionKindOption } from '../core/analysis/result';
import type { MetricSettings } from '../core/kernels/metricIds';
import { Disposable, DisposedError, toDisposable } from './dispose';
import type { SessionWorkerPool } from './sessionWorkerPool';
import type {
  FilePayload, FileRole, LossesReply, MetricsReply, OpenRequest, PairSummary, SessionMessage, SessionReply, SessionRequest, SliceReply,
} from '../worker/sessionMessages';

/** A request the worker refused; `file` names the input at fault, null for anything else. */
export class SessionError extends Error {
  constructor(readonly file: string | null, message: string) {
    super(message);
    this.name = 'SessionError';
  }
}

interface Pending {
  readonly type: SessionRequest['type'];
  resolve(reply: SessionReply): void;
  reject(error: Error): void;
  /** Open requests: the provisional pair, before the reply (see OpenRequest.previewMinVoxels). */
  preview?(pair: PairSummary): void;
}

/**
 * The worker thread is gone (it exited or threw): every request pending on it, and every later
 * one until `revive`, fails with this. The pair it held is lost with it.
 */
export class SessionWorkerGoneError extends SessionError {
  constructor(message: string) {
    super(null, message);
    this.name = 'SessionWorkerGoneError';
  }
}

/** Request without the id and document the client fills in. */
type Unnumbered<T> = T extends SessionRequest ? Omit<T, 'id' | 'doc'> : never;

/** An open request without the fields the client fills in, plus where to report the preview. */
export type OpenOptions = Omit<OpenRequest, 'type' | 'id' | 'doc'> & {
  readonly onPreview?: (pair: PairSummary) => void;
};

/**
 * Request ids, unique across every client: a pooled worker serves one document after another, and
 * a late reply to the previous document's request must never match one of the next document's.
 */
let nextRequestId = 1;
/** Document ids, unique across clients: the worker keeps each document's pair under its client's id. */
let nextDocumentId = 1;

export class SessionWorkerClient extends Disposable {
  private worker: Worker;
  /** Stops listening to `worker` and hands it back to the pool, or ends it (`dead`, or a thread of its own). */
  private detach: (dead?: boolean) => void;
  private readonly doc = nextDocumentId++;
  private readonly pending = new Map<number, Pending>();
  /** Set once the worker is gone (until `revive`); requests fail with it at once. */
  private deadReason: SessionWorkerGoneError | null = null;

  /**
   * `source`: the worker bundle (a thread of this client's own, ended on dispose) or the host's
   * pool (the thread every document shares; on dispose it frees this document's volumes).
   * `onDidDie` hears once of each worker that died while this client used it.
   */
  constructor(
    private readonly source: string | SessionWorkerPool, private readonly label = 'the Mask Inspector worker',
    private readonly onDidDie?: (error: SessionWorkerGoneError) => void,
  ) {
    super();
    ({ worker: this.worker, detach: this.detach } = this.attach());
    this._register(toDisposable(() => {
      this.rejectAll(new DisposedError(label));
      this.detach();
    }));
  }

  /** True once the worker died, until `revive`. */
  get isDead(): boolean {
    return this.deadReason !== null;
  }

  /**
   * After the worker died: continues with a fresh one (an idle one of the pool, or a new thread).
   * It holds no pair: open one before asking for slices. Does nothing while the worker lives.
   */
  revive(): void {
    if (this.isDisposed) throw new DisposedError(this.label);
    if (this.deadReason === null) return;
    ({ worker: this.worker, detach: this.detach } = this.attach());
    this.deadReason = null;
  }

  private attach(): { worker: Worker; detach: (dead?: boolean) => void } {
    const source = this.source;
    const worker = typeof source === 'string' ? new Worker(source) : source.acquire();
    const onMessage = (reply: SessionMessage) => { if (worker === this.worker) this.onReply(reply); };
    // An uncaught exception in the worker: nothing it was doing will answer.
    const onError = (error: Error) => this.fail(worker, `${this.label} stopped: ${error.message}`);
    const onExit = (code: number) => this.fail(worker, `${this.label} exited unexpectedly (code ${code})`);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    let attached = true;
    const detach = (dead = false) => {
      if (!attached) return;
      attached = false;
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (typeof source !== 'string' && !dead) source.release(worker, this.doc);
      else void worker.terminate();
    };
    return { worker, detach };
  }

  open(options: OpenOptions): Promise<PairSummary> {
    const { onPreview, ...request } = options;
    const transfer = [options.prediction.bytes, options.label?.bytes, options.underlay?.bytes]
      .filter((b): b is ArrayBuffer => b !== undefined);
    return this.request({ type: 'open', ...request }, transfer, onPreview).then(prepared);
  }

  replace(role: FileRole, file: FilePayload | null): Promise<PairSummary> {
    return this.request({ type: 'replace', role, file }, file ? [file.bytes] : []).then(prepared);
  }

  swap(): Promise<PairSummary> {
    return this.request({ type: 'swap' }).then(prepared);
  }

  setKind(kind: PredictionKindOption): Promise<PairSummary> {
    return this.request({ type: 'setKind', kind }).then(prepared);
  }

  slice(axis: Axis, index: number): Promise<SliceReply> {
    return this.request({ type: 'slice', axis, index }).then((r) => expect(r, 'slice'));
  }

  losses(axis: Axis): Promise<LossesReply> {
    return this.request({ type: 'losses', axis }).then((r) => expect(r, 'losses'));
  }

  /** Evaluation metrics along `axis`; the worker starts them once that axis's losses are done. */
  metrics(axis: Axis, settings: MetricSettings): Promise<MetricsReply> {
    return this.request({ type: 'metrics', axis, settings }).then((r) => expect(r, 'metrics'));
  }

  private request(
    message: Unnumbered<SessionRequest>, transfer: ArrayBuffer[] = [], preview?: (pair: PairSummary) => void,
  ): Promise<SessionReply> {
    if (this.isDisposed) return Promise.reject(new DisposedError(this.label));
    if (this.deadReason !== null) return Promise.reject(this.deadReason);
    const id = nextRequestId++;
    return new Promise<SessionReply>((resolve, reject) => {
      this.pending.set(id, { type: message.type, resolve, reject, ...(preview ? { preview } : {}) });
      this.worker.postMessage({ ...message, id, doc: this.doc } as SessionRequest, transfer);
    });
  }

  private onReply(reply: SessionMessage): void {
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return; // answered after dispose: nobody is waiting
    if (reply.type === 'preview') {
      // A notice, not the answer: the request stays pending.
      pending.preview?.(reply.pair);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.type === 'failed') pending.reject(new SessionError(reply.file, reply.message));
    else pending.resolve(reply);
  }

  private fail(worker: Worker, reason: string): void {
    if (this.isDisposed || worker !== this.worker || this.deadReason !== null) return;
    const error = new SessionWorkerGoneError(`${reason}; the pair it held is lost — Retry opens it again in a new one`);
    this.deadReason = error;
    this.detach(true);
    this.rejectAll(error);
    this.onDidDie?.(error);
  }

  private rejectAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}

function prepared(reply: SessionReply): PairSummary {
  return expect(reply, 'prepared').pair;
}

function expect<T extends SessionReply['type']>(reply: SessionReply, type: T): Extract<SessionReply, { type: T }> {
  if (reply.type !== type) throw new SessionError(null, `internal: the worker answered a ${type} request with ${reply.type}`);
  return reply as Extract<SessionReply, { type: T }>;
}

/**
 * File bytes as an ArrayBuffer the worker can take over (transfer, not copy). Node's pooled
 * small-file Buffers and views into bigger buffers are copied first; transferring their buffer
 * would hand the worker (and detach here) memory that holds other data.
 */
export function transferableBytes(bytes: Uint8Array): ArrayBuffer {
  // Not bytes.slice().buffer: on a pooled Node Buffer that is the whole pool (src/core/io/bytes.ts).
  return exactArrayBuffer(bytes);
}
