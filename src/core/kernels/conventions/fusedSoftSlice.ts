/**
 * accumulateSoftSlice (softSlice.ts) fused with the library-convention sums of binarySums.ts:
 * the same pass, sharing each voxel's logarithm. Why a second copy of the seed's loop: the
 * libraries' BCE and focal terms need the very logarithm the seed takes, and a separate pass
 * (or a per-voxel callback) cost as much again as the seed's loop — over issue 11's budget of
 * 1.5 × the seed's time. The seed's own kernel stays untouched for `--conventions seed`; the
 * tests check that both give the seed's sums bit for bit.
 */
import { fastLog } from '../fastLog';
import type { LovaszKeys } from '../lovaszKeys';
import { clampedLogit } from '../softSlice';
import {
  SUM_BCE, SUM_FIELDS, SUM_FOCAL_PIXEL, SUM_HARD_FN, SUM_HARD_FP, SUM_HARD_TP, SUM_N, SUM_P,
  SUM_PREDICTED, SUM_T, SUM_TP, SUM_WCE, type VoxelTermConstants,
} from '../sums';
import { C_BCE, C_FIELDS, C_FOCAL_BG, C_FOCAL_FG, C_SIGNED_LOGIT, LOGIT_DELTA, softplus, type FocalGammas } from './binarySums';

const E_NEG100 = Math.exp(-100);
const FG_ERROR_BELOW = 0.7310585786300049 + 1e-12;
const BG_ERROR_ABOVE = 0.2689414213699951 - 1e-12;
const LN_DELTA = Math.log(LOGIT_DELTA);
const LN_ONE_MINUS_DELTA = Math.log(1 - LOGIT_DELTA);

function pow(b: number, g: number): number {
  return g === 2 ? b * b : g === 1 ? b : g === 0 ? 1 : Math.pow(b, g);
}

/**
 * The seed's sums and hinge keys exactly as accumulateSoftSlice, plus row `convRow` of `conv`
 * (C_FIELDS: Σ BCEL, Σ x(2t − 1), focal fg/bg per γ slot) with x as given (logits) or
 * logit(clamp(p, 1e-6, 1 − 1e-6)).
 */
