/**
 * Surface distances between a label mask and a prediction mask held in one box of codes
 * (Uint8Array, x fastest, then y, then z): bit CODE_LABEL / CODE_PRED mark the masks, and
 * markSurfaces adds CODE_LABEL_SURFACE / CODE_PRED_SURFACE. The box is the bounding box of the
 * two masks in the image, so every surface voxel, every seed and every query lies inside it and
 * an exact distance transform of the box is an exact distance transform of the image.
 *
 * The distance transform is exact and linear: a 1D nearest-seed sweep along z done plane by
 * plane (contiguous, integer), then per plane the lower envelope of parabolas (Felzenszwalb &
 * Huttenlocher 2012) along y, then along x evaluated only at the query voxels of rows that hold
 * one. Anisotropic spacing enters as the parabolas' widths, so distances are in millimetres.
 */

export const CODE_LABEL = 1;
export const CODE_PRED = 2;
export const CODE_LABEL_SURFACE = 4;
export const CODE_PRED_SURFACE = 8;

/** Reusable scratch: grows on demand, never shrinks; one per thread. */
export class DistanceScratch {
  /**
   * Per voxel of the box: slices to the nearest seed of its column, as Uint16 (capped at NO_SEED_16)
   * when the box has fewer than NO_SEED_16 planes — half the memory to fault in and stream through
   * of Int32 — else Int32 (never in practice).
   */
  columns: Uint16Array | Int32Array = new Uint16Array(0);
  /** One plane of squared distances (mm²). */
  plane = new Float64Array(0);
  line = new Float64Array(0);
  v = new Int32Array(0);
  z = new Float64Array(0);
  /** Rows of one plane that hold a query voxel. */
  rows = new Int32Array(0);
  /** Distances from prediction surface to label surface, and back (mm). */
  predToLabel = new Float64Array(0);
  labelToPred = new Float64Array(0);

  ensure(bx: number, by: number, bz: number, predSurface: number, labelSurface: number): void {
    const n = bx * by * bz;
    const longest = Math.max(bx, by, bz);
    const wide = bz >= NO_SEED_16;
    if (this.columns.length < n || (this.columns instanceof Int32Array) !== wide) {
      this.columns = wide ? new Int32Array(n) : new Uint16Array(n);
    }
    if (this.plane.length < bx * by) this.plane = new Float64Array(bx * by);
    if (this.line.length < longest) {
      this.line = new Float64Array(longest);
      this.v = new Int32Array(longest);
      this.z = new Float64Array(longest + 1);
      this.rows = new Int32Array(longest);
    }
    if (this.predToLabel.length < predSurface) this.predToLabel = new Float64Array(predSurface);
    if (this.labelToPred.length < labelSurface) this.labelToPred = new Float64Array(labelSurface);
  }

  /** Frees buffers longer than `limit` elements (they are reallocated on demand). */
  releaseLarge(limit: number): void {
    if (this.columns.length > limit) this.columns = new Uint16Array(0);
    if (this.predToLabel.length > limit / 8) this.predToLabel = new Float64Array(0);
    if (this.labelToPred.length > limit / 8) this.labelToPred = new Float64Array(0);
  }
}

/**
 * Sets the surface bits of every mask voxel with a face neighbour (6-connected in 3D,
 * 4-connected in 2D) outside its mask; voxels outside the box count as background (the box
 * border is either the image border or background). Axes whose flag is false (image extent 1)
 * have no neighbours, so a single-slice image is measured in 2D; when no axis is used (a
 * one-voxel image) every mask voxel is surface. Writes [label, prediction] surface voxel counts
 * to `counts`: 0 only for an empty mask.
 */
export function markSurfaces(
  codes: Uint8Array, bx: number, by: number, bz: number, useX: boolean, useY: boolean, useZ: boolean, counts: Int32Array,
): void {
  counts[0] = counts[1] = 0;
  for (let zz = 0; zz < bz; zz++) markPlane(codes, bx, by, bz, zz, useX, useY, useZ, counts);
}

function markPlane(
  codes: Uint8Array, bx: number, by: number, bz: number, zz: number, useX: boolean, useY: boolean, useZ: boolean, counts: Int32Array,
): void {
  const plane = bx * by;
  const below = useZ && zz > 0, above = useZ && zz < bz - 1;
  let nLabel = 0, nPred = 0;
  for (let y = 0, i = zz * plane; y < by; y++) {
    for (let x = 0; x < bx; x++, i++) {
      const c = codes[i]!;
      if ((c & 3) === 0) continue;
      let inside = useX || useY || useZ ? 3 : 0;
      if (useX) inside &= (x > 0 ? codes[i - 1]! : 0) & (x < bx - 1 ? codes[i + 1]! : 0);
      if (useY) inside &= (y > 0 ? codes[i - bx]! : 0) & (y < by - 1 ? codes[i + bx]! : 0);
      if (useZ) inside &= (below ? codes[i - plane]! : 0) & (above ? codes[i + plane]! : 0);
      const surface = c & ~inside & 3;
      if (surface !== 0) {
        codes[i] = c | (surface << 2);
        nLabel += surface & 1;
        nPred += surface >> 1;
      }
    }
  }
  counts[0]! += nLabel;
  counts[1]! += nPred;
}

