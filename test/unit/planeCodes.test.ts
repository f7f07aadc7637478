/**
 * The fused, row-skipping k-plane codes (src/core/kernels/planeCodes.ts) against the definition
 * they replace: maskCodes (the comparisons) followed by scanCodes (counts and box), on planes with
 * every value that can trip a shortcut — NaN of both signs, −0, ±Infinity, values one float32 step
 * either side of the threshold, thresholds that are not float32 numbers, widths that are not a
 * multiple of four, planes at unaligned offsets, empty planes and rows, labels as lab > 0 and as
 * one label value.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PreparedPair } from '../../src/core/analysis/inputs';
import { maskCodes, maskRule, scanCodes, type MaskRule } from '../../src/core/analysis/metrics';
import { float32AtLeastBits, planeCodesFloat32, planeCodesUint8 } from '../../src/core/kernels/planeCodes';

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function nextUp32(x: number): number {
  const f = new Float32Array([x]);
  const b = new Int32Array(f.buffer);
  b[0]! += x >= 0 ? 1 : -1;
  return f[0]!;
}

function nextDown32(x: number): number {
  const f = new Float32Array([x]);
  const b = new Int32Array(f.buffer);
  b[0]! -= 1;
  return f[0]!;
}

interface Reference { codes: Uint8Array; counts: Float64Array; box: Int32Array }

function reference(pred: ArrayLike<number>, lab: ArrayLike<number>, from: number, w: number, h: number, rule: MaskRule): Reference {
  const n = w * h;
  const p = Float64Array.from({ length: n }, (_, i) => pred[from + i]!);
  const l = Float64Array.from({ length: n }, (_, i) => lab[from + i]!);
  const codes = new Uint8Array(n);
  maskCodes(p, l, n, rule, codes);
  const counts = new Float64Array(3);
  const box = Int32Array.of(2 ** 30, -1, 2 ** 30, -1);
  scanCodes(codes, w, h, counts, box);
  return { codes, counts, box };
}

/** maskRule only reads the pair's kind. */
function ruleOf(kind: 'probability' | 'labels', positive: boolean, value: number, t: number): MaskRule {
  return maskRule({ kind } as PreparedPair, positive ? 'foreground' : value, t);
}

/** A plane of mostly background with blobs, and every special value sprinkled in. */
function planes(w: number, h: number, count: number, t: number, seed: number): { pred: Float32Array; lab: Uint8Array } {
  const r = random(seed);
  const pred = new Float32Array(w * h * count + 3);
  const lab = new Uint8Array(w * h * count + 3);
  const specials = [NaN, -NaN, -0, 0, Infinity, -Infinity, t, nextUp32(t), nextDown32(t), Math.fround(t), 1, -1e-30];
  for (let z = 0; z < count; z++) {
    const cx = r() * w, cy = r() * h, rad = r() * Math.min(w, h) * 0.4;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = z * w * h + y * w + x;
        const inside = (x - cx) ** 2 + (y - cy) ** 2 < rad * rad;
        pred[i] = inside ? 0.3 + r() * 0.7 : r() * 0.2;
        lab[i] = inside && r() < 0.8 ? 1 + Math.floor(r() * 3) : 0;
        if (r() < 0.01) pred[i] = specials[Math.floor(r() * specials.length)]!;
        if (r() < 0.003) lab[i] = 2;
      }
    }
  }
  // A negative NaN (sign bit set) where the background skip reads the bit patterns.
  new Uint32Array(pred.buffer)[5] = 0xffc00000;
  return { pred, lab };
}

describe('planeCodes: the fused k-plane codes equal maskCodes + scanCodes', () => {
  for (const [w, h] of [[16, 9], [13, 7], [1, 5], [37, 1], [64, 64]] as const) {
    for (const t of [0.5, 0.3, 1, 1e-7]) {
      test(`${w}×${h}, threshold ${t}`, () => {
        const count = 4;
        const { pred, lab } = planes(w, h, count, t, w * 31 + h + Math.round(t * 1000));
        const bits = new Int32Array(pred.buffer);
        const tb = float32AtLeastBits(t);
        for (const offset of [0, 1, 3]) {
          // Views at a byte offset that is not a multiple of 4 for the labels (the word skip must not apply).
          const labView = new Uint8Array(lab.buffer, offset, lab.length - offset);
          for (const [positive, value] of [[true, 1], [false, 2], [false, 7]] as const) {
            const rule = ruleOf('probability', positive, value, t);
            for (let z = 0; z < count; z++) {
              const from = z * w * h;
              const want = reference(pred, labView, from, w, h, rule);
              const codes = new Uint8Array(w * h).fill(9); // stale codes must be overwritten
              const counts = new Float64Array(3);
              const box = Int32Array.of(2 ** 30, -1, 2 ** 30, -1);
              planeCodesFloat32(pred, bits, tb, labView, from, w, h, positive, value, t, codes, counts, box);
              assert.deepEqual(codes, want.codes, `codes z=${z} offset=${offset} positive=${positive} value=${value}`);
              assert.deepEqual(counts, want.counts);
              assert.deepEqual(box, want.box);
            }
          }
        }
      });
    }
  }

  test('the box widens a box already holding earlier planes, and counts add up', () => {
    const w = 8, h = 8;
    const pred = new Float32Array(w * h);
    const lab = new Uint8Array(w * h);
    pred[3 * w + 4] = 0.9; // one predicted voxel at (4, 3)
    lab[6 * w + 1] = 1; // one label voxel at (1, 6)
    const counts = Float64Array.of(10, 20, 30);
    const box = Int32Array.of(2, 5, 4, 4);
    planeCodesFloat32(pred, new Int32Array(pred.buffer), float32AtLeastBits(0.5), lab, 0, w, h, true, 1, 0.5, new Uint8Array(w * h), counts, box);
    assert.deepEqual(counts, Float64Array.of(11, 21, 30));
    assert.deepEqual(box, Int32Array.of(1, 5, 3, 6));
  });

  test('float32AtLeastBits: the smallest float32 at or above the threshold', () => {
    const asFloat = (b: number) => new Float32Array(Int32Array.of(b).buffer)[0]!;
    for (const t of [0.5, 0.3, 0.1, 1, 1e-7, 0.9999999]) {
      const f = asFloat(float32AtLeastBits(t));
      assert.ok(f >= t, `${f} ≥ ${t}`);
      assert.ok(nextDown32(f) < t, `the float32 below ${f} is below ${t}`);
    }
  });

  test('uint8 label maps: predicted where pred === t, label where lab === v', () => {
    const w = 11, h = 6, r = random(7);
    const pred = Uint8Array.from({ length: w * h * 2 }, () => (r() < 0.7 ? 0 : Math.floor(r() * 4)));
    const lab = Uint8Array.from({ length: w * h * 2 }, () => (r() < 0.7 ? 0 : Math.floor(r() * 4)));
    for (const v of [1, 2, 3]) {
      const rule = ruleOf('labels', false, v, 0.5);
      for (let z = 0; z < 2; z++) {
        const want = reference(pred, lab, z * w * h, w, h, rule);
        const codes = new Uint8Array(w * h).fill(9);
        const counts = new Float64Array(3);
        const box = Int32Array.of(2 ** 30, -1, 2 ** 30, -1);
        planeCodesUint8(pred, lab, z * w * h, w, h, v, v, codes, counts, box);
        assert.deepEqual(codes, want.codes);
        assert.deepEqual(counts, want.counts);
        assert.deepEqual(box, want.box);
      }
    }
  });
});
