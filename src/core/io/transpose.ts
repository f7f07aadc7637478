/**
 * Reversing all axes of a C-ordered array (last axis fastest) into F order (first axis fastest),
 * the layout Volume.data expects — the transpose a Fortran-ordered .npy needs under the ITK axis
 * rule. Any 2D–4D shape is handled as 4D (d0, d1, d2, d3) with unit middle axes added: element
 * ((a·d1 + b)·d2 + c)·d3 + e moves to a + d0·(b + d1·(c + d2·e)).
 *
 * Blocked for the cache: a block is `tx` consecutive a-values (64 or 128 bytes of output) ×
 * `nb` b-values. Its input is tx runs, each contiguous in the source; every output write fills tx
 * consecutive elements — a cache line or two — so no output line is filled a few bytes at a time
 * (and no set-conflict evictions from the power-of-two strides of a 512×512 plane). The source
 * is either the file bytes in memory or a small reused chunk buffer filled from the file
 * (readVolumeFile), so the file is never copied whole before the transpose. The kernels
 * (transposeKernels.ts): one per element size over same-size unsigned integers (float bits are
 * moved unchanged), unrolled.
 *
 * Where the time goes (512×512×300 pair, chunked reader, this 2-core VM with 1 MB of L2 per core;
 * interleaved runs, load ~1): float32 probability ~250 ms against ~185 for the .nii — ~125 ms page
 * faults of the fresh output (the .nii read pays the same), ~35 ms reading (4,900 reads of 64 KB;
 * a read costs ~1.3 µs beyond its copy), the rest the kernel: V8's floor is ~0.7 ns per element
 * moved (a bounds-checked load and store; even a contiguous copy loop costs 0.55), ~55 ms here,
 * plus output cache and TLB misses. uint8 label ~100 ms against ~45: ~30 faults, ~27 reads (9,700
 * of 8 KB), ~45 the x4 kernel (28 of it the floor). So on one thread the pair stays at ~1.35–1.6×
 * of .nii; `compare` splits the reversal's units over two threads (sharedTranspose.ts).
 *
 * Tried and dropped (interleaved A/B): iterating e in tiles of 16/64 inside a block (±0, float32
 * and uint8); whole-row blocks (tx = d0, each output page written in one burst) — either ~260k
 * reads of 1.2 KB (+270 ms) or a 16 MB chunk read back from DRAM (+40–60 ms); the chunk laid out
 * b-major by readvSync (27 iovecs a call cost 7–10 µs: the reads alone 70–100 ms); loading the
 * output lines 4 planes ahead of the writes (−30 ms with 128-byte runs, +10 with 64-byte runs);
 * rows b and b+1 of a page written together (+70 ms); readvSync for readSync (±0); the 4×4 byte
 * kernel unrolled twice (±0 in L1); blocks of 256 KB (+30 ms) and of 4–8 MB (+20–45 ms), the
 * latter also with the next runs of the chunk loaded ahead (uint8 4 MB: 106 ms against 96–101);
 * faulting the output in first, one write per page in address order (+40 ms for the pair).
 */

import { reverseBlock } from './transposeKernels';
import type { ElementSize, Kernel, Words } from './transposeKernels';
import type { VoxelArray } from './volume';

export type { ElementSize, Kernel } from './transposeKernels';

/**
 * Bytes of one block's input (tx runs of nb·d2·d3 elements), and the output bytes each write run
 * fills, per element size. Chosen by measurement on the 512×512×300 pair (float32, uint8), from
 * the file (readVolumeFile) and from memory (readNpy, the editor's path), interleaved A/B:
 * - 4 and 8 bytes, 64-byte runs: float32 from the file 264 ms vs 285 with 128-byte runs (and a
 *   read-ahead, since dropped) and 306 with 32; from memory 278 vs 389 with 128. float64
 *   (256×256×300) from memory 114 vs 149.
 * - 1 and 2 bytes, 128-byte runs: uint8 from the file equal (107/108 ms), from memory 87 vs 104
 *   with 64; uint16 equal.
 * Blocks of 1–3 MB measure equal (so 1 MB, this machine's L2); 256/512 KB lose to the extra reads.
 */
const BLOCK_BYTES = 1024 * 1024;
const RUN_BYTES: Readonly<Record<ElementSize, number>> = { 1: 128, 2: 128, 4: 64, 8: 64 };

/** Pads a 2D–4D shape to (d0, d1, d2, d3) with unit middle axes; reversal order is unchanged. */
export function asFourAxes(dims: readonly number[]): [number, number, number, number] {
  if (dims.length === 2) return [dims[0]!, 1, 1, dims[1]!];
  if (dims.length === 3) return [dims[0]!, dims[1]!, 1, dims[2]!];
  if (dims.length === 4) return [dims[0]!, dims[1]!, dims[2]!, dims[3]!];
  throw new RangeError(`reverseAxes handles 2 to 4 axes, not ${dims.length}`);
}