/**
 * Lower envelope of the parabolas w²(q − p)² + f[off + p] over the finite f (Infinity = no
 * seed): vertices in v[0 … k], boundaries in z[0 … k + 1]. Returns k, or −1 when every f is
 * infinite. f must not hold NaN.
 *
 * The top of the stack (vertex, its lifted value f + w²p², its boundary) is kept in locals, so a
 * push does not wait on its own stores and the divisions of successive pushes overlap; the
 * arithmetic is the textbook one, operation for operation.
 */
export function envelope(f: Float64Array, off: number, n: number, w2: number, v: Int32Array, z: Float64Array): number {
  const half = 0.5 / w2;
  let q = 0;
  while (q < n && f[off + q]! === Infinity) q++;
  if (q === n) return -1;
  let k = 0;
  v[0] = q;
  z[0] = -Infinity;
  let p = q, ap = f[off + q]! + w2 * q * q, zp = -Infinity;
  for (q++; q < n; q++) {
    const fq = f[off + q]!;
    if (fq === Infinity) continue;
    const a = fq + w2 * q * q;
    let s = ((a - ap) * half) / (q - p);
    while (s <= zp) {
      k--; // z[0] = −∞ stops this before k < 0
      p = v[k]!;
      ap = f[off + p]! + w2 * p * p;
      zp = z[k]!;
      s = ((a - ap) * half) / (q - p);
    }
    k++;
    v[k] = q;
    z[k] = s;
    p = q;
    ap = a;
    zp = s;
  }
  z[k + 1] = Infinity;
  return k;
}

/** Column distances (in slices) at or above this: no seed in the column (Int32 columns). */
const NO_SEED = 1 << 30;
/** The same for Uint16 columns: distances are capped here (a box of fewer planes never reaches it). */
const NO_SEED_16 = 0xffff;

/** z sweep, forward: c = slices to the nearest seed at or below in the column (≥ noSeed: none). */
function forwardPlane(codes: Uint8Array, c: Uint16Array | Int32Array, from: number, plane: number, seedBit: number, first: boolean, noSeed: number): void {
  if (first) {
    for (let i = from; i < from + plane; i++) c[i] = codes[i]! & seedBit ? 0 : noSeed;
  } else {
    for (let i = from; i < from + plane; i++) {
      const up = c[i - plane]! + 1;
      c[i] = codes[i]! & seedBit ? 0 : up < noSeed ? up : noSeed;
    }
  }
}

/** z sweep, backward: c = slices to the nearest seed of the column, above or below (stays ≥ noSeed without one). */
function backwardPlane(c: Uint16Array | Int32Array, from: number, plane: number): void {
  for (let i = from; i < from + plane; i++) {
    const up = c[i + plane]! + 1;
    if (up < c[i]!) c[i] = up;
  }
}

/**
 * The y pass of one column x of a plane, straight from its slice counts c[from + y·bx]: squared
 * distances (wz · count)² (Infinity without a seed in the column), then the lower envelope along
 * y, evaluated only at the rows that hold a query voxel (rows[0 … nRows)) and written to
 * d[y·bx + x]. A column with no seed at all leaves Infinity at those rows.
 */
function columnPass(
  c: Uint16Array | Int32Array, noSeed: number, from: number, bx: number, by: number, wy: number, wz: number, x: number,
  rows: Int32Array, nRows: number, d: Float64Array, f: Float64Array, v: Int32Array, z: Float64Array,
): void {
  let finite = false;
  for (let y = 0, i = from + x; y < by; y++, i += bx) {
    const k = c[i]!;
    const t = wz * k;
    const value = k >= noSeed ? Infinity : t * t;
    f[y] = value;
    if (value !== Infinity) finite = true;
  }
  if (!finite) {
    for (let r = 0; r < nRows; r++) d[rows[r]! * bx + x] = Infinity;
    return;
  }
  if (by === 1) {
    d[x] = f[0]!;
    return;
  }
  envelope(f, 0, by, wy * wy, v, z);
  for (let r = 0, j = 0; r < nRows; r++) {
    const y = rows[r]!;
    while (z[j + 1]! < y) j++;
    const p = v[j]!;
    const t = wy * (y - p);
    d[y * bx + x] = t * t + f[p]!;
  }
}

/** Writes to rows[] the rows of the plane at `from` that hold a voxel with `bit`; returns how many. */
function queryRows(codes: Uint8Array, from: number, bx: number, by: number, bit: number, rows: Int32Array): number {
  let n = 0;
  for (let y = 0, i = from; y < by; y++, i += bx) {
    for (let x = i; x < i + bx; x++) {
      if (codes[x]! & bit) { rows[n++] = y; break; }
    }
  }
  return n;
}

