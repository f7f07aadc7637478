/**
 * Writes sample/ — a small nnU-Net-style tree the README's first command opens:
 *   imagesTr/liver_00N_0000.nii.gz   CT-like int16 underlay
 *   labelsTr/liver_00N.nii.gz        uint8 label maps
 *   predictions/liver_001.nii.gz     float32 probability prediction (binary task)
 *   predictions/liver_002.nii.gz     uint8 label-map prediction (organ 1, lesion 2)
 * Deterministic: running it again rewrites identical files. `--force` rewrites existing ones.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzip, writeNifti } from '../unit/helpers/niftiWriter';
import { makeSyntheticPair } from './synthetic';

const root = resolve(__dirname, '../../sample');
const force = process.argv.includes('--force');
const [nx, ny, nz] = [128, 128, 40];
const spacing: [number, number, number] = [2.5, 2.5, 4];
const pixdim = [1, ...spacing, 1];
// Three rows of four (x, y, z): RAS+ with the volume centred near the origin.
const srow = [spacing[0], 0, 0, -160, 0, spacing[1], 0, -160, 0, 0, spacing[2], -80];

function write(relative: string, dtype: 'uint8' | 'int16' | 'float32', values: ArrayLike<number>): void {
  const file = join(root, relative);
  if (existsSync(file) && !force) return;
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, gzip(writeNifti({ shape: [nx, ny, nz], dtype, values, pixdim, srow, sformCode: 1 })));
  console.log(`wrote ${file}`);
}

/** Hounsfield-like intensities: air outside an elliptic body, soft tissue, brighter organ, darker lesions. */
function ctUnderlay(label: Uint8Array, seed: number): Int16Array {
  const ct = new Int16Array(label.length);
  let state = seed;
  const noise = () => { state = (state * 1103515245 + 12345) & 0x7fffffff; return (state / 0x7fffffff - 0.5) * 30; };
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const i = x + nx * (y + ny * z);
    const body = ((x - nx / 2) / (nx * 0.46)) ** 2 + ((y - ny / 2) / (ny * 0.38)) ** 2 <= 1;
    const base = !body ? -1000 : label[i] === 2 ? 25 : label[i] === 1 ? 65 : 35;
    ct[i] = Math.round(base + (body ? noise() : noise() * 0.2));
  }
  return ct;
}

const binary = makeSyntheticPair(nx, ny, nz, { seed: 11 });
write('labelsTr/liver_001.nii.gz', 'uint8', binary.label);
write('predictions/liver_001.nii.gz', 'float32', binary.probability);
write('imagesTr/liver_001_0000.nii.gz', 'int16', ctUnderlay(binary.label, 1));

const multi = makeSyntheticPair(nx, ny, nz, { seed: 23, multiLabel: true });
write('labelsTr/liver_002.nii.gz', 'uint8', multi.label);
write('predictions/liver_002.nii.gz', 'uint8', multi.hard);
write('imagesTr/liver_002_0000.nii.gz', 'int16', ctUnderlay(multi.label, 2));
