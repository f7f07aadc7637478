/**
 * The block kernels behind transpose.ts: each copies one block of the axis reversal from a source
 * (tx runs, stride `sx` elements, first at `s0`) into the F-ordered output. One function per
 * element size over same-size unsigned integers (float bits move unchanged), each called with one
 * array type only so its element access stays monomorphic — that is what makes them fast.
 *
 * The inner loop (tx consecutive output elements from tx source runs) is unrolled by 8 with the
 * stride multiples hoisted: V8 does neither itself, and the loop overhead was half the cost
 * (float32 in L1: 1.8 ns/element rolled, 0.85 unrolled). A full float32 block (16 elements, 64
 * bytes) has its own straight-line body: 0.69 ns/element in L1, prob_f.npy 291 → 279 ms.
 */

/** Elements are moved as same-size unsigned integers; 8-byte ones as pairs of 32-bit words. */
export type ElementSize = 1 | 2 | 4 | 8;

/** A kernel: per element size, or 'x4'/'x2' for 1/2-byte elements moved four/two per 32-bit word. */
export type Kernel = ElementSize | 'x4' | 'x2';

export type Words = Uint8Array | Uint16Array | Uint32Array;

/**
 * Copies one block: src holds tx runs (stride `sx` elements, first at `s0`) of nb·d2·d3 elements
 * for a in [a0, a0+tx), b in [b0, b0+nb); writes them into `out` (F order of d).
 */
export function reverseBlock(
  size: Kernel, src: Words, s0: number, sx: number, out: Words,
  d: readonly [number, number, number, number], a0: number, tx: number, b0: number, nb: number,
): void {
  switch (size) {
    case 'x4': block1x4(src as Uint32Array, s0, sx, out as Uint32Array, d[0], d[1], d[2], d[3], a0, tx, b0, nb); break;
    case 'x2': block2x2(src as Uint32Array, s0, sx, out as Uint32Array, d[0], d[1], d[2], d[3], a0, tx, b0, nb); break;
    case 1: block1(src as Uint8Array, s0, sx, out as Uint8Array, d[0], d[1], d[2], d[3], a0, tx, b0, nb); break;
    case 2: block2(src as Uint16Array, s0, sx, out as Uint16Array, d[0], d[1], d[2], d[3], a0, tx, b0, nb); break;
    case 4: block4(src as Uint32Array, s0, sx, out as Uint32Array, d[0], d[1], d[2], d[3], a0, tx, b0, nb); break;
    default: block8(src as Uint32Array, s0, sx, out as Uint32Array, d[0], d[1], d[2], d[3], a0, tx, b0, nb);
  }
}

// block1, block2 and block4 are the same loop over different array types (kept separate on
// purpose, see above). `t8` is tx rounded down to a multiple of 8; the rest goes one by one.
function block1(src: Uint8Array, s0: number, sx: number, out: Uint8Array, d0: number, d1: number, d2: number, d3: number,
  a0: number, tx: number, b0: number, nb: number): void {
  const plane = d0 * d1 * d2;
  const t8 = tx - (tx % 8);
  const s2 = 2 * sx, s3 = 3 * sx, s4 = 4 * sx, s5 = 5 * sx, s6 = 6 * sx, s7 = 7 * sx, s8 = 8 * sx;
  for (let b = 0; b < nb; b++) {
    for (let c = 0; c < d2; c++) {
      let i = s0 + (b * d2 + c) * d3;
      let o = a0 + d0 * (b0 + b + d1 * c);
      for (let e = 0; e < d3; e++, i++, o += plane) {
        let k = o, j = i;
        for (const end = o + t8; k < end; k += 8, j += s8) {
          out[k] = src[j]!; out[k + 1] = src[j + sx]!; out[k + 2] = src[j + s2]!; out[k + 3] = src[j + s3]!;
          out[k + 4] = src[j + s4]!; out[k + 5] = src[j + s5]!; out[k + 6] = src[j + s6]!; out[k + 7] = src[j + s7]!;
        }
        for (const end = o + tx; k < end; k++, j += sx) out[k] = src[j]!;
      }
    }
  }
}

