/** NIfTI datatype codes (nifti1.h), which of them we read, and how to turn bytes into typed arrays. */
import type { SourceDtype, VoxelArray } from './volume';

interface TypedArrayConstructorOf<T extends VoxelArray> {
  readonly BYTES_PER_ELEMENT: number;
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
}

export interface SupportedDatatype {
  readonly code: number;
  readonly dtype: SourceDtype;
  readonly bytesPerVoxel: number;
  readonly arrayType: TypedArrayConstructorOf<VoxelArray>;
}

const SUPPORTED: readonly SupportedDatatype[] = [
  { code: 2, dtype: 'uint8', bytesPerVoxel: 1, arrayType: Uint8Array },
  { code: 256, dtype: 'int8', bytesPerVoxel: 1, arrayType: Int8Array },
  { code: 4, dtype: 'int16', bytesPerVoxel: 2, arrayType: Int16Array },
  { code: 512, dtype: 'uint16', bytesPerVoxel: 2, arrayType: Uint16Array },
  { code: 8, dtype: 'int32', bytesPerVoxel: 4, arrayType: Int32Array },
  { code: 768, dtype: 'uint32', bytesPerVoxel: 4, arrayType: Uint32Array },
  { code: 16, dtype: 'float32', bytesPerVoxel: 4, arrayType: Float32Array },
  { code: 64, dtype: 'float64', bytesPerVoxel: 8, arrayType: Float64Array },
];

/** Names of the codes we do not read, so the error can say what the file holds. */
const UNSUPPORTED_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'DT_UNKNOWN: no datatype set'],
  [1, 'binary (1 bit)'],
  [32, 'complex64'],
  [128, 'rgb24'],
  [1024, 'int64'],
  [1280, 'uint64'],
  [1536, 'float128'],
  [1792, 'complex128'],
  [2048, 'complex256'],
  [2304, 'rgba32'],
]);

export const SUPPORTED_DTYPE_NAMES = SUPPORTED.map((d) => d.dtype).join(', ');

export function supportedDatatype(code: number): SupportedDatatype | undefined {
  return SUPPORTED.find((d) => d.code === code);
}

export function datatypeName(code: number): string {
  return supportedDatatype(code)?.dtype ?? UNSUPPORTED_NAMES.get(code) ?? 'not a NIfTI datatype';
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Below this size the data is always copied: copying is free, and small Node Buffers (zlib output,
 * readFileSync) live in a shared 8 KiB pool that must never end up in a postMessage transfer list.
 */
const MIN_ZERO_COPY_BYTES = 64 * 1024;

/**
 * Voxel data as a typed array. Zero-copy view into `bytes` when the file's byte order is the host's
 * and the offset is aligned to the element size (typed arrays require it); otherwise a copy, byte
 * swapped when the file's byte order differs. `bytes` is never modified.
 */
export function voxelArrayFrom(
  bytes: Uint8Array,
  start: number,
  count: number,
  datatype: SupportedDatatype,
  fileIsLittleEndian: boolean,
): VoxelArray {
  const size = datatype.bytesPerVoxel;
  const Arr = datatype.arrayType;
  const needsSwap = size > 1 && fileIsLittleEndian !== HOST_IS_LITTLE_ENDIAN;
  const absoluteOffset = bytes.byteOffset + start;
  if (!needsSwap && absoluteOffset % size === 0 && count * size >= MIN_ZERO_COPY_BYTES) {
    return new Arr(bytes.buffer, absoluteOffset, count);
  }
  const out = new Arr(count);
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, count * size);
  outBytes.set(bytes.subarray(start, start + count * size));
  if (needsSwap) swapBytesInPlace(outBytes, size);
  return out;
}

/** Reverses every `size`-byte group (2, 4 or 8) of our own copy. */
function swapBytesInPlace(b: Uint8Array, size: number): void {
  const n = b.length;
  if (size === 2) {
    for (let i = 0; i < n; i += 2) {
      const t = b[i];
      b[i] = b[i + 1];
      b[i + 1] = t;
    }
  } else if (size === 4) {
    for (let i = 0; i < n; i += 4) {
      const t0 = b[i];
      const t1 = b[i + 1];
      b[i] = b[i + 3];
      b[i + 1] = b[i + 2];
      b[i + 2] = t1;
      b[i + 3] = t0;
    }
  } else {
    for (let i = 0; i < n; i += size) {
      for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
        const t = b[lo];
        b[lo] = b[hi];
        b[hi] = t;
      }
    }
  }
}
