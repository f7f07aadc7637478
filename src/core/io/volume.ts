/** One in-memory image, whatever file it came from (NIfTI-1/2, PNG, NRRD, MetaImage, NumPy). */

import type { TransposeHelper } from './transposeJob';

export type SourceDtype = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64'
  | 'int64' | 'uint64' | 'float16' | 'bool';

export type VoxelArray =
  | Uint8Array | Int8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | Float32Array | Float64Array;

export type VolumeFormat = 'nifti1' | 'nifti2' | 'png' | 'nrrd' | 'metaimage' | 'npy' | 'npz' | 'dicom-seg';

/** A segment a file names (3D Slicer .seg.nrrd): the voxel value it has in `data`, its name and colour. */
export interface VolumeSegment {
  readonly value: number;
  readonly name: string;
  /** sRGB 0–1, when the file gives one. */
  readonly color?: readonly [number, number, number];
}

export interface Volume {
  /** Source file name (for messages only). */
  readonly source: string;
  readonly format: VolumeFormat;
  /** [nx, ny, nz] or [nx, ny, nz, nc] (4D: per-class channels). A PNG is [width, height, 1]. */
  readonly dims: readonly number[];
  /** Voxel size in mm along i, j, k (pixdim[1..3]; 1 for PNG and NumPy). */
  readonly spacing: readonly [number, number, number];
  /** NIfTI axes (0, 1, 2) whose pixdim was NaN, infinite or 0, so their spacing is an assumed 1 mm. */
  readonly spacingAssumed?: readonly number[];
  /**
   * 4×4 voxel→world matrix, row-major, in NIfTI's RAS+ world (sform if set, else qform, else from
   * spacing). NRRD and MetaImage (LPS) are converted to RAS so affines of all formats compare.
   */
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
  /**
   * True when the file holds no geometry (NumPy): spacing 1 mm and identity orientation were
   * assumed, so the pair's geometry check says so instead of comparing affines.
   */
  readonly geometryAssumed?: boolean;
  /** Segments the file names (label value → name, colour), e.g. from a Slicer .seg.nrrd. */
  readonly segments?: readonly VolumeSegment[];
  /** What reading changed that the user should know (e.g. overlapping segments merged); the pair's warnings repeat it. */
  readonly readNotes?: readonly string[];
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
  /** .npz: the array to read (its name without .npy); default the first array in the archive. */
  readonly npzArray?: string;
  /**
   * Detached headers (.nhdr, .mhd): reads the data file a header names, relative to the header.
   * Without it, a detached header is an error that says to open it from disk.
   */
  readonly readDataFile?: (relativePath: string) => Uint8Array;
  /**
   * A Fortran-ordered .npy read from disk (readVolumeFile) is transposed on this thread and the
   * helper's (sharedTranspose.ts), its voxels then in a SharedArrayBuffer.
   */
  readonly transposeHelper?: TransposeHelper;
  /**
   * readVolumeFile of an uncompressed NRRD, MetaImage or .npy: read the file into a
   * SharedArrayBuffer, so its voxels (a view of the file's bytes; for a Fortran-ordered .npy, the
   * transposed voxels) are where worker threads read them, with no copy afterwards.
   */
  readonly sharedMemory?: boolean;
}

/** Enough for 1024×1024×1024 uint8. */
export const DEFAULT_MAX_VOXELS = 1024 * 1024 * 1024;

export function voxelCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
