/**
 * Segment colours (issue #13): DICOM-SEG RecommendedDisplayCIELabValue and .seg.nrrd SegmentN_Color
 * → the CSS colours the editor's label selector shows. label_colours.seg.dcm (make_dicom_seg.py)
 * holds sRGB red and blue written from their textbook CIELAB (D65) values, so reading them back
 * must give #ff0000 and #0000ff.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { segmentsOfDicomFile } from '../../src/core/io/dicomSeg';
import { labelColoursObject } from '../../src/core/io/labelNames';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { dicomLabToRgb, rgbHex } from '../../src/core/io/segmentColour';
import { REPO_ROOT } from './helpers/ioTestUtils';

const DIR = resolve(REPO_ROOT, 'test/fixtures-formats');

function assertRgb(actual: readonly number[] | undefined, wanted: readonly number[], what: string): void {
  assert.ok(actual !== undefined && actual.every((v, i) => Math.abs(v - wanted[i]!) <= 0.5 / 255), `${what}: ${actual?.join(', ')} ≠ ${wanted.join(', ')}`);
}

test('DICOM CIELAB: white, black, and the sRGB primaries from their textbook L*a*b* (D65)', () => {
  // DICOM scaling: L* × 65535/100, (a* + 128) × 65535/255.
  const dicom = (L: number, a: number, b: number) => [L * 65535 / 100, (a + 128) * 65535 / 255, (b + 128) * 65535 / 255].map(Math.round);
  assertRgb(dicomLabToRgb(dicom(100, 0, 0)), [1, 1, 1], 'white');
  assertRgb(dicomLabToRgb(dicom(0, 0, 0)), [0, 0, 0], 'black');
  assertRgb(dicomLabToRgb(dicom(53.2408, 80.0925, 67.2032)), [1, 0, 0], 'red');
  assertRgb(dicomLabToRgb(dicom(87.7347, -86.1827, 83.1793)), [0, 1, 0], 'green');
  assertRgb(dicomLabToRgb(dicom(32.2970, 79.1875, -107.8602)), [0, 0, 1], 'blue');
  assert.equal(dicomLabToRgb([1, 2]), undefined);
  assert.equal(dicomLabToRgb([1, 2, 70000]), undefined);
});

test('a DICOM-SEG\'s segment colours reach the volume, the CLI\'s segment list and the selector\'s colours', () => {
  const volume = readVolumeFile(resolve(DIR, 'label_colours.seg.dcm'));
  assert.deepEqual(volume.segments?.map((s) => [s.value, s.name, s.color && rgbHex(s.color)]), [[1, 'liver', '#ff0000'], [2, 'tumour', '#0000ff']]);
  assert.deepEqual(labelColoursObject(volume), { 1: '#ff0000', 2: '#0000ff' });
  assert.deepEqual(segmentsOfDicomFile(resolve(DIR, 'label_colours.seg.dcm')).map((s) => s.color && rgbHex(s.color)), ['#ff0000', '#0000ff']);
  // Without RecommendedDisplayCIELabValue: names, no colours.
  const plain = readVolumeFile(resolve(DIR, 'label.seg.dcm'));
  assert.deepEqual(plain.segments?.map((s) => s.color), [undefined, undefined]);
  assert.equal(labelColoursObject(plain), undefined);
});

test('a .seg.nrrd\'s SegmentN_Color (0–1 sRGB) becomes the selector\'s CSS colour', () => {
  // label.seg.nrrd: Segment0_Color=0.86 0.55 0.39 → 219, 140, 99 (rounded).
  assert.deepEqual(labelColoursObject(readVolumeFile(resolve(DIR, 'label.seg.nrrd')))?.['1'], '#db8c63');
  assert.equal(labelColoursObject(null), undefined);
  assert.equal(labelColoursObject(readVolumeFile(resolve(DIR, 'label.nii.gz'))), undefined);
});
