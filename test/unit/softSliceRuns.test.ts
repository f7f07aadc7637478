/**
 * The soft kernel reuses a value's logarithm and products while the value repeats (softSlice.ts):
 * its sums and keys must be bit for bit those of computing every voxel's terms afresh — the
 * formula the kernel had before, written out here — on slices of long runs, alternating values,
 * ±0, the clamped logarithm's edges, γ = 2 and another γ, probabilities and logits as scores.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fastLog } from '../../src/core/kernels/fastLog';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { LovaszKeys } from '../../src/core/kernels/lovaszKeys';
import { accumulateSoftSlice, clampedLogit } from '../../src/core/kernels/softSlice';
import {
  SUM_BCE, SUM_FIELDS, SUM_FOCAL_PIXEL, SUM_HARD_FN, SUM_HARD_TP, SUM_P, SUM_PREDICTED, SUM_T, SUM_TP, SUM_WCE,
  voxelTermConstants, type VoxelTermConstants,
} from '../../src/core/kernels/sums';

const E_NEG100 = Math.exp(-100);

/** Every voxel's terms computed afresh, summed in voxel order (the kernel's arithmetic, one voxel at a time). */
function reference(p: Float64Array, lab: Float64Array, labelValue: number, k: VoxelTermConstants): number[] {
  let sumP = 0, sumT = 0, tp = 0, bce = 0, focal = 0, wceFg = 0, wceBg = 0, predicted = 0, hardTp = 0, hardFn = 0;
  const g = k.focalGamma;
  for (let i = 0; i < p.length; i++) {
    const x = p[i]!;
    sumP += x;
    if (x >= 0.5) predicted++;
    if (lab[i] === labelValue) {
      sumT++;
      tp += x;
      const l = x > E_NEG100 ? fastLog(x) : -100;
      bce -= l;
      focal -= (g === 2 ? (1 - x) * (1 - x) : Math.pow(1 - x, g)) * l;
      wceFg += x < k.comboEps ? k.lnEps : x > k.comboOneMinusEps ? k.lnOneMinusEps : l;
      if (x >= 0.5) hardTp++; else hardFn++;
    } else {
      const q = 1 - x;
      const l = q > E_NEG100 ? fastLog(q) : -100;
      bce -= l;
      focal -= (g === 2 ? x * x : Math.pow(x, g)) * l;
      wceBg += x < k.comboEps ? k.lnOneMinusEps : x > k.comboOneMinusEps ? k.lnOneMinusOneMinusEps : l;
    }
  }
  return [sumP, sumT, tp, bce, focal, wceFg + k.comboKeep * wceBg, predicted, hardTp, hardFn];
}

function slice(seed: number, n: number): { p: Float64Array; lab: Float64Array } {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const special = [0, -0, 1e-300, 1e-7, 0.000123394580441527, 0.5, 0.7310585786300049, 1 - 1e-7, 1, 0.9998766183853149];
  const p = new Float64Array(n), lab = new Float64Array(n);
  for (let i = 0; i < n;) {
    // Runs of one value on one side (a background), single voxels, and alternation.
    const run = rand() < 0.3 ? 1 + Math.floor(rand() * 200) : 1;
    const x = rand() < 0.5 ? special[Math.floor(rand() * special.length)]! : Math.fround(rand());
    const side = rand() < 0.2 ? 1 : rand() < 0.1 ? 3 : 0;
    for (let j = 0; j < run && i < n; j++, i++) { p[i] = x; lab[i] = rand() < 0.05 ? 1 - Math.min(1, side) : side; }
  }
  return { p, lab };
}

test('repeated values give bit-identical sums and keys to fresh terms', () => {
  for (const focalGamma of [2, 1.5, 1]) {
    const k = voxelTermConstants({ ...DEFAULT_LOSS_PARAMS, focalGamma });
    for (const seed of [1, 2, 3, 4]) {
      const { p, lab } = slice(seed, 5000);
      const logits = p.map((x) => clampedLogit(x) * 1.25);
      for (const scoresAreLogits of [false, true]) {
        const sums = new Float64Array(SUM_FIELDS);
        const keys = new LovaszKeys(16);
        keys.reset(1);
        accumulateSoftSlice(p, logits, scoresAreLogits, lab, 1, p.length, k, sums, 0, keys, 0);
        const want = reference(p, lab, 1, k);
        const got = [SUM_P, SUM_T, SUM_TP, SUM_BCE, SUM_FOCAL_PIXEL, SUM_WCE, SUM_PREDICTED, SUM_HARD_TP, SUM_HARD_FN].map((f) => sums[f]!);
        for (let f = 0; f < want.length; f++) assert.ok(Object.is(got[f], want[f]), `γ ${focalGamma}, seed ${seed}, field ${f}: ${got[f]} vs ${want[f]}`);
        // Keys: every voxel past the hinge cut-offs, in voxel order, with its score.
        let expected = 0;
        for (let i = 0; i < p.length; i++) {
          const fg = lab[i] === 1;
          const score = scoresAreLogits ? logits[i]! : clampedLogit(p[i]!);
          if ((fg ? 1 - score : 1 + score) > 0 && (fg ? p[i]! < 0.7310585786300049 + 1e-12 : p[i]! > 0.2689414213699951 - 1e-12)) expected++;
        }
        assert.equal(keys.count, expected, `γ ${focalGamma}, seed ${seed}: keys`);
      }
    }
  }
});
