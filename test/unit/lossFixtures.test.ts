/** Every case, label, slice and loss of test/fixtures/losses.json (PyTorch float64 reference). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import { DEFAULT_LOSS_PARAMS, LOSS_IDS } from '../../src/core/kernels/lossIds';
import { closeToSpec, loadLossFixtures, memoryVolume } from './helpers/fixtures';

const fixtures = loadLossFixtures();

function check(where: string, actual: number, expected: number): void {
  assert.ok(closeToSpec(actual, expected), `${where}: got ${actual}, expected ${expected}`);
}

describe('losses.json reference values', () => {
  test('the fixture file has cases', () => {
    assert.ok(fixtures.cases.length >= 9, `only ${fixtures.cases.length} cases`);
  });
  for (const c of fixtures.cases) {
    test(`${c.name}${c.note ? ` (${c.note})` : ''}`, () => {
      const labelDims = c.shape.slice(0, 3);
      const prediction = memoryVolume('pred', c.shape, Float64Array.from(c.prediction));
      const label = memoryVolume('label', labelDims, Float64Array.from(c.label));
      const result = comparePair(prediction, label, { kind: c.kind, axis: 'k', params: DEFAULT_LOSS_PARAMS });
      assert.equal(result.predictionKind, c.kind);
      assert.deepEqual(result.labels.map((l) => l.label), c.results.map((r) => r.label));
      c.results.forEach((expected, li) => {
        const actual = result.labels[li]!;
        for (const id of LOSS_IDS) check(`label ${expected.label} volume ${id}`, actual.volume[id], expected.volume[id]!);
        assert.equal(actual.slices.length, expected.slices.length);
        expected.slices.forEach((row, s) => {
          for (const id of LOSS_IDS) check(`label ${expected.label} slice ${s} ${id}`, actual.slices[s]!.losses[id], row[id]!);
        });
      });
      if (c.multiclass) {
        assert.ok(result.multiclass, 'multiclass result missing');
        assert.deepEqual(result.multiclass.classes, c.multiclass.classes);
        check('multiclass volume', result.multiclass.volume.lovaszSoftmax, c.multiclass.volume.lovaszSoftmax);
        c.multiclass.slices.forEach((row, s) => {
          const expected = typeof row === 'number' ? row : row.lovaszSoftmax;
          check(`multiclass slice ${s}`, result.multiclass!.slices[s]!.losses.lovaszSoftmax, expected);
        });
      } else {
        assert.equal(result.multiclass, undefined);
      }
    });
  }
});
