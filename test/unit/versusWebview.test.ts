/** The three-way editor's pure parts: difference classes painted by paintSlice, and "how much B loses" by a quantity's direction. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { differenceClasses } from '../../webview/differenceColouring';
import { paintSlice } from '../../webview/overlayColouring';
import { lossOfB } from '../../webview/versusValues';

test('difference classes: A right/B wrong, B right/A wrong, both wrong, both right — painted in the three colours', () => {
  // Label, A's p and B's p for six pixels.
  const truth = new Uint8Array([1, 0, 1, 1, 0, 0]);
  const pA = new Float32Array([0.9, 0.8, 0.2, 0.9, 0.1, 0.1]);
  const pB = new Float32Array([0.1, 0.2, 0.4, 0.7, 0.6, 0.0]);
  const p = new Float32Array(6);
  const t = new Uint8Array(6);
  differenceClasses(pA, pB, truth, 0.5, p, t);
  const out = new Uint8ClampedArray(6 * 4);
  const colours = { tp: [213, 94, 0] as const, fp: [0, 114, 178] as const, fn: [240, 228, 66] as const };
  paintSlice(out, { width: 6, height: 1, probabilities: p, truth: t, underlay: null, flipRows: false },
    { mode: 'fill', ...colours, opacity: 1, threshold: 0.5, window: { level: 0, width: 1 } });
  const rgb = (n: number) => [out[n * 4], out[n * 4 + 1], out[n * 4 + 2]];
  assert.deepEqual(rgb(0), [213, 94, 0], 'A TP, B FN: B loses');
  assert.deepEqual(rgb(1), [0, 114, 178], 'A FP, B TN: B wins');
  assert.deepEqual(rgb(2), [240, 228, 66], 'both FN');
  assert.deepEqual(rgb(3), [0, 0, 0], 'both TP');
  assert.deepEqual(rgb(4), [213, 94, 0], 'A TN, B FP: B loses');
  assert.deepEqual(rgb(5), [0, 0, 0], 'both TN');
});

test('how much B loses follows the direction of the quantity: losses and distances lower is better, Dice higher, RVD nearer 0', () => {
  assert.equal(lossOfB({ loss: 'dice' }, 0.2, 0.5), 0.5 - 0.2, 'a higher loss: B loses');
  assert.equal(lossOfB({ loss: 'dice', metric: 'dice' }, 0.8, 0.6), 0.8 - 0.6, 'a lower Dice: B loses');
  assert.ok(lossOfB({ loss: 'dice', metric: 'hd95' }, 3, 1) < 0, 'a smaller HD95: B wins');
  assert.equal(lossOfB({ loss: 'dice', metric: 'relativeVolumeDifference' }, -0.1, 0.3), 0.3 - 0.1, 'further from 0: B loses');
  assert.ok(Number.isNaN(lossOfB({ loss: 'dice', metric: 'dice' }, null, 0.5)), 'undefined on one side: unranked');
});
