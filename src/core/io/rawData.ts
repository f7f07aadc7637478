/**
 * Shared by the NRRD, MetaImage and NumPy readers: element types, bytes → typed array (byte order,
 * 64-bit integers, float16, bool), the voxel limit, and exact-size zlib/deflate inflation (one
 * output buffer of the size the header declared, never more).
 */
import * as zlib from 'node:zlib';
import { formatBytes, gunzipWhole, MAX_BUFFER_BYTES, MAX_DEFLATE_RATIO } from './gzip';
import { voxelArrayFrom } from './niftiDatatypes';
import type { SupportedDatatype } from './niftiDatatypes';
import { DEFAULT_MAX_VOXELS, VolumeReadError } from './volume';
import type { ReadOptions, SourceDtype, VoxelArray } from './volume';

export interface ElementType {
  readonly dtype: SourceDtype;
  readonly bytes: number;
}

const DIRECT: Partial<Record<SourceDtype, SupportedDatatype>> = {
  uint8: { code: 2, dtype: 'uint8', bytesPerVoxel: 1, arrayType: Uint8Array },
  bool: { code: 2, dtype: 'uint8', bytesPerVoxel: 1, arrayType: Uint8Array },
  int8: { code: 256, dtype: 'int8', bytesPerVoxel: 1, arrayType: Int8Array },
  int16: { code: 4, dtype: 'int16', bytesPerVoxel: 2, arrayType: Int16Array },
  uint16: { code: 512, dtype: 'uint16', bytesPerVoxel: 2, arrayType: Uint16Array },
  int32: { code: 8, dtype: 'int32', bytesPerVoxel: 4, arrayType: Int32Array },
  uint32: { code: 768, dtype: 'uint32', bytesPerVoxel: 4, arrayType: Uint32Array },
  float32: { code: 16, dtype: 'float32', bytesPerVoxel: 4, arrayType: Float32Array },
  float64: { code: 64, dtype: 'float64', bytesPerVoxel: 8, arrayType: Float64Array },
};

/** Sizes must be positive safe integers and their product within the voxel limit. */
export function checkShape(dims: readonly number[], options: ReadOptions, what: string): number {
  for (const [axis, size] of dims.entries()) {
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new VolumeReadError(
        `${what} declares a size of ${size} along axis ${axis + 1} (sizes ${dims.join(', ')}); every size must be a positive integer — the header is damaged`);
    }
  }
  const count = dims.reduce((n, d) => n * d, 1);
  const maxVoxels = options.maxVoxels ?? DEFAULT_MAX_VOXELS;
  if (count > maxVoxels) {
    throw new VolumeReadError(
      `the image has ${count} voxels (${dims.join('×')}), more than the limit of ${maxVoxels}; ` +
        'if the file is genuine, raise the maskInspector.maxVoxels setting (or pass --max-voxels to the CLI)');
  }
  return count;
}

/**
 * `count` elements of `type` starting at `start` as the typed array Volume.data uses. 1–8 byte
 * types the NIfTI reader knows are viewed or copied as it does; int64/uint64 become Int32Array when
 * every value fits (masks saved by numpy are int64 by default), else Float64Array (exact up to
 * 2^53, an error beyond); float16 becomes Float32Array; bool becomes Uint8Array.
 */
export function elementsFrom(bytes: Uint8Array, start: number, count: number, type: ElementType, littleEndian: boolean): VoxelArray {
  if (bytes.length - start < count * type.bytes) {
    throw new VolumeReadError(
      `the header declares ${count} voxels of ${type.dtype} (${count * type.bytes} bytes) but the data holds only ` +
        `${Math.max(0, bytes.length - start)}; the file is truncated or its header is wrong — copy or export it again`);
  }
  const direct = DIRECT[type.dtype];
  if (direct !== undefined) return voxelArrayFrom(bytes, start, count, direct, littleEndian);
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, count * type.bytes);
  if (type.dtype === 'float16') {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, littleEndian));
    return out;
  }
  return int64Elements(view, count, type.dtype === 'int64', littleEndian);
}

