/**
 * The blocked axis reversal behind Fortran-ordered .npy files (src/core/io/transpose.ts), against
 * a naive reference computed here element by element: odd and prime shapes, unit axes, 2D–4D,
 * element sizes 1/2/4/8 (packed and per-element kernels, unrolled parts and remainders), shapes
 * spanning several blocks with partial last blocks, from memory and through the chunked file reader.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { readNpy } from '../../src/core/io/npy';
import { reverseAxesFromReader, reverseAxesOf } from '../../src/core/io/transpose';
import type { ElementSize } from '../../src/core/io/transpose';
import type { VoxelArray } from '../../src/core/io/volume';
import { npyFile, seededBytes } from './helpers/ioTestUtils';

/** Naive reference: element at C-order index of `dims` goes to the F-order index of the same subscripts. */
function naiveReverse(src: Uint8Array, dims: readonly number[], size: number): Uint8Array {
  const n = dims.length;
  const count = dims.reduce((p, d) => p * d, 1);
  const out = new Uint8Array(count * size);
  const sub = new Array<number>(n).fill(0);
  for (let c = 0; c < count; c++) {
    // sub = C-order subscripts of c (last axis fastest)
    let rest = c;
    for (let a = n - 1; a >= 0; a--) { sub[a] = rest % dims[a]!; rest = Math.floor(rest / dims[a]!); }
    let f = 0;
    for (let a = n - 1; a >= 0; a--) f = f * dims[a]! + sub[a]!;
    for (let k = 0; k < size; k++) out[f * size + k] = src[c * size + k]!;
  }
  return out;
}

const TYPES: ReadonlyArray<{ new (buffer: ArrayBuffer, offset: number, length: number): VoxelArray; BYTES_PER_ELEMENT: number }> = [
  Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Float32Array, Float64Array,
];

const SHAPES: number[][] = [
  [1, 5, 7], [5, 7, 1], [7, 1, 5], [1, 1, 9], [2, 3], [17, 1], [3, 1],
  [7, 11, 13], [13, 5, 3, 2], [2, 3, 5, 7], [31, 37, 29],
  [8, 3, 12], [64, 5, 8], [68, 3, 2, 4], [4, 2, 6, 8], [6, 4], [12, 2, 1, 4],
  [128, 9, 1000], [131, 7, 997], [67, 2, 3, 1201], [9, 521, 64],
  // Several a-blocks with few planes; rows longer than a page.
  [67, 2, 3], [70, 3, 6], [100, 4, 5], [1100, 3, 5],
];

function bytesOf(a: VoxelArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

test('reverseAxesOf equals the naive reversal for every element size and odd, prime, unit and multi-block shapes', () => {
  let seed = 1;
  for (const dims of SHAPES) {
    const count = dims.reduce((p, d) => p * d, 1);
    for (const T of TYPES) {
      const size = T.BYTES_PER_ELEMENT;
      const raw = seededBytes(count * size, seed++); // arbitrary bits: NaN payloads must survive
      const input = new T(raw.buffer as ArrayBuffer, 0, count);
      const got = reverseAxesOf(input, dims);
      assert.equal(got.constructor, T);
      assert.equal(got.length, count);
      assert.deepEqual(bytesOf(got), naiveReverse(raw, dims, size), `${T.name} ${dims.join('×')}`);
    }
  }
});

test('reverseAxesOf works on a view at an offset (file bytes after a header)', () => {
  const dims = [12, 5, 8];
  const count = 480;
  for (const [T, offset] of [[Uint8Array, 3], [Uint8Array, 4], [Uint16Array, 2], [Uint16Array, 8], [Float32Array, 4], [Float64Array, 8]] as const) {
    const size = T.BYTES_PER_ELEMENT;
    const raw = seededBytes(offset + count * size, offset * 31 + size);
    const input = new T(raw.buffer as ArrayBuffer, offset, count);
    const got = reverseAxesOf(input, dims);
    assert.deepEqual(bytesOf(got), naiveReverse(raw.subarray(offset), dims, size), `${T.name} at ${offset}`);
  }
});

test('reverseAxesFromReader (the chunked file path) equals the naive reversal and reads only inside the data', () => {
  let seed = 99;
  for (const dims of SHAPES) {
    const count = dims.reduce((p, d) => p * d, 1);
    for (const size of [1, 2, 4, 8] as ElementSize[]) {
      const raw = seededBytes(count * size, seed++);
      const out = new Uint8Array(count * size);
      let read = 0;
      reverseAxesFromReader(dims, size, out, (into, offset) => {
        assert.ok(offset >= 0 && offset + into.length <= raw.length, 'read inside the data');
        into.set(raw.subarray(offset, offset + into.length));
        read += into.length;
      });
      assert.equal(read, raw.length, 'every byte read once');
      assert.deepEqual(out, naiveReverse(raw, dims, size), `size ${size} ${dims.join('×')}`);
    }
  }
});

test('a Fortran-ordered .npy read from disk (chunked) and from memory opens as its C-ordered twin, every dtype size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-transpose-'));
  try {
    let seed = 7;
    for (const shape of [[5, 7, 3], [3, 5, 7, 2], [4, 8, 12], [29, 31], [2, 64, 68]]) {
      for (const [descr, size] of [['|u1', 1], ['<i2', 2], ['<f4', 4], ['<f8', 8]] as const) {
        const count = shape.reduce((p, d) => p * d, 1);
        const cBytes = seededBytes(count * size, seed++);
        // F order of `shape` = C order of the reversed shape: the naive reversal of the C bytes of `shape`.
        const fBytes = naiveReverse(cBytes, shape, size);
        const c = npyFile(shape, descr, false, cBytes);
        const f = npyFile(shape, descr, true, fBytes);
        const fPath = join(dir, `f${seed}.npy`);
        writeFileSync(fPath, f);
        const fromC = readNpy(c, 'c.npy', {});
        const fromDisk = readVolumeFile(fPath);
        const fromMemory = readNpy(f, 'f.npy', {});
        for (const v of [fromDisk, fromMemory]) {
          assert.deepEqual(v.dims, fromC.dims);
          assert.equal(v.data.constructor, fromC.data.constructor);
          assert.deepEqual(bytesOf(v.data), bytesOf(fromC.data), `${descr} ${shape.join('×')}`);
          assert.equal(v.sourceDtype, fromC.sourceDtype);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
