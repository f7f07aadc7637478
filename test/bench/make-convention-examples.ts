/**
 * Writes the tiny NIfTI pairs of docs/conventions.md (the worked examples of
 * shared/spec/conventions.md section 9) into docs/examples/conventions/. Run:
 * `npm run build && node dist-test/bench/make-convention-examples.js`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeNifti } from '../unit/helpers/niftiWriter';

const dir = resolve(__dirname, '../../docs/examples/conventions');
mkdirSync(dir, { recursive: true });

function write(name: string, shape: number[], dtype: 'float64' | 'uint8', values: number[]): void {
  writeFileSync(join(dir, `${name}.nii`), writeNifti({ shape, dtype, values, pixdim: [1, 1, 1, 1, 1], srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0] }));
}

// 9.1: an empty label slice with a little predicted mass.
write('empty_pred', [2, 2, 1], 'float64', [0.2, 0.1, 0, 0]);
write('empty_label', [2, 2, 1], 'uint8', [0, 0, 0, 0]);
// 9.2 / 9.10: binary logits.
write('binary_logits', [2, 2, 1], 'float64', [2, -1, 0.5, -3]);
write('binary_label', [2, 2, 1], 'uint8', [1, 1, 0, 0]);
// 9.3 / 9.4: Jaccard and Dice smoothing.
write('half_pred', [2, 2, 1], 'float64', [0.5, 0.5, 0, 0]);
write('zero_pred', [2, 2, 1], 'float64', [0, 0, 0, 0]);
write('one_voxel_label', [2, 2, 1], 'uint8', [1, 0, 0, 0]);
// 9.5: a class absent from the label (4D probabilities, 3 classes).
write('absent_class_pred', [2, 2, 1, 3], 'float64', [0.7, 0.2, 0.6, 0.1, 0.2, 0.7, 0.3, 0.8, 0.1, 0.1, 0.1, 0.1]);
write('absent_class_label', [2, 2, 1], 'uint8', [0, 1, 0, 1]);
// 9.9: two slices; the volume value is not the mean of the slice values.
write('two_slices_pred', [2, 2, 2], 'float64', [0.9, 0.1, 0, 0, 0.5, 0.5, 0.5, 0.5]);
write('two_slices_label', [2, 2, 2], 'uint8', [1, 0, 0, 0, 1, 1, 1, 0]);
console.log(`wrote examples to ${dir}`);
