/** The "Conventions" strip model: normalisation to 0 = perfect, substituted marks, disagreement flags. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import { conventionStrip, disagreements, normalisedValue } from '../../src/core/analysis/conventionStrip';
import { CONVENTIONS } from '../../src/core/kernels/conventions/conventionIds';
import { DEFAULT_CONVENTION_PARAMS } from '../../src/core/kernels/conventions/conventionParams';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { memoryVolume } from './helpers/fixtures';

function unit(pred: number[], label: number[], kind: 'probability' | 'labels') {
  const r = comparePair(memoryVolume('p', [2, 2, 1], Float64Array.from(pred)), memoryVolume('l', [2, 2, 1], Float64Array.from(label)), {
    kind, axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none', conventions: { conventions: CONVENTIONS, params: DEFAULT_CONVENTION_PARAMS },
  });
  return r.labels[0]!;
}

describe('conventions strip', () => {
  test('nnU-Net\'s −dc terms are shifted to 0 = perfect; the others are kept', () => {
    assert.equal(normalisedValue('nnunet.dice', -1), 0);
    assert.equal(normalisedValue('nnunet.dcAndCe', -0.75), 0.25);
    assert.equal(normalisedValue('monai.dice', 0.3), 0.3);
  });
  test('spec 9.1, empty slice with predicted mass: Dice flagged (SMP perfect, MONAI worst), nnU-Net ≈ worst', () => {
    const l = unit([0.2, 0.1, 0, 0], [0, 0, 0, 0], 'probability');
    const rows = conventionStrip(l.volume, l.substituted ?? [], CONVENTIONS);
    const dice = rows.find((r) => r.loss === 'dice')!;
    assert.deepEqual(dice.cells.map((c) => c.convention), ['seed', 'monai', 'smp', 'nnunet']);
    const nn = dice.cells.find((c) => c.convention === 'nnunet')!;
    assert.equal(nn.raw, l.volume['nnunet.dice']);
    assert.ok(Math.abs(nn.normalised - (1 - 3.333222226e-05)) < 1e-9);
    assert.match(dice.disagreement!, /^Dice: smp 0\.000 \(≈ perfect\) vs monai 1\.000 \(≈ worst\)$/);
    assert.equal(rows.find((r) => r.loss === 'lovasz')!.cells.length, 2);
  });
  test('an ordinary prediction: the conventions agree in kind', () => {
    const l = unit([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0], 'probability');
    assert.deepEqual(disagreements(l.volume, l.substituted ?? [], CONVENTIONS), []);
  });
  test('label maps: logit-based cells are marked substituted, Dice-family cells are not', () => {
    const l = unit([1, 0, 1, 0], [1, 1, 0, 0], 'labels');
    const rows = conventionStrip(l.volume, l.substituted ?? [], CONVENTIONS);
    const focal = rows.find((r) => r.loss === 'focal')!;
    assert.deepEqual(focal.cells.map((c) => [c.convention, c.substituted]), [['seed', false], ['monai', true], ['smp', true]]);
    assert.ok(rows.find((r) => r.loss === 'dice')!.cells.every((c) => !c.substituted));
  });
  test('a single convention gives no strip', () => {
    const l = unit([0.2, 0.1, 0, 0], [0, 0, 0, 0], 'probability');
    assert.deepEqual(conventionStrip(l.volume, [], ['monai']), []);
  });
});