export function accumulateSoftSliceWithConventions(
  p: Float64Array, logits: Float64Array, scoresAreLogits: boolean,
  lab: Float64Array, labelValue: number, n: number,
  k: VoxelTermConstants, sums: Float64Array, row: number,
  keys: LovaszKeys, tag: number,
  g: FocalGammas, conv: Float64Array, convRow: number,
): void {
  const gamma = k.focalGamma;
  const gammaIsTwo = gamma === 2;
  const eps = k.comboEps;
  const oneMinusEps = k.comboOneMinusEps;
  const keep = k.comboKeep;
  const [g0, g1, g2] = g.gammas;
  const same1 = g1 === g0, same2 = g2 === g0;
  const lo = LOGIT_DELTA, hi = 1 - LOGIT_DELTA;
  let sumP = 0, sumT = 0, tp = 0, bce = 0, focal = 0, wceFg = 0, wceBg = 0;
  let predicted = 0, hardTp = 0, hardFn = 0;
  let cBce = 0, signed = 0, f0 = 0, b0 = 0, f1 = 0, b1 = 0, f2 = 0, b2 = 0;
  for (let i = 0; i < n; i++) {
    const x = p[i]!;
    sumP += x;
    if (x >= 0.5) predicted++;
    let e: number;
    let fg: number;
    let cl: number; // BCEL(logit, t) of the libraries
    let cm: number; // σ(−logit·(2t − 1))
    if (lab[i] === labelValue) {
      sumT++;
      tp += x;
      const l = x > E_NEG100 ? fastLog(x) : -100;
      bce -= l;
      const miss = 1 - x;
      focal -= (gammaIsTwo ? miss * miss : Math.pow(miss, gamma)) * l;
      wceFg += x < eps ? k.lnEps : x > oneMinusEps ? k.lnOneMinusEps : l;
      if (x >= 0.5) hardTp++; else hardFn++;
      if (scoresAreLogits) {
        const z = logits[i]!;
        cl = z >= -30 ? -l : -z + Math.exp(z);
        cm = miss;
        signed += z;
      } else if (x < lo) { cl = -LN_DELTA; cm = hi; } else if (x > hi) { cl = -LN_ONE_MINUS_DELTA; cm = lo; } else { cl = -l; cm = miss; }
      const t0 = pow(cm, g0) * cl;
      cBce += cl;
      f0 += t0;
      f1 += same1 ? t0 : pow(cm, g1) * cl;
      f2 += same2 ? t0 : pow(cm, g2) * cl;
      if (x >= FG_ERROR_BELOW) continue;
      e = 1 - (scoresAreLogits ? logits[i]! : clampedLogit(x));
      fg = 1;
    } else {
      const q = 1 - x;
      const l = q > E_NEG100 ? fastLog(q) : -100;
      bce -= l;
      focal -= (gammaIsTwo ? x * x : Math.pow(x, gamma)) * l;
      wceBg += x < eps ? k.lnOneMinusEps : x > oneMinusEps ? k.lnOneMinusOneMinusEps : l;
      if (scoresAreLogits) {
        const z = logits[i]!;
        cl = z <= 10 ? -l : softplus(z);
        cm = x;
        signed -= z;
      } else if (x < lo) { cl = -LN_ONE_MINUS_DELTA; cm = lo; } else if (x > hi) { cl = -LN_DELTA; cm = hi; } else { cl = -l; cm = x; }
      const t0 = pow(cm, g0) * cl;
      cBce += cl;
      b0 += t0;
      b1 += same1 ? t0 : pow(cm, g1) * cl;
      b2 += same2 ? t0 : pow(cm, g2) * cl;
      if (x <= BG_ERROR_ABOVE) continue;
      e = 1 + (scoresAreLogits ? logits[i]! : clampedLogit(x));
      fg = 0;
    }
    if (e > 0) keys.push(e, tag, fg);
  }
  const o = row * SUM_FIELDS;
  sums[o + SUM_N]! += n;
  sums[o + SUM_P]! += sumP;
  sums[o + SUM_T]! += sumT;
  sums[o + SUM_TP]! += tp;
  sums[o + SUM_BCE]! += bce;
  sums[o + SUM_FOCAL_PIXEL]! += focal;
  sums[o + SUM_WCE]! += wceFg + keep * wceBg;
  sums[o + SUM_PREDICTED]! += predicted;
  sums[o + SUM_HARD_TP]! += hardTp;
  sums[o + SUM_HARD_FP]! += predicted - hardTp;
  sums[o + SUM_HARD_FN]! += hardFn;
  if (!scoresAreLogits && g.needSignedLogit) signed = signedLogitSum(p, lab, labelValue, n);
  const c = convRow * C_FIELDS;
  conv[c + C_BCE]! += cBce;
  conv[c + C_SIGNED_LOGIT]! += signed;
  conv[c + C_FOCAL_FG]! += f0; conv[c + C_FOCAL_BG]! += b0;
  conv[c + C_FOCAL_FG + 2]! += f1; conv[c + C_FOCAL_BG + 2]! += b1;
  conv[c + C_FOCAL_FG + 4]! += f2; conv[c + C_FOCAL_BG + 4]! += b2;
}

/** Σ x(2t − 1), x = logit(clamp(p)): only SoftBCE's label smoothing reads it. */
function signedLogitSum(p: Float64Array, lab: Float64Array, target: number, n: number): number {
  const lo = LOGIT_DELTA, hi = 1 - LOGIT_DELTA;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = p[i]!;
    const c = v < lo ? lo : v > hi ? hi : v;
    const x = Math.log(c) - Math.log(1 - c);
    s += lab[i] === target ? x : -x;
  }
  return s;
}
