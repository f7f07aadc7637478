/** Small nnU-Net-like trees of generated .nii.gz pairs for the folder report tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzip, writeNifti } from './niftiWriter';

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) / 2147483647);
}

export interface CaseSpec {
  readonly name: string;
  /** 'probability' (float32 in [0, 1]), 'labels' (uint8 label map with labels 1 and 2), 'truncated' (half a .nii.gz). */
  readonly kind: 'probability' | 'labels' | 'truncated' | 'shape';
  readonly seed: number;
}

export interface ReportTree {
  readonly root: string;
  readonly predictions: string;
  readonly labels: string;
  readonly images: string;
}

export const TREE_SHAPE = [12, 10, 6] as const;

/** A blob label (value 1, plus 2 for 'labels' cases) and a noisy prediction of it. */
export function writeCase(tree: ReportTree, spec: CaseSpec): void {
  const [nx, ny, nz] = TREE_SHAPE;
  const n = nx * ny * nz;
  const rand = random(spec.seed);
  const label = new Uint8Array(n);
  const cx = 3 + rand() * 6, cy = 3 + rand() * 4;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const i = x + nx * (y + ny * z);
    if (z >= 1 && z <= 4 && (x - cx) ** 2 + (y - cy) ** 2 < 7) label[i] = 1;
    if (spec.kind === 'labels' && z === 3 && x >= 9 && y >= 7) label[i] = 2;
  }
  const pixdim = [1, 0.8, 0.8, 2, 1];
  const srow = [0.8, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 2, 0];
  writeFileSync(join(tree.labels, `${spec.name}.nii.gz`), gzip(writeNifti({ shape: TREE_SHAPE, dtype: 'uint8', values: label, pixdim, srow })));
  writeFileSync(join(tree.images, `${spec.name}_0000.nii.gz`), gzip(writeNifti({ shape: TREE_SHAPE, dtype: 'int16', values: label.map((v) => v * 50), pixdim, srow })));
  const predPath = join(tree.predictions, `${spec.name}.nii.gz`);
  if (spec.kind === 'labels') {
    const pred = label.map((v) => (rand() < 0.08 ? (v === 0 ? 1 : 0) : v));
    writeFileSync(predPath, gzip(writeNifti({ shape: TREE_SHAPE, dtype: 'uint8', values: pred, pixdim, srow })));
    return;
  }
  if (spec.kind === 'shape') {
    writeFileSync(predPath, gzip(writeNifti({ shape: [nx, ny, nz + 1], dtype: 'float32', values: new Float32Array(n + nx * ny).fill(0.3), pixdim, srow })));
    return;
  }
  const prob = Float32Array.from(label, (v) => Math.min(1, Math.max(0, v * 0.85 + (rand() - 0.35) * 0.6)));
  const bytes = gzip(writeNifti({ shape: TREE_SHAPE, dtype: 'float32', values: prob, pixdim, srow }));
  writeFileSync(predPath, spec.kind === 'truncated' ? bytes.subarray(0, Math.floor(bytes.length / 2)) : bytes);
}

export function makeReportTree(cases: readonly CaseSpec[], prefix = 'mask-inspector-report-'): ReportTree {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const tree = { root, predictions: join(root, 'predictions'), labels: join(root, 'labelsTr'), images: join(root, 'imagesTr') };
  for (const dir of [tree.predictions, tree.labels, tree.images]) mkdirSync(dir, { recursive: true });
  for (const spec of cases) writeCase(tree, spec);
  return tree;
}

/** RFC 4180 CSV → rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}
