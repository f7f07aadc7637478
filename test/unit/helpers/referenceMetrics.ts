/**
 * A slow, literal transcription of the metric definitions (docs/metrics.md): surfaces by
 * checking every face neighbour, directed distances by an O(n·m) search over all surface
 * voxel pairs, numpy's linear percentile, and components by breadth-first flood fill over an
 * explicit neighbour list. The metric tests hold the distance-transform kernels to it.
 */

export type Dims = readonly [number, number, number];
export type Spacing = readonly [number, number, number];

/**
 * Indices of mask voxels with a face neighbour outside the mask or the image (axes of extent 1
 * ignored; in a one-voxel image the voxel itself).
 */
export function referenceSurface(mask: ArrayLike<number>, dims: Dims): number[] {
  const [nx, ny, nz] = dims;
  const out: number[] = [];
  const at = (x: number, y: number, z: number) => (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz ? 0 : mask[x + nx * (y + ny * z)]!);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    if (!at(x, y, z)) continue;
    const neighbours: [number, number, number][] = [];
    if (nx > 1) neighbours.push([x - 1, y, z], [x + 1, y, z]);
    if (ny > 1) neighbours.push([x, y - 1, z], [x, y + 1, z]);
    if (nz > 1) neighbours.push([x, y, z - 1], [x, y, z + 1]);
    if (neighbours.length === 0 || neighbours.some(([a, b, c]) => !at(a, b, c))) out.push(x + nx * (y + ny * z));
  }
  return out;
}

function coords(index: number, dims: Dims): [number, number, number] {
  const [nx, ny] = dims;
  return [index % nx, Math.floor(index / nx) % ny, Math.floor(index / (nx * ny))];
}

/** For every voxel of `from`, the Euclidean distance (mm) to the nearest voxel of `to`, by trying them all. */
export function referenceDirected(from: number[], to: number[], dims: Dims, spacing: Spacing): number[] {
  const target = to.map((i) => coords(i, dims));
  return from.map((i) => {
    const [x, y, z] = coords(i, dims);
    let best = Infinity;
    for (const [a, b, c] of target) {
      const dx = (x - a) * spacing[0], dy = (y - b) * spacing[1], dz = (z - c) * spacing[2];
      best = Math.min(best, Math.sqrt(dx * dx + dy * dy + dz * dz));
    }
    return best;
  });
}

/** numpy.percentile(values, q) (method 'linear'), checked against numpy in the tests. */
export function numpyPercentile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const virtual = (s.length - 1) * (q / 100);
  const previous = Math.floor(virtual);
  const next = Math.min(previous + 1, s.length - 1);
  const gamma = virtual - previous;
  const a = s[previous]!, b = s[next]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

export interface ReferenceSurfaceMetrics {
  readonly hausdorff: number;
  readonly hd95: number;
  readonly assd: number;
  readonly surfaceDice: number;
}

/** Surface metrics of two non-empty binary masks; null when either is empty. */
export function referenceSurfaceMetrics(
  label: ArrayLike<number>, pred: ArrayLike<number>, dims: Dims, spacing: Spacing, toleranceMm: number,
): ReferenceSurfaceMetrics | null {
  const sl = referenceSurface(label, dims), sp = referenceSurface(pred, dims);
  if (sl.length === 0 || sp.length === 0) return null;
  const pl = referenceDirected(sp, sl, dims, spacing);
  const lp = referenceDirected(sl, sp, dims, spacing);
  const all = [...pl, ...lp];
  return {
    hausdorff: Math.max(...all),
    hd95: Math.max(numpyPercentile(pl, 95), numpyPercentile(lp, 95)),
    assd: all.reduce((a, b) => a + b, 0) / all.length,
    surfaceDice: all.filter((d) => d <= toleranceMm).length / all.length,
  };
}

/** Neighbour offsets of a 3D connectivity (6, 18 or 26). */
export function neighbourOffsets(connectivity: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  const maxNonZero = connectivity === 6 ? 1 : connectivity === 18 ? 2 : 3;
  for (const dz of [-1, 0, 1]) for (const dy of [-1, 0, 1]) for (const dx of [-1, 0, 1]) {
    const nonZero = (dx !== 0 ? 1 : 0) + (dy !== 0 ? 1 : 0) + (dz !== 0 ? 1 : 0);
    if (nonZero > 0 && nonZero <= maxNonZero) out.push([dx, dy, dz]);
  }
  return out;
}

/** Component id (1 …) of every mask voxel by breadth-first flood fill; 0 outside the mask. */
export function referenceComponents(mask: ArrayLike<number>, dims: Dims, connectivity: number): { ids: Int32Array; count: number } {
  const [nx, ny, nz] = dims;
  const ids = new Int32Array(nx * ny * nz);
  const offsets = neighbourOffsets(connectivity);
  let count = 0;
  for (let start = 0; start < ids.length; start++) {
    if (!mask[start] || ids[start]) continue;
    ids[start] = ++count;
    const queue = [start];
    while (queue.length) {
      const [x, y, z] = coords(queue.pop()!, dims);
      for (const [dx, dy, dz] of offsets) {
        const a = x + dx, b = y + dy, c = z + dz;
        if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
        const j = a + nx * (b + ny * c);
        if (mask[j] && !ids[j]) { ids[j] = count; queue.push(j); }
      }
    }
  }
  return { ids, count };
}

export interface ReferenceLesions {
  readonly labelLesions: number;
  readonly detectedLesions: number;
  readonly missedLesions: number;
  readonly falsePositiveLesions: number;
}

export function referenceLesions(label: ArrayLike<number>, pred: ArrayLike<number>, dims: Dims, connectivity: number): ReferenceLesions {
  const l = referenceComponents(label, dims, connectivity);
  const p = referenceComponents(pred, dims, connectivity);
  const detected = new Set<number>(), touched = new Set<number>();
  for (let i = 0; i < l.ids.length; i++) {
    if (l.ids[i] && pred[i]) detected.add(l.ids[i]!);
    if (p.ids[i] && label[i]) touched.add(p.ids[i]!);
  }
  return {
    labelLesions: l.count, detectedLesions: detected.size, missedLesions: l.count - detected.size,
    falsePositiveLesions: p.count - touched.size,
  };
}
