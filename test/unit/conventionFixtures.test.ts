/**
 * Every case, label, slice and id of test/fixtures/conventions.json (the float64 PyTorch
 * transcription of MONAI, SMP and nnU-Net): binary mode per label and multi-class mode, and the
 * `substituted` lists, at the spec's tolerance.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import { CONVENTIONS } from '../../src/core/kernels/conventions/conventionIds';
import { conventionParamsFrom, DEFAULT_CONVENTION_PARAMS } from '../../src/core/kernels/conventions/conventionParams';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { closeToSpec, fixturesDir, memoryVolume } from './helpers/fixtures';

interface Unit { losses: Record<string, number>; substituted: string[] }
interface Case {
  name: string; note: string; shape: number[]; kind: 'probability' | 'logits' | 'labels';
  params: Record<string, unknown>; prediction: number[]; label: number[];
  results: { label: number | 'foreground'; volume: Unit; slices: (Unit & { index: number })[] }[];
  multiclass?: { classes: number[]; volume: Unit; slices: (Unit & { index: number })[] };
}
const fixtures: { ids: string[]; multiclassIds: string[]; parameterDefaults: Record<string, unknown>; cases: Case[] } =
  JSON.parse(readFileSync(resolve(fixturesDir, 'conventions.json'), 'utf8'));

function check(where: string, actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined && closeToSpec(actual, expected), `${where}: got ${actual}, expected ${expected}`);
}

function run(c: Case) {
  const prediction = memoryVolume('pred', c.shape, Float64Array.from(c.prediction));
  const label = memoryVolume('label', c.shape.slice(0, 3), Float64Array.from(c.label));
  return comparePair(prediction, label, {
    kind: c.kind, axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none',
    conventions: { conventions: CONVENTIONS, params: conventionParamsFrom(c.params) },
  });
}

describe('conventions.json reference values', () => {
  test('the parameter table has exactly the fixture\'s keys and defaults', () => {
    assert.deepEqual({ ...DEFAULT_CONVENTION_PARAMS }, fixtures.parameterDefaults);
  });
  for (const c of fixtures.cases) {
    test(`${c.name} (${c.kind}${Object.keys(c.params).length ? `, ${JSON.stringify(c.params)}` : ''}): ${c.note}`, () => {
      const result = run(c);
      assert.equal(result.predictionKind, c.kind);
      assert.deepEqual(result.labels.map((l) => l.label), c.results.map((r) => r.label));
      c.results.forEach((expected, li) => {
        const actual = result.labels[li]!;
        for (const id of fixtures.ids) check(`label ${expected.label} volume ${id}`, actual.volume[id as never], expected.volume.losses[id]!);
        assert.deepEqual(actual.substituted, expected.volume.substituted, `label ${expected.label} substituted`);
        assert.equal(actual.slices.length, expected.slices.length);
        expected.slices.forEach((row, s) => {
          assert.deepEqual(actual.substituted, row.substituted);
          for (const id of fixtures.ids) check(`label ${expected.label} slice ${s} ${id}`, actual.slices[s]!.losses[id as never], row.losses[id]!);
        });
      });
      if (c.multiclass) {
        const mc = result.multiclass;
        assert.ok(mc, 'multiclass result missing');
        assert.deepEqual(mc.classes, c.multiclass.classes);
        for (const id of fixtures.multiclassIds) check(`multiclass volume ${id}`, mc.volume[id as never], c.multiclass.volume.losses[id]!);
        assert.deepEqual(mc.substituted, c.multiclass.volume.substituted);
        assert.ok(!('smp.softBce' in mc.volume) && !('nnunet.dcAndBce' in mc.volume), 'no multi-class SoftBCE / DC_and_BCE');
        c.multiclass.slices.forEach((row, s) => {
          for (const id of fixtures.multiclassIds) check(`multiclass slice ${s} ${id}`, mc.slices[s]!.losses[id as never], row.losses[id]!);
        });
      } else {
        assert.equal(result.multiclass, undefined);
      }
    });
  }
});
