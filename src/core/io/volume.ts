/** One in-memory image, whatever file it came from (NIfTI-1/2 or PNG). */

export type SourceDtype = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

export type VoxelArray =
  | Uint8Array | Int8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | Float32Array | Float64Array;

export type VolumeFormat = 'nifti1' | 'nifti2' | 'png';

export interface Volume {
  /** Source file name (for messages only). */
  readonly source: string;
  readonly format: VolumeFormat;
  /** [nx, ny, nz] or [nx, ny, nz, nc] (4D: per-class channels). A PNG is [width, height, 1]. */
  readonly dims: readonly number[];
  /** Voxel size in mm along i, j, k (pixdim[1..3]; 1 for PNG). */
  readonly spacing: readonly [number, number, number];
  /** NIfTI axes (0, 1, 2) whose pixdim was NaN, infinite or 0, so their spacing is an assumed 1 mm. */
  readonly spacingAssumed?: readonly number[];
  /** 4×4 voxel→world matrix, row-major (sform if set, else qform, else from spacing). */
  readonly affine: readonly number[];
  /** Voxels x-fastest (NIfTI order), values after scl_slope/scl_inter. */
  readonly data: VoxelArray;
  /** Datatype as stored in the file (before scaling). */
  readonly sourceDtype: SourceDtype;
  /** True when scl_slope/scl_inter changed the values (data is then Float64Array). */
  readonly scaled: boolean;
  /** PNG only: sample bit depth (1, 2, 4, 8 or 16); sample maximum is 2^bitDepth − 1. */
  readonly bitDepth?: number;
  /**
   * PNG only: the file's colour type. For 'palette' the data holds palette indices; for
   * 'gray-alpha', 'rgb' and 'rgba' it holds the first channel (gray or red) only.
   */
  readonly pngColorType?: 'gray' | 'gray-alpha' | 'rgb' | 'rgba' | 'palette';
}

/** Error of a reader: the file could not be read as a volume. Message has no file name; callers add it. */
export class VolumeReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VolumeReadError';
  }
}

export interface ReadOptions {
  /** Largest number of voxels a file may declare (default DEFAULT_MAX_VOXELS). */
  readonly maxVoxels?: number;
}

/** Enough for 1024×1024×1024 uint8. */
export const DEFAULT_MAX_VOXELS = 1024 * 1024 * 1024;

export function voxelCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
