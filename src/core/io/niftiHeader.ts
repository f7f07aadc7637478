/**
 * NIfTI-1 / NIfTI-2 header: detection and parsing.
 *
 * Most fields come from nifti-reader-js, given exactly the fixed-size header (348 or 540 bytes) so
 * it neither parses extensions nor touches voxel data. Three things we read ourselves, because
 * nifti-reader-js 0.8 gets them wrong for our purpose:
 *  - the sform rows (srow_x/y/z): for NIfTI-1 it exposes them only when sform wins its own
 *    (non-nibabel) precedence rule, so they are lost when qform_code > sform_code;
 *  - NIfTI-2 int64 fields (dim[], vox_offset): its big-endian int64 reader mixes the signed and
 *    unsigned halves, so a big-endian value ≥ 2^31 comes out wrong (even negative);
 *  - the qform for NIfTI-2, which it does not compute at all (see niftiAffine.ts).
 */
import { NIFTI1, NIFTI2 } from 'nifti-reader-js';
import { VolumeReadError } from './volume';

export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;
/** Header + the 4-byte extension flag: where voxel data can start at the earliest. */
export const NIFTI1_MIN_VOX_OFFSET = 352;
export const NIFTI2_MIN_VOX_OFFSET = 544;

export interface NiftiHeader {
  readonly version: 1 | 2;
  readonly littleEndian: boolean;
  /** dim[0..7] as stored (dim[0] = number of dimensions). */
  readonly dim: readonly number[];
  readonly datatypeCode: number;
  /** pixdim[0..7] as stored (pixdim[0] = qfac). */
  readonly pixdim: readonly number[];
  /** vox_offset as stored (float for NIfTI-1, may be 0 or fractional). */
  readonly voxOffset: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  readonly qformCode: number;
  readonly sformCode: number;
  /** quatern_b, quatern_c, quatern_d. */
  readonly quaternion: readonly [number, number, number];
  /** qoffset_x, qoffset_y, qoffset_z. */
  readonly qoffset: readonly [number, number, number];
  /** srow_x, srow_y, srow_z: 12 numbers, row-major 3×4. */
  readonly srow: readonly number[];
}

export type NiftiKind = 'nifti1' | 'nifti2';

/**
 * Recognises a NIfTI header by sizeof_hdr (348 or 540, either byte order) and the magic string.
 * Returns undefined when the bytes are not NIfTI at all; throws for NIfTI-like files we cannot read.
 */
export function detectNifti(bytes: Uint8Array): NiftiKind | undefined {
  if (bytes.length < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const sizeLE = view.getInt32(0, true);
  const sizeBE = view.getInt32(0, false);
  if (sizeLE === NIFTI1_HEADER_BYTES || sizeBE === NIFTI1_HEADER_BYTES) {
    if (bytes.length < NIFTI1_HEADER_BYTES) return 'nifti1'; // caller reports truncation
    return checkMagic(ascii(bytes, 344, 4), 'n+1', 'ni1') ? 'nifti1' : undefined;
  }
  if (sizeLE === NIFTI2_HEADER_BYTES || sizeBE === NIFTI2_HEADER_BYTES) {
    if (bytes.length < NIFTI2_HEADER_BYTES) return 'nifti2';
    return checkMagic(ascii(bytes, 4, 4), 'n+2', 'ni2') ? 'nifti2' : undefined;
  }
  return undefined;
}

/**
 * sizeof_hdr of a header whose magic is missing: 348 is an ANALYZE 7.5 header (or a damaged
 * NIfTI-1), 540 a damaged NIfTI-2. Undefined when the first int32 is neither.
 */
export function headerSizeWithoutMagic(bytes: Uint8Array): number | undefined {
  if (bytes.length < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (const size of [NIFTI1_HEADER_BYTES, NIFTI2_HEADER_BYTES]) {
    if (bytes.length >= size && (view.getInt32(0, true) === size || view.getInt32(0, false) === size)) return size;
  }
  return undefined;
}

function checkMagic(magic: string, single: string, pair: string): boolean {
  if (magic === `${single}\0`) return true;
  if (magic === `${pair}\0`) {
    throw new VolumeReadError(
      `this is the header of a two-file NIfTI pair (magic "${pair}"; voxels live in a separate .img file), ` +
        'which is not supported; convert the pair to a single .nii or .nii.gz (e.g. nibabel.save(nibabel.load(hdr), "out.nii.gz"))');
  }
  return false;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/** Parses the fixed header. `bytes` must start at the header and hold at least its size. */
export function parseNiftiHeader(bytes: Uint8Array, kind: NiftiKind): NiftiHeader {
  const headerBytes = kind === 'nifti1' ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES;
  if (bytes.length < headerBytes) {
    throw new VolumeReadError(
      `the file ends inside the NIfTI header (${bytes.length} of ${headerBytes} bytes); it is truncated — copy it again`);
  }
  // A private copy of exactly the header: nifti-reader-js wants an ArrayBuffer, and giving it no
  // more than the header keeps it from parsing (possibly malformed) extensions. (Not bytes.slice():
  // on a Node Buffer that is a view into a shared pool, not a copy.)
  const header = new Uint8Array(headerBytes);
  header.set(bytes.subarray(0, headerBytes));
  const lib = kind === 'nifti1' ? new NIFTI1() : new NIFTI2();
  try {
    lib.readHeader(header.buffer);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new VolumeReadError(`the NIfTI header cannot be parsed (${detail}); the file is damaged`);
  }
  const view = new DataView(header.buffer);
  const le = lib.littleEndian;
  return kind === 'nifti1'
    ? {
      version: 1,
      littleEndian: le,
      dim: lib.dims.slice(0, 8),
      datatypeCode: lib.datatypeCode,
      pixdim: lib.pixDims.slice(0, 8),
      voxOffset: lib.vox_offset,
      sclSlope: lib.scl_slope,
      sclInter: lib.scl_inter,
      qformCode: lib.qform_code,
      sformCode: lib.sform_code,
      quaternion: [lib.quatern_b, lib.quatern_c, lib.quatern_d],
      qoffset: [lib.qoffset_x, lib.qoffset_y, lib.qoffset_z],
      srow: readFloats(view, 280, 12, le, 4),
    }
    : {
      version: 2,
      littleEndian: le,
      dim: Array.from({ length: 8 }, (_, i) => readInt64(view, 16 + 8 * i, le)),
      datatypeCode: lib.datatypeCode,
      pixdim: lib.pixDims.slice(0, 8),
      voxOffset: readInt64(view, 168, le),
      sclSlope: lib.scl_slope,
      sclInter: lib.scl_inter,
      qformCode: lib.qform_code,
      sformCode: lib.sform_code,
      quaternion: [lib.quatern_b, lib.quatern_c, lib.quatern_d],
      qoffset: [lib.qoffset_x, lib.qoffset_y, lib.qoffset_z],
      srow: readFloats(view, 400, 12, le, 8),
    };
}

function readFloats(view: DataView, start: number, count: number, le: boolean, size: 4 | 8): number[] {
  return Array.from({ length: count }, (_, i) =>
    size === 4 ? view.getFloat32(start + 4 * i, le) : view.getFloat64(start + 8 * i, le));
}

/** int64 as a number; values beyond 2^53 lose precision, which is fine: they fail the limits anyway. */
function readInt64(view: DataView, offset: number, le: boolean): number {
  return Number(view.getBigInt64(offset, le));
}
