/**
 * NumPy .npy (format versions 1.0, 2.0, 3.0) into a Volume.
 *
 * Axis rule: the array's logical axes — the shape numpy.load returns, whatever the file's memory
 * order — are read in reverse: an array of shape (Z, Y, X) is the volume X × Y × Z with
 * arr[k, j, i] at voxel (i, j, k), and (C, Z, Y, X) adds C channels. That is ITK's and
 * SimpleITK's order (GetArrayFromImage), which nnU-Net uses for the .npz probabilities it saves
 * beside each prediction, and a 2D (rows, columns) image is columns × rows like a PNG. A C-ordered
 * file (numpy's default) is then viewed as is; a Fortran-ordered file of the same array is
 * reordered on load, so both open identically. An array from nibabel (`img.get_fdata()`, indexed
 * [i, j, k]) must be saved transposed (`arr.T`). There is no geometry in the file: spacing 1 mm
 * and an identity affine are assumed (Volume.geometryAssumed).
 */
import * as fs from 'node:fs';
import { clip } from './nrrdHeader';
import { checkShape, elementsFrom, latin1 } from './rawData';
import type { ElementType } from './rawData';
import { readFully } from './readFully';
import { newTransposeJob, SHARED_TRANSPOSE_MIN_BYTES, transposeWithHelper } from './sharedTranspose';
import { reverseAxesFromReader, reverseAxesOf } from './transpose';
import type { ElementSize } from './transpose';
import { VolumeReadError } from './volume';
import type { ReadOptions, Volume, VolumeFormat, VoxelArray } from './volume';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

interface NpyHeader {
  readonly type: ElementType;
  readonly littleEndian: boolean;
  readonly fortranOrder: boolean;
  readonly shape: number[];
  readonly dataStart: number;
}

const KINDS: Readonly<Record<string, ElementType>> = {
  b1: { dtype: 'bool', bytes: 1 }, u1: { dtype: 'uint8', bytes: 1 }, i1: { dtype: 'int8', bytes: 1 },
  u2: { dtype: 'uint16', bytes: 2 }, i2: { dtype: 'int16', bytes: 2 }, u4: { dtype: 'uint32', bytes: 4 },
  i4: { dtype: 'int32', bytes: 4 }, u8: { dtype: 'uint64', bytes: 8 }, i8: { dtype: 'int64', bytes: 8 },
  f2: { dtype: 'float16', bytes: 2 }, f4: { dtype: 'float32', bytes: 4 }, f8: { dtype: 'float64', bytes: 8 },
};

