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
  // Partner index along partner axis axisOf[a] = origin + sign × SEG index along a.
  const [b0, b1, b2] = axisOf as [number, number, number];
  const [s0, s1, s2] = signOf as [number, number, number];
  const [n0, n1, n2] = [pd[b0]!, pd[b1]!, pd[b2]!];
  const [t0, t1, t2] = [strides[b0]!, strides[b1]!, strides[b2]!];
  const sx = sd[0]!, sy = sd[1]!, sz = sd[2]!;
  const rowsCopy = b0 === 0 && s0 === 1 && origin[0]! >= 0 && origin[0]! + sx <= n0;
  for (let k = 0, at = 0; k < sz; k++) {
    const pk = origin[b2]! + s2 * k;
    for (let j = 0; j < sy; j++) {
      const pj = origin[b1]! + s1 * j;
      if (rowsCopy && pj >= 0 && pj < n1 && pk >= 0 && pk < n2) {
        // Rows run along the partner's rows, inside it: copy them whole.
        out.set(seg.data.subarray(at, at + sx), origin[b0]! + pj * t1 + pk * t2);
        at += sx;
        continue;
      }
      for (let i = 0; i < sx; i++, at++) {
        const value = seg.data[at]!;
        if (value === 0) continue;
        const pi = origin[b0]! + s0 * i;
        // A segmented voxel outside the partner: not the image this SEG refers to.
        if (pi < 0 || pi >= n0 || pj < 0 || pj >= n1 || pk < 0 || pk >= n2) return null;
        out[pi * t0 + pj * t1 + pk * t2] = value;
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

/**
 * A DICOM-SEG paired with a file that has no geometry (NumPy: assumed; PNG: none): there is no
 * lattice to place the SEG on, so it is compared as it is stored when the shapes agree — k along
 * its frames' plane normal (row × column direction), from the first slice a segment covers — with
 * a warning that says so; when they differ, the error explains that the SEG holds only the slices
 * its segments cover. The SEG and its partner, or null for any other pair.
 */
export function segWithoutPartnerGeometry(prediction: Volume, label: Volume): { seg: Volume; other: Volume } | null {
  const noGeometry = (v: Volume) => v.geometryAssumed === true || v.format === 'png';
  if (label.format === 'dicom-seg' && noGeometry(prediction)) return { seg: label, other: prediction };
  if (prediction.format === 'dicom-seg' && noGeometry(label)) return { seg: prediction, other: label };
  return null;
}

const formatName = (v: Volume) => (v.format === 'png' ? 'PNG' : 'NumPy');
const slices = (n: number) => `${n} slice${n === 1 ? '' : 's'}`;

/** The warning of a SEG compared as stored with a partner without geometry (shapes agree). */
export function segAsStoredWarning(seg: Volume, other: Volume): string {
  return `${seg.source} is a DICOM-SEG and ${other.source} has no geometry (${formatName(other)}): the SEG is not placed by position ` +
    `but compared as stored, its ${slices(seg.dims[2]!)} in frame order along the plane normal (row × column direction), from the first ` +
    'slice a segment covers, rows along y and columns along x — check that the array\'s slices run the same way';
}

/** The error of a SEG whose slab differs in shape from a partner without geometry. */
export function segShapeMismatchMessage(seg: Volume, other: Volume): string {
  const shape = (d: readonly number[]) => d.slice(0, 3).join('×');
  return `the DICOM-SEG holds only the ${slices(seg.dims[2]!)} its segments cover (${shape(seg.dims)}), and ${other.source} ` +
    `(${formatName(other)}, ${shape(other.dims)}) has no geometry to place them on; compare the SEG with a NIfTI, NRRD or MetaImage ` +
    'file of the same image, or save the array with the same slices as the SEG';
}
