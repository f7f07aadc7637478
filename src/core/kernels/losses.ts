/** The loss formulas of shared/spec/losses.md, evaluated from a row of sums. */
import type { LossParams, Losses } from './lossIds';
import {
  SUM_BCE, SUM_FIELDS, SUM_FOCAL_PIXEL, SUM_N, SUM_P, SUM_T, SUM_TP, SUM_WCE,
} from './sums';

/**
 * Every loss of one row. `lovaszHinge` comes from the sorted-error walk, not from sums.
 * An empty row (no label, no prediction) gives 0 for all but combo (−(1 − r) with the
 * smoothing s > 0); N = 0 would divide by zero and is never passed.
 */
export function lossesFromSums(sums: Float64Array, row: number, lovaszHinge: number, params: LossParams): Losses {
  const o = row * SUM_FIELDS;
  const n = sums[o + SUM_N]!;
  const sumP = sums[o + SUM_P]!;
  const sumT = sums[o + SUM_T]!;
  const tp = sums[o + SUM_TP]!;
  const fp = sumP - tp;
  const fn = sumT - tp;
  const s = params.smooth;

  const diceCoefficient = (2 * tp + s) / (sumP + sumT + s);
  const dice = 1 - diceCoefficient;
  const bce = sums[o + SUM_BCE]! / n;
  const iou = 1 - (tp + s) / (sumP + sumT - tp + s);
  const focal = params.focalAlpha * Math.pow(1 - Math.exp(-bce), params.focalGamma) * bce;
  const focalPixel = params.focalAlpha * sums[o + SUM_FOCAL_PIXEL]! / n;
  const tversky = 1 - (tp + s) / (tp + params.tverskyAlpha * fp + params.tverskyBeta * fn + s);
  // Rounding can leave tversky at −1e-17 on a perfect slice; pow of that is NaN for non-integer γ.
  const focalTversky = Math.pow(Math.max(tversky, 0), params.focalTverskyGamma);
  const wce = -params.comboAlpha * sums[o + SUM_WCE]! / n;
  const combo = params.comboRatio * wce - (1 - params.comboRatio) * diceCoefficient;

  return { dice, bceDice: bce + dice, iou, focal, focalPixel, tversky, focalTversky, lovaszHinge, combo };
}