export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  if (bytes.length < 10) throw new VolumeReadError(`the .npy file is truncated (${bytes.length} bytes, shorter than its header)`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let headerLength: number;
  let at: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    at = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new VolumeReadError('the .npy file is truncated (shorter than its header)');
    headerLength = view.getUint32(8, true);
    at = 12;
  } else {
    throw new VolumeReadError(`the .npy file has format version ${major}.${bytes[7]}; Mask Inspector reads versions 1, 2 and 3`);
  }
  if (at + headerLength > bytes.length) {
    throw new VolumeReadError(`the .npy header declares ${headerLength} bytes but the file holds only ${bytes.length - at}; the file is truncated`);
  }
  const text = latin1(bytes.subarray(at, at + Math.min(headerLength, 1 << 16)));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    if (/'descr'\s*:\s*\[/.test(text)) throw new VolumeReadError('the .npy array has a structured dtype (named fields); save a plain numeric array');
    throw new VolumeReadError(`the .npy header "${clip(text)}" lacks descr, fortran_order or shape; the file is damaged`);
  }
  const m = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const type = m ? KINDS[m[2]] : undefined;
  if (m === null || type === undefined) {
    throw new VolumeReadError(
      `the .npy array has dtype "${clip(descr)}"; Mask Inspector reads bool, (u)int8–64, float16/32/64 — convert it with arr.astype(np.float32) or np.uint8`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  return { type, littleEndian: m[1] !== '>', fortranOrder: fortran === 'True', shape, dataStart: at + headerLength };
}

function checkNpyShape(header: NpyHeader, options: ReadOptions): number {
  const { shape } = header;
  if (shape.length < 2 || shape.length > 4) {
    throw new VolumeReadError(
      `the array has shape (${shape.join(', ')}); Mask Inspector reads 2D (rows, columns), 3D (z, y, x) and 4D (channel, z, y, x) arrays`);
  }
  return checkShape(shape, options, 'the .npy array');
}

function npyVolume(header: NpyHeader, data: VoxelArray, source: string, format: VolumeFormat): Volume {
  const dims = [...header.shape].reverse();
  if (dims.length === 2) dims.push(1);
  if (dims.length === 4 && dims[3] === 1) dims.pop();
  return {
    source, format, dims, spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    data, sourceDtype: header.type.dtype, scaled: false, geometryAssumed: true,
  };
}

export function readNpy(bytes: Uint8Array, source: string, options: ReadOptions, format: VolumeFormat = 'npy'): Volume {
  const header = parseNpyHeader(bytes);
  const count = checkNpyShape(header, options);
  let data = elementsFrom(bytes, header.dataStart, count, header.type, header.littleEndian);
  // Fortran order holds the reversed shape in C order: reorder it to the C layout of `shape`.
  if (header.fortranOrder) data = reverseAxesOf(data, [...header.shape].reverse());
  return npyVolume(header, data, source, format);
}

/** Array types whose file bytes are the voxels as they are (host little-endian, or one byte). */
const PLAIN: Partial<Record<string, { new (length: number): VoxelArray; new (buffer: SharedArrayBuffer): VoxelArray }>> = {
  uint8: Uint8Array, bool: Uint8Array, int8: Int8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array,
};
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A Fortran-ordered .npy on disk, transposed while it is read: the file is read in small blocks
 * straight into the transpose (readVolumeFile), never copied whole first — the copy and its page
 * faults cost as much as the transpose. With options.transposeHelper, another thread transposes
 * part of it (sharedTranspose.ts) and the voxels are in a SharedArrayBuffer. Undefined for anything else (C order, other dtypes or byte
 * orders, damaged or short files), which then takes the whole-file path and its messages.
 */
export function readFortranNpyFile(path: string, options: ReadOptions): Volume | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const head = new Uint8Array(Math.min(stat.size, 64 * 1024));
    const got = fs.readSync(fd, head, 0, head.length, 0);
    if (!isNpy(head.subarray(0, got))) return undefined;
    let header: NpyHeader;
    let count: number;
    try {
      header = parseNpyHeader(head.subarray(0, got));
      if (!header.fortranOrder) return undefined;
      count = checkNpyShape(header, options);
    } catch {
      return undefined;
    }
    const Plain = PLAIN[header.type.dtype];
    const size = header.type.bytes as ElementSize;
    if (Plain === undefined || (size > 1 && header.littleEndian !== HOST_LITTLE_ENDIAN)) return undefined;
    if (stat.size - header.dataStart < count * size) return undefined;
    const dims = [...header.shape].reverse();
    const file = fd;
    const start = header.dataStart;
    const read = (into: Uint8Array, offset: number) => readFully(file, into, start + offset, truncatedNpy);
    const transposed = dims.filter((n) => n > 1).length > 1;
    const helper = options.transposeHelper;
    if (helper !== undefined && transposed && count * size >= SHARED_TRANSPOSE_MIN_BYTES) {
      const job = newTransposeJob(path, file, start, dims, size, count * size);
      transposeWithHelper(job, helper, read);
      return npyVolume(header, new Plain(job.out), path, 'npy');
    }
    const data = options.sharedMemory === true ? new Plain(new SharedArrayBuffer(count * size)) : new Plain(count);
    const out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (transposed) reverseAxesFromReader(dims, size, out, read);
    else read(out, 0);
    return npyVolume(header, data, path, 'npy');
  } catch (error) {
    if (error instanceof VolumeReadError) throw error;
    return undefined; // the whole-file path reports what is wrong with the file
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const truncatedNpy = () => new VolumeReadError('the .npy file ended before its voxels did; the file is truncated');
