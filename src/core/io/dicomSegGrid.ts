/**
 * A DICOM-SEG stores only the frames its segments cover, so its own grid is usually a slab of the
 * image it segments (and its slice order follows the plane normal, not the image's k). When it is
 * paired with a volume whose voxel lattice its frames lie on — same axes up to order and sign,
 * same spacing, origin on a lattice point — it is placed on that volume's grid: voxels are copied
 * to their index there, outside voxels are background. Nothing is interpolated.
 */
import type { Volume, VoxelArray } from './volume';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b));

/** The SEG on `partner`'s grid, or null when `seg` is no DICOM-SEG, already on it, or not on its lattice. */
export function segOnPartnerGrid(seg: Volume, partner: Volume): Volume | null {
  if (seg.format !== 'dicom-seg' || partner.geometryAssumed || partner.format === 'png' || partner.format === 'dicom-seg') return null;
  const sd = seg.dims, pd = partner.dims;
  const sameGrid = sd[0] === pd[0] && sd[1] === pd[1] && sd[2] === pd[2] && seg.affine.every((v, i) => close(v, partner.affine[i]!));
  if (sameGrid) return null;
  const column = (affine: readonly number[], c: number) => [affine[c]!, affine[4 + c]!, affine[8 + c]!];
  // Each SEG axis must be ± one partner axis, of the same length (spacing).
  const axisOf: number[] = [], signOf: number[] = [];
  for (let a = 0; a < 3; a++) {
    const s = column(seg.affine, a);
    let found = false;
    for (let b = 0; b < 3 && !found; b++) {
      const p = column(partner.affine, b);
      for (const sign of [1, -1]) {
        if (!axisOf.includes(b) && s.every((v, i) => close(v, sign * p[i]!))) {
          axisOf.push(b); signOf.push(sign); found = true; break;
        }
      }
    }
    if (!found) return null;
  }
  // The SEG's first voxel in the partner's index space: solve partner 3×3 · x = origin difference.
  const diff = [0, 1, 2].map((r) => seg.affine[4 * r + 3]! - partner.affine[4 * r + 3]!);
  const start = solve3(partner.affine, diff);
  if (start === null || !start.every((x) => Math.abs(x - Math.round(x)) < 1e-3)) return null;
  const origin = start.map(Math.round);
  const strides = [1, pd[0]!, pd[0]! * pd[1]!];
  const out = new (seg.data.constructor as new (n: number) => VoxelArray)(pd[0]! * pd[1]! * pd[2]!);
  for (let k = 0; k < sd[2]!; k++) {
    for (let j = 0; j < sd[1]!; j++) {
      for (let i = 0; i < sd[0]!; i++) {
        const value = seg.data[i + sd[0]! * (j + sd[1]! * k)]!;
        if (value === 0) continue;
        const index = [i, j, k];
        const at = [0, 0, 0];
        for (let a = 0; a < 3; a++) at[axisOf[a]!] = origin[axisOf[a]!]! + signOf[a]! * index[a]!;
        if (at.some((x, b) => x < 0 || x >= pd[b]!)) return null; // a segmented voxel outside the image: not its grid
        out[at[0]! + strides[1]! * at[1]! + strides[2]! * at[2]!] = value;
      }
    }
  }
  return { ...seg, dims: pd.slice(0, 3), spacing: partner.spacing, affine: partner.affine, data: out };
}

/** x with M·x = v for the upper-left 3×3 of a row-major 4×4; null when singular. */
function solve3(m: readonly number[], v: readonly number[]): number[] | null {
  const a = (r: number, c: number) => m[4 * r + c]!;
  const det = a(0, 0) * (a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1)) - a(0, 1) * (a(1, 0) * a(2, 2) - a(1, 2) * a(2, 0)) + a(0, 2) * (a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0));
  if (!(Math.abs(det) > 1e-12)) return null;
  const x: number[] = [];
  for (let c = 0; c < 3; c++) {
    // Cramer's rule: replace column c by v.
    const e = (r: number, k: number) => (k === c ? v[r]! : a(r, k));
    x.push((e(0, 0) * (e(1, 1) * e(2, 2) - e(1, 2) * e(2, 1)) - e(0, 1) * (e(1, 0) * e(2, 2) - e(1, 2) * e(2, 0)) + e(0, 2) * (e(1, 0) * e(2, 1) - e(1, 1) * e(2, 0))) / det);
  }
  return x;
}
