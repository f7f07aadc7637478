/**
 * Orientation letters at the slice's edges (R/L, A/P, S/I), from the volume's voxel→world
 * matrix (NIfTI: RAS+ millimetres). Pure, unit-tested under Node.
 *
 * The viewer's mapping (sliceData.voxelOf, rowsFlipped): axial (k) slices show i to the right and
 * j downward; coronal (j) and sagittal (i) slices show i (resp. j) to the right and k upward.
 */
import type { Axis } from '../src/core/analysis/result';

export interface EdgeLetters {
  readonly left: string;
  readonly right: string;
  readonly top: string;
  readonly bottom: string;
}

/** The anatomical direction of a world vector: its dominant RAS component's letter. */
export function directionLetter(v: readonly [number, number, number]): string {
  const magnitudes = v.map(Math.abs);
  const m = magnitudes.indexOf(Math.max(...magnitudes));
  if (!(magnitudes[m]! > 0)) return '';
  return (v[m]! > 0 ? 'RAS' : 'LPI')[m]!;
}

/** Column `axis` (0 = i, 1 = j, 2 = k) of a row-major 4×4 matrix, times `sign`. */
function column(affine: readonly number[], axis: number, sign: number): [number, number, number] {
  return [sign * affine[axis]!, sign * affine[4 + axis]!, sign * affine[8 + axis]!];
}

/** Letters for the four edges of a slice along `axis`; null when the matrix is not a usable 4×4. */
export function edgeLetters(affine: readonly number[] | undefined, axis: Axis): EdgeLetters | null {
  if (affine === undefined || affine.length !== 16 || !affine.every(Number.isFinite)) return null;
  // [voxel axis to the right, voxel axis downward, its sign]
  const [rightAxis, downAxis, downSign] = axis === 'k' ? [0, 1, 1] : axis === 'j' ? [0, 2, -1] : [1, 2, -1];
  const right = directionLetter(column(affine, rightAxis, 1));
  const left = directionLetter(column(affine, rightAxis, -1));
  const bottom = directionLetter(column(affine, downAxis, downSign));
  const top = directionLetter(column(affine, downAxis, -downSign));
  if (!right || !bottom) return null;
  return { left, right, top, bottom };
}

/**
 * A scale bar's length: the largest of 1, 2, 5 × 10ⁿ units whose bar is at most `maxCss` pixels
 * long at `cssPerUnit` CSS pixels per unit (mm, or image pixels when the spacing is unknown).
 */
export function scaleBarLength(cssPerUnit: number, maxCss = 100): number {
  if (!(cssPerUnit > 0) || !Number.isFinite(cssPerUnit)) return 0;
  const limit = maxCss / cssPerUnit;
  let best = 0;
  for (let exponent = -3; exponent <= 5; exponent++) {
    for (const mantissa of [1, 2, 5]) {
      const length = mantissa * 10 ** exponent;
      if (length <= limit + 1e-9) best = length;
    }
  }
  return +best.toPrecision(3);
}
