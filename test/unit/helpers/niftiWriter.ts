/**
 * A small NIfTI-1/NIfTI-2 writer for tests: every header field the readers look at can be set,
 * including invalid values, odd vox_offsets and either byte order.
 */
import * as zlib from 'node:zlib';

export const DATATYPE = {
  uint8: 2, int16: 4, int32: 8, float32: 16, complex64: 32, float64: 64, rgb24: 128,
  int8: 256, uint16: 512, uint32: 768, int64: 1024, uint64: 1280, float128: 1536,
} as const;
export type WriterDtype = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

const BYTES: Record<WriterDtype, number> = {
  uint8: 1, int8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8,
};

export interface NiftiSpec {
  readonly version?: 1 | 2;
  readonly littleEndian?: boolean;
  /** Image shape (dim[1..]); dim[0] = shape.length unless `dim0` is given. */
  readonly shape: readonly number[];
  readonly dim0?: number;
  readonly dtype: WriterDtype;
  /** Stored datatype code; defaults to the code of `dtype` (set it to write an unsupported code). */
  readonly datatypeCode?: number;
  /** Voxel values, x fastest. Defaults to 0..n−1 (wrapping within the type). */
  readonly values?: ArrayLike<number>;
  /** pixdim[0..7]; defaults to [1, 1, 1, 1, ...]. */
  readonly pixdim?: readonly number[];
  /** Stored vox_offset; the data is written there. Defaults to 352 (NIfTI-1) / 544 (NIfTI-2). */
  readonly voxOffset?: number;
  readonly slope?: number;
  readonly inter?: number;
  readonly qformCode?: number;
  readonly sformCode?: number;
  readonly quaternion?: readonly [number, number, number];
  readonly qoffset?: readonly [number, number, number];
  /** 12 numbers, row-major 3×4. */
  readonly srow?: readonly number[];
  readonly magic?: string;
  /** Bytes appended after the voxel data. */
  readonly trailingBytes?: number;
  /** Write only this many voxels of data (a truncated file). */
  readonly writeVoxels?: number;
}

export function writeNifti(spec: NiftiSpec): Uint8Array {
  const version = spec.version ?? 1;
  const le = spec.littleEndian ?? true;
  const headerSize = version === 1 ? 348 : 540;
  const voxOffset = spec.voxOffset ?? (version === 1 ? 352 : 544);
  const dataStart = Number.isFinite(voxOffset) ? Math.max(Math.floor(voxOffset), headerSize + 4) : headerSize + 4;
  const count = spec.shape.reduce((n, d) => n * d, 1);
  const written = spec.writeVoxels ?? count;
  const size = BYTES[spec.dtype];
  const out = new Uint8Array(dataStart + written * size + (spec.trailingBytes ?? 0));
  const view = new DataView(out.buffer);
  const dims = [spec.dim0 ?? spec.shape.length, ...spec.shape];
  while (dims.length < 8) dims.push(1);
  const pixdim = [...(spec.pixdim ?? [1, 1, 1, 1])];
  while (pixdim.length < 8) pixdim.push(1);
  const code = spec.datatypeCode ?? DATATYPE[spec.dtype];
  const srow = spec.srow ?? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];
  const q = spec.quaternion ?? [0, 0, 0];
  const qo = spec.qoffset ?? [0, 0, 0];
  if (version === 1) {
    view.setInt32(0, 348, le);
    dims.forEach((d, i) => view.setInt16(40 + 2 * i, d, le));
    view.setInt16(70, code, le);
    view.setInt16(72, size * 8, le);
    pixdim.forEach((p, i) => view.setFloat32(76 + 4 * i, p, le));
    view.setFloat32(108, voxOffset, le);
    view.setFloat32(112, spec.slope ?? 1, le);
    view.setFloat32(116, spec.inter ?? 0, le);
    view.setInt16(252, spec.qformCode ?? 0, le);
    view.setInt16(254, spec.sformCode ?? 2, le);
    q.forEach((v, i) => view.setFloat32(256 + 4 * i, v, le));
    qo.forEach((v, i) => view.setFloat32(268 + 4 * i, v, le));
    srow.forEach((v, i) => view.setFloat32(280 + 4 * i, v, le));
    writeAscii(out, 344, spec.magic ?? 'n+1\0');
  } else {
    view.setInt32(0, 540, le);
    writeAscii(out, 4, spec.magic ?? 'n+2\0\r\n\x1a\n');
    view.setInt16(12, code, le);
    view.setInt16(14, size * 8, le);
    dims.forEach((d, i) => view.setBigInt64(16 + 8 * i, BigInt(d), le));
    pixdim.forEach((p, i) => view.setFloat64(104 + 8 * i, p, le));
    view.setBigInt64(168, BigInt(Math.floor(voxOffset)), le);
    view.setFloat64(176, spec.slope ?? 1, le);
    view.setFloat64(184, spec.inter ?? 0, le);
    view.setInt32(344, spec.qformCode ?? 0, le);
    view.setInt32(348, spec.sformCode ?? 2, le);
    q.forEach((v, i) => view.setFloat64(352 + 8 * i, v, le));
    qo.forEach((v, i) => view.setFloat64(376 + 8 * i, v, le));
    srow.forEach((v, i) => view.setFloat64(400 + 8 * i, v, le));
  }
  for (let i = 0; i < written; i++) {
    const value = spec.values === undefined ? i : spec.values[i] ?? 0;
    writeValue(view, dataStart + i * size, spec.dtype, value, le);
  }
  return out;
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return zlib.gzipSync(bytes);
}

function writeValue(view: DataView, at: number, dtype: WriterDtype, value: number, le: boolean): void {
  switch (dtype) {
    case 'uint8': view.setUint8(at, value); break;
    case 'int8': view.setInt8(at, value); break;
    case 'int16': view.setInt16(at, value, le); break;
    case 'uint16': view.setUint16(at, value, le); break;
    case 'int32': view.setInt32(at, value, le); break;
    case 'uint32': view.setUint32(at, value, le); break;
    case 'float32': view.setFloat32(at, value, le); break;
    case 'float64': view.setFloat64(at, value, le); break;
  }
}

function writeAscii(out: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
}