/** Block shape for an element size: tx fills RUN_BYTES[size] of output, nb keeps the block near BLOCK_BYTES. */
export function blockShape(d: readonly [number, number, number, number], size: ElementSize): { tx: number; nb: number } {
  const tx = Math.min(d[0], RUN_BYTES[size] / size);
  const run = d[2] * d[3] * size;
  const nb = Math.max(1, Math.min(d[1], Math.floor(BLOCK_BYTES / (tx * run))));
  return { tx, nb };
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The kernel for a shape: packed words for 1- and 2-byte elements when d0 and d3 are multiples
 * of the pack (then every run, block and output position is word-aligned), else per element.
 */
export function kernelFor(d: readonly [number, number, number, number], size: ElementSize, srcByteOffset: number, outByteOffset: number): Kernel {
  if (!HOST_LITTLE_ENDIAN || srcByteOffset % 4 !== 0 || outByteOffset % 4 !== 0) return size;
  if (size === 1 && d[0] % 4 === 0 && d[3] % 4 === 0) return 'x4';
  if (size === 2 && d[0] % 2 === 0 && d[3] % 2 === 0) return 'x2';
  return size;
}

/** A view of `bytes` as unsigned words of `size` (4 for size 8); byteOffset must be a multiple of the word size. */
export function wordsOf(bytes: Uint8Array, size: Kernel): Words {
  const w = size === 8 || size === 'x4' || size === 'x2' ? 4 : size;
  const length = bytes.byteLength / w;
  if (w === 1) return bytes;
  if (w === 2) return new Uint16Array(bytes.buffer, bytes.byteOffset, length);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, length);
}

/**
 * A reversal read from a source through `read(into, byteOffset)`, cut into `units`: bands of `nb`
 * consecutive b-values over every a. The units are independent (each writes its own output
 * elements), so any thread may do any of them (sharedTranspose.ts), each once.
 */
export interface ReaderReversal {
  readonly d: readonly [number, number, number, number];
  readonly size: ElementSize;
  readonly tx: number;
  readonly nb: number;
  readonly units: number;
  readonly kernel: Kernel;
}

export function planReaderReversal(dims: readonly number[], size: ElementSize, outByteOffset: number): ReaderReversal {
  const d = asFourAxes(dims);
  const { tx, nb } = blockShape(d, size);
  return { d, size, tx, nb, units: Math.ceil(d[1] / nb), kernel: kernelFor(d, size, 0, outByteOffset) };
}

/** One thread's scratch for a reversal: one block's input, and the words views the kernel reads and writes. */
export interface ReversalScratch {
  readonly chunk: Uint8Array;
  readonly chunkWords: Words;
  readonly outWords: Words;
}

export function reversalScratch(plan: ReaderReversal, out: Uint8Array): ReversalScratch {
  const chunk = new Uint8Array(plan.tx * plan.nb * plan.d[2] * plan.d[3] * plan.size);
  return { chunk, chunkWords: wordsOf(chunk, plan.kernel), outWords: wordsOf(out, plan.kernel) };
}

/** Does unit `unit` of `plan`: reads its blocks' runs into the scratch chunk and reverses them into the output. */
export function reverseUnit(plan: ReaderReversal, unit: number, scratch: ReversalScratch, read: (into: Uint8Array, byteOffset: number) => void): void {
  const { d, size, tx, nb, kernel } = plan;
  const runElements = nb * d[2] * d[3];
  const slab = d[1] * d[2] * d[3];
  const b0 = unit * nb;
  const nbHere = Math.min(nb, d[1] - b0);
  const runBytes = nbHere * d[2] * d[3] * size;
  for (let a0 = 0; a0 < d[0]; a0 += tx) {
    const txHere = Math.min(tx, d[0] - a0);
    for (let x = 0; x < txHere; x++) {
      const at = x * runElements * size;
      read(scratch.chunk.subarray(at, at + runBytes), ((a0 + x) * slab + b0 * d[2] * d[3]) * size);
    }
    reverseBlock(kernel, scratch.chunkWords, 0, runElements, scratch.outWords, d, a0, txHere, b0, nbHere);
  }
}

/**
 * Reverses the axes of `dims` (C order in) into `out` (F order), reading the source bytes
 * through `read(into, byteOffset)`, which fills `into` from that byte offset of the C-ordered
 * data. Used with a file descriptor so the file is read in small blocks straight into the
 * transpose. `out` holds the output's bytes (any element type of `size` bytes).
 */
export function reverseAxesFromReader(
  dims: readonly number[], size: ElementSize, out: Uint8Array, read: (into: Uint8Array, byteOffset: number) => void,
): void {
  const plan = planReaderReversal(dims, size, out.byteOffset);
  const scratch = reversalScratch(plan, out);
  for (let unit = 0; unit < plan.units; unit++) reverseUnit(plan, unit, scratch, read);
}

/** Reverses the axes of `dims` from `src` (C order, the data's bytes, word-aligned) into `out` (F order). */
export function reverseAxesFromBytes(dims: readonly number[], size: ElementSize, src: Uint8Array, out: Uint8Array): void {
  const d = asFourAxes(dims);
  const { tx, nb } = blockShape(d, size);
  const kernel = kernelFor(d, size, src.byteOffset, out.byteOffset);
  const srcWords = wordsOf(src, kernel);
  const outWords = wordsOf(out, kernel);
  const slab = d[1] * d[2] * d[3];
  for (let a0 = 0; a0 < d[0]; a0 += tx) {
    const txHere = Math.min(tx, d[0] - a0);
    for (let b0 = 0; b0 < d[1]; b0 += nb) {
      reverseBlock(kernel, srcWords, a0 * slab + b0 * d[2] * d[3], slab, outWords, d, a0, txHere, b0, Math.min(nb, d[1] - b0));
    }
  }
}

type Ctor = { new (length: number): VoxelArray };

/** `input` in C order of `dims` → a new array of its type in F order (the input itself when at most one axis exceeds 1). */
export function reverseAxesOf(input: VoxelArray, dims: readonly number[]): VoxelArray {
  if (dims.filter((n) => n > 1).length <= 1) return input;
  const out = new (input.constructor as Ctor)(input.length);
  const size = input.BYTES_PER_ELEMENT as ElementSize;
  reverseAxesFromBytes(dims, size, new Uint8Array(input.buffer, input.byteOffset, input.byteLength), new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
  return out;
}
