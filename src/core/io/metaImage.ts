/**
 * MetaImage (.mha, and .mhd with a separate ElementDataFile) into a Volume: raw or zlib
 * (CompressedData), either byte order, ElementSpacing, Offset and TransformMatrix read as ITK's
 * MetaImageIO reads them (each run of NDims numbers is one axis' direction) and converted from LPS
 * to a RAS affine. Several components per voxel (ElementNumberOfChannels) become channels.
 */
import { moveAxisLast } from './axisOrder';
import { clip, parseNumbers } from './nrrdHeader';
import { checkShape, elementsFrom, inflateExact, MAX_TEXT_HEADER_BYTES, utf8 } from './rawData';
import type { ElementType } from './rawData';
import { VolumeReadError } from './volume';
import type { ReadOptions, Volume } from './volume';
import { affineFromAxes, LPS, vectorLength } from './worldSpace';

const META_TYPES: Readonly<Record<string, ElementType>> = {
  MET_CHAR: { dtype: 'int8', bytes: 1 },
  MET_UCHAR: { dtype: 'uint8', bytes: 1 },
  MET_SHORT: { dtype: 'int16', bytes: 2 },
  MET_USHORT: { dtype: 'uint16', bytes: 2 },
  MET_INT: { dtype: 'int32', bytes: 4 },
  MET_UINT: { dtype: 'uint32', bytes: 4 },
  MET_LONG: { dtype: 'int32', bytes: 4 },
  MET_ULONG: { dtype: 'uint32', bytes: 4 },
  MET_LONG_LONG: { dtype: 'int64', bytes: 8 },
  MET_ULONG_LONG: { dtype: 'uint64', bytes: 8 },
  MET_FLOAT: { dtype: 'float32', bytes: 4 },
  MET_DOUBLE: { dtype: 'float64', bytes: 8 },
};

/** A MetaImage header starts with one of these keys (ITK writes ObjectType first). */
export function isMetaImage(bytes: Uint8Array): boolean {
  const start = utf8(bytes.subarray(0, 64));
  return /^\s*(ObjectType|NDims|ObjectSubType|Comment|TransformType)\s*=/.test(start);
}

interface MetaHeader {
  readonly fields: ReadonlyMap<string, string>;
  readonly dataStart: number;
}

function parseMetaHeader(bytes: Uint8Array): MetaHeader {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < bytes.length) {
    if (at > MAX_TEXT_HEADER_BYTES) throw new VolumeReadError('the MetaImage header is longer than 1 MiB without an ElementDataFile line; the file is damaged');
    let end = bytes.indexOf(0x0a, at);
    const next = end < 0 ? bytes.length : end + 1;
    if (end < 0) end = bytes.length;
    const line = utf8(bytes.subarray(at, Math.min(end, at + 65536))).replace(/\r$/, '');
    at = next;
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new VolumeReadError(`the MetaImage header line "${clip(line)}" is not "Key = Value"; the header is damaged`);
    const key = line.slice(0, eq).trim();
    fields.set(key, line.slice(eq + 1).trim());
    if (key === 'ElementDataFile') return { fields, dataStart: at };
  }
  throw new VolumeReadError('the MetaImage header has no ElementDataFile line (it must be the last line of the header); the header is damaged');
}

function field(fields: ReadonlyMap<string, string>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = fields.get(n);
    if (v !== undefined) return v;
  }
  return undefined;
}

const isTrue = (v: string | undefined) => v !== undefined && /^(true|1)$/i.test(v);

