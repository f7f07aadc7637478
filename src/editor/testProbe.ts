/**
 * Test-only record of the host ↔ webview traffic, per document, so integration tests running in
 * a real VS Code can check the numbers the webview received and what it asked for. Created only
 * in test mode (extension.ts); in normal use nothing is recorded.
 */
import type { HostMessage, WebviewMessage } from '../core/protocol';

/** Entries kept per direction and document: enough for a test, bounded for a long session. */
const LIMIT = 2000;
/** Slices whose values are summed; later ones only get their size, so timing runs stay undistorted. */
const SUMMED_SLICES = 32;

export interface BufferSummary {
  readonly bytes: number;
  /** Sum of the values read as the buffer's element type (Float32, or the label's labelType), to compare slices; null after the first 32 slices. */
  readonly sum: number | null;
}

export interface ProbeLog {
  readonly uri: string;
  readonly received: readonly WebviewMessage[];
  /** Host messages as posted, with pixel buffers replaced by BufferSummary. */
  readonly posted: readonly unknown[];
  /** Milestones with performance.now() times of the extension host (timing tests). */
  readonly timeline: readonly TimelineEntry[];
}

export interface TimelineEntry {
  /** 'open' (document created), 'ready', 'init', 'slice' (answered), 'losses:<axis>' (posted). */
  readonly event: string;
  readonly at: number;
  /** For 'slice': milliseconds from the webview's request reaching the host to the slice being posted. */
  readonly ms?: number;
}

function summarise(buffer: ArrayBuffer | null, type: 'float32' | 'int32' | 'uint16' | 'uint8', withSum: boolean): BufferSummary | null {
  if (buffer === null) return null;
  if (!withSum) return { bytes: buffer.byteLength, sum: null };
  const values = type === 'float32' ? new Float32Array(buffer) : type === 'uint8' ? new Uint8Array(buffer)
    : type === 'uint16' ? new Uint16Array(buffer) : new Int32Array(buffer);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return { bytes: buffer.byteLength, sum };
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > LIMIT) list.splice(0, list.length - LIMIT);
}

interface Log {
  readonly received: WebviewMessage[];
  readonly posted: unknown[];
  readonly timeline: TimelineEntry[];
  slicesSeen: number;
}

export class TestProbe {
  private readonly logs = new Map<string, Log>();

  private log(uri: string): Log {
    let log = this.logs.get(uri);
    if (log === undefined) {
      log = { received: [], posted: [], timeline: [], slicesSeen: 0 };
      this.logs.set(uri, log);
    }
    return log;
  }

  mark(uri: string, event: string, ms?: number): void {
    push(this.log(uri).timeline, { event, at: performance.now(), ...(ms === undefined ? {} : { ms }) });
  }

  received(uri: string, message: WebviewMessage): void {
    push(this.log(uri).received, structuredClone(message));
  }

  /** Call before posting: the buffers are read here, while they are still attached. */
  posted(uri: string, message: HostMessage): void {
    const log = this.log(uri);
    let entry: unknown;
    if (message.type === 'slice') {
      const withSum = (log.slicesSeen++) < SUMMED_SLICES;
      entry = {
        ...message,
        prediction: summarise(message.prediction, 'float32', withSum),
        label: summarise(message.label, message.labelType ?? 'int32', withSum),
        underlay: summarise(message.underlay, 'float32', withSum),
        ...(message.predictionB === undefined ? {} : { predictionB: summarise(message.predictionB, 'float32', withSum) }),
      };
    } else {
      entry = structuredClone(message);
    }
    push(log.posted, entry);
  }

  /** A copy of the log of one document (by URI string), or of every document. */
  snapshot(uri?: string): ProbeLog[] {
    const entries = [...this.logs].filter(([key]) => uri === undefined || key === uri);
    return entries.map(([key, log]) => structuredClone({ uri: key, received: log.received, posted: log.posted, timeline: log.timeline }));
  }

  clear(): void {
    this.logs.clear();
  }
}