function block2(src: Uint16Array, s0: number, sx: number, out: Uint16Array, d0: number, d1: number, d2: number, d3: number,
  a0: number, tx: number, b0: number, nb: number): void {
  const plane = d0 * d1 * d2;
  const t8 = tx - (tx % 8);
  const s2 = 2 * sx, s3 = 3 * sx, s4 = 4 * sx, s5 = 5 * sx, s6 = 6 * sx, s7 = 7 * sx, s8 = 8 * sx;
  for (let b = 0; b < nb; b++) {
    for (let c = 0; c < d2; c++) {
      let i = s0 + (b * d2 + c) * d3;
      let o = a0 + d0 * (b0 + b + d1 * c);
      for (let e = 0; e < d3; e++, i++, o += plane) {
        let k = o, j = i;
        for (const end = o + t8; k < end; k += 8, j += s8) {
          out[k] = src[j]!; out[k + 1] = src[j + sx]!; out[k + 2] = src[j + s2]!; out[k + 3] = src[j + s3]!;
          out[k + 4] = src[j + s4]!; out[k + 5] = src[j + s5]!; out[k + 6] = src[j + s6]!; out[k + 7] = src[j + s7]!;
        }
        for (const end = o + tx; k < end; k++, j += sx) out[k] = src[j]!;
      }
    }
  }
}

function block4(src: Uint32Array, s0: number, sx: number, out: Uint32Array, d0: number, d1: number, d2: number, d3: number,
  a0: number, tx: number, b0: number, nb: number): void {
  const plane = d0 * d1 * d2;
  const t8 = tx - (tx % 8);
  const s2 = 2 * sx, s3 = 3 * sx, s4 = 4 * sx, s5 = 5 * sx, s6 = 6 * sx, s7 = 7 * sx, s8 = 8 * sx;
  for (let b = 0; b < nb; b++) {
    for (let c = 0; c < d2; c++) {
      let i = s0 + (b * d2 + c) * d3;
      let o = a0 + d0 * (b0 + b + d1 * c);
      if (tx === 16) { // a full block (RUN_BYTES): one straight-line body per plane
        for (let e = 0; e < d3; e++, i++, o += plane) {
          const j8 = i + s8;
          out[o] = src[i]!; out[o + 1] = src[i + sx]!; out[o + 2] = src[i + s2]!; out[o + 3] = src[i + s3]!;
          out[o + 4] = src[i + s4]!; out[o + 5] = src[i + s5]!; out[o + 6] = src[i + s6]!; out[o + 7] = src[i + s7]!;
          out[o + 8] = src[j8]!; out[o + 9] = src[j8 + sx]!; out[o + 10] = src[j8 + s2]!; out[o + 11] = src[j8 + s3]!;
          out[o + 12] = src[j8 + s4]!; out[o + 13] = src[j8 + s5]!; out[o + 14] = src[j8 + s6]!; out[o + 15] = src[j8 + s7]!;
        }
        continue;
      }
      for (let e = 0; e < d3; e++, i++, o += plane) {
        let k = o, j = i;
        for (const end = o + t8; k < end; k += 8, j += s8) {
          out[k] = src[j]!; out[k + 1] = src[j + sx]!; out[k + 2] = src[j + s2]!; out[k + 3] = src[j + s3]!;
          out[k + 4] = src[j + s4]!; out[k + 5] = src[j + s5]!; out[k + 6] = src[j + s6]!; out[k + 7] = src[j + s7]!;
        }
        for (const end = o + tx; k < end; k++, j += sx) out[k] = src[j]!;
      }
    }
  }
}

/**
 * 1-byte elements, four at a time: four 32-bit words (4 consecutive e of 4 consecutive a) are
 * transposed as a 4×4 byte block in registers — bytes swapped within word pairs, then 16-bit
 * halves — and stored as four words (4 a of each e). Needs d0 and d3 multiples of 4, 4-aligned
 * runs and a little-endian host (kernelFor).
 */