export function readMetaImage(bytes: Uint8Array, source: string, options: ReadOptions): Volume {
  const { fields, dataStart } = parseMetaHeader(bytes);
  const objectType = fields.get('ObjectType');
  if (objectType !== undefined && objectType.toLowerCase() !== 'image') {
    throw new VolumeReadError(`the MetaImage holds a "${clip(objectType)}", not an Image`);
  }
  const nDims = Number(fields.get('NDims'));
  if (!Number.isInteger(nDims) || nDims < 1 || nDims > 4) {
    throw new VolumeReadError(`the MetaImage NDims is "${clip(fields.get('NDims') ?? '(missing)')}"; Mask Inspector reads 2D, 3D and 4D images`);
  }
  const size = parseNumbers(fields.get('DimSize') ?? '', 'DimSize');
  if (size.length !== nDims) throw new VolumeReadError(`the MetaImage DimSize lists ${size.length} sizes for NDims = ${nDims}; the header is damaged`);
  const typeName = fields.get('ElementType') ?? '';
  const type = META_TYPES[typeName.toUpperCase()];
  if (type === undefined) {
    throw new VolumeReadError(`unsupported MetaImage ElementType "${clip(typeName)}"; Mask Inspector reads ${Object.keys(META_TYPES).join(', ')}`);
  }
  const channels = Number(fields.get('ElementNumberOfChannels') ?? 1);
  if (!Number.isInteger(channels) || channels < 1) throw new VolumeReadError(`the MetaImage ElementNumberOfChannels is ${channels}; the header is damaged`);
  if (channels > 1 && nDims > 3) throw new VolumeReadError('the MetaImage is 4D with several channels per voxel; Mask Inspector reads at most 3 spatial axes and one channel axis');
  const fileDims = channels > 1 ? [channels, ...size] : size;
  const count = checkShape(fileDims, options, 'the MetaImage');
  const littleEndian = !isTrue(field(fields, 'BinaryDataByteOrderMSB', 'ElementByteOrderMSB'));
  const payload = metaPayload(bytes, fields, dataStart, options);
  const dataBytes = count * type.bytes;
  let voxels;
  if (isTrue(fields.get('CompressedData'))) {
    const compressedSize = Number(fields.get('CompressedDataSize') ?? payload.length);
    const compressed = payload.subarray(0, Number.isInteger(compressedSize) && compressedSize > 0 ? Math.min(compressedSize, payload.length) : payload.length);
    const kind = compressed[0] === 0x1f && compressed[1] === 0x8b ? 'gzip' : 'zlib';
    voxels = elementsFrom(inflateExact(compressed, dataBytes, kind, 'the MetaImage\'s compressed data'), 0, count, type, littleEndian);
  } else {
    const headerSize = Number(fields.get('HeaderSize') ?? 0);
    const start = headerSize === -1 ? payload.length - dataBytes : headerSize;
    if (!Number.isInteger(start) || start < 0) {
      throw new VolumeReadError(`the MetaImage needs ${dataBytes} bytes of voxels but its data holds only ${payload.length}; the file is truncated or its header is wrong`);
    }
    voxels = elementsFrom(payload, start, count, type, littleEndian);
  }
  let dims = [...size];
  if (channels > 1) {
    voxels = moveAxisLast(voxels, fileDims, 0);
    while (dims.length < 3) dims.push(1);
    dims.push(channels);
  } else {
    while (dims.length < 3) dims.push(1);
    if (dims.length === 4 && dims[3] === 1) dims = dims.slice(0, 3);
  }
  const spatial = Math.min(nDims, 3);
  const spacingList = parseNumbers(field(fields, 'ElementSpacing', 'ElementSize') ?? '', 'ElementSpacing');
  const matrix = parseNumbers(field(fields, 'TransformMatrix', 'Rotation', 'Orientation') ?? '', 'TransformMatrix');
  const offset = parseNumbers(field(fields, 'Offset', 'Position', 'Origin') ?? '', 'Offset');
  const axes: number[][] = [];
  for (let a = 0; a < 3; a++) {
    const s = a < spatial && Number.isFinite(spacingList[a]) && spacingList[a] !== 0 ? spacingList[a] : 1;
    const direction = [0, 0, 0];
    if (matrix.length === nDims * nDims && a < spatial) {
      for (let r = 0; r < spatial; r++) direction[r] = matrix[a * nDims + r];
    } else {
      direction[a] = 1;
    }
    axes.push(direction.map((d) => d * s));
  }
  const origin = [0, 1, 2].map((r) => (r < spatial && Number.isFinite(offset[r]) ? offset[r] : 0));
  return {
    // ElementSpacing as written (the direction rows are unit vectors), so no rounding is added.
    source, format: 'metaimage', dims, spacing: [0, 1, 2].map((a) => (a < spatial && Number.isFinite(spacingList[a]) && spacingList[a] !== 0 ? Math.abs(spacingList[a]) : vectorLength(axes[a]))) as [number, number, number],
    affine: affineFromAxes(axes, origin, LPS), data: voxels, sourceDtype: type.dtype, scaled: false,
  };
}

function metaPayload(bytes: Uint8Array, fields: ReadonlyMap<string, string>, dataStart: number, options: ReadOptions): Uint8Array {
  const file = fields.get('ElementDataFile') ?? '';
  if (file.toUpperCase() === 'LOCAL') return bytes.subarray(dataStart);
  if (/^LIST\b/i.test(file) || /%/.test(file)) {
    throw new VolumeReadError(`the MetaImage's voxels are split over several files ("ElementDataFile = ${clip(file)}"); only one data file is supported — save it as one .mha`);
  }
  if (options.readDataFile === undefined) {
    throw new VolumeReadError(`this MetaImage header (.mhd) keeps its voxels in "${clip(file)}"; open it from a folder that holds that file`);
  }
  return options.readDataFile(file);
}

/** Start of the voxels of an uncompressed MetaImage with ElementDataFile = LOCAL (see otherFormats rawDataStart). */
export function metaRawDataStart(head: Uint8Array): number | null {
  const { fields, dataStart } = parseMetaHeader(head);
  const skip = Number(fields.get('HeaderSize') ?? 0);
  if (isTrue(fields.get('CompressedData')) || (fields.get('ElementDataFile') ?? '').toUpperCase() !== 'LOCAL') return null;
  return Number.isInteger(skip) && skip >= 0 ? dataStart + skip : null;
}
