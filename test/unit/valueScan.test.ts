/**
 * scanValues and distinctIntegers against a literal reading of their contract (one plain loop
 * over the values as numbers), for every dtype: the per-dtype fast loops (uint8, float32,
 * float64) and the generic chunked one must agree with it value for value, NaN, ±Inf, −0, empty
 * arrays and chunk boundaries included.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { distinctIntegers, scanValues, type ValueScan } from '../../src/core/analysis/valueScan';
import type { VoxelArray } from '../../src/core/io/volume';

function literalScan(values: ArrayLike<number>): ValueScan {
  let min = Infinity, max = -Infinity, nonFinite = 0, firstNonFinite = -1, firstNonInteger = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      if (nonFinite++ === 0) firstNonFinite = i;
      continue;
    }
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (firstNonInteger < 0 && !Number.isInteger(v)) firstNonInteger = i;
  }
  // Math.min(0, -0) is −0; the scan compares with <, so −0 after 0 leaves 0: compare as numbers.
  return { min: min + 0, max: max + 0, allIntegers: firstNonInteger < 0, nonFinite, firstNonFinite, firstNonInteger };
}

function literalDistinct(values: ArrayLike<number>): number[] {
  return [...new Set(Array.from(values, (v) => v + 0))].sort((a, b) => a - b);
}

/** A deterministic pseudo-random stream (no Math.random: failures must reproduce). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const CONSTRUCTORS = [Uint8Array, Int8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array] as const;

test('scanValues equals the literal scan for every dtype, sizes around the chunk, with specials in floats', () => {
  const next = lcg(7);
  for (const Ctor of CONSTRUCTORS) {
    for (const length of [0, 1, 5, 65_535, 65_536, 65_537, 200_003]) {
      const data = new Ctor(length) as VoxelArray;
      for (let i = 0; i < length; i++) data[i] = Math.floor(next() * 200) - (Ctor === Uint8Array || Ctor === Uint16Array || Ctor === Uint32Array ? 0 : 100);
      if (Ctor === Float32Array || Ctor === Float64Array) {
        if (length > 3) { data[1] = -0; data[length - 2] = 0.25; }
        if (length > 70_000) { data[70_000] = NaN; data[70_001] = -Infinity; data[length - 1] = Infinity; }
      }
      const got = scanValues(data);
      const want = literalScan(data);
      assert.deepEqual({ ...got, min: got.min + 0, max: got.max + 0 }, want, `${Ctor.name}[${length}]`);
      if (want.allIntegers && want.nonFinite === 0) {
        assert.deepEqual(distinctIntegers(data, got).map((v) => v + 0), literalDistinct(data), `distinct ${Ctor.name}[${length}]`);
      }
    }
  }
});

test('a uint8 label holding 0, 1 and 255 only: min, max and the distinct values', () => {
  const data = new Uint8Array(100_000);
  data[3] = 1;
  data[99_999] = 255;
  const scan = scanValues(data);
  assert.deepEqual([scan.min, scan.max, scan.allIntegers, scan.nonFinite], [0, 255, true, 0]);
  assert.deepEqual(distinctIntegers(data, scan), [0, 1, 255]);
  assert.deepEqual(scanValues(new Uint8Array(0)), { min: Infinity, max: -Infinity, allIntegers: true, nonFinite: 0, firstNonFinite: -1, firstNonInteger: -1 });
});
