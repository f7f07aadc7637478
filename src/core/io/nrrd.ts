/**
 * NRRD (.nrrd, and .nhdr with a detached data file) into a Volume: raw, gzip and ASCII encodings,
 * either byte order, `space directions`/`space origin`/`space` converted to a RAS affine
 * (worldSpace.ts), one non-spatial axis (per-class channels) moved last, and 3D Slicer's
 * `.seg.nrrd` segments (segNrrd.ts).
 */
import { moveAxisLast } from './axisOrder';
import { parseNrrdHeader, nrrdElementType, parseNumber, parseNumbers, parseVectors, requiredField, clip } from './nrrdHeader';
import type { NrrdHeader } from './nrrdHeader';
import { checkShape, elementsFrom, inflateExact, latin1 } from './rawData';
import type { ElementType } from './rawData';
import { mergeSegmentLayers, segmentsOf } from './segNrrd';
import { VolumeReadError } from './volume';
import type { ReadOptions, Volume, VoxelArray } from './volume';
import { affineFromAxes, nrrdSpaceSigns, vectorLength } from './worldSpace';

const NON_SPATIAL_KINDS = new Set(['list', 'point', 'vector', 'covariant-vector', 'normal', 'stub', 'scalar', 'complex',
  '2-vector', '3-color', 'rgb-color', 'hsv-color', 'xyz-color', '4-color', 'rgba-color', '3-vector', '3-gradient',
  '3-normal', '4-vector', 'quaternion', '2d-symmetric-matrix', '2d-masked-symmetric-matrix', '2d-matrix',
  '2d-masked-matrix', '3d-symmetric-matrix', '3d-masked-symmetric-matrix', '3d-matrix', '3d-masked-matrix']);

export function readNrrd(bytes: Uint8Array, source: string, options: ReadOptions): Volume {
  const header = parseNrrdHeader(bytes);
  const dimension = parseNumber(requiredField(header, 'dimension'), 'dimension');
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 4) {
    throw new VolumeReadError(`the NRRD has ${dimension} dimensions; Mask Inspector reads 2D, 3D and 4D (per-class channels or Slicer segment layers) images`);
  }
  const sizes = parseNumbers(requiredField(header, 'sizes'), 'sizes');
  if (sizes.length !== dimension) {
    throw new VolumeReadError(`the NRRD "sizes" lists ${sizes.length} sizes for ${dimension} dimensions; the header is damaged`);
  }
  const count = checkShape(sizes, options, 'the NRRD');
  const type = nrrdElementType(requiredField(header, 'type'));
  const raw = readNrrdData(header, bytes, count, type, options);
  const geometry = nrrdGeometry(header, sizes);
  let data = raw;
  let dims = [...sizes];
  const segments = segmentsOf(header.keyValues);
  if (geometry.channelAxis >= 0) {
    if (segments.length > 0 && dimension === 4) {
      const merged = mergeSegmentLayers(raw, sizes, geometry.channelAxis, segments);
      data = merged.data;
      dims = sizes.filter((_, a) => a !== geometry.channelAxis);
      const notes = merged.overlaps === 0 ? [] : [`${source.split(/[\\/]/).pop()}: ${merged.overlaps} voxel${merged.overlaps === 1 ? ' is' : 's are'} ` +
        'in segments of more than one layer; each counts for the segment of its last layer'];
      return { ...finish(source, dims, geometry, data, type, merged.segments), ...(notes.length > 0 ? { readNotes: notes } : {}) };
    }
    data = moveAxisLast(raw, sizes, geometry.channelAxis);
    dims = [...sizes.filter((_, a) => a !== geometry.channelAxis), sizes[geometry.channelAxis]];
  }
  return finish(source, dims, geometry, data, type, segments.map((s) => ({ value: s.labelValue, name: s.name, ...(s.color ? { color: s.color } : {}) })));
}

