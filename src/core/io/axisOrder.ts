/**
 * Reordering voxels into Volume order (axis 0 fastest): reversing all axes (a C-ordered NumPy
 * array) and moving an interleaved channel axis to the end (NRRD/MetaImage vectors). Both work on
 * 2D tiles between the fastest input and the fastest output axis so reads and writes stay in cache.
 */
import type { VoxelArray } from './volume';

const TILE = 64;

type Ctor = { new (length: number): VoxelArray };

/**
 * `input` holds an array of shape `dims` in C order (last axis fastest); returns it in F order
 * (first axis fastest), i.e. the same logical array laid out as Volume.data expects.
 */
export function reverseAxes(input: VoxelArray, dims: readonly number[]): VoxelArray {
  const n = dims.length;
  if (n <= 1 || dims.filter((d) => d > 1).length <= 1) return input;
  const out = new (input.constructor as Ctor)(input.length);
  // Moved as same-size integers (Float32 as Uint32, …): one element kind per size keeps the tile
  // loop's element access monomorphic enough to stay fast, and float bits are copied unchanged.
  const src = asBits(input), dst = asBits(out);
  const inStride: number[] = new Array(n);
  const outStride: number[] = new Array(n);
  let s = 1;
  for (let a = n - 1; a >= 0; a--) { inStride[a] = s; s *= dims[a]; }
  s = 1;
  for (let a = 0; a < n; a++) { outStride[a] = s; s *= dims[a]; }
  // Tiles over axis 0 (output-fastest) and axis n−1 (input-fastest); the middle axes are looped.
  const middle = dims.slice(1, n - 1);
  const middleCount = middle.reduce((p, d) => p * d, 1);
  const idx = new Array<number>(middle.length).fill(0);
  const d0 = dims[0], dl = dims[n - 1], s0 = inStride[0], sl = outStride[n - 1];
  for (let m = 0; m < middleCount; m++) {
    let inBase = 0, outBase = 0;
    for (let a = 0; a < middle.length; a++) {
      inBase += idx[a] * inStride[a + 1];
      outBase += idx[a] * outStride[a + 1];
    }
    transposeTile(src, dst, inBase, outBase, d0, dl, s0, sl);
    for (let a = middle.length - 1; a >= 0; a--) {
      if (++idx[a] < middle[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

type Bits = Uint8Array | Uint16Array | Uint32Array | Float64Array;

function asBits(a: VoxelArray): Bits {
  switch (a.BYTES_PER_ELEMENT) {
    case 1: return new Uint8Array(a.buffer, a.byteOffset, a.length);
    case 2: return new Uint16Array(a.buffer, a.byteOffset, a.length);
    case 4: return new Uint32Array(a.buffer, a.byteOffset, a.length);
    default: return new Float64Array(a.buffer, a.byteOffset, a.length);
  }
}

/** out[outBase + i + l·sl] = in[inBase + i·s0 + l] for i < d0, l < dl, in TILE×TILE blocks. */
function transposeTile(input: Bits, out: Bits, inBase: number, outBase: number, d0: number, dl: number, s0: number, sl: number): void {
  for (let l0 = 0; l0 < dl; l0 += TILE) {
    const l1 = Math.min(dl, l0 + TILE);
    for (let i0 = 0; i0 < d0; i0 += TILE) {
      const i1 = Math.min(d0, i0 + TILE);
      for (let l = l0; l < l1; l++) {
        const o = outBase + l * sl;
        const ib = inBase + l;
        for (let i = i0; i < i1; i++) out[o + i] = input[ib + i * s0];
      }
    }
  }
}

/**
 * `input` has shape `dims` in F order with a channel axis at `axis`; returns shape
 * dims-without-axis + [channels] (channel slowest), still F order.
 */
export function moveAxisLast(input: VoxelArray, dims: readonly number[], axis: number): VoxelArray {
  if (axis === dims.length - 1 || dims[axis] === 1) return input;
  const inner = dims.slice(0, axis).reduce((p, d) => p * d, 1);
  const channels = dims[axis];
  const outer = dims.slice(axis + 1).reduce((p, d) => p * d, 1);
  const plane = inner * outer;
  const out = new (input.constructor as Ctor)(input.length);
  // in[(o·channels + c)·inner + i] → out[c·plane + o·inner + i]
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const from = (o * channels + c) * inner;
      const to = c * plane + o * inner;
      if (inner === 1) out[to] = input[from];
      else out.set(input.subarray(from, from + inner) as never, to);
    }
  }
  return out;
}