function block1x4(src: Uint32Array, s0: number, sx: number, out: Uint32Array, d0: number, d1: number, d2: number, d3: number,
  a0: number, tx: number, b0: number, nb: number): void {
  const pw = (d0 * d1 * d2) / 4; // words per plane
  const pw2 = 2 * pw, pw3 = 3 * pw, pw4 = 4 * pw;
  const sw = sx / 4, sw2 = sx / 2, sw3 = 3 * sw;
  for (let b = 0; b < nb; b++) {
    for (let c = 0; c < d2; c++) {
      let i = (s0 + (b * d2 + c) * d3) / 4;
      let o = (a0 + d0 * (b0 + b + d1 * c)) / 4;
      for (let e = 0; e < d3; e += 4, i++, o += pw4) {
        for (let j = i, k = o, end = o + tx / 4; k < end; j += sx, k++) {
          const w0 = src[j]!, w1 = src[j + sw]!, w2 = src[j + sw2]!, w3 = src[j + sw3]!;
          const t0 = (w0 & 0x00ff00ff) | ((w1 & 0x00ff00ff) << 8); // (a0,e0) (a1,e0) (a0,e2) (a1,e2)
          const t1 = ((w0 >>> 8) & 0x00ff00ff) | (w1 & 0xff00ff00); // the same for e1, e3
          const t2 = (w2 & 0x00ff00ff) | ((w3 & 0x00ff00ff) << 8);
          const t3 = ((w2 >>> 8) & 0x00ff00ff) | (w3 & 0xff00ff00);
          out[k] = (t0 & 0xffff) | (t2 << 16);
          out[k + pw] = (t1 & 0xffff) | (t3 << 16);
          out[k + pw2] = (t0 >>> 16) | (t2 & 0xffff0000);
          out[k + pw3] = (t1 >>> 16) | (t3 & 0xffff0000);
        }
      }
    }
  }
}

/** 2-byte elements, two at a time: 2×2 blocks of 16-bit halves (d0, d3 even, 4-aligned runs, little-endian host). */
function block2x2(src: Uint32Array, s0: number, sx: number, out: Uint32Array, d0: number, d1: number, d2: number, d3: number,
  a0: number, tx: number, b0: number, nb: number): void {
  const pw = (d0 * d1 * d2) / 2;
  const sw = sx / 2;
  for (let b = 0; b < nb; b++) {
    for (let c = 0; c < d2; c++) {
      let i = (s0 + (b * d2 + c) * d3) / 2;
      let o = (a0 + d0 * (b0 + b + d1 * c)) / 2;
      for (let e = 0; e < d3; e += 2, i++, o += 2 * pw) {
        for (let x = 0, j = i, k = o; x < tx; x += 2, j += 2 * sw, k++) {
          const w0 = src[j]!, w1 = src[j + sw]!;
          out[k] = (w0 & 0xffff) | (w1 << 16);
          out[k + pw] = (w0 >>> 16) | (w1 & 0xffff0000);
        }
      }
    }
  }
}

/** 8-byte elements as word pairs: s0 and sx in elements, indices doubled; unrolled by 4 pairs. */
function block8(src: Uint32Array, s0: number, sx: number, out: Uint32Array, d0: number, d1: number, d2: number, d3: number,
  a0: number, tx: number, b0: number, nb: number): void {
  const plane2 = 2 * d0 * d1 * d2;
  const t4 = tx - (tx % 4);
  const s1 = 2 * sx, s2 = 4 * sx, s3 = 6 * sx, s4 = 8 * sx;
  for (let b = 0; b < nb; b++) {
    for (let c = 0; c < d2; c++) {
      let i = 2 * (s0 + (b * d2 + c) * d3);
      let o = 2 * (a0 + d0 * (b0 + b + d1 * c));
      for (let e = 0; e < d3; e++, i += 2, o += plane2) {
        let k = o, j = i;
        for (const end = o + 2 * t4; k < end; k += 8, j += s4) {
          out[k] = src[j]!; out[k + 1] = src[j + 1]!; out[k + 2] = src[j + s1]!; out[k + 3] = src[j + s1 + 1]!;
          out[k + 4] = src[j + s2]!; out[k + 5] = src[j + s2 + 1]!; out[k + 6] = src[j + s3]!; out[k + 7] = src[j + s3 + 1]!;
        }
        for (const end = o + 2 * tx; k < end; k += 2, j += s1) {
          out[k] = src[j]!;
          out[k + 1] = src[j + 1]!;
        }
      }
    }
  }
}
