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

/** min and max of bytes in one monomorphic loop (labels are mostly uint8: no chunk copy). */
function scanUint8(data: Uint8Array): ValueScan {
  let min = 255, max = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return data.length === 0
    ? { min: Infinity, max: -Infinity, allIntegers: true, nonFinite: 0, firstNonFinite: -1, firstNonInteger: -1 }
    : { min, max, allIntegers: true, nonFinite: 0, firstNonFinite: -1, firstNonInteger: -1 };
}

export function scanValues(data: VoxelArray): ValueScan {
  if (!warmedUp) warmUp();
  // The two most common dtypes get loops of their own (a report's case scans both of its files).
  if (data instanceof Uint8Array) return scanUint8(data);
  if (data instanceof Float32Array || data instanceof Float64Array) {
    const state = Float64Array.of(Infinity, -Infinity, 0, -1, -1);
    if (data instanceof Float32Array) scanFloat32(data, new Int32Array(data.buffer, data.byteOffset, data.length), 0, data.length, state);
    else scanFloat64(data, 0, data.length, state);
    const firstNonInteger = state[4]!;
    return { min: state[0]!, max: state[1]!, allIntegers: firstNonInteger < 0, nonFinite: state[2]!, firstNonFinite: state[3]!, firstNonInteger };
  }
  // Every other dtype holds integers only: min and max through the chunk copy.
  let min = Infinity, max = -Infinity;
  for (let offset = 0; offset < data.length; offset += CHUNK) {
    const length = loadChunk(data, offset);
    for (let i = 0; i < length; i++) {
      const v = chunk[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min, max, allIntegers: true, nonFinite: 0, firstNonFinite: -1, firstNonInteger: -1 };
}

/** Sorted distinct values of an integer-valued volume (scan says allIntegers and finite). */
export function distinctIntegers(data: VoxelArray, scan: ValueScan, limit = Infinity): number[] {
  if (data.length === 0) return [];
  const range = scan.max - scan.min + 1;
  if (data instanceof Uint8Array) {
    // A byte indexes the table itself: one monomorphic pass, no chunk copy.
    const seen = new Uint8Array(256);
    for (let i = 0; i < data.length; i++) seen[data[i]!] = 1;
    const found: number[] = [];
    for (let v = 0; v < 256; v++) if (seen[v]) found.push(v);
    return found;
  }
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
  // Past `limit` the caller refuses the file: stop there, so memory follows the cap, not the file.
  for (let offset = 0; offset < data.length && set.size <= limit; offset += CHUNK) {
    const length = loadChunk(data, offset);
    for (let i = 0; i < length; i++) set.add(chunk[i]!);
  }
  return [...set].sort((a, b) => a - b);
}

/**
 * What preparePair needs to know of one volume's values: its scan and, when the scanner could
 * tell, its sorted distinct values (null: not known — preparePair then computes them when needed).
 */
export interface VolumeValues {
  readonly scan: ValueScan;
  readonly distinct: readonly number[] | null;
}

/** More distinct values than this and the scanner stops listing them (a label map has a few). */
const MAX_TRACKED_DISTINCT = 1 << 16;

/**
 * scanValues and distinctIntegers in one pass over a volume that arrives in pieces, in order:
 * `add(from, to)` takes the values [from, to) of the array as soon as they exist (the editor's
 * decoder calls it after every inflated piece, while the piece is still in cache). `result()`
 * equals `scanValues(data)` and, when every value is a finite integer, `distinctIntegers(data, scan)`.
 *
 * Unlike scanValues, the loops read the typed array directly, which is faster as long as each
 * loop sees few element types: ≤ 16-bit integers only mark a seen-table (min and max come from
 * it), 32-bit integers only compare, and floats run the full check — at most two types per loop.
 */
export class ValueScanner {
  private min = Infinity;
  private max = -Infinity;
  private nonFinite = 0;
  private firstNonFinite = -1;
  private firstNonInteger = -1;
  private next = 0;
  private readonly category: 'small' | 'int' | 'float';
  /** 'small': a seen-table over the dtype's whole range, indexed by value − typeMin. */
  private readonly seen: Uint8Array | null;
  private readonly typeMin: number;
  /** 'int' and 'float': distinct values, added when the value changes (masks are long runs); null once given up. */
  private distinctSet: Set<number> | null = new Set();
  private last = NaN;
  /** Float32 data: the same memory as int32, to tell repeated values apart by their bits. */
  private bits: Int32Array | null;
  /** The index in the volume of data[0] (a window: see view()). */
  private base = 0;
  /** Values of the whole volume. */
  private readonly length: number;

  constructor(private data: VoxelArray, length = data.length) {
    if (!warmedUp) warmUp();
    this.length = length;
    const small = data instanceof Uint8Array || data instanceof Int8Array ? 256
      : data instanceof Uint16Array || data instanceof Int16Array ? 1 << 16 : 0;
    this.category = small > 0 ? 'small' : data instanceof Float32Array || data instanceof Float64Array ? 'float' : 'int';
    this.seen = small > 0 ? new Uint8Array(small) : null;
    this.typeMin = data instanceof Int8Array ? -128 : data instanceof Int16Array ? -32768 : 0;
    this.bits = data instanceof Float32Array ? new Int32Array(data.buffer, data.byteOffset, data.length) : null;
  }

  /**
   * Values [from, to) of the volume; pieces must come in order, without gaps. They are read from
   * the data, or from the window last given to view().
   */
  add(from: number, to: number): void {
    const base = this.base;
    if (from !== this.next || to < from || to > this.length || from < base || to - base > this.data.length) {
      throw new Error(`internal: ValueScanner got [${from}, ${to}) after ${this.next} of ${this.length} (window at ${base})`);
    }
    if (this.category === 'small') markSeen(this.data as SmallIntArray, from - base, to - base, this.seen!, this.typeMin);
    else if (this.category === 'int') this.scanInts(from - base, to - base);
    else this.scanFloats(from - base, to - base);
    this.next = to;
  }

  /**
   * Reads the next values from `window`, an array of the same type whose first element is value
   * `base` of the volume (the CLI's slab ring holds a volume a few slabs at a time: ringCompare.ts).
   */
  view(window: VoxelArray, base: number): void {
    if (window.constructor !== this.data.constructor) throw new Error('internal: ValueScanner window of another type');
    this.data = window;
    this.bits = window instanceof Float32Array ? new Int32Array(window.buffer, window.byteOffset, window.length) : null;
    this.base = base;
  }

  private scanInts(from: number, to: number): void {
    const data = this.data as Int32Array | Uint32Array;
    let min = this.min, max = this.max;
    for (let i = from; i < to; i++) {
      const v = data[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.min = min;
    this.max = max;
    this.trackDistinct(from, to);
  }

  private scanFloats(from: number, to: number): void {
    // One loop per element type: a loop over Float32Array | Float64Array runs several times slower.
    const state = floatState;
    state[0] = this.min; state[1] = this.max; state[2] = this.nonFinite; state[3] = this.firstNonFinite; state[4] = this.firstNonInteger;
    if (this.data instanceof Float32Array) scanFloat32(this.data, this.bits!, from, to, state);
    else scanFloat64(this.data as Float64Array, from, to, state);
    this.min = state[0]!;
    this.max = state[1]!;
    this.nonFinite = state[2]!;
    // First positions found in this piece are in the window's numbering.
    if (this.firstNonFinite < 0 && state[3]! >= 0) this.firstNonFinite = state[3]! + this.base;
    if (this.firstNonInteger < 0 && state[4]! >= 0) this.firstNonInteger = state[4]! + this.base;
    if (this.firstNonInteger < 0 && this.nonFinite === 0) this.trackDistinct(from, to);
    else this.distinctSet = null; // never needed: preparePair refuses or does not ask
  }

  /** Values [from, to), all finite integers so far. */
  private trackDistinct(from: number, to: number): void {
    const set = this.distinctSet;
    if (set === null) return;
    const data = this.data;
    let last = this.last;
    for (let i = from; i < to; i++) {
      const v = data[i]!;
      if (v !== last) {
        last = v;
        set.add(v); // a Set stores −0 as +0, as distinctIntegers reports it
      }
    }
    this.last = last;
    if (set.size > MAX_TRACKED_DISTINCT) this.distinctSet = null;
  }

  /** Values seen so far. */
  get scanned(): number {
    return this.next;
  }

  /** The whole array's values; every value must have been added. */
  result(): VolumeValues {
    if (this.next !== this.length) {
      throw new Error(`internal: ValueScanner saw ${this.next} of ${this.length} values`);
    }
    return this.valuesSoFar();
  }

  /** What result() would say if the array ended here (a provisional view of a volume still arriving). */
  valuesSoFar(): VolumeValues {
    let min = this.min, max = this.max;
    let distinct: number[] | null = null;
    if (this.seen !== null) {
      distinct = [];
      for (let v = 0; v < this.seen.length; v++) if (this.seen[v]) distinct.push(v + this.typeMin);
      if (distinct.length > 0) {
        min = distinct[0]!;
        max = distinct[distinct.length - 1]!;
      }
    } else if (this.firstNonInteger < 0 && this.nonFinite === 0 && this.distinctSet !== null) {
      distinct = [...this.distinctSet].sort((a, b) => a - b);
    }
    const scan: ValueScan = {
      min, max, allIntegers: this.firstNonInteger < 0, nonFinite: this.nonFinite,
      firstNonFinite: this.firstNonFinite, firstNonInteger: this.firstNonInteger,
    };
    return { scan, distinct };
  }
}

type SmallIntArray = Uint8Array | Int8Array | Uint16Array | Int16Array;

/** [min, max, nonFinite, firstNonFinite, firstNonInteger] of a float scan in progress. */
const floatState = new Float64Array(5);

function scanFloat32(data: Float32Array, bits: Int32Array, from: number, to: number, state: Float64Array): void {
  let min = state[0]!, max = state[1]!, nonFinite = state[2]!, firstNonFinite = state[3]!, firstNonInteger = state[4]!;
  let i = from;
  // Until the first non-integer every value is also checked for being whole; then only min/max.
  for (; i < to && firstNonInteger < 0; i++) {
    const v = data[i]!;
    if (v - v !== 0) { // NaN or ±Inf
      if (nonFinite++ === 0) firstNonFinite = i;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.floor(v) !== v) firstNonInteger = i;
  }
  // A value with the same bits as the last finite one cannot change min or max: a smooth
  // probability map repeats most values (saturated background), so most voxels cost one integer
  // compare. Non-finite values never become `last`, so each of them is still counted.
  let last = 0;
  let primed = false;
  for (; i < to && !primed; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      if (nonFinite++ === 0) firstNonFinite = i;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    last = bits[i]!;
    primed = true;
  }
  for (; i < to; i++) {
    const b = bits[i]!;
    if (b === last) continue;
    const v = data[i]!;
    if (v - v !== 0) {
      if (nonFinite++ === 0) firstNonFinite = i;
      continue;
    }
    last = b;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  state[0] = min; state[1] = max; state[2] = nonFinite; state[3] = firstNonFinite; state[4] = firstNonInteger;
}

function scanFloat64(data: Float64Array, from: number, to: number, state: Float64Array): void {
  let min = state[0]!, max = state[1]!, nonFinite = state[2]!, firstNonFinite = state[3]!, firstNonInteger = state[4]!;
  let i = from;
  for (; i < to && firstNonInteger < 0; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      if (nonFinite++ === 0) firstNonFinite = i;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.floor(v) !== v) firstNonInteger = i;
  }
  for (; i < to; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      if (nonFinite++ === 0) firstNonFinite = i;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  state[0] = min; state[1] = max; state[2] = nonFinite; state[3] = firstNonFinite; state[4] = firstNonInteger;
}

function markSeen(data: SmallIntArray, from: number, to: number, seen: Uint8Array, base: number): void {
  if (data.BYTES_PER_ELEMENT === 1 && to - from >= 64) {
    markSeenBytes(data as Uint8Array | Int8Array, from, to, seen, base);
    return;
  }
  for (let i = from; i < to; i++) seen[data[i]! - base] = 1;
}

/**
 * markSeen of one-byte values four at a time: a mask is long runs of one value, so a 32-bit word
 * equal to the previous one holds no value not seen yet, and only words that differ are marked.
 */
function markSeenBytes(data: Uint8Array | Int8Array, from: number, to: number, seen: Uint8Array, base: number): void {
  let i = from;
  for (; i < to && ((data.byteOffset + i) & 3) !== 0; i++) seen[data[i]! - base] = 1;
  const wordCount = (to - i) >> 2;
  const words = new Int32Array(data.buffer, data.byteOffset + i, wordCount);
  let last = words[0]!;
  for (let b = i; b < i + 4; b++) seen[data[b]! - base] = 1;
  for (let w = 1; w < wordCount; w++) {
    const word = words[w]!;
    if (word === last) continue;
    last = word;
    const b = i + 4 * w;
    seen[data[b]! - base] = 1;
    seen[data[b + 1]! - base] = 1;
    seen[data[b + 2]! - base] = 1;
    seen[data[b + 3]! - base] = 1;
  }
  for (let b = i + 4 * wordCount; b < to; b++) seen[data[b]! - base] = 1;
}

/** scanValues and distinctIntegers of a whole array, in one pass (see ValueScanner). */
export function scanVolumeValues(data: VoxelArray): VolumeValues {
  const scanner = new ValueScanner(data);
  scanner.add(0, data.length);
  return scanner.result();
}

/** Set before warmUp's own scans, so it runs once. */
let warmedUp = false;

/**
 * Scans a few small arrays, on the scanner's first use (never at import: the extension host
 * loads this module too), that take every loop and branch of the scanner (float32 runs,
 * whole and fractional values, NaN, one-byte runs at odd offsets; ArrayBuffer and
 * SharedArrayBuffer memory), so V8 has type feedback for all of them before it optimises on the
 * first real file. Without it the optimised scans deoptimised a dozen times a `compare` (each
 * loop reached for the first time sent them back to the interpreter) on the thread that inflates.
 */
function warmUp(): void {
  warmedUp = true;
  const n = 67;
  for (const Memory of [ArrayBuffer, SharedArrayBuffer]) {
    const floats = new Float32Array(new Memory(n * 4));
    const bytes = new Uint8Array(new Memory(n + 1), 1, n);
    for (let i = 0; i < n; i++) {
      floats[i] = i < 20 ? 0 : i < 30 ? 1 : i < 50 ? 0.25 : i / n;
      bytes[i] = i < 30 ? 0 : i < 45 ? 1 : i % 3;
    }
    for (const data of [floats, bytes, new Float64Array(floats)]) {
      const scanner = new ValueScanner(data);
      scanner.add(0, 25);
      scanner.add(25, n);
      scanner.result();
    }
    floats[60] = NaN;
    scanVolumeValues(floats);
    // Runs of 64 bytes or more take the word-at-a-time loop (markSeenBytes): from an aligned and a
    // misaligned start, with and without a tail after the last whole word.
    const long = new Uint8Array(new Memory(2 * n + 3), 1, 2 * n + 2);
    for (let i = 0; i < long.length; i++) long[i] = i < 40 ? 0 : i < 90 ? 2 : i % 5;
    const scanner = new ValueScanner(long);
    scanner.add(0, 67);
    scanner.add(67, 2 * n + 2);
    scanner.result();
  }
}
