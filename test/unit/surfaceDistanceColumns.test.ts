/**
 * The z sweep's slice counts are Uint16, capped, in boxes of fewer than 65535 planes and Int32
 * beyond: the longest distance each can hold is exact, a column without a seed stays infinitely
 * far, and the same scratch switches between the two.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CODE_LABEL, CODE_LABEL_SURFACE, CODE_PRED, CODE_PRED_SURFACE, directedDistances, DistanceScratch,
} from '../../src/core/kernels/surfaceDistance';

/** A 2×1×bz box: column x = 0 holds a label voxel at z = 0 and a prediction voxel at z = bz − 1; column 1 is empty. */
function farApart(bz: number): Uint8Array {
  const codes = new Uint8Array(2 * bz);
  codes[0] = CODE_LABEL | CODE_LABEL_SURFACE;
  codes[2 * (bz - 1)] = CODE_PRED | CODE_PRED_SURFACE;
  return codes;
}

test('the farthest seed along z is exact with Uint16 counts (65534 planes) and with Int32 counts (70000 planes)', () => {
  const scratch = new DistanceScratch();
  for (const bz of [65534, 70000, 300]) {
    const codes = farApart(bz);
    scratch.ensure(2, 1, bz, 1, 1);
    const wz = 1.5;
    const n = directedDistances(codes, 2, 1, bz, 0.8, 0.8, wz, CODE_LABEL_SURFACE, CODE_PRED_SURFACE, scratch, scratch.predToLabel);
    assert.equal(n, 1);
    // One seed, one query, same column: the distance is (bz − 1) slices of wz mm, exactly.
    assert.equal(scratch.predToLabel[0], (bz - 1) * wz, `bz = ${bz}`);
    const back = directedDistances(codes, 2, 1, bz, 0.8, 0.8, wz, CODE_PRED_SURFACE, CODE_LABEL_SURFACE, scratch, scratch.labelToPred);
    assert.equal(back, 1);
    assert.equal(scratch.labelToPred[0], (bz - 1) * wz, `bz = ${bz}, back`);
  }
});

test('a query with no seed in the box is infinitely far, with either count type', () => {
  const scratch = new DistanceScratch();
  for (const bz of [10, 70000]) {
    const codes = new Uint8Array(bz);
    codes[bz - 1] = CODE_PRED | CODE_PRED_SURFACE;
    scratch.ensure(1, 1, bz, 1, 0);
    const n = directedDistances(codes, 1, 1, bz, 1, 1, 1, CODE_LABEL_SURFACE, CODE_PRED_SURFACE, scratch, scratch.predToLabel);
    assert.equal(n, 1);
    assert.equal(scratch.predToLabel[0], Infinity);
  }
});
