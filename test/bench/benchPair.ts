/**
 * The benchmark pair of issue #10, generated once into bench-data/<nx>x<ny>x<nz>/ (never
 * committed): a float32 probability prediction and a uint8 label, smooth blobs (synthetic.ts),
 * spacing 0.8 × 0.8 × 1.5 mm, as .nii.gz with gzip level 6 (gzip's and nibabel's default).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { writeNifti } from '../unit/helpers/niftiWriter';
import { makeSyntheticPair } from './synthetic';

export interface BenchPairFiles {
  readonly dir: string;
  readonly prediction: string;
  readonly label: string;
  /** The prediction thresholded at 0.5, uint8 (for plastimatch, which compares binary masks). */
  readonly hard: string;
  /** Bytes of the decoded voxels of both (float32 + uint8). */
  readonly rawBytes: number;
}

export function ensureBenchPair(dims: readonly [number, number, number], root = resolve(__dirname, '../..', 'bench-data')): BenchPairFiles {
  const dir = join(root, `${dims.join('x')}`);
  const prediction = join(dir, 'prediction_prob_f32.nii.gz');
  const label = join(dir, 'label_u8.nii.gz');
  const hard = join(dir, 'prediction_hard_u8.nii.gz');
  const rawBytes = dims[0] * dims[1] * dims[2] * 5;
  const files = { dir, prediction, label, hard, rawBytes };
  if ([prediction, label, hard].every(existsSync)) return files;
  mkdirSync(dir, { recursive: true });
  console.log(`generating a ${dims.join('×')} pair in ${dir} (once) …`);
  const pair = makeSyntheticPair(dims[0], dims[1], dims[2]);
  const pixdim = [1, ...pair.spacing, 1];
  const srow = [pair.spacing[0], 0, 0, 0, 0, pair.spacing[1], 0, 0, 0, 0, pair.spacing[2], 0];
  const gz6 = (bytes: Uint8Array) => zlib.gzipSync(bytes, { level: 6 });
  writeFileSync(prediction, gz6(writeNifti({ shape: pair.dims, dtype: 'float32', values: pair.probability, pixdim, srow })));
  writeFileSync(label, gz6(writeNifti({ shape: pair.dims, dtype: 'uint8', values: pair.label, pixdim, srow })));
  writeFileSync(hard, gz6(writeNifti({ shape: pair.dims, dtype: 'uint8', values: pair.hard, pixdim, srow })));
  return files;
}
