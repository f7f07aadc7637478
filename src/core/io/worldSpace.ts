/**
 * One world convention for every reader: NIfTI's RAS+ (+x Right, +y Anterior, +z Superior).
 *
 * NRRD names its world (`space`); MetaImage and ITK use LPS+ (+x Left, +y Posterior, +z Superior).
 * An LPS point (x, y, z) is the RAS point (−x, −y, z), so converting an affine negates its first
 * two rows. The voxel index order is never changed: only the affine is converted.
 */
import { VolumeReadError } from './volume';

/** Sign of each world axis that turns a point of `space` into RAS+. */
export type AxisSigns = readonly [number, number, number];

export const RAS: AxisSigns = [1, 1, 1];
export const LPS: AxisSigns = [-1, -1, 1];
const LAS: AxisSigns = [-1, 1, 1];

/**
 * NRRD `space` → signs. Unknown or absent spaces are taken as LPS, as ITK's NRRD reader does
 * (it only flips for RAS and LAS), so we agree with ITK, Slicer and SimpleITK.
 */
export function nrrdSpaceSigns(space: string | undefined): AxisSigns {
  switch ((space ?? '').trim().toLowerCase()) {
    case 'right-anterior-superior':
    case 'ras':
    case 'right-anterior-superior-time':
    case 'ras-time':
      return RAS;
    case 'left-anterior-superior':
    case 'las':
    case 'left-anterior-superior-time':
    case 'las-time':
      return LAS;
    default:
      return LPS;
  }
}

/**
 * Row-major 4×4 RAS affine from per-axis world vectors (already scaled by spacing) and an origin,
 * both given in the file's world; `signs` converts that world to RAS.
 */
export function affineFromAxes(axes: readonly (readonly number[])[], origin: readonly number[], signs: AxisSigns): number[] {
  const out: number[] = [];
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) out.push(signs[row] * (axes[col]?.[row] ?? 0) + 0);
    out.push(signs[row] * (origin[row] ?? 0) + 0);
  }
  out.push(0, 0, 0, 1);
  if (!out.every(Number.isFinite)) {
    throw new VolumeReadError('the header\'s orientation or origin holds a value that is not a finite number; the header is damaged');
  }
  return out;
}

/** Length of a direction vector: the spacing along that axis (1 when degenerate). */
export function vectorLength(v: readonly number[]): number {
  const length = Math.hypot(...v);
  return Number.isFinite(length) && length > 0 ? length : 1;
}
