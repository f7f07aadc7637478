/** One pass over a volume's values: what kind of numbers it holds, and whether any is not finite. */
import type { VoxelArray } from '../io/volume';

export interface ValueScan {
  readonly min: number;
  readonly max: number;
  readonly allIntegers: boolean;
  readonly nonFinite: number;
  /** Flat index of the first NaN/±Inf, −1 when none. */
  readonly firstNonFinite: number;
  /** Flat index of the first non-integer value, −1 when none. */
  readonly firstNonInteger: number;
}

/**
 * Volumes come in eight dtypes; a loop that reads all of them directly goes megamorphic and
 * runs several times slower. So every pass here copies a chunk into a Float64Array with the
 * native typed-array `set` (a converting memcpy) and loops over that one element type.
 */
const CHUNK = 1 << 16;
const chunk = new Float64Array(CHUNK);

function loadChunk(data: VoxelArray, offset: number): number {
  const length = Math.min(CHUNK, data.length - offset);
  chunk.set(data.subarray(offset, offset + length));
  return length;
}

export function scanValues(data: VoxelArray): ValueScan {
  const isFloat = data instanceof Float32Array || data instanceof Float64Array;
  let min = Infinity, max = -Infinity, nonFinite = 0, firstNonFinite = -1, firstNonInteger = -1;
  for (let offset = 0; offset < data.length; offset += CHUNK) {
    const length = loadChunk(data, offset);
    if (!isFloat) {
      for (let i = 0; i < length; i++) {
        const v = chunk[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      continue;
    }
    for (let i = 0; i < length; i++) {
      const v = chunk[i]!;
      if (v - v !== 0) { // NaN or ±Inf
        if (nonFinite++ === 0) firstNonFinite = offset + i;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      if (firstNonInteger < 0 && Math.floor(v) !== v) firstNonInteger = offset + i;
    }
  }
  return { min, max, allIntegers: firstNonInteger < 0, nonFinite, firstNonFinite, firstNonInteger };
}

/** Sorted distinct values of an integer-valued volume (scan says allIntegers and finite). */
export function distinctIntegers(data: VoxelArray, scan: ValueScan): number[] {
  if (data.length === 0) return [];
  const range = scan.max - scan.min + 1;
  if (range <= 1 << 22) {
    const seen = new Uint8Array(range);
    const base = scan.min;
    // An int index keeps the store on V8's fast path; values are integers within ±2^22 of base.
    const ints = new Int32Array(CHUNK);
    for (let offset = 0; offset < data.length; offset += CHUNK) {
      const length = loadChunk(data, offset);
      for (let i = 0; i < length; i++) ints[i] = chunk[i]! - base;
      for (let i = 0; i < length; i++) seen[ints[i]!] = 1;
    }
    const found: number[] = [];
    for (let v = 0; v < range; v++) if (seen[v]) found.push(v + base);
    return found;
  }
  const set = new Set<number>();
  for (let offset = 0; offset < data.length; offset += CHUNK) {
    const length = loadChunk(data, offset);
    for (let i = 0; i < length; i++) set.add(chunk[i]!);
  }
  return [...set].sort((a, b) => a - b);
}
