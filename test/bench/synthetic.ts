/**
 * Realistic synthetic segmentation pairs for the benchmark and the sample: an organ-like
 * ellipsoid and a few lesions as the label; as prediction, a network-like probability map —
 * confident far from boundaries, soft near them, slightly shifted, with one missed lesion
 * and one false-positive blob. Deterministic (seeded), no files touched here.
 */
import { seededRandom } from '../unit/helpers/ioTestUtils';

export interface SyntheticPair {
  readonly dims: [number, number, number];
  readonly spacing: [number, number, number];
  /** uint8 label map (0 background, 1 organ, 2 lesion when `multiLabel`, else all foreground 1). */
  readonly label: Uint8Array;
  /** float32 probability of foreground. */
  readonly probability: Float32Array;
  /** uint8 hard prediction (argmax-like: organ 1, lesion 2 when multiLabel). */
  readonly hard: Uint8Array;
}

interface Blob { cx: number; cy: number; cz: number; rx: number; ry: number; rz: number; value: number }

/** Signed distance-like value in voxels: negative inside the ellipsoid, positive outside. */
function ellipsoidDistance(b: Blob, x: number, y: number, z: number): number {
  const dx = (x - b.cx) / b.rx, dy = (y - b.cy) / b.ry, dz = (z - b.cz) / b.rz;
  const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
  return (r - 1) * Math.min(b.rx, b.ry, b.rz);
}

export function makeSyntheticPair(nx: number, ny: number, nz: number, options: { seed?: number; multiLabel?: boolean } = {}): SyntheticPair {
  const random = seededRandom(options.seed ?? 7);
  const organ: Blob = { cx: nx * 0.45, cy: ny * 0.5, cz: nz * 0.5, rx: nx * 0.22, ry: ny * 0.17, rz: nz * 0.3, value: 1 };
  const lesionValue = options.multiLabel ? 2 : 1;
  const lesions: Blob[] = Array.from({ length: 4 }, () => {
    const r = Math.max(2, Math.min(nx, ny) * (0.01 + 0.02 * random()));
    return { cx: nx * (0.3 + 0.4 * random()), cy: ny * (0.3 + 0.4 * random()), cz: nz * (0.3 + 0.4 * random()), rx: r, ry: r, rz: Math.max(1.5, r * nz / nx), value: lesionValue };
  });
  // The prediction sees the organ shifted by 2 voxels and 3 % larger, misses the last lesion, and adds a false blob.
  const predOrgan: Blob = { ...organ, cx: organ.cx + 2, rx: organ.rx * 1.03, ry: organ.ry * 1.03 };
  const predLesions = lesions.slice(0, -1).map((b) => ({ ...b, cy: b.cy + 1 }));
  const falseBlob: Blob = { cx: nx * 0.8, cy: ny * 0.25, cz: nz * 0.6, rx: nx * 0.03, ry: ny * 0.03, rz: nz * 0.04, value: lesionValue };
  const noise = new Float32Array(4096);
  for (let i = 0; i < noise.length; i++) noise[i] = (random() - 0.5) * 1.5;

  const n = nx * ny * nz;
  const label = new Uint8Array(n);
  const probability = new Float32Array(n);
  const hard = new Uint8Array(n);
  const near = (b: Blob, z: number, margin: number) => Math.abs(z - b.cz) <= b.rz + margin;
  for (let z = 0; z < nz; z++) {
    const labelBlobs = [organ, ...lesions].filter((b) => near(b, z, 0.5));
    const predBlobs = [predOrgan, ...predLesions, falseBlob].filter((b) => near(b, z, 12));
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        for (const b of labelBlobs) if (ellipsoidDistance(b, x, y, z) <= 0) label[i] = b.value;
        // Logit falls off with distance from the predicted surface; far background is ≈ −9.
        let best = Infinity;
        let bestValue = 1;
        for (const b of predBlobs) {
          const d = ellipsoidDistance(b, x, y, z);
          if (d < best) { best = d; bestValue = b.value; }
        }
        const logit = Math.max(-9, Math.min(9, -best * 1.2 + noise[(i * 2654435761) >>> 20 & 4095]!));
        const p = 1 / (1 + Math.exp(-logit));
        probability[i] = p;
        if (p >= 0.5) hard[i] = bestValue;
      }
    }
  }
  return { dims: [nx, ny, nz], spacing: [0.8, 0.8, 1.5], label, probability, hard };
}
