/** Copies one slice of a volume, across a chosen axis, into a contiguous buffer. */
import type { Axis } from './result';
import type { VoxelArray } from '../io/volume';
import type { PreparedPair } from './inputs';

export interface SliceGeometry {
  /** Columns and rows of a slice, and the number of slices along the axis. */
  readonly width: number;
  readonly height: number;
  readonly count: number;
}

export function sliceGeometry(dims: readonly number[], axis: Axis): SliceGeometry {
  const nx = dims[0]!, ny = dims[1]!, nz = dims[2]!;
  switch (axis) {
    case 'k': return { width: nx, height: ny, count: nz };
    case 'j': return { width: nx, height: nz, count: ny };
    case 'i': return { width: ny, height: nz, count: nx };
  }
}

type Writable = Float64Array | Float32Array | Int32Array | Uint16Array | Uint8Array;

/**
 * Voxels processed at a time by the loss kernels. A whole 512×512 slice gathered as float64 is
 * 2 MB per buffer — beyond L2 — and two threads then contend for memory bandwidth; runs of
 * 16 K voxels (128 KB) stay in cache, which is what lets the work scale over cores.
 */
export const RUN_VOXELS = 1 << 14;

/**
 * Writes voxels [from, from + length) of slice `index` of channel `channel` into
 * out[0 … length), x fastest within the slice: k: (i, j); j: (i, k); i: (j, k).
 * Typed-array `set` converts dtypes natively, so contiguous runs are one memcpy-like call
 * whatever the source dtype.
 */
export function gatherRun(
  src: VoxelArray, dims: readonly number[], axis: Axis, index: number, channel: number,
  from: number, length: number, out: Writable,
): void {
  const nx = dims[0]!, ny = dims[1]!, nz = dims[2]!;
  const plane = nx * ny;
  const base = channel * plane * nz;
  if (axis === 'k') {
    const start = base + index * plane + from;
    out.set(src.subarray(start, start + length));
  } else if (axis === 'j') {
    let o = 0;
    while (o < length) {
      const e = from + o;
      const z = Math.floor(e / nx), x = e - z * nx;
      const take = Math.min(nx - x, length - o);
      const start = base + z * plane + index * nx + x;
      out.set(src.subarray(start, start + take), o);
      o += take;
    }
  } else {
    for (let o = 0; o < length; o++) {
      const e = from + o;
      const z = Math.floor(e / ny), y = e - z * ny;
      out[o] = src[base + z * plane + y * nx + index]!;
    }
  }
}

/**
 * Where slice `s` (global) of the prediction is in pair.prediction.data: `s` itself, or its place
 * in a slab's window (PreparedPair.predictionFirstSlice), which holds k-slices of one channel only.
 */
export function predictionSliceIndex(pair: PreparedPair, axis: Axis, s: number): number {
  const first = pair.predictionFirstSlice;
  if (first === undefined) return s;
  if (axis !== 'k' || pair.channels !== 1) throw new Error(`internal: a prediction slab window read along ${axis} with ${pair.channels} channels`);
  return s - first;
}

/** Writes the whole slice `index` of channel `channel` into out[0 … width·height). */
export function gatherSlice(
  src: VoxelArray, dims: readonly number[], axis: Axis, index: number, channel: number, out: Writable,
): void {
  const { width, height } = sliceGeometry(dims, axis);
  gatherRun(src, dims, axis, index, channel, 0, width * height, out);
}

/** Volume coordinates (i, j, k) of a flat voxel index (channel dropped). */
export function voxelCoordinates(flat: number, dims: readonly number[]): [number, number, number] {
  const nx = dims[0]!, ny = dims[1]!, nz = dims[2]!;
  const inVolume = flat % (nx * ny * nz);
  const k = Math.floor(inVolume / (nx * ny));
  const rest = inVolume - k * nx * ny;
  const j = Math.floor(rest / nx);
  return [rest - j * nx, j, k];
}
