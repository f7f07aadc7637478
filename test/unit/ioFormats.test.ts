/**
 * NRRD, MetaImage and NumPy readers on files written by independent writers (ITK via plastimatch,
 * numpy, nibabel; test/fixtures-formats/make_*.{py,sh}): the same mask in each format reads as the
 * same voxels and RAS affine as the NIfTI written by nibabel, and compares to identical numbers.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { comparePair } from '../../src/core/analysis/compare';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { readVolume, readVolumeFile } from '../../src/core/io/readVolume';
import type { Volume } from '../../src/core/io/volume';
import { REPO_ROOT, voxel } from './helpers/ioTestUtils';

const DIR = resolve(REPO_ROOT, 'test/fixtures-formats');
const expected = JSON.parse(readFileSync(resolve(DIR, 'expected.json'), 'utf8')) as {
  shape: number[]; affine: number[][]; labelSum: number; labelCounts: Record<string, number>; predSum: number;
  probe: { ijk: [number, number, number]; label: number; pred: number };
};
const read = (name: string): Volume => readVolumeFile(resolve(DIR, name));
/**
 * Equal, numbers within 1e-12 relative: an NRRD's spacing is the length of a direction vector,
 * which can differ from NIfTI's float32 pixdim in the 16th digit (volumes in mL then do too).
 */
function assertSameNumbers(actual: unknown, expected: unknown, path = 'result'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(actual === expected || Math.abs(actual - expected) <= 1e-12 * Math.abs(expected), `${path}: ${actual} ≠ ${expected}`);
  } else if (typeof expected === 'object' && expected !== null) {
    assert.equal(typeof actual, 'object', path);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), path);
    for (const [key, value] of Object.entries(expected)) assertSameNumbers((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  } else {
    assert.equal(actual, expected, path);
  }
}
const OPTIONS = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'all' } as const;
const sum = (v: Volume) => { let s = 0; for (const x of v.data) s += x; return s; };

function assertAffine(volume: Volume, affine: number[][], tolerance = 1e-5): void {
  const flat = affine.flat();
  volume.affine.forEach((v, i) => assert.ok(Math.abs(v - flat[i]!) <= tolerance, `${volume.source}: affine[${i}] ${v} ≠ ${flat[i]}`));
}

const LABELS = ['label.nii.gz', 'label.nrrd', 'label.mha', 'label_detached.nhdr', 'label_mhd.mhd', 'label.seg.nrrd',
  'label_layers.seg.nrrd', 'label_c.npy', 'label_f.npy', 'label_deflated.npz'];
for (const name of LABELS) {
  test(`${name}: the label mask numpy/nibabel wrote, same voxels${name.includes('np') ? '' : ' and RAS affine'}`, () => {
    const v = read(name);
    assert.deepEqual(v.dims, expected.shape);
    assert.equal(sum(v), expected.labelSum);
    const [i, j, k] = expected.probe.ijk;
    assert.equal(voxel(v, i, j, k), expected.probe.label);
    for (const [value, count] of Object.entries(expected.labelCounts)) {
      assert.equal(v.data.filter((x: number) => x === Number(value)).length, count, `count of ${value}`);
    }
    if (name.endsWith('.npy') || name.endsWith('.npz')) {
      assert.equal(v.geometryAssumed, true);
      assert.deepEqual(v.spacing, [1, 1, 1]);
    } else {
      assertAffine(v, expected.affine);
      assert.deepEqual(v.spacing.map((s) => +s.toFixed(5)), [0.8, 0.9, 2.5]);
    }
  });
}

test('C- and Fortran-ordered .npy files of one array open identically', () => {
  assert.deepEqual(Array.from(read('label_c.npy').data), Array.from(read('label_f.npy').data));
  assert.deepEqual(Array.from(read('pred_c.npy').data), Array.from(read('pred_f_be.npy').data));
  assert.equal(read('label_c.npy').sourceDtype, 'int64');
});