function finish(source: string, spatialFirst: number[], geometry: NrrdGeometry, data: VoxelArray, type: ElementType,
  segments: Volume['segments']): Volume {
  const spatial = spatialFirst.slice(0, geometry.spatialAxes);
  const rest = spatialFirst.slice(geometry.spatialAxes);
  while (spatial.length < 3) spatial.push(1);
  const dims = rest.length > 0 && rest[0] !== 1 ? [...spatial, ...rest] : spatial;
  return {
    source, format: 'nrrd', dims, spacing: geometry.spacing, affine: geometry.affine, data,
    sourceDtype: type.dtype, scaled: false, ...(segments && segments.length > 0 ? { segments } : {}),
  };
}

interface NrrdGeometry {
  /** Index of the one non-spatial axis, or −1. */
  readonly channelAxis: number;
  readonly spatialAxes: number;
  readonly spacing: [number, number, number];
  readonly affine: number[];
}

function nrrdGeometry(header: NrrdHeader, sizes: readonly number[]): NrrdGeometry {
  const n = sizes.length;
  const directionsText = header.fields.get('spacedirections');
  const directions = directionsText === undefined ? undefined : parseVectors(directionsText, 'space directions');
  if (directions !== undefined && directions.length !== n) {
    throw new VolumeReadError(`the NRRD "space directions" lists ${directions.length} entries for ${n} axes; the header is damaged`);
  }
  const kinds = header.fields.get('kinds')?.trim().toLowerCase().split(/\s+/);
  const nonSpatial: number[] = [];
  for (let a = 0; a < n; a++) {
    const byDirection = directions !== undefined && directions[a] === null;
    const byKind = directions === undefined && kinds !== undefined && NON_SPATIAL_KINDS.has(kinds[a] ?? '');
    if (byDirection || byKind) nonSpatial.push(a);
  }
  if (nonSpatial.length === 0 && n === 4) nonSpatial.push(3); // a 4D NRRD without kinds: the 4th axis holds channels
  if (nonSpatial.length > 1 || n - nonSpatial.length > 3) {
    throw new VolumeReadError(
      `the NRRD has ${n - nonSpatial.length} spatial and ${nonSpatial.length} non-spatial axes (sizes ${sizes.join(' ')}); ` +
        'Mask Inspector reads up to 3 spatial axes and one channel axis');
  }
  const channelAxis = nonSpatial[0] ?? -1;
  const spatialIndex = sizes.map((_, a) => a).filter((a) => a !== channelAxis);
  const signs = nrrdSpaceSigns(header.fields.get('space'));
  let axes: number[][];
  if (directions !== undefined) {
    axes = spatialIndex.map((a) => padded(directions[a] ?? [], 3));
  } else {
    const spacings = header.fields.has('spacings') ? parseNumbers(header.fields.get('spacings')!.replace(/nan/gi, 'NaN'), 'spacings') : [];
    axes = spatialIndex.map((a, i) => {
      const v = [0, 0, 0];
      const s = spacings[a];
      v[i] = s !== undefined && Number.isFinite(s) && s !== 0 ? s : 1;
      return v;
    });
  }
  while (axes.length < 3) {
    const v = [0, 0, 0];
    v[axes.length] = 1;
    axes.push(v);
  }
  const originText = header.fields.get('spaceorigin');
  const originVectors = originText === undefined ? [] : parseVectors(originText, 'space origin');
  const origin = padded(originVectors[0] ?? [], 3);
  const spacing = axes.map(vectorLength) as [number, number, number];
  return { channelAxis, spatialAxes: spatialIndex.length, spacing, affine: affineFromAxes(axes, origin, signs) };
}

function padded(v: readonly number[], n: number): number[] {
  const out = v.slice(0, n);
  while (out.length < n) out.push(0);
  return out;
}

