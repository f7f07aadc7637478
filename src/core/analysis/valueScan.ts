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

export function scanValues(data: VoxelArray): ValueScan {
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min, max, allIntegers: true, nonFinite: 0, firstNonFinite: -1, firstNonInteger: -1 };
  }
  return data instanceof Float32Array ? scanFloat32(data) : scanFloat64(data);
}

// Two copies on purpose: one element type each keeps the loops monomorphic.
function scanFloat32(data: Float32Array): ValueScan {
  let min = Infinity, max = -Infinity, nonFinite = 0, firstNonFinite = -1, firstNonInteger = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) { // NaN or ±Inf
      if (nonFinite++ === 0) firstNonFinite = i;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (firstNonInteger < 0 && Math.floor(v) !== v) firstNonInteger = i;
  }
  return { min, max, allIntegers: firstNonInteger < 0, nonFinite, firstNonFinite, firstNonInteger };
}

function scanFloat64(data: Float64Array): ValueScan {
  let min = Infinity, max = -Infinity, nonFinite = 0, firstNonFinite = -1, firstNonInteger = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      if (nonFinite++ === 0) firstNonFinite = i;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (firstNonInteger < 0 && Math.floor(v) !== v) firstNonInteger = i;
  }
  return { min, max, allIntegers: firstNonInteger < 0, nonFinite, firstNonFinite, firstNonInteger };
}

/** Sorted distinct values of an integer-valued volume (scan says allIntegers and finite). */
export function distinctIntegers(data: VoxelArray, scan: ValueScan): number[] {
  if (data.length === 0) return [];
  const range = scan.max - scan.min + 1;
  if (range <= 1 << 22) {
    const seen = new Uint8Array(range);
    const offset = scan.min;
    for (let i = 0; i < data.length; i++) seen[data[i]! - offset] = 1;
    const values: number[] = [];
    for (let v = 0; v < range; v++) if (seen[v]) values.push(v + offset);
    return values;
  }
  const set = new Set<number>();
  for (let i = 0; i < data.length; i++) set.add(data[i]!);
  return [...set].sort((a, b) => a - b);
}