function int64Elements(view: DataView, count: number, signed: boolean, littleEndian: boolean): VoxelArray {
  const lo = littleEndian ? 0 : 4;
  const hi = littleEndian ? 4 : 0;
  let fitsInt32 = true;
  for (let i = 0; i < count && fitsInt32; i++) {
    const h = view.getInt32(8 * i + hi, littleEndian);
    const l = view.getInt32(8 * i + lo, littleEndian);
    fitsInt32 = signed ? (h === 0 && l >= 0) || (h === -1 && l < 0) : h === 0 && l >= 0;
  }
  if (fitsInt32) {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getInt32(8 * i + lo, littleEndian);
    return out;
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const h = signed ? view.getInt32(8 * i + hi, littleEndian) : view.getUint32(8 * i + hi, littleEndian);
    const value = h * 2 ** 32 + view.getUint32(8 * i + lo, littleEndian);
    if (Math.abs(value) > Number.MAX_SAFE_INTEGER) {
      throw new VolumeReadError(
        `voxel ${i} holds a 64-bit integer beyond ±2^53 that cannot be represented exactly; save the array as int32 or float64`);
    }
    out[i] = value;
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export type Compression = 'gzip' | 'zlib' | 'deflate-raw';

/**
 * Inflates a whole stream into one buffer of exactly `expectedBytes` (the size the header
 * declared, already checked against the voxel limit): fewer bytes is a truncated file, more is
 * refused as soon as the buffer is full (a bomb or a lying header never allocates more).
 */
export function inflateExact(input: Uint8Array, expectedBytes: number, compression: Compression, what: string): Uint8Array {
  if (expectedBytes > MAX_BUFFER_BYTES) {
    throw new VolumeReadError(
      `the image needs ${formatBytes(expectedBytes)} once decompressed, more than the ${formatBytes(MAX_BUFFER_BYTES)} Node.js can hold in one buffer`);
  }
  if (expectedBytes > (input.length + 64) * MAX_DEFLATE_RATIO) {
    throw new VolumeReadError(
      `the header declares ${expectedBytes} bytes of image data but ${input.length} bytes of ${what} can hold at most ` +
        `${formatBytes((input.length + 64) * MAX_DEFLATE_RATIO)}; the file is truncated or its header is wrong — copy or export it again`);
  }
  let out: Uint8Array;
  if (compression === 'gzip') {
    out = gunzipWhole(input, expectedBytes);
  } else {
    const options = { chunkSize: Math.max(expectedBytes + 1, 64), maxOutputLength: Math.max(1, expectedBytes) };
    try {
      out = compression === 'zlib' ? zlib.inflateSync(input, options) : zlib.inflateRawSync(input, options);
    } catch (error) {
      throw zlibError(error, expectedBytes, what);
    }
  }
  if (out.length < expectedBytes) {
    throw new VolumeReadError(
      `${what} decompresses to ${out.length} bytes but the header declares ${expectedBytes}; the file is truncated or its header is wrong — copy or export it again`);
  }
  return out.length === expectedBytes ? out : out.subarray(0, expectedBytes);
}

function zlibError(error: unknown, expectedBytes: number, what: string): VolumeReadError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
    return new VolumeReadError(
      `${what} decompresses to more than the ${expectedBytes} bytes its header declares; the file is corrupt or its header is wrong — export it again`);
  }
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(detail)) {
    return new VolumeReadError(`${what} is truncated (the compressed stream ends early); copy or export the file again`);
  }
  return new VolumeReadError(`${what} is corrupt (zlib: ${detail.replace(/\s+/g, ' ')}); copy or export the file again`);
}

/** Reads `key = value` style text safely: at most this much header text is ever decoded. */
export const MAX_TEXT_HEADER_BYTES = 1 << 20;

export function latin1(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes);
}

export function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}
