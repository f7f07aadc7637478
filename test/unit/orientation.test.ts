/** Orientation letters from the affine and the scale bar's round lengths (webview/orientation.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { directionLetter, edgeLetters, scaleBarLength } from '../../webview/orientation';

const RAS = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
const LPS = [-0.8, 0, 0, 0, 0, -0.8, 0, 0, 0, 0, 2.5, 0, 0, 0, 0, 1];

test('a world direction is named by its dominant RAS component', () => {
  assert.equal(directionLetter([1, 0.2, 0]), 'R');
  assert.equal(directionLetter([-0.1, -3, 0.5]), 'P');
  assert.equal(directionLetter([0, 0.3, -0.9]), 'I');
  assert.equal(directionLetter([0, 0, 0]), '');
});

test('edges of each view for a RAS volume: axial i right, j down; coronal and sagittal k up', () => {
  assert.deepEqual(edgeLetters(RAS, 'k'), { left: 'L', right: 'R', top: 'P', bottom: 'A' });
  assert.deepEqual(edgeLetters(RAS, 'j'), { left: 'L', right: 'R', top: 'S', bottom: 'I' });
  assert.deepEqual(edgeLetters(RAS, 'i'), { left: 'P', right: 'A', top: 'S', bottom: 'I' });
});

test('an LPS-stored volume (negative x and y) swaps R/L and A/P', () => {
  assert.deepEqual(edgeLetters(LPS, 'k'), { left: 'R', right: 'L', top: 'A', bottom: 'P' });
  assert.deepEqual(edgeLetters(LPS, 'i'), { left: 'A', right: 'P', top: 'S', bottom: 'I' });
});

test('an oblique or permuted affine names the axis it is closest to; a broken one gives no letters', () => {
  // i runs mostly superior (the sample's old, mistyped srow): the axial view's sides read S/I.
  const permuted = [0.2, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0.1, 0, 0, 0, 0, 1];
  assert.deepEqual(edgeLetters(permuted, 'k'), { left: 'I', right: 'S', top: 'P', bottom: 'A' });
  assert.equal(edgeLetters([1, 2, 3], 'k'), null);
  assert.equal(edgeLetters(undefined, 'k'), null);
  assert.equal(edgeLetters([NaN, ...RAS.slice(1)], 'k'), null);
});

test('the scale bar is 1, 2 or 5 × 10ⁿ units and at most the allowed length', () => {
  assert.equal(scaleBarLength(19.6, 100), 5); // 0.8 mm voxels fitted at 15.7 px: 5 mm = 98 px
  assert.equal(scaleBarLength(1, 100), 100);
  assert.equal(scaleBarLength(0.9, 100), 100); // 111 units allowed
  assert.equal(scaleBarLength(3, 100), 20);
  assert.equal(scaleBarLength(250, 100), 0.2);
  assert.equal(scaleBarLength(0, 100), 0);
});