/** The voxel bytes: after the header, or in the detached data file; decompressed to exactly their size. */
function readNrrdData(header: NrrdHeader, bytes: Uint8Array, count: number, type: ElementType, options: ReadOptions): VoxelArray {
  const encoding = requiredField(header, 'encoding').toLowerCase();
  const endianField = header.fields.get('endian')?.toLowerCase();
  if (type.bytes > 1 && encoding !== 'ascii' && encoding !== 'text' && encoding !== 'txt' && endianField === undefined) {
    throw new VolumeReadError(`the NRRD has ${type.dtype} voxels but no "endian" field; the header is damaged — add "endian: little"`);
  }
  const littleEndian = endianField !== 'big';
  const dataFileName = header.fields.get('datafile');
  let payload: Uint8Array;
  if (dataFileName !== undefined) {
    if (/^LIST\b/.test(dataFileName) || /%/.test(dataFileName) || /\s\d+\s+\d+/.test(dataFileName)) {
      throw new VolumeReadError(`the NRRD's data is split over several files ("data file: ${clip(dataFileName)}"); only one data file is supported — save the image as one .nrrd`);
    }
    if (options.readDataFile === undefined) {
      throw new VolumeReadError(`this is a detached NRRD header (.nhdr) whose voxels are in "${clip(dataFileName)}"; open it from a folder that holds that file`);
    }
    payload = options.readDataFile(dataFileName);
  } else {
    payload = bytes.subarray(header.dataStart);
  }
  const lineSkip = Number(header.fields.get('lineskip') ?? 0);
  for (let i = 0; i < lineSkip && Number.isInteger(lineSkip) && lineSkip > 0; i++) {
    const nl = payload.indexOf(0x0a);
    if (nl < 0) throw new VolumeReadError(`the NRRD says to skip ${lineSkip} lines but the data has fewer; the header is damaged`);
    payload = payload.subarray(nl + 1);
  }
  const byteSkip = Number(header.fields.get('byteskip') ?? 0);
  if (!Number.isInteger(byteSkip) || byteSkip < -1) {
    throw new VolumeReadError(`the NRRD "byte skip" is ${header.fields.get('byteskip')}; it must be -1 or a byte count`);
  }
  const dataBytes = count * type.bytes;
  switch (encoding) {
    case 'raw': {
      const start = byteSkip === -1 ? payload.length - dataBytes : byteSkip;
      if (start < 0 || payload.length - start < dataBytes) {
        throw new VolumeReadError(
          `the NRRD header declares ${count} voxels of ${type.dtype} (${dataBytes} bytes) but the data holds only ${Math.max(0, payload.length - Math.max(0, start))}; ` +
            'the file is truncated or its header is wrong — copy or export it again');
      }
      return elementsFrom(payload, start, count, type, littleEndian);
    }
    case 'gzip':
    case 'gz': {
      if (byteSkip === -1) throw new VolumeReadError('the NRRD says "byte skip: -1" with gzip encoding, which teem does not allow; the header is damaged');
      const compression = payload[0] === 0x1f && payload[1] === 0x8b ? 'gzip' : 'zlib';
      const inflated = inflateExact(payload, byteSkip + dataBytes, compression, 'the NRRD\'s gzip data');
      return elementsFrom(inflated, byteSkip, count, type, littleEndian);
    }
    case 'ascii':
    case 'text':
    case 'txt':
      return asciiElements(payload, count, type);
    case 'bzip2':
    case 'bz2':
      throw new VolumeReadError('the NRRD is bzip2-compressed, which Mask Inspector does not read; re-save it with gzip or raw encoding (e.g. in 3D Slicer)');
    default:
      throw new VolumeReadError(`unsupported NRRD encoding "${clip(encoding)}"; Mask Inspector reads raw, gzip and ascii — re-save it with gzip encoding`);
  }
}

function asciiElements(payload: Uint8Array, count: number, type: ElementType): VoxelArray {
  const values = latin1(payload).split(/[\s,]+/).filter((s) => s.length > 0);
  if (values.length < count) {
    throw new VolumeReadError(`the NRRD header declares ${count} voxels but its ASCII data holds only ${values.length} numbers; the file is truncated`);
  }
  const out = type.dtype === 'float32' ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = parseNumber(values[i], 'ASCII data value');
  return out;
}
