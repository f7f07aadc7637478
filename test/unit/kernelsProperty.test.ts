/**
 * Property tests: the fused, radix-sorted kernels equal the slow reference on random slices,
 * including ties, exact 0/1 probabilities, extreme logits, empty slices and odd sizes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { comparePair } from '../../src/core/analysis/compare';
import { DEFAULT_LOSS_PARAMS, LOSS_IDS, type LossParams } from '../../src/core/kernels/lossIds';
import { closeToSpec, memoryVolume } from './helpers/fixtures';
import { referenceLosses, referenceLovaszSoftmax, type Kind } from './helpers/referenceLosses';

/** Values that stress the kernels: ties, 0 and 1, σ(±1) boundaries, tiny and near-1 values. */
const probability = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(0, 1, 0.5, 0.25, 0.75, 1e-12, 1 - 1e-12, 0.7310585786300049, 0.2689414213699951, 1e-300),
);
const logit = fc.oneof(fc.double({ min: -40, max: 40, noNaN: true }), fc.constantFrom(-1, 1, 0, 2, -2, 30, -30));

const volumeCase = (values: fc.Arbitrary<number>) => fc.record({
  nx: fc.integer({ min: 1, max: 7 }), ny: fc.integer({ min: 1, max: 6 }), nz: fc.integer({ min: 1, max: 4 }),
}).chain(({ nx, ny, nz }) => fc.record({
  dims: fc.constant([nx, ny, nz] as [number, number, number]),
  prediction: fc.array(values, { minLength: nx * ny * nz, maxLength: nx * ny * nz }),
  label: fc.array(fc.oneof(fc.constant(0), fc.constant(1)), { minLength: nx * ny * nz, maxLength: nx * ny * nz }),
}));

function assertMatchesReference(dims: [number, number, number], prediction: number[], label: number[], kind: Kind, params: LossParams = DEFAULT_LOSS_PARAMS): void {
  const result = comparePair(memoryVolume('p', dims, Float64Array.from(prediction)), memoryVolume('l', dims, Float64Array.from(label)), { kind, axis: 'k', params });
  const row = result.labels[0]!;
  const plane = dims[0] * dims[1];
  const target = label.map((v) => (v === 1 ? 1 : 0));
  const check = (actual: Record<string, number>, expected: Record<string, number>, where: string) => {
    for (const id of LOSS_IDS) assert.ok(closeToSpec(actual[id]!, expected[id]!), `${where} ${id}: kernel ${actual[id]} reference ${expected[id]}`);
  };
  check(row.volume, referenceLosses(prediction, target, kind, params), 'volume');
  for (let k = 0; k < dims[2]; k++) {
    const x = prediction.slice(k * plane, (k + 1) * plane), t = target.slice(k * plane, (k + 1) * plane);
    check(row.slices[k]!.losses, referenceLosses(x, t, kind, params), `slice ${k}`);
  }
}

describe('fused kernels equal the reference', () => {
  test('probability predictions', () => {
    fc.assert(fc.property(volumeCase(probability), ({ dims, prediction, label }) => assertMatchesReference(dims, prediction, label, 'probability')), { numRuns: 300, seed: 1 });
  });
  test('logit predictions', () => {
    fc.assert(fc.property(volumeCase(logit), ({ dims, prediction, label }) => assertMatchesReference(dims, prediction, label, 'logits')), { numRuns: 300, seed: 2 });
  });
  test('hard predictions (ties everywhere: errors are 0 or 2)', () => {
    fc.assert(fc.property(volumeCase(fc.constantFrom(0, 1)), ({ dims, prediction, label }) => assertMatchesReference(dims, prediction, label, 'labels')), { numRuns: 300, seed: 3 });
  });
  test('non-default parameters reach every loss', () => {
    const params: LossParams = { smooth: 0.5, focalAlpha: 0.25, focalGamma: 1.5, tverskyAlpha: 0.3, tverskyBeta: 0.7, focalTverskyGamma: 0.75, comboAlpha: 0.4, comboRatio: 0.3, comboEpsilon: 1e-7 };
    fc.assert(fc.property(volumeCase(probability), ({ dims, prediction, label }) => assertMatchesReference(dims, prediction, label, 'probability', params)), { numRuns: 150, seed: 4 });
  });
  test('a larger slice with many tied scores crosses the radix sort passes', () => {
    const dims: [number, number, number] = [64, 48, 3];
    let seed = 9;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const prediction = Array.from({ length: 64 * 48 * 3 }, () => Math.round(rand() * 20) / 20);
    const label = prediction.map((p) => (rand() < p ? 1 : 0));
    assertMatchesReference(dims, prediction, label, 'probability');
  });
});

describe('Lovasz-Softmax equals the reference', () => {
  test('4D probabilities and label maps, per slice and volume', () => {
    const arb = fc.record({ nx: fc.integer({ min: 1, max: 5 }), ny: fc.integer({ min: 1, max: 5 }), nz: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 2, max: 4 }) })
      .chain(({ nx, ny, nz, c }) => fc.record({
        dims: fc.constant([nx, ny, nz, c]),
        weights: fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 0.5)), { minLength: nx * ny * nz * c, maxLength: nx * ny * nz * c }),
        label: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: nx * ny * nz, maxLength: nx * ny * nz }),
      }));
    fc.assert(fc.property(arb, ({ dims, weights, label }) => {
      const [nx, ny, nz, c] = dims as [number, number, number, number];
      const n = nx * ny * nz;
      // Normalise to a distribution per voxel (uniform when all weights are 0).
      const probs = new Float64Array(n * c);
      for (let v = 0; v < n; v++) {
        let total = 0;
        for (let k = 0; k < c; k++) total += weights[k * n + v]!;
        for (let k = 0; k < c; k++) probs[k * n + v] = total > 0 ? weights[k * n + v]! / total : 1 / c;
      }
      const result = comparePair(memoryVolume('p', dims, probs), memoryVolume('l', [nx, ny, nz], Float64Array.from(label)), { kind: 'probability', axis: 'k', params: DEFAULT_LOSS_PARAMS });
      const plane = nx * ny;
      const channel = (k: number, from: number, to: number) => Array.from(probs.subarray(k * n + from, k * n + to));
      const expectedVolume = referenceLovaszSoftmax(Array.from({ length: c }, (_, k) => channel(k, 0, n)), label);
      assert.ok(closeToSpec(result.multiclass!.volume.lovaszSoftmax, expectedVolume), `volume ${result.multiclass!.volume.lovaszSoftmax} vs ${expectedVolume}`);
      for (let z = 0; z < nz; z++) {
        const expected = referenceLovaszSoftmax(Array.from({ length: c }, (_, k) => channel(k, z * plane, (z + 1) * plane)), label.slice(z * plane, (z + 1) * plane));
        assert.ok(closeToSpec(result.multiclass!.slices[z]!.losses.lovaszSoftmax, expected), `slice ${z}`);
      }
    }), { numRuns: 200, seed: 5 });
  });
});
