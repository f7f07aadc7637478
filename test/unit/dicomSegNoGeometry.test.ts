/**
 * A DICOM-SEG paired with a file that has no geometry (NumPy; PNG likewise): there is nothing to
 * place it on (dicomSegGrid.ts segWithoutPartnerGeometry). With the same shape it is compared as
 * stored — slices in frame order along the plane normal — and a warning says so; with another
 * shape (the SEG holds only the slices its segments cover) the error explains why.
 * The arrays are cut here from the label nibabel wrote (label.nii.gz), not from the SEG reader.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { comparePair } from '../../src/core/analysis/compare';
import { InputError } from '../../src/core/analysis/inputs';
import { readNpy } from '../../src/core/io/npy';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { REPO_ROOT, voxel } from './helpers/ioTestUtils';

const DIR = resolve(REPO_ROOT, 'test/fixtures-formats');
const OPTIONS = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none' } as const;
const SEG = resolve(DIR, 'label.seg.dcm');

/** A C-ordered uint8 .npy of shape (z, y, x) whose slice m is image slice sliceOf(m) of label.nii.gz. */
function slabNpy(sliceOf: (m: number) => number, depth: number): Uint8Array {
  const nifti = readVolumeFile(resolve(DIR, 'label.nii.gz'));
  const [nx, ny] = nifti.dims as [number, number];
  const data = new Uint8Array(depth * ny * nx);
  for (let m = 0; m < depth; m++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[(m * ny + j) * nx + i] = voxel(nifti, i, j, sliceOf(m));
  let dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${depth}, ${ny}, ${nx}), }`;
  dict += ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), data]);
}

test('same shape: compared as stored (the SEG\'s frames along the plane normal), with a warning that says so', () => {
  // The SEG covers image slices 1…4 with its normal against k: its slice 0 is image slice 4 (ioDicomSeg.test.ts).
  const inSegOrder = readNpy(slabNpy((m) => 4 - m, 4), 'slab.npy', {});
  const result = comparePair(inSegOrder, readVolumeFile(SEG), OPTIONS);
  assert.deepEqual(result.labels.map((l) => [l.label, l.volume.dice]), [[1, 0], [2, 0]]);
  const warning = result.warnings.find((w) => w.includes('is a DICOM-SEG'));
  assert.ok(warning, result.warnings.join(' | '));
  assert.match(warning, /slab\.npy has no geometry \(NumPy\): the SEG is not placed by position but compared as stored, its 4 slices in frame order along the plane normal/);
  // The same slices in the image's k order are another array: the warning is why the order matters.
  const inImageOrder = readNpy(slabNpy((m) => 1 + m, 4), 'image-order.npy', {});
  assert.ok(comparePair(inImageOrder, readVolumeFile(SEG), OPTIONS).labels.some((l) => l.volume.dice > 0));
  // Either role.
  const swapped = comparePair(readVolumeFile(SEG), readNpy(slabNpy((m) => 4 - m, 4), 'slab.npy', {}), OPTIONS);
  assert.ok(swapped.warnings.some((w) => w.includes('is a DICOM-SEG')));
});

test('another shape: the error says the SEG holds only the slices its segments cover and the NumPy file cannot place them', () => {
  const whole = readVolumeFile(resolve(DIR, 'label_c.npy')); // numpy's 7×6×5 label
  assert.throws(() => comparePair(whole, readVolumeFile(SEG), OPTIONS), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.file, SEG);
    assert.match(error.message, /^the DICOM-SEG holds only the 4 slices its segments cover \(7×6×4\), and .*label_c\.npy \(NumPy, 7×6×5\) has no geometry to place them on; compare the SEG with a NIfTI, NRRD or MetaImage file/);
    return true;
  });
});

test('a partner with geometry is unaffected: no such warning', () => {
  const result = comparePair(readVolumeFile(resolve(DIR, 'pred.nii.gz')), readVolumeFile(SEG), OPTIONS);
  assert.ok(!result.warnings.some((w) => w.includes('is a DICOM-SEG')), result.warnings.join(' | '));
});
