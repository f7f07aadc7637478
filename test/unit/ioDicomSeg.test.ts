/**
 * DICOM-SEG on files written by pydicom (test/fixtures-formats/make_dicom_seg.py, parsed by DCMTK's
 * dcmdump): the label map nibabel wrote (label.nii.gz), as a BINARY SEG with only the frames its
 * segments cover, shuffled. Read alone it is the frames' slab; paired with the NIfTI prediction it
 * is placed on that grid and gives the NIfTI pair's numbers with no geometry warning.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { comparePair } from '../../src/core/analysis/compare';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { segOnPartnerGrid } from '../../src/core/io/dicomSegGrid';
import { readVolume, readVolumeFile } from '../../src/core/io/readVolume';
import { VolumeReadError, type Volume } from '../../src/core/io/volume';
import { REPO_ROOT, voxel } from './helpers/ioTestUtils';

const DIR = resolve(REPO_ROOT, 'test/fixtures-formats');
const expected = JSON.parse(readFileSync(resolve(DIR, 'expected.json'), 'utf8')) as {
  shape: number[]; affine: number[][]; labelSum: number; labelCounts: Record<string, number>;
  probe: { ijk: [number, number, number]; label: number };
};
const read = (name: string): Volume => readVolumeFile(resolve(DIR, name));
const OPTIONS = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'all' } as const;

/** Equal; numbers within 1e-12 relative (DS strings hold 14 digits of NIfTI's float32 pixdim). */
function assertSameNumbers(actual: unknown, wanted: unknown, path = 'result'): void {
  if (typeof wanted === 'number' && typeof actual === 'number') {
    assert.ok(actual === wanted || Math.abs(actual - wanted) <= 1e-12 * Math.abs(wanted), `${path}: ${actual} ≠ ${wanted}`);
  } else if (typeof wanted === 'object' && wanted !== null) {
    assert.equal(typeof actual, 'object', path);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(wanted).sort(), path);
    for (const [key, value] of Object.entries(wanted)) assertSameNumbers((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  } else {
    assert.equal(actual, wanted, path);
  }
}

const SEGS = ['label.seg.dcm', 'label_implicit.seg.dcm', 'seg_folder/SEG0001', 'seg_folder'];

for (const name of SEGS) {
  test(`${name}: a slab of the frames' extent, slices along the plane normal, segment numbers as labels`, () => {
    const v = read(name);
    assert.equal(v.format, 'dicom-seg');
    // The label covers k = 1…4 of 5; the plane normal (row × column cosines) points to −z in LPS, against k.
    assert.deepEqual(v.dims, [expected.shape[0], expected.shape[1], 4]);
    assert.equal(v.sourceDtype, 'uint8');
    let sum = 0;
    for (const x of v.data) sum += x;
    assert.equal(sum, expected.labelSum);
    for (const value of ['1', '2']) assert.equal(v.data.filter((x: number) => x === Number(value)).length, expected.labelCounts[value]);
    const [i, j, k] = expected.probe.ijk;
    assert.equal(voxel(v, i, j, 4 - k), expected.probe.label); // slab slice 0 is image slice 4
    assert.deepEqual(v.spacing.map((s) => +s.toFixed(6)), [0.8, 0.9, 2.5]);
    // RAS affine: i and j as the NIfTI's, k reversed, origin at image slice 4.
    const a = expected.affine;
    const wanted = [a[0]![0], a[0]![1], -a[0]![2]!, a[0]![3]! + 4 * a[0]![2]!, a[1]![0], a[1]![1], -a[1]![2]!, a[1]![3]! + 4 * a[1]![2]!,
      a[2]![0], a[2]![1], -a[2]![2]!, a[2]![3]! + 4 * a[2]![2]!, 0, 0, 0, 1];
    v.affine.forEach((x, n) => assert.ok(Math.abs(x - wanted[n]!) < 1e-6, `affine[${n}] ${x} ≠ ${wanted[n]}`));
    assert.deepEqual(v.segments, [{ value: 1, name: 'liver' }, { value: 2, name: 'tumour' }]);
  });
}

test('on the NIfTI label\'s grid the SEG is the same label map, voxel for voxel', () => {
  const nifti = read('label.nii.gz');
  const placed = segOnPartnerGrid(read('label.seg.dcm'), nifti);
  assert.ok(placed);
  assert.deepEqual(placed.dims, nifti.dims);
  assert.deepEqual(Array.from(placed.data), Array.from(nifti.data));
  assert.equal(segOnPartnerGrid(read('label.seg.dcm'), read('label_shifted.nii.gz'))?.data.filter((x) => x !== 0).length, undefined,
    'a label shifted by 3 mm (not a whole voxel) is not the SEG\'s lattice');
});

const CROSS: [string, string, string][] = [
  ['pred.nii.gz', 'label.seg.dcm', 'label.nii.gz'], ['pred.nii.gz', 'label_implicit.seg.dcm', 'label.nii.gz'],
  ['pred.nii.gz', 'seg_folder', 'label.nii.gz'], ['label.nii.gz', 'label.seg.dcm', 'label.nii.gz'],
  ['label.seg.dcm', 'label.nrrd', 'label.nii.gz'], ['pred.mha', 'label.seg.dcm', 'label.nii.gz'],
];
for (const [p, l, twin] of CROSS) {
  test(`${p} vs ${l}: identical numbers to the pair with ${twin}, no geometry warning`, () => {
    const reference = comparePair(read(p.endsWith('.dcm') ? twin : p), read(l.endsWith('.dcm') || l === 'seg_folder' ? twin : l), OPTIONS);
    const result = comparePair(read(p), read(l), OPTIONS);
    assert.deepEqual(result.warnings, reference.warnings);
    assert.ok(!result.warnings.some((w) => /affine|spacing/.test(w)), result.warnings.join(' | '));
    assertSameNumbers(result.labels, reference.labels);
  });
}

test('a SEG paired with a y-flipped label is not placed on it and its shape differs', () => {
  assert.equal(segOnPartnerGrid(read('label.seg.dcm'), read('label_flipped.nii.gz'))?.data.length, undefined);
});

test('FRACTIONAL segmentations and compressed transfer syntaxes are refused in one line', () => {
  const message = (name: string) => {
    try {
      read(name);
    } catch (error) {
      assert.ok(error instanceof VolumeReadError, String(error));
      assert.ok(!error.message.includes('\n'));
      return error.message;
    }
    assert.fail(`${name} was read`);
  };
  assert.match(message('label_fractional.seg.dcm'), /FRACTIONAL segmentation type; only BINARY/);
  assert.match(message('label_rle.seg.dcm'), /RLE Lossless compressed \(transfer syntax 1\.2\.840\.10008\.1\.2\.5\).*dcmconv/);
});

test('a DICOM image that is not a segmentation says what it is', () => {
  const bytes = new Uint8Array(readFileSync(resolve(DIR, 'label.seg.dcm')));
  const text = Buffer.from(bytes).toString('latin1');
  const at = text.indexOf('1.2.840.10008.5.1.4.1.1.66.4', 200); // the dataset's SOPClassUID, not the meta's
  bytes.set(Buffer.from('1.2.840.10008.5.1.4.1.1.2\0\0\0', 'latin1'), at); // CT Image Storage, same length
  assert.throws(() => readVolume(bytes, 'ct.dcm'), /not a segmentation \(modality SEG, SOP class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.2\).*dcm2niix/);
});

test('overlapping segments: the higher segment number wins, and the pair says how many voxels overlapped', () => {
  const v = read('label_overlap.seg.dcm');
  const nifti = read('label.nii.gz');
  const placed = segOnPartnerGrid(v, nifti)!;
  // make_dicom_seg.py: segment 2 also covers [1:3, 2:4, 1:2], inside segment 1.
  for (const [i, j, k] of [[1, 2, 1], [2, 3, 1]] as const) {
    assert.equal(voxel(nifti, i, j, k), 1);
    assert.equal(voxel(placed, i, j, k), 2);
  }
  assert.equal(placed.data.filter((x: number) => x === 2).length, expected.labelCounts['2']! + 4);
  assert.deepEqual(v.readNotes, [`${resolve(DIR, 'label_overlap.seg.dcm')}: 4 voxels are in more than one segment; each counts for the highest segment number`]);
  const result = comparePair(read('pred.nii.gz'), v, OPTIONS);
  assert.ok(result.warnings.some((w) => /4 voxels are in more than one segment/.test(w)), result.warnings.join(' | '));
});

test('placed on a partner whose i axis runs the other way: voxels follow their world position', () => {
  const nifti = read('label.nii.gz');
  const [nx, ny, nz] = nifti.dims as [number, number, number];
  const a = nifti.affine;
  // The same image stored with i reversed: column 0 negated, origin at the old last column.
  const affine = a.map((v, n) => (n % 4 === 0 && n < 12 ? -v : n % 4 === 3 && n < 12 ? v + (nx - 1) * a[n - 3]! : v));
  const data = new Uint8Array(nifti.data.length);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[nx - 1 - i + nx * (j + ny * k)] = voxel(nifti, i, j, k);
  const placed = segOnPartnerGrid(read('label.seg.dcm'), { ...nifti, affine, data });
  assert.ok(placed);
  assert.deepEqual(Array.from(placed.data), Array.from(data));
});