test('nnU-Net probabilities (.npz, channel × z × y × x) open as x × y × z with the channels last', () => {
  const v = read('softmax_nnunet.npz');
  assert.deepEqual(v.dims, [...expected.shape, 2]);
  const [i, j, k] = expected.probe.ijk;
  assert.ok(Math.abs(voxel(v, i, j, k, 1) - expected.probe.pred) < 1e-7);
  assert.ok(Math.abs(voxel(v, i, j, k, 0) - (1 - expected.probe.pred)) < 1e-6);
});

test('a nibabel-ordered array paired with its NIfTI gets a hint to transpose it', () => {
  const dir = mkdtempSync(resolve(tmpdir(), 'mi-npy-'));
  try {
    // The label's NumPy file read back, dims reversed: what an untransposed nibabel array looks like.
    const v = read('label_c.npy');
    const header = `{'descr': '<i4', 'fortran_order': True, 'shape': (${v.dims.join(', ')}), }`.padEnd(117) + '\n';
    const path = resolve(dir, 'ijk.npy');
    writeFileSync(path, Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]), Buffer.from(header, 'latin1'), Buffer.from(Int32Array.from(v.data).buffer)]));
    assert.deepEqual(read(path).dims, [...expected.shape].reverse());
    assert.throws(() => comparePair(read(path), read('label.nii.gz'), OPTIONS), /NumPy array is read in ITK order \(z, y, x\).*arr\.T/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('.npz: the first array by default, a named one on request; unknown names are listed', () => {
  const path = resolve(DIR, 'pred_stored.npz');
  assert.deepEqual(readVolume(readFileSync(path), path).dims, [2, 2, 1]);
  const prob = readVolume(readFileSync(path), path, { npzArray: 'prob' });
  assert.ok(Math.abs(sum(prob) - expected.predSum) < 1e-4);
  assert.throws(() => readVolume(readFileSync(path), path, { npzArray: 'nope' }), /has no array "nope"; it holds other, prob/);
});

test('.seg.nrrd segments: names, values and colours (3D label map and 4D layers)', () => {
  for (const name of ['label.seg.nrrd', 'label_layers.seg.nrrd']) {
    const segments = read(name).segments;
    assert.deepEqual(segments?.map((s) => [s.value, s.name]), [[1, 'liver'], [2, 'tumour']], name);
    assert.deepEqual(segments?.[0]?.color, [0.86, 0.55, 0.39]);
  }
});

const PREDICTIONS = ['pred.nrrd', 'pred.mha', 'pred_zlib.mha', 'pred_be.nrrd'];
for (const name of PREDICTIONS) {
  test(`${name}: probabilities and RAS affine as nibabel wrote them`, () => {
    const v = read(name);
    assert.ok(Math.abs(sum(v) - expected.predSum) < 1e-4, `sum ${sum(v)}`);
    const [i, j, k] = expected.probe.ijk;
    assert.ok(Math.abs(voxel(v, i, j, k) - expected.probe.pred) < 1e-7);
    assertAffine(v, expected.affine);
  });
}

const reference = comparePair(read('pred.nii.gz'), read('label.nii.gz'), OPTIONS);

test('the NIfTI reference pair has no geometry warning (only the two-labels-one-probability note)', () => {
  assert.equal(reference.warnings.length, 1);
  assert.match(reference.warnings[0]!, /the label map has 2 labels but the prediction is one probability map/);
});

const CROSS: [string, string][] = [
  ['pred.nii.gz', 'label.nrrd'], ['pred.nii.gz', 'label.mha'], ['pred.nrrd', 'label.nii.gz'], ['pred.mha', 'label.seg.nrrd'],
  ['pred_zlib.mha', 'label_detached.nhdr'], ['pred_be.nrrd', 'label_mhd.mhd'], ['pred.nii.gz', 'label_layers.seg.nrrd'],
];
for (const [p, l] of CROSS) {
  test(`${p} vs ${l}: identical numbers to the NIfTI pair, no geometry warning`, () => {
    const result = comparePair(read(p), read(l), OPTIONS);
    assert.deepEqual(result.warnings, reference.warnings);
    assertSameNumbers(result.labels, reference.labels);
  });
}

for (const [p, l] of [['pred_c.npy', 'label.nii.gz'], ['pred.nii.gz', 'label_f.npy'], ['pred_c.npy', 'label_deflated.npz']] as const) {
  test(`${p} vs ${l}: identical numbers, one warning that the NumPy geometry was assumed`, () => {
    const result = comparePair(read(p), read(l), OPTIONS);
    assert.equal(result.warnings.length, 2);
    assert.match(result.warnings[0]!, /no geometry \(NumPy\): 1 mm spacing and identity orientation assumed/);
    assert.equal(result.warnings[1], reference.warnings[0]);
    // Losses and unitless metrics are the NIfTI pair's; millimetre/millilitre metrics use the assumed 1 mm.
    const unitless = (r: typeof reference) => r.labels.map((x) => ({
      ...x, metrics: { dice: x.metrics?.dice, iou: x.metrics?.iou }, slices: x.slices.map((row) => ({ ...row, metrics: null })),
    }));
    assertSameNumbers(unitless(result), unitless(reference));
  });
}

for (const name of ['label_shifted.nrrd', 'label_shifted.mha', 'label_flipped.nrrd', 'label_flipped.mha']) {
  test(`${name}: a shifted or flipped label warns that the affines differ`, () => {
    const result = comparePair(read('pred.nii.gz'), read(name), OPTIONS);
    assert.ok(result.warnings.some((w) => /affines differ/.test(w)), result.warnings.join(' | '));
  });
}

test('detached headers: the data file must be beside the header', () => {
  const bytes = readFileSync(resolve(DIR, 'label_detached.nhdr'));
  assert.throws(() => readVolume(bytes, 'x.nhdr'), /detached NRRD header .* "label_detached\.raw"/);
  const dir = mkdtempSync(resolve(tmpdir(), 'mi-nhdr-'));
  try {
    const evil = resolve(dir, 'evil.nhdr');
    writeFileSync(evil, bytes.toString('latin1').replace('data file: label_detached.raw', 'data file: ../label_detached.raw'), 'latin1');
    assert.throws(() => readVolumeFile(evil), /data file "\.\.\/label_detached\.raw"; only a file beside the header/);
    const missing = resolve(dir, 'missing.nhdr');
    writeFileSync(missing, bytes);
    assert.throws(() => readVolumeFile(missing), /its data file "label_detached\.raw": file not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('overlapping segments of a layered .seg.nrrd: the last layer wins, and the pair says so', () => {
  // 2 layers × 2 × 2 × 1, raw: layer 0 "a" (value 1) covers voxels 0,1; layer 1 "b" (value 1) covers voxels 1,2.
  const header = 'NRRD0004\ntype: uint8\ndimension: 4\nspace: left-posterior-superior\nsizes: 2 2 2 1\n' +
    'space directions: none (1,0,0) (0,1,0) (0,0,1)\nkinds: list domain domain domain\nencoding: raw\nspace origin: (0,0,0)\n' +
    'Segment0_Name:=a\nSegment0_LabelValue:=1\nSegment0_Layer:=0\nSegment1_Name:=b\nSegment1_LabelValue:=1\nSegment1_Layer:=1\n\n';
  // Layer axis fastest: voxel v holds [layer0, layer1].
  const data = [1, 0, 1, 1, 0, 1, 0, 0];
  const v = readVolume(Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(data)]), 'overlap.seg.nrrd');
  assert.deepEqual(v.dims, [2, 2, 1]);
  assert.deepEqual(Array.from(v.data), [1, 2, 2, 0]);
  assert.deepEqual(v.segments?.map((s) => [s.value, s.name]), [[1, 'a'], [2, 'b']]);
  assert.deepEqual(v.readNotes, ['overlap.seg.nrrd: 1 voxel is in segments of more than one layer; each counts for the segment of its last layer']);
  const result = comparePair(v, v, OPTIONS);
  assert.ok(result.warnings.includes(v.readNotes![0]!), result.warnings.join(' | '));
});
