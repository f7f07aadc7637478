/**
 * NIfTI-1/NIfTI-2 volumes. Reading is split in two so a `.nii.gz` is only inflated once we know,
 * from the header alone, that the image is acceptable and how many bytes it needs:
 *   planNifti(header bytes)  → validated shape, datatype, byte range (no allocation)
 *   decodeNifti(plan, file)  → typed array view/copy, scl_slope/scl_inter, spacing, affine
 */
import { niftiAffine, niftiSpacingChecked } from './niftiAffine';
import { datatypeName, SUPPORTED_DTYPE_NAMES, supportedDatatype, voxelArrayFrom } from './niftiDatatypes';
import type { SupportedDatatype } from './niftiDatatypes';
import {
  NIFTI1_MIN_VOX_OFFSET, NIFTI2_MIN_VOX_OFFSET, parseNiftiHeader,
} from './niftiHeader';
import type { NiftiHeader, NiftiKind } from './niftiHeader';
import { DEFAULT_MAX_VOXELS, VolumeReadError } from './volume';
import type { ReadOptions, Volume, VoxelArray } from './volume';

export interface NiftiPlan {
  readonly kind: NiftiKind;
  readonly header: NiftiHeader;
  /** [nx, ny, nz] or [nx, ny, nz, nc]. */
  readonly dims: readonly number[];
  readonly voxelCount: number;
  readonly datatype: SupportedDatatype;
  /** Effective vox_offset: where the voxels start. */
  readonly dataStart: number;
  readonly dataBytes: number;
  /** Bytes the (decompressed) file must hold: dataStart + dataBytes. */
  readonly neededBytes: number;
}

/** Validates everything the header declares before anything big is allocated or inflated. */
export function planNifti(headerBytes: Uint8Array, kind: NiftiKind, options: ReadOptions = {}): NiftiPlan {
  const header = parseNiftiHeader(headerBytes, kind);
  const dims = volumeDims(header.dim);
  const datatype = supportedDatatype(header.datatypeCode);
  if (datatype === undefined) {
    throw new VolumeReadError(
      `unsupported NIfTI datatype ${header.datatypeCode} (${datatypeName(header.datatypeCode)}); ` +
        `Mask Inspector reads ${SUPPORTED_DTYPE_NAMES} — save the image as one of these ` +
        '(e.g. nibabel: img.set_data_dtype("float32"))');
  }
  const voxelCount = dims.reduce((n, d) => n * d, 1);
  const maxVoxels = options.maxVoxels ?? DEFAULT_MAX_VOXELS;
  if (voxelCount > maxVoxels) {
    throw new VolumeReadError(
      `the image has ${voxelCount} voxels (${dims.join('×')}), more than the limit of ${maxVoxels}; ` +
        'if the file is genuine, raise the maskInspector.maxVoxels setting (or pass --max-voxels to the CLI)');
  }
  const dataStart = effectiveVoxOffset(header);
  const dataBytes = voxelCount * datatype.bytesPerVoxel;
  return { kind, header, dims, voxelCount, datatype, dataStart, dataBytes, neededBytes: dataStart + dataBytes };
}

/**
 * Builds the Volume from the complete (decompressed) file. The data is a zero-copy view of
 * `fileBytes` when possible, so the caller must not reuse that buffer afterwards.
 */
export function decodeNifti(plan: NiftiPlan, fileBytes: Uint8Array, source: string, compressed: boolean): Volume {
  if (fileBytes.length < plan.neededBytes) throw shortNiftiError(plan, fileBytes.length, compressed);
  const raw = voxelArrayFrom(fileBytes, plan.dataStart, plan.voxelCount, plan.datatype, plan.header.littleEndian);
  const { data, scaled } = applyScaling(raw, plan.header);
  return niftiVolumeWith(plan, data, source, scaled);
}

