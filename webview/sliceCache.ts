/**
 * Slice requests and the few slices kept decoded. Every request gets a fresh, increasing id;
 * a reply is accepted only for an id still pending, so replies from before a new `init` (or
 * duplicates) are ignored, and a reply for a slice the user has since left is cached, not drawn.
 */
import type { Axis } from '../src/core/analysis/result';
import type { RequestSliceMessage, SliceErrorMessage, SliceMessage } from '../src/core/protocol';
import type { DecodedSlice } from './sliceData';

/** Current slice, its two neighbours, and a little history for going back and forth. */
const CACHE_CAPACITY = 8;

function keyOf(axis: Axis, index: number): string {
  return `${axis}:${index}`;
}

export type SliceReply =
  | { readonly kind: 'slice'; readonly axis: Axis; readonly index: number; readonly slice: DecodedSlice }
  | { readonly kind: 'error'; readonly axis: Axis; readonly index: number; readonly message: string }
  | { readonly kind: 'stale' };

export class SliceCache {
  private nextRequestId = 1;
  private readonly pending = new Map<number, { axis: Axis; index: number }>();
  private readonly pendingKeys = new Set<string>();
  /** Insertion order is recency: get() moves an entry to the end. */
  private readonly slices = new Map<string, DecodedSlice>();
  /** Slices whose request failed, with the reason shown in their place. */
  private readonly failed = new Map<string, string>();

  constructor(private readonly post: (message: RequestSliceMessage) => void) {}

  /** Forgets everything: after a new init the old replies must not be drawn. */
  clear(): void {
    this.pending.clear();
    this.pendingKeys.clear();
    this.slices.clear();
    this.failed.clear();
  }

  get(axis: Axis, index: number): DecodedSlice | undefined {
    const key = keyOf(axis, index);
    const slice = this.slices.get(key);
    if (slice !== undefined) {
      this.slices.delete(key);
      this.slices.set(key, slice);
    }
    return slice;
  }

  failure(axis: Axis, index: number): string | undefined {
    return this.failed.get(keyOf(axis, index));
  }

  /**
   * Posts requestSlice unless the slice is cached or already requested. A slice that failed is
   * asked for again only when `retry` (the user navigated to it), not by prefetching.
   */
  request(axis: Axis, index: number, retry = false): void {
    const key = keyOf(axis, index);
    if (retry) this.failed.delete(key);
    if (this.slices.has(key) || this.pendingKeys.has(key) || this.failed.has(key)) return;
    const requestId = this.nextRequestId++;
    this.pending.set(requestId, { axis, index });
    this.pendingKeys.add(key);
    this.post({ type: 'requestSlice', requestId, axis, index });
  }

  /** `decode` may throw on a malformed slice; that becomes an error reply for the slice. */
  accept(message: SliceMessage, decode: (message: SliceMessage) => DecodedSlice): SliceReply {
    const request = this.takePending(message.requestId);
    if (request === undefined) return { kind: 'stale' };
    if (request.axis !== message.axis || request.index !== message.index) {
      const text = `host answered request ${message.requestId} for ${request.axis}:${request.index} with ${message.axis}:${message.index}`;
      this.failed.set(keyOf(request.axis, request.index), text);
      return { kind: 'error', ...request, message: text };
    }
    let slice: DecodedSlice;
    try {
      slice = decode(message);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.failed.set(keyOf(request.axis, request.index), text);
      return { kind: 'error', ...request, message: text };
    }
    this.slices.set(keyOf(request.axis, request.index), slice);
    while (this.slices.size > CACHE_CAPACITY) {
      const oldest = this.slices.keys().next().value as string;
      this.slices.delete(oldest);
    }
    return { kind: 'slice', ...request, slice };
  }

  acceptError(message: SliceErrorMessage): SliceReply {
    const request = this.takePending(message.requestId);
    if (request === undefined) return { kind: 'stale' };
    this.failed.set(keyOf(request.axis, request.index), message.message);
    return { kind: 'error', ...request, message: message.message };
  }

  private takePending(requestId: number): { axis: Axis; index: number } | undefined {
    const request = this.pending.get(requestId);
    if (request === undefined) return undefined;
    this.pending.delete(requestId);
    this.pendingKeys.delete(keyOf(request.axis, request.index));
    return request;
  }
}
