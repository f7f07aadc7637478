/** Shared bits of the reader tests: fixture paths, voxel lookup, PNG building. */
import { resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { encode } from 'fast-png';
import type { ImageData } from 'fast-png';
import type { Volume } from '../../../src/core/io/volume';
import { gzip } from './niftiWriter';

/** Repo root from dist-test/unit (the bundled tests run from there). */
export const REPO_ROOT = resolve(__dirname, '../..');
export const FIXTURES_DIR = resolve(REPO_ROOT, 'test/fixtures');

export function voxel(volume: Volume, i: number, j: number, k: number, c = 0): number {
  const [nx = 1, ny = 1, nz = 1] = volume.dims;
  const value = volume.data[i + nx * (j + ny * (k + nz * c))];
  if (value === undefined) throw new Error(`voxel ${i},${j},${k},${c} is outside ${volume.dims.join('×')}`);
  return value;
}

export function stats(volume: Volume): { sum: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of volume.data) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { sum, min, max };
}

export function pngBytes(image: ImageData, options?: Parameters<typeof encode>[1]): Uint8Array {
  return encode(image, options);
}

/** Packs one-sample-per-pixel values into PNG rows of `depth` bits (MSB first, byte-aligned rows). */
export function packRows(values: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  const rowBytes = Math.ceil((width * depth) / 8);
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      out[y * rowBytes + (bit >> 3)]! |= (values[y * width + x]! & ((1 << depth) - 1)) << (8 - depth - (bit & 7));
    }
  }
  return out;
}

/** Recomputes every chunk CRC (after a test or a fuzzer edited a chunk on purpose). */
export function fixPngCrcs(png: Uint8Array): void {
  const view = new DataView(png.buffer, png.byteOffset, png.length);
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = view.getUint32(offset);
    const end = offset + 8 + length;
    if (end + 4 > png.length) return;
    view.setUint32(end, zlib.crc32(png.subarray(offset + 4, end)));
    offset = end + 4;
  }
}

/** Chunk list of a PNG: [type, start of body, length]. */
export function pngChunks(png: Uint8Array): { type: string; body: number; length: number }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.length);
  const chunks: { type: string; body: number; length: number }[] = [];
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = view.getUint32(offset);
    chunks.push({ type: String.fromCharCode(...png.subarray(offset + 4, offset + 8)), body: offset + 8, length });
    offset += 12 + length;
  }
  return chunks;
}

/** mulberry32: a tiny seeded PRNG so fuzz failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A .npy v1 file of `shape` with the given dtype and order holding `data` (bytes in that order). */
export function npyFile(shape: readonly number[], descr: string, fortran: boolean, data: Uint8Array): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')},), }`;
  dict += ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), data]);
}

/** A 3D NRRD (LPS, `spacing` along the axes, origin 0) holding `data` (little-endian bytes of `type`), raw or gzip. */
export function nrrdFile(dims: readonly number[], spacing: readonly number[], type: string, data: Uint8Array, gz: boolean): Uint8Array {
  const header = `NRRD0004\ntype: ${type}\ndimension: 3\nspace: left-posterior-superior\nsizes: ${dims.join(' ')}\n` +
    `space directions: (${-spacing[0]!},0,0) (0,${-spacing[1]!},0) (0,0,${spacing[2]})\nkinds: domain domain domain\n` +
    `endian: little\nencoding: ${gz ? 'gzip' : 'raw'}\nspace origin: (0,0,0)\n\n`;
  return Buffer.concat([Buffer.from(header, 'latin1'), gz ? gzip(data) : data]);
}

/** A 3D MetaImage (.mha, data attached) of the same geometry as nrrdFile's, raw or zlib-compressed. */
export function mhaFile(dims: readonly number[], spacing: readonly number[], type: string, data: Uint8Array, compress: boolean): Uint8Array {
  const body = compress ? zlib.deflateSync(data) : data;
  const header = `ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\nCompressedData = ${compress ? 'True' : 'False'}\n` +
    `${compress ? `CompressedDataSize = ${body.length}\n` : ''}TransformMatrix = -1 0 0 0 -1 0 0 0 1\nOffset = 0 0 0\n` +
    `ElementSpacing = ${spacing.join(' ')}\nDimSize = ${dims.join(' ')}\nElementType = ${type}\nElementDataFile = LOCAL\n`;
  return Buffer.concat([Buffer.from(header, 'latin1'), body]);
}

/** `length` pseudo-random bytes, the same for the same seed (an LCG's high bytes). */
export function seededBytes(length: number, seed: number): Uint8Array {
  const b = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; b[i] = s >>> 24; }
  return b;
}