/** What decodeNifti says of a (decompressed) file of `length` bytes, shorter than its plan needs. */
export function shortNiftiError(plan: NiftiPlan, length: number, compressed: boolean): VolumeReadError {
  const present = Math.max(0, length - plan.dataStart);
  const holder = compressed ? 'the decompressed file' : 'the file';
  return new VolumeReadError(
    `header declares ${plan.voxelCount} voxels of ${plan.datatype.dtype} (${plan.dataBytes} bytes after ` +
      `vox_offset ${plan.dataStart}) but ${holder} holds only ${present}; ` +
      'the file is truncated or its header is wrong — copy or export it again');
}

/**
 * The Volume of a plan with the given voxels: decodeNifti's, or one holding only some slices of an
 * unscaled file (the CLI's slab ring, which never has the whole image: ringCompare.ts).
 */
export function niftiVolumeWith(plan: NiftiPlan, data: VoxelArray, source: string, scaled: boolean): Volume {
  const { spacing, assumed } = niftiSpacingChecked(plan.header);
  return {
    ...(assumed.length > 0 ? { spacingAssumed: assumed } : {}),
    source,
    format: plan.kind,
    dims: plan.dims,
    spacing,
    affine: niftiAffine(plan.header, spacing),
    data,
    sourceDtype: plan.datatype.dtype,
    scaled,
  };
}

/**
 * dim[1..dim[0]] → [nx, ny, nz] or [nx, ny, nz, nc]. Fewer than 3 dims are padded with 1 (a 2D
 * NIfTI is one slice); trailing 1s beyond the third are dropped (so a 4D file with one channel is
 * 3D, and 5D+ is accepted when the extra sizes are 1).
 */
function volumeDims(dim: readonly number[]): number[] {
  const rank = dim[0] ?? 0;
  if (!Number.isInteger(rank) || rank < 1 || rank > 7) {
    throw new VolumeReadError(
      `the NIfTI header declares ${rank} dimensions (dim[0]); a valid header has 1 to 7 — the header is damaged`);
  }
  const sizes = dim.slice(1, rank + 1);
  sizes.forEach((size, axis) => {
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new VolumeReadError(
        `the NIfTI header declares a size of ${size} along axis ${axis + 1} (dim = [${sizes.join(', ')}]); ` +
          'every size must be a positive integer — the header is damaged');
    }
  });
  while (sizes.length < 3) sizes.push(1);
  while (sizes.length > 3 && sizes[sizes.length - 1] === 1) sizes.pop();
  if (sizes.length > 4) {
    throw new VolumeReadError(
      `the image has ${sizes.length} dimensions (${sizes.join('×')}); Mask Inspector reads 3D volumes and 4D ` +
        'volumes whose 4th axis holds per-class channels (sizes beyond the 4th axis must be 1)');
  }
  return sizes;
}

/**
 * vox_offset as a byte index: NIfTI-1 stores a float (nibabel takes int() of it). A value inside the
 * header (commonly 0, "unset") means "right after the header", as niftilib reads it.
 */
function effectiveVoxOffset(header: NiftiHeader): number {
  const stored = header.voxOffset;
  if (!Number.isFinite(stored) || stored < 0) {
    throw new VolumeReadError(`the NIfTI header's vox_offset is ${stored}, not a byte offset; the header is damaged`);
  }
  const minimum = header.version === 1 ? NIFTI1_MIN_VOX_OFFSET : NIFTI2_MIN_VOX_OFFSET;
  return Math.max(minimum, Math.floor(stored));
}

/**
 * scl_slope/scl_inter as nibabel applies them: no scaling when the slope is 0 or not finite; else
 * value·slope + inter in float64 (so uint8 × float32(1/255) gives 1.0000000591389835 for 255).
 */
function applyScaling(raw: VoxelArray, header: NiftiHeader): { data: VoxelArray; scaled: boolean } {
  const slope = header.sclSlope;
  const inter = header.sclInter;
  if (!Number.isFinite(slope) || slope === 0 || (slope === 1 && inter === 0)) {
    return { data: raw, scaled: false };
  }
  if (!Number.isFinite(inter)) {
    throw new VolumeReadError(
      `the NIfTI header has scl_slope ${slope} but scl_inter ${inter}; the scaling is unusable — the header is damaged`);
  }
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i] * slope + inter;
  return { data: out, scaled: true };
}
