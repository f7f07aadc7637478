/**
 * The extension host's side of the protocol, played from Node: records what the webview posts
 * and (unless told not to) answers requestSlice from an in-memory volume and requestLosses from
 * prepared results, the way the real host does: through window 'message' events.
 */
import type { Page } from 'playwright-core';
import type { Axis } from '../../src/core/analysis/result';
import { sliceSize, type HostMessage, type LossesMessage, type MetricsMessage, type SliceMessage, type WebviewMessage } from '../../src/core/protocol';

export interface FakeVolume {
  readonly shape: readonly [number, number, number];
  /** nx·ny·nz·channels values, x fastest, channel slowest (NIfTI order). */
  readonly prediction: Float32Array;
  readonly channels: number;
  readonly label: Int32Array | null;
  readonly underlay: Float32Array | null;
  /** Three-way editor: prediction B (one channel), sent with every slice as `predictionB`. */
  readonly predictionB?: Float32Array;
}

/** What the page script defines (see browserHarness.ts pageScript). */
export interface PageGlobals {
  readonly __mi: {
    post(message: unknown): void;
    pixel(x: number, y: number): number[];
    nativeSize(): [number, number];
    text(selector: string): string | null;
    tableOrder(): number[];
    currentRow(): number | null;
    chartPoint(index: number, count: number): { x: number; y: number };
    canvasPoint(column: number, displayRow: number): { x: number; y: number };
    timeKey(key: string): { ms: number; cached: boolean };
    timeClick(selector: string): number;
    postGenerated(requestId: number, axis: Axis, index: number): void;
    domRows(): number;
    savedState: unknown;
  };
}

/** A slice message with its pixel buffers as base64 (the page script turns them back into ArrayBuffers). */
type WireSlice = Omit<SliceMessage, 'prediction' | 'label' | 'underlay' | 'predictionB'> & {
  prediction: string; label: string | null; underlay: string | null; predictionB?: string;
};

function base64(data: Float32Array | Int32Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** Voxel (i, j, k) of slice pixel (column, row), written independently of the webview's own mapping. */
function voxel(axis: Axis, index: number, column: number, row: number): [number, number, number] {
  if (axis === 'k') return [column, row, index];
  if (axis === 'j') return [column, index, row];
  return [index, column, row];
}

export class FakeHost {
  readonly received: WebviewMessage[] = [];
  readonly errors: string[] = [];
  volume: FakeVolume | null = null;
  /**
   * Slices are made by the page script's `generateSlice` instead of cut from `volume`: big
   * slices cost seconds to ship through the DevTools protocol, which would swamp the test.
   */
  generateInPage = false;
  readonly losses = new Map<Axis, LossesMessage>();
  /** Posted right after the losses of the same axis, as the real host does. */
  readonly metrics = new Map<Axis, MetricsMessage>();
  /** Three-way editor: B's losses and metrics (side 'b'), posted before A's as the real host does. */
  readonly lossesB = new Map<Axis, LossesMessage>();
  readonly metricsB = new Map<Axis, MetricsMessage>();
  /** When false, requests are only recorded; the test answers them itself. */
  autoReply = true;

  constructor(private readonly page: Page) {}

  receive(message: WebviewMessage): void {
    this.received.push(message);
    if (!this.autoReply) return;
    if (message.type === 'requestSlice') {
      this.postSlice(message.requestId, message.axis, message.index).catch((error: unknown) => this.errors.push(`postSlice: ${String(error)}`));
    } else if (message.type === 'requestLosses') {
      const losses = this.losses.get(message.axis);
      const metrics = this.metrics.get(message.axis);
      const lossesB = this.lossesB.get(message.axis);
      const metricsB = this.metricsB.get(message.axis);
      if (losses !== undefined) {
        const sequence = [lossesB, losses, metricsB, metrics].filter((m): m is LossesMessage | MetricsMessage => m !== undefined);
        sequence.reduce<Promise<void>>((previous, m) => previous.then(() => this.post(m)), Promise.resolve())
          .catch((error: unknown) => this.errors.push(`post losses: ${String(error)}`));
      }
    }
  }

  async post(message: HostMessage | WireSlice): Promise<void> {
    await this.page.evaluate((m) => (globalThis as unknown as PageGlobals).__mi.post(m), message as unknown);
  }

  async postSlice(requestId: number, axis: Axis, index: number): Promise<void> {
    if (this.generateInPage) {
      await this.page.evaluate(([id, a, i]) => (globalThis as unknown as PageGlobals).__mi.postGenerated(id, a, i), [requestId, axis, index] as const);
      return;
    }
    await this.post(this.slice(requestId, axis, index));
  }

  slice(requestId: number, axis: Axis, index: number): WireSlice {
    const volume = this.volume;
    if (volume === null) throw new Error('FakeHost has no volume');
    const [nx, ny, nz] = volume.shape;
    const { width, height } = sliceSize(volume.shape, axis);
    const voxels = nx * ny * nz;
    const pixels = width * height;
    const prediction = new Float32Array(pixels * volume.channels);
    const label = volume.label === null ? null : new Int32Array(pixels);
    const underlay = volume.underlay === null ? null : new Float32Array(pixels);
    const predictionB = volume.predictionB === undefined ? null : new Float32Array(pixels);
    for (let row = 0; row < height; row++) {
      for (let column = 0; column < width; column++) {
        const [i, j, k] = voxel(axis, index, column, row);
        const v = i + nx * (j + ny * k);
        const p = row * width + column;
        for (let c = 0; c < volume.channels; c++) prediction[c * pixels + p] = volume.prediction[c * voxels + v]!;
        if (label !== null) label[p] = volume.label![v]!;
        if (underlay !== null) underlay[p] = volume.underlay![v]!;
        if (predictionB !== null) predictionB[p] = volume.predictionB![v]!;
      }
    }
    return {
      type: 'slice', requestId, axis, index, width, height,
      prediction: base64(prediction), label: label === null ? null : base64(label), underlay: underlay === null ? null : base64(underlay),
      ...(predictionB === null ? {} : { predictionB: base64(predictionB) }),
    };
  }

  /** Forgets what was received so the next waitFor only sees what follows. */
  clear(): void {
    this.received.length = 0;
  }

  of<T extends WebviewMessage['type']>(type: T): Extract<WebviewMessage, { type: T }>[] {
    return this.received.filter((m): m is Extract<WebviewMessage, { type: T }> => m.type === type);
  }

  last<T extends WebviewMessage['type']>(type: T): Extract<WebviewMessage, { type: T }> | undefined {
    return this.of(type).at(-1);
  }

  /** Resolves with the first received message matching `predicate`, or fails after `timeoutMs`. */
  async waitFor(predicate: (message: WebviewMessage) => boolean, what: string, timeoutMs = 5000): Promise<WebviewMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; received: ${this.received.map((m) => JSON.stringify(m)).join('\n')}`);
      }
      await new Promise((done) => setTimeout(done, 10));
    }
  }
}
