/**
 * Positive Lovasz errors of many slices, kept as 64-bit sort keys: the float64 bits of the
 * error, whose low bits carry the slice tag and whether the voxel is foreground. Positive
 * floats order like their bit patterns, so one radix sort of all slices' keys orders every
 * slice at once, and a single walk yields each slice's loss and the volume's.
 *
 * The tag replaces at most 1 + sliceBits low mantissa bits (≤ 21, a relative change of the
 * error < 5e-10); the Lovasz extension is insensitive to the order of ties, so this changes
 * a loss by less than that relative amount.
 */

const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
if (new Uint8Array(new Float64Array([1]).buffer)[7] !== 0x3f) {
  throw new Error('Mask Inspector needs a little-endian platform');
}

export const MAX_TAG_BITS = 20;

export class LovaszKeys {
  lo: Uint32Array;
  hi: Uint32Array;
  count = 0;
  /** Mask of the low bits that hold (tag << 1) | foreground. */
  payloadMask = 1;

  constructor(capacity = 1 << 16) {
    this.lo = new Uint32Array(capacity);
    this.hi = new Uint32Array(capacity);
  }

  get capacity(): number {
    return this.lo.length;
  }

  /** Prepares for `tags` distinct slice tags (0 … tags − 1). */
  reset(tags: number): void {
    let bits = 0;
    while ((1 << bits) < tags) bits++;
    if (bits > MAX_TAG_BITS) throw new RangeError(`too many slices along one axis (${tags})`);
    this.payloadMask = (1 << (bits + 1)) - 1;
    this.count = 0;
  }

  /** Doubles the capacity (amortised O(1) per key); called by kernels when full. */
  grow(minimum = this.capacity * 2): void {
    const size = Math.max(minimum, this.capacity * 2);
    const lo = new Uint32Array(size);
    const hi = new Uint32Array(size);
    lo.set(this.lo.subarray(0, this.count));
    hi.set(this.hi.subarray(0, this.count));
    this.lo = lo;
    this.hi = hi;
  }

  /** Appends one positive error (small enough for the JIT to inline into the kernels). */
  push(error: number, tag: number, foreground: number): void {
    if (this.count === this.capacity) this.grow();
    BITS[0] = error;
    this.lo[this.count] = ((WORDS[0]! & ~this.payloadMask) | (tag << 1) | foreground) >>> 0;
    this.hi[this.count] = WORDS[1]!;
    this.count++;
  }
}

/** The error a key stands for (with its payload bits). */
export function keyValue(lo: number, hi: number): number {
  WORDS[0] = lo;
  WORDS[1] = hi;
  return BITS[0]!;
}

let scratchLo: Uint32Array = new Uint32Array(0);
let scratchHi: Uint32Array = new Uint32Array(0);
const histogram = new Uint32Array(4 << 16);

/** Sorts keys[0 … count) ascending as unsigned 64-bit integers: LSD radix, 16-bit digits. */
export function sortKeys(keys: LovaszKeys): void {
  const n = keys.count;
  if (n < 2) return;
  if (scratchLo.length < n) {
    scratchLo = new Uint32Array(keys.capacity);
    scratchHi = new Uint32Array(keys.capacity);
  }
  histogram.fill(0);
  let lo = keys.lo;
  let hi = keys.hi;
  for (let i = 0; i < n; i++) {
    const l = lo[i]!;
    const h = hi[i]!;
    histogram[l & 0xffff]!++;
    histogram[65536 + (l >>> 16)]!++;
    histogram[131072 + (h & 0xffff)]!++;
    histogram[196608 + (h >>> 16)]!++;
  }
  let outLo = scratchLo;
  let outHi = scratchHi;
  for (let pass = 0; pass < 4; pass++) {
    const base = pass << 16;
    // A digit shared by every key leaves the order unchanged: skip the pass.
    let skip = false;
    for (let d = 0; d < 65536; d++) {
      const c = histogram[base + d]!;
      if (c === n) { skip = true; break; }
      if (c !== 0) break;
    }
    if (skip) continue;
    let total = 0;
    for (let d = 0; d < 65536; d++) {
      const c = histogram[base + d]!;
      histogram[base + d] = total;
      total += c;
    }
    const word = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    for (let i = 0; i < n; i++) {
      const digit = (word[i]! >>> shift) & 0xffff;
      const at = histogram[base + digit]!++;
      outLo[at] = lo[i]!;
      outHi[at] = hi[i]!;
    }
    const tl = lo; lo = outLo; outLo = tl;
    const th = hi; hi = outHi; outHi = th;
  }
  if (lo !== keys.lo) {
    // Swap buffers instead of copying back: the scratch becomes the key store.
    scratchLo = keys.lo;
    scratchHi = keys.hi;
    keys.lo = lo;
    keys.hi = hi;
  }
}
