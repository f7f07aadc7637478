/**
 * Voxel spacing and the voxel→world affine of a NIfTI header, following nibabel
 * (`get_zooms`, `get_best_affine`, `get_qform`) so numbers match what Python users see.
 */
import type { NiftiHeader } from './niftiHeader';

/** |pixdim[1..3]|, with 0 / missing / non-finite replaced by 1 (nibabel's header fix does the same). */
export function niftiSpacing(header: NiftiHeader): [number, number, number] {
  return niftiSpacingChecked(header).spacing;
}

/**
 * The spacing and the axes (0, 1, 2) whose pixdim was unusable (NaN, ±Inf or 0) and is assumed
 * to be 1 mm: distances and volumes along them are then in an assumed unit, and the comparison
 * says so (inputs.ts warning).
 */
export function niftiSpacingChecked(header: NiftiHeader): { spacing: [number, number, number]; assumed: number[] } {
  const assumed: number[] = [];
  const one = (axis: number): number => {
    const v = header.pixdim[axis + 1];
    if (v === undefined || !Number.isFinite(v) || v === 0) { assumed.push(axis); return 1; }
    return Math.abs(v);
  };
  return { spacing: [one(0), one(1), one(2)], assumed };
}

/**
 * Row-major 4×4: sform when sform_code > 0, else qform when qform_code > 0, else diag(spacing).
 * (nibabel's last resort is a centred "base affine"; the diagonal is what the brief asks for.)
 */
export function niftiAffine(header: NiftiHeader, spacing: readonly [number, number, number]): number[] {
  // + 0 turns −0 (from products like −1 · 0 in the quaternion maths) into 0, as numpy prints it.
  return bestAffine(header, spacing).map((v) => v + 0);
}

function bestAffine(header: NiftiHeader, spacing: readonly [number, number, number]): number[] {
  if (header.sformCode > 0) {
    return [...header.srow, 0, 0, 0, 1];
  }
  if (header.qformCode > 0) {
    return qformAffine(header, spacing);
  }
  return [
    spacing[0], 0, 0, 0,
    0, spacing[1], 0, 0,
    0, 0, spacing[2], 0,
    0, 0, 0, 1,
  ];
}

/**
 * NIfTI quaternion method: R(a,b,c,d) · diag(dx, dy, qfac·dz) + qoffset.
 * a = sqrt(1 − b² − c² − d²); when rounding makes that negative, a = 0 and (b,c,d) is normalised
 * (niftilib's rule; nibabel would refuse such a header). nibabel computes R in long double; we
 * compute in float64, so a rotated qform may differ from nibabel's in the last bit.
 */
function qformAffine(header: NiftiHeader, spacing: readonly [number, number, number]): number[] {
  let [b, c, d] = header.quaternion;
  const w2 = 1 - (b * b + c * c + d * d);
  let a: number;
  if (w2 > 0) {
    a = Math.sqrt(w2);
  } else {
    const norm = Math.sqrt(b * b + c * c + d * d);
    if (norm > 0) {
      b /= norm;
      c /= norm;
      d /= norm;
    }
    a = 0;
  }
  const rotation = quaternionToMatrix(a, b, c, d);
  const qfac = header.pixdim[0] === -1 ? -1 : 1;
  const scale = [spacing[0], spacing[1], spacing[2] * qfac];
  const [ox, oy, oz] = header.qoffset;
  const offsets = [ox, oy, oz];
  const out: number[] = [];
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) out.push(rotation[row * 3 + col] * scale[col]);
    out.push(offsets[row]);
  }
  out.push(0, 0, 0, 1);
  return out;
}

/** nibabel.quaternions.quat2mat, row-major 3×3. */
function quaternionToMatrix(w: number, x: number, y: number, z: number): number[] {
  const nq = w * w + x * x + y * y + z * z;
  if (nq < Number.EPSILON) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const s = 2 / nq;
  const X = x * s;
  const Y = y * s;
  const Z = z * s;
  const wX = w * X;
  const wY = w * Y;
  const wZ = w * Z;
  const xX = x * X;
  const xY = x * Y;
  const xZ = x * Z;
  const yY = y * Y;
  const yZ = y * Z;
  const zZ = z * Z;
  return [
    1 - (yY + zZ), xY - wZ, xZ + wY,
    xY + wZ, 1 - (xX + zZ), yZ - wX,
    xZ - wY, yZ + wX, 1 - (xX + yY),
  ];
}
