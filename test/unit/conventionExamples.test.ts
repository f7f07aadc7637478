/** The worked examples of shared/spec/conventions.md section 9, at the spec's 10 significant digits. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import type { CompareResult, PredictionKindOption } from '../../src/core/analysis/result';
import { CONVENTIONS } from '../../src/core/kernels/conventions/conventionIds';
import { conventionParamsFrom } from '../../src/core/kernels/conventions/conventionParams';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { memoryVolume } from './helpers/fixtures';

function compare(dims: number[], pred: ArrayLike<number>, label: ArrayLike<number>, kind: PredictionKindOption, params: Record<string, unknown> = {}): CompareResult {
  return comparePair(memoryVolume('pred', dims, Float64Array.from(pred)), memoryVolume('label', dims.slice(0, 3), Float64Array.from(label)), {
    kind, axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none', conventions: { conventions: CONVENTIONS, params: conventionParamsFrom(params) },
  });
}

function close(actual: number | undefined, expected: number, what: string, tolerance = 1e-9): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

/** The 2×2 examples of spec section 9 (4 voxels, one slice). */
describe('worked examples of spec section 9', () => {
  const one = (pred: number[], label: number[], kind: PredictionKindOption, params: Record<string, unknown> = {}) =>
    compare([2, 2, 1], pred, label, kind, params).labels[0]!.volume;
  test('9.1 Dice of an empty or nearly empty slice', () => {
    const a = one([0.2, 0.1, 0, 0], [0, 0, 0, 0], 'probability');
    close(a['monai.dice'], 0.9999666678, 'MONAI', 1e-9); close(a['smp.dice'], 0, 'SMP'); close(a['nnunet.dice'], -3.333222226e-05, 'nnU-Net', 1e-9);
    const b = one([0, 0, 0, 0], [0, 0, 0, 0], 'probability');
    close(b['monai.dice'], 0, 'MONAI'); close(b['smp.dice'], 0, 'SMP'); close(b['nnunet.dice'], -1, 'nnU-Net');
    close(one([0, 0, 0, 0], [0, 0, 0, 0], 'probability', { 'nnunet.dice.smooth': 0 })['nnunet.dice'], 0, 'nnU-Net s = 0');
    const c = one([0, 0, 0, 0], [1, 0, 0, 0], 'probability');
    close(c['monai.dice'], 0.9999900001, 'MONAI', 1e-9); close(c['smp.dice'], 1, 'SMP'); close(c['nnunet.dice'], -9.999900001e-06, 'nnU-Net', 1e-9);
  });
  test('9.2 focal normalisations (binary logits)', () => {
    const x = [2, -1, 0.5, -3], y = [1, 1, 0, 0];
    const v = one(x, y, 'logits');
    close(v['monai.focal'], 0.2702981876, 'MONAI', 1e-9); close(v['smp.focal'], 0.2702981876, 'SMP', 1e-9);
    close(one(x, y, 'logits', { 'monai.focal.alpha': 0.25 })['monai.focal'], 0.1147646574, 'α = 0.25', 1e-9);
  });
  test('9.3 Jaccard smoothing', () => {
    const v = one([0.5, 0.5, 0, 0], [1, 0, 0, 0], 'probability');
    close(v['monai.jaccard'], 0.6666644445, 'MONAI', 1e-9); close(v['smp.jaccard'], 0.6666666667, 'SMP', 1e-9);
    const s = one([0, 0, 0, 0], [1, 0, 0, 0], 'probability', { 'monai.jaccard.smoothNr': 1, 'monai.jaccard.smoothDr': 1, 'smp.jaccard.smooth': 1 });
    close(s['monai.jaccard'], 0.6666666667, 'MONAI s = 1', 1e-9); close(s['smp.jaccard'], 0.5, 'SMP s = 1');
  });
  test('9.4 SMP ≥ 0.4 doubles the Dice smoothing', () => {
    const p = [0, 0, 0, 0], y = [1, 0, 0, 0];
    close(one(p, y, 'probability', { 'smp.dice.smooth': 1 })['smp.dice'], 1 / 3, 'SMP 0.5.0');
    close(one(p, y, 'probability', { 'smp.dice.smooth': 1, 'smp.version': '0.3.4' })['smp.dice'], 0.5, 'SMP 0.3.4');
    close(one(p, y, 'probability', { 'nnunet.dice.smooth': 1 })['nnunet.dice'], -0.5, 'nnU-Net s = 1');
  });
  test('9.5 a class absent from the target (multi-class, 4D probabilities)', () => {
    const P = [0.7, 0.2, 0.6, 0.1, 0.2, 0.7, 0.3, 0.8, 0.1, 0.1, 0.1, 0.1];
    const mc = compare([2, 2, 1, 3], P, [0, 1, 0, 1], 'probability').multiclass!;
    close(mc.volume['monai.dice'], 0.5092504606, 'MONAI', 1e-9);
    close(mc.volume['smp.dice'], 0.1759259259, 'SMP', 1e-9);
    close(mc.volume['nnunet.dice'], -0.3750128122, 'nnU-Net', 1e-9);
    assert.deepEqual(mc.substituted, []);
  });
  test('9.8 Lovasz hinge of an empty slice is 1 + max x', () => {
    close(one([-2, 0.5, -1, -3], [0, 0, 0, 0], 'logits')['smp.lovasz'], 1.5, 'SMP');
  });
  test('9.9 the volume value is not the mean of slice values', () => {
    const r = compare([2, 2, 2], [0.9, 0.1, 0, 0, 0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0, 1, 1, 1, 0], 'probability');
    const l = r.labels[0]!;
    close(l.slices[0]!.losses['monai.dice'], 0.0999995, 'slice 0', 1e-6);
    close(l.slices[1]!.losses['monai.dice'], 0.3999992, 'slice 1', 1e-6);
    close(l.volume['monai.dice'], 0.3142852653, 'volume', 1e-9);
  });
  test('9.10 "Dice + CE" across libraries', () => {
    const v = one([2, -1, 0.5, -3], [1, 1, 0, 0], 'logits');
    close(v['monai.diceCe'], 1.013695834, 'MONAI', 1e-9);
    close(v['nnunet.dcAndCe'], 0.01369583436, 'nnU-Net DC_and_CE', 1e-8);
    close(v['nnunet.dcAndBce'], 0.01369583436, 'nnU-Net DC_and_BCE', 1e-8);
    close(v.bceDice, 0.9311212662, 'seed', 1e-9);
  });
});
