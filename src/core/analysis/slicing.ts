/** Copies one slice of a volume, across a chosen axis, into a contiguous buffer. */
import type { Axis } from './result';
import type { VoxelArray } from '../io/volume';

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

type Writable = Float64Array | Float32Array | Int32Array;

/**
 * Writes slice `index` of channel `channel` into out[0 … width·height), x fastest:
 * k: (i, j); j: (i, k); i: (j, k). Typed-array `set` converts dtypes natively, so the
 * common k axis is one memcpy-like call whatever the source dtype.
 */
export function gatherSlice(
  src: VoxelArray, dims: readonly number[], axis: Axis, index: number, channel: number, out: Writable,
): void {
  const nx = dims[0]!, ny = dims[1]!, nz = dims[2]!;
  const plane = nx * ny;
  const base = channel * plane * nz;
  if (axis === 'k') {
    const start = base + index * plane;
    out.set(src.subarray(start, start + plane));
  } else if (axis === 'j') {
    for (let z = 0; z < nz; z++) {
      const start = base + z * plane + index * nx;
      out.set(src.subarray(start, start + nx), z * nx);
    }
  } else {
    let o = 0;
    for (let z = 0; z < nz; z++) {
      let at = base + z * plane + index;
      for (let y = 0; y < ny; y++, at += nx) out[o++] = src[at]!;
    }
  }
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