/**
 * Distances (mm) from the query voxels of one row (codes from `codeBase`) to the nearest seed,
 * given the row's squared distances after the z and y passes (d from `base`); appended to out
 * from `m`; returns the new count. No query: nothing appended; no seed: Infinity appended.
 */
function queryRow(
  codes: Uint8Array, codeBase: number, d: Float64Array, base: number, n: number, w: number, queryBit: number,
  v: Int32Array, z: Float64Array, out: Float64Array, m: number,
): number {
  let first = -1;
  for (let x = 0; x < n; x++) if (codes[codeBase + x]! & queryBit) { first = x; break; }
  if (first < 0) return m;
  const k = envelope(d, base, n, w * w, v, z);
  for (let x = first, j = 0; x < n; x++) {
    if ((codes[codeBase + x]! & queryBit) === 0) continue;
    if (k < 0) { out[m++] = Infinity; continue; }
    while (z[j + 1]! < x) j++;
    const p = v[j]!;
    const t = w * (x - p);
    out[m++] = Math.sqrt(t * t + d[base + p]!);
  }
  return m;
}

/**
 * Writes to `out` the distance (mm) from every voxel with `queryBit`, in box order, to the
 * nearest voxel with `seedBit`, and returns how many were written. (wx, wy, wz): voxel size
 * along the box axes. With no seed in the box every distance is Infinity; with no query, 0 written.
 * Only the z sweep needs the whole box (as Uint16 slice counts); the y and x passes run plane by
 * plane in one Float64 plane buffer, and only on planes that hold a query voxel. The y pass reads
 * the slice counts directly and evaluates its envelopes only at the rows that hold a query voxel
 * (the x pass reads nothing else), so the work per plane is one envelope per column and one per
 * query row.
 */
export function directedDistances(
  codes: Uint8Array, bx: number, by: number, bz: number, wx: number, wy: number, wz: number,
  seedBit: number, queryBit: number, scratch: DistanceScratch, out: Float64Array,
): number {
  const plane = bx * by;
  const c = scratch.columns;
  const noSeed = c instanceof Int32Array ? NO_SEED : NO_SEED_16;
  for (let zz = 0; zz < bz; zz++) forwardPlane(codes, c, zz * plane, plane, seedBit, zz === 0, noSeed);
  for (let zz = bz - 2; zz >= 0; zz--) backwardPlane(c, zz * plane, plane);
  const d = scratch.plane, f = scratch.line, v = scratch.v, z = scratch.z, rows = scratch.rows;
  let m = 0;
  for (let zz = 0; zz < bz; zz++) {
    const from = zz * plane;
    const nRows = queryRows(codes, from, bx, by, queryBit, rows);
    if (nRows === 0) continue;
    for (let x = 0; x < bx; x++) columnPass(c, noSeed, from, bx, by, wy, wz, x, rows, nRows, d, f, v, z);
    for (let r = 0; r < nRows; r++) {
      const y = rows[r]!;
      m = queryRow(codes, from + y * bx, d, y * bx, bx, wx, queryBit, v, z, out, m);
    }
  }
  return m;
}

/**
 * numpy.percentile(values, q) with its default linear interpolation (virtual index
 * (n − 1)·q/100, numpy's _lerp), of values[0 … n) sorted ascending. n ≥ 1; NaN-free input.
 */
export function sortedPercentile(values: Float64Array, n: number, q: number): number {
  const h = (n - 1) * (q / 100);
  const lo = Math.floor(h);
  if (lo >= n - 1) return values[n - 1]!;
  const a = values[lo]!, b = values[lo + 1]!;
  const g = h - lo;
  const diff = b - a;
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}

/**
 * Hausdorff, HD95, ASSD and surface Dice from the two directed distance lists, both non-empty
 * (sorts them in place): HD = max of both maxima; HD95 = max of both 95th percentiles; ASSD =
 * mean of the union of both lists; surface Dice = share of both lists within `tolerance`.
 * Writes [hd, hd95, assd, nsd] to out[o …]. Empty lists are the caller's to avoid (NaN results).
 */
export function surfaceStats(
  predToLabel: Float64Array, nPred: number, labelToPred: Float64Array, nLabel: number, tolerance: number,
  out: Float64Array, o: number,
): void {
  const a = predToLabel.subarray(0, nPred).sort();
  const b = labelToPred.subarray(0, nLabel).sort();
  let sum = 0, within = 0;
  for (let i = 0; i < nPred; i++) { const x = a[i]!; sum += x; if (x <= tolerance) within++; }
  for (let i = 0; i < nLabel; i++) { const x = b[i]!; sum += x; if (x <= tolerance) within++; }
  out[o] = Math.max(a[nPred - 1]!, b[nLabel - 1]!);
  out[o + 1] = Math.max(sortedPercentile(a, nPred, 95), sortedPercentile(b, nLabel, 95));
  out[o + 2] = sum / (nPred + nLabel);
  out[o + 3] = within / (nPred + nLabel);
}
