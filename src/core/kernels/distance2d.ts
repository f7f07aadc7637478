/**
 * Exact 2D distances within one slice, for the editor's hover readout ("2D distance in this
 * slice"): the surface of a mask as the metrics define it in 2D (docs/metrics.md: mask pixels
 * with a 4-neighbour outside the mask, pixels outside the slice count as background, an axis of
 * extent 1 has no neighbours), and the Euclidean distance in millimetres from every pixel to the
 * nearest pixel of a seed set — Felzenszwalb & Huttenlocher's lower envelope of parabolas, down
 * the columns then along the rows, with the pixel spacing as the parabolas' widths.
 * Pure (no Node import): the webview bundles it.
 */
import { envelope } from './surfaceDistance';

/**
 * out[p] = 1 where mask[p] ≠ 0 and p has a 4-neighbour outside the mask (outside the slice counts);
 * 0 elsewhere. A width or height of 1 has no neighbours along that axis; in a 1×1 slice the pixel
 * is its own surface.
 */
export function surface2d(mask: Uint8Array, width: number, height: number, out: Uint8Array = new Uint8Array(width * height)): Uint8Array {
  const useX = width > 1, useY = height > 1;
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      if (mask[p] === 0) { out[p] = 0; continue; }
      let inside = useX || useY;
      if (useX) inside = inside && x > 0 && mask[p - 1] !== 0 && x < width - 1 && mask[p + 1] !== 0;
      if (useY) inside = inside && y > 0 && mask[p - width] !== 0 && y < height - 1 && mask[p + width] !== 0;
      out[p] = inside ? 0 : 1;
    }
  }
  return out;
}

/**
 * d[i] ← min over j of w2·(i − j)² + f[j] for i < n, from f[0 … n) (Infinity: no seed); all
 * Infinity when every f is. v and z are scratch of n and n + 1 elements.
 */
function transformLine(f: Float64Array, n: number, w2: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  const k = envelope(f, 0, n, w2, v, z);
  if (k < 0) {
    d.fill(Infinity, 0, n);
    return;
  }
  for (let q = 0, j = 0; q < n; q++) {
    while (z[j + 1]! < q) j++;
    const p = v[j]!;
    const t = q - p;
    d[q] = w2 * t * t + f[p]!;
  }
}

/**
 * Distance (mm) from every pixel of a width×height slice to the nearest pixel with seeds[p] ≠ 0,
 * for pixels wx mm wide and wy mm high; Infinity everywhere when there is no seed. Exact (no
 * chamfer approximation); a seed pixel is at 0.
 */
export function distanceMap2d(
  seeds: Uint8Array, width: number, height: number, wx: number, wy: number,
  out: Float64Array = new Float64Array(width * height),
): Float64Array {
  const longest = Math.max(width, height);
  const f = new Float64Array(longest);
  const d = new Float64Array(longest);
  const v = new Int32Array(longest);
  const z = new Float64Array(longest + 1);
  // Down each column: squared distance to the column's nearest seed.
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = seeds[y * width + x] !== 0 ? 0 : Infinity;
    transformLine(f, height, wy * wy, d, v, z);
    for (let y = 0; y < height; y++) out[y * width + x] = d[y]!;
  }
  // Along each row, from the column results.
  for (let y = 0; y < height; y++) {
    const base = y * width;
    for (let x = 0; x < width; x++) f[x] = out[base + x]!;
    transformLine(f, width, wx * wx, d, v, z);
    for (let x = 0; x < width; x++) out[base + x] = Math.sqrt(d[x]!);
  }
  return out;
}
