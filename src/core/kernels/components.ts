/**
 * Connected components (lesions) of one mask bit in a box of codes (see surfaceDistance.ts),
 * by runs: each row's runs of mask voxels are joined (union-find) with the overlapping runs of
 * the already-visited neighbour rows, so the work is linear in rows + runs, not in neighbours.
 */

/** Reusable scratch for countComponents; grows on demand. One per thread. */
export class ComponentScratch {
  runStart = new Int32Array(1024);
  runEnd = new Int32Array(1024);
  parent = new Int32Array(1024);
  touch = new Uint8Array(1024);
  rowFirst = new Int32Array(0);
  /** Results of the last countComponents: components, and how many touch the other bit. */
  components = 0;
  touching = 0;

  growRuns(): void {
    const size = this.runStart.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => { const b = make(size); b.set(a); return b; };
    this.runStart = grow(this.runStart, (n) => new Int32Array(n));
    this.runEnd = grow(this.runEnd, (n) => new Int32Array(n));
    this.parent = new Int32Array(size);
    this.touch = new Uint8Array(size);
  }
}

function find(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    const up = parent[parent[a]!]!;
    parent[a] = up;
    a = up;
  }
  return a;
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a), rb = find(parent, b);
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

/** Joins the runs [a0, a1) of one row with the runs [b0, b1) of a neighbour row; `reach` 1 lets diagonal x neighbours touch. */
function joinRows(s: ComponentScratch, a0: number, a1: number, b0: number, b1: number, reach: number): void {
  const start = s.runStart, end = s.runEnd, parent = s.parent;
  let i = a0, j = b0;
  while (i < a1 && j < b1) {
    if (end[i]! + reach <= start[j]!) i++;
    else if (end[j]! + reach <= start[i]!) j++;
    else {
      union(parent, i, j);
      if (end[i]! < end[j]!) i++; else j++;
    }
  }
}

/**
 * Counts the components of the voxels with `bit` and how many of them hold a voxel with
 * `otherBit` (results in scratch.components / scratch.touching). Connectivity 6, 18 or 26 in 3D;
 * in a one-plane box (bz = 1) that is 4 (for 6) or 8 (for 18 and 26). An empty mask gives 0 and 0.
 */
export function countComponents(
  codes: Uint8Array, bx: number, by: number, bz: number, bit: number, otherBit: number, connectivity: number, s: ComponentScratch,
): void {
  const rows = by * bz;
  if (s.rowFirst.length < rows + 1) s.rowFirst = new Int32Array(rows + 1);
  const rowFirst = s.rowFirst;
  let runs = 0;
  for (let r = 0; r < rows; r++) {
    rowFirst[r] = runs;
    const base = r * bx;
    let x = 0;
    while (x < bx) {
      if ((codes[base + x]! & bit) === 0) { x++; continue; }
      const from = x;
      while (x < bx && (codes[base + x]! & bit) !== 0) x++;
      if (runs === s.runStart.length) s.growRuns();
      s.runStart[runs] = from;
      s.runEnd[runs] = x;
      runs++;
    }
  }
  rowFirst[rows] = runs;
  const parent = s.parent;
  for (let i = 0; i < runs; i++) parent[i] = i;
  const inPlane = connectivity === 6 ? 0 : 1;
  const corner = connectivity === 26 ? 1 : 0;
  for (let zz = 0; zz < bz; zz++) {
    for (let y = 0; y < by; y++) {
      const r = y + by * zz;
      const a0 = rowFirst[r]!, a1 = rowFirst[r + 1]!;
      if (a0 === a1) continue;
      if (y > 0) joinRows(s, a0, a1, rowFirst[r - 1]!, rowFirst[r]!, inPlane);
      if (zz > 0) {
        const below = r - by;
        joinRows(s, a0, a1, rowFirst[below]!, rowFirst[below + 1]!, inPlane);
        if (connectivity !== 6) {
          if (y > 0) joinRows(s, a0, a1, rowFirst[below - 1]!, rowFirst[below]!, corner);
          if (y < by - 1) joinRows(s, a0, a1, rowFirst[below + 1]!, rowFirst[below + 2]!, corner);
        }
      }
    }
  }
  const touch = s.touch;
  touch.fill(0, 0, runs);
  let components = 0, touching = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * bx;
    for (let i = rowFirst[r]!; i < rowFirst[r + 1]!; i++) {
      const root = find(parent, i);
      if (root === i) components++;
      if (touch[root]) continue;
      for (let x = s.runStart[i]!; x < s.runEnd[i]!; x++) {
        if (codes[base + x]! & otherBit) { touch[root] = 1; touching++; break; }
      }
    }
  }
  s.components = components;
  s.touching = touching;
}
