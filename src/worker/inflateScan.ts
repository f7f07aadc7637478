/**
 * Inflating a gzip stream straight into a given buffer (node:zlib has no public API for that),
 * and the values' scan while each piece is in cache. Its own module, without the format readers,
 * so the range workers can inflate a file too (streamCompare.ts inflates the label on one while
 * the CLI's thread inflates the prediction) without loading the readers.
 */
import * as zlib from 'node:zlib';
import { ValueScanner, type VolumeValues } from '../core/analysis/valueScan';
import type { VoxelArray } from '../core/io/volume';

/** Bytes inflated (or copied) per step: small enough that scanning them right after stays in cache. */
export const STEP_BYTES = 256 << 10;
/** The event loop is served every this many bytes (on one CPU the session thread itself decodes). */
export const YIELD_BYTES = 8 << 20;

export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * What a gzip stream held, inflated into a buffer of the planned size: exactly that (or at most
 * `trailing` bytes more, which are not kept), more, less (it ended cleanly after `written`
 * bytes), or damage (zlib's error, null if it could not be caught).
 */
export type Inflated =
  | { readonly kind: 'fits' }
  | { readonly kind: 'longer' }
  | { readonly kind: 'shorter'; readonly written: number }
  | { readonly kind: 'damaged'; readonly error: Error | null };

export const FITS: Inflated = { kind: 'fits' };
const LONGER: Inflated = { kind: 'longer' };

/** The parts of a node:zlib stream its own gunzipSync uses (zlib.js processChunkSync). */
interface ZlibInternals {
  readonly _handle?: { writeSync?: (flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number) => void } | null;
  /** [avail_out, avail_in] after the last write. */
  readonly _writeState?: Uint32Array;
}

/**
 * Inflates the gzip stream straight into `out`, in one pass: out.length bytes, then at most
 * `trailing` more (inflated into a small scratch buffer and dropped) and the end of the stream
 * (its CRC and size checked) — else it stops as soon as the stream says otherwise (a bomb is
 * never inflated beyond out.length + trailing). node:zlib has no public API that writes into a
 * given buffer, so this drives the stream's native handle the way gunzipSync itself does (same
 * flush, same multi-member and error handling); where that handle is not there (another
 * runtime), the public streaming API is used and each piece copied.
 */
export async function inflateInto(gz: Uint8Array, out: Uint8Array, advance: (written: number) => void, trailing = 0): Promise<Inflated> {
  const inflated = await inflateIntoParts(gz, { total: out.length, next: () => out }, advance, trailing);
  return inflated ?? inflateStreamInto(gz, out, advance, trailing);
}

/**
 * Where inflateIntoParts writes: `total` bytes in consecutive parts; `next(offset)` gives the part
 * that starts at byte `offset` once the previous one is full (awaited: it may wait for room).
 */
export interface InflateTarget {
  readonly total: number;
  next(offset: number): Uint8Array | Promise<Uint8Array>;
}

/**
 * inflateInto over parts (the CLI's slab ring: ringCompare.ts); null when the stream's native
 * handle is not there (then only inflateInto, into one buffer, can inflate it).
 */
export async function inflateIntoParts(
  gz: Uint8Array, target: InflateTarget, advance: (written: number) => void, trailing = 0,
): Promise<Inflated | null> {
  const inflater = zlib.createGunzip();
  const { _handle: handle, _writeState: state } = inflater as unknown as ZlibInternals;
  if (typeof handle?.writeSync !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
    inflater.close();
    return null;
  }
  // A zlib error destroys the stream (synchronously, inside writeSync) and emits 'error' a tick later.
  let zlibError: Error | null = null;
  inflater.on('error', (error: Error) => { zlibError = error; });
  const damaged = async (): Promise<Inflated> => {
    await yieldToLoop();
    return { kind: 'damaged', error: zlibError };
  };
  let availIn = gz.length;
  const write = (into: Uint8Array, offset: number, length: number): number => {
    handle.writeSync!.call(handle, zlib.constants.Z_FINISH, gz, gz.length - availIn, availIn, into, offset, length);
    if (inflater.destroyed) return -1;
    availIn = state[1]!;
    return length - state[0]!;
  };
  try {
    let written = 0;
    let part: Uint8Array | null = null;
    let partStart = 0;
    while (written < target.total) {
      if (part === null || written - partStart === part.length) {
        part = await target.next(written);
        partStart = written;
      }
      const at = written - partStart;
      const produced = write(part, at, Math.min(STEP_BYTES, part.length - at, target.total - written));
      if (produced < 0) return await damaged();
      // No progress under Z_FINISH: the stream ended (zlib reports a truncated one as an error).
      if (produced === 0) return { kind: 'shorter', written };
      const before = written;
      written += produced;
      advance(written);
      if (Math.floor(written / YIELD_BYTES) !== Math.floor(before / YIELD_BYTES)) await yieldToLoop();
    }
    // Asked for more, zlib reads the trailer (CRC-32, size) and gives at most `trailing` bytes.
    const scratch = new Uint8Array(Math.min(STEP_BYTES, trailing + 1));
    for (let extra = 0; ;) {
      const produced = write(scratch, 0, scratch.length);
      if (produced < 0) return await damaged();
      if (produced === 0) return FITS;
      extra += produced;
      if (extra > trailing) return LONGER;
    }
  } finally {
    if (!inflater.destroyed) inflater.close();
  }
}

/**
 * The public streaming API: each inflated piece is copied into `out`. The fallback of inflateInto;
 * exported so that every test run checks the two agree (test/unit/inflateInto.test.ts).
 */
export function inflateStreamInto(gz: Uint8Array, out: Uint8Array, advance: (written: number) => void, trailing = 0): Promise<Inflated> {
  return new Promise((resolve) => {
    const inflater = zlib.createGunzip({ chunkSize: STEP_BYTES });
    let written = 0;
    /** Bytes beyond out.length, not kept. */
    let extra = 0;
    let settled = false;
    const settle = (result: Inflated) => {
      if (settled) return;
      settled = true;
      if (result.kind !== 'fits') inflater.destroy();
      resolve(result);
    };
    inflater.on('data', (piece: Buffer) => {
      if (settled) return;
      const kept = Math.min(piece.length, out.length - written);
      if (kept > 0) {
        out.set(piece.subarray(0, kept), written);
        advance(written += kept);
      }
      extra += piece.length - kept;
      if (extra > trailing) settle(LONGER);
    });
    inflater.on('error', (error) => settle({ kind: 'damaged', error }));
    inflater.on('end', () => settle(written === out.length ? FITS : { kind: 'shorter', written }));
    inflater.end(gz);
  });
}

/** The voxel array types a scan can view (VoxelArray's constructors), by name: a job's message carries the name. */
const SCAN_TYPES = {
  Uint8Array, Int8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
} as const;
export type ScanTypeName = keyof typeof SCAN_TYPES;

export function isScanTypeName(name: string): name is ScanTypeName {
  return Object.hasOwn(SCAN_TYPES, name);
}

/** The voxels a scan reads: `count` values of `type` from byte `start` of the buffer. */
export interface ScanSpan {
  readonly type: ScanTypeName;
  readonly start: number;
  readonly count: number;
}

/**
 * Inflates `gz` into the whole of `buffer` (inflateInto, with at most `trailing` bytes more) and
 * scans the voxels of `span` piece by piece as they arrive — what decodeFiles' fast path does on
 * its own thread. `ok`: the stream fit (inflateInto's 'fits'); `values`: the scan
 * (ValueScanner.result()) when ok and asked for. A stream that did not fit is for the caller to
 * inflate again on its own thread, where inflateInto says exactly what is wrong with it.
 */
export async function inflateAndScan(
  gz: Uint8Array, buffer: SharedArrayBuffer, span: ScanSpan | null, trailing: number,
): Promise<{ ok: boolean; values: VolumeValues | null }> {
  const out = new Uint8Array(buffer);
  const Ctor = span ? SCAN_TYPES[span.type] : null;
  const scanner = span && Ctor ? new ValueScanner(new (Ctor as new (b: SharedArrayBuffer, start: number, count: number) => VoxelArray)(buffer, span.start, span.count)) : null;
  const size = Ctor?.BYTES_PER_ELEMENT ?? 1;
  const inflated = await inflateInto(gz, out, (written) => {
    if (scanner === null || written <= span!.start) return;
    const ready = Math.min(span!.count, Math.floor((written - span!.start) / size));
    if (ready > scanner.scanned) scanner.add(scanner.scanned, ready);
  }, trailing);
  const ok = inflated.kind === 'fits';
  return { ok, values: ok && scanner !== null ? scanner.result() : null };
}

/**
 * The first `wantBytes` bytes of a gzip stream's output, inflating no more than that; null when
 * the stream gives fewer, is damaged, or the native handle is not there (the caller then reads the
 * header the general way, gzip.ts gunzipPrefix, which reports what is wrong). gunzipPrefix inflates
 * a whole 4 KiB prefix, which a mostly empty mask turns into megabytes: ~30 ms for 540 bytes.
 */
export function gunzipHead(gz: Uint8Array, wantBytes: number): Uint8Array | null {
  const inflater = zlib.createGunzip();
  const { _handle: handle, _writeState: state } = inflater as unknown as ZlibInternals;
  try {
    if (typeof handle?.writeSync !== 'function' || !(state instanceof Uint32Array) || state.length < 2) return null;
    inflater.on('error', () => undefined); // a damaged stream: null, and gunzipPrefix says what is wrong
    const out = new Uint8Array(wantBytes);
    let availIn = gz.length;
    let written = 0;
    while (written < wantBytes) {
      const room = wantBytes - written;
      handle.writeSync.call(handle, zlib.constants.Z_SYNC_FLUSH, gz, gz.length - availIn, availIn, out, written, room);
      if (inflater.destroyed) return null;
      availIn = state[1]!;
      const produced = room - state[0]!;
      if (produced <= 0) return null; // the stream ended (or stalled) before wantBytes
      written += produced;
    }
    return out;
  } finally {
    if (!inflater.destroyed) inflater.close();
  }
}
