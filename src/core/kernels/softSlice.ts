/**
 * The fused kernel for soft predictions (probabilities, or logits turned into probabilities):
 * one pass over a slice adds every sum of shared/spec/losses.md and collects the voxels
 * whose Lovasz-hinge error is positive. Float64 accumulation; no allocation per voxel.
 */
import { fastLog } from './fastLog';
import { LovaszKeys } from './lovaszKeys';
import {
  SUM_BCE, SUM_FIELDS, SUM_FOCAL_PIXEL, SUM_HARD_FN, SUM_HARD_FP, SUM_HARD_TP, SUM_N, SUM_P,
  SUM_PREDICTED, SUM_T, SUM_TP, SUM_WCE, voxelTermConstants, type VoxelTermConstants,
} from './sums';
import { DEFAULT_LOSS_PARAMS } from './lossIds';

const E_NEG100 = Math.exp(-100);
/** σ(1) and σ(−1) with slack: beyond them no voxel can have a positive hinge error. */
const FG_ERROR_BELOW = 0.7310585786300049 + 1e-12;
const BG_ERROR_ABOVE = 0.2689414213699951 - 1e-12;
const LOGIT_EPS = 1e-6;

/** logit(clamp(x, 1e-6, 1 − 1e-6)), the score the spec gives a probability for the hinge. */
export function clampedLogit(x: number): number {
  const z = x < LOGIT_EPS ? LOGIT_EPS : x > 1 - LOGIT_EPS ? 1 - LOGIT_EPS : x;
  return Math.log(z / (1 - z));
}

/**
 * Adds slice voxels [0, n) to row `row` of `sums` and appends positive hinge errors to `keys`
 * under `tag`. p: probabilities in [0, 1]. Scores: `logits` holds the raw logits when
 * `scoresAreLogits`, otherwise scores are clampedLogit(p) (pass p again). t = [lab = labelValue].
 * Empty label or prediction is fine (sums stay finite); NaN in p is the caller's to reject.
 */
export function accumulateSoftSlice(
  p: Float64Array, logits: Float64Array, scoresAreLogits: boolean,
  lab: Float64Array, labelValue: number, n: number,
  k: VoxelTermConstants, sums: Float64Array, row: number,
  keys: LovaszKeys, tag: number,
): void {
  if (!warmedUp) warmUp();
  const gamma = k.focalGamma;
  const gammaIsTwo = gamma === 2;
  const eps = k.comboEps;
  const oneMinusEps = k.comboOneMinusEps;
  const keep = k.comboKeep;
  let sumP = 0, sumT = 0, tp = 0, bce = 0, focal = 0, wceFg = 0, wceBg = 0;
  let predicted = 0, hardTp = 0, hardFn = 0;
  // The last value seen on each side and its three terms: a real prediction repeats the same
  // value over most of the slice (a background of σ(−9) everywhere), so the logarithm and the
  // products are computed once per run of equal values. The same terms are added in the same
  // order, so every sum is bit-identical to computing them each time. NaN never equals, so the
  // first voxel of each side computes them.
  let fgX = NaN, fgLog = 0, fgFocal = 0, fgWce = 0;
  let bgX = NaN, bgLog = 0, bgFocal = 0, bgWce = 0;
  for (let i = 0; i < n; i++) {
    const x = p[i]!;
    sumP += x;
    if (x >= 0.5) predicted++;
    let e: number;
    let fg: number;
    if (lab[i] === labelValue) {
      sumT++;
      tp += x;
      if (x !== fgX) {
        fgX = x;
        fgLog = x > E_NEG100 ? fastLog(x) : -100;
        const miss = 1 - x;
        fgFocal = (gammaIsTwo ? miss * miss : Math.pow(miss, gamma)) * fgLog;
        fgWce = x < eps ? k.lnEps : x > oneMinusEps ? k.lnOneMinusEps : fgLog;
      }
      bce -= fgLog;
      focal -= fgFocal;
      wceFg += fgWce;
      if (x >= 0.5) hardTp++; else hardFn++;
      if (x >= FG_ERROR_BELOW) continue;
      e = 1 - (scoresAreLogits ? logits[i]! : clampedLogit(x));
      fg = 1;
    } else {
      if (x !== bgX) {
        bgX = x;
        const q = 1 - x;
        bgLog = q > E_NEG100 ? fastLog(q) : -100;
        bgFocal = (gammaIsTwo ? x * x : Math.pow(x, gamma)) * bgLog;
        bgWce = x < eps ? k.lnOneMinusEps : x > oneMinusEps ? k.lnOneMinusOneMinusEps : bgLog;
      }
      bce -= bgLog;
      focal -= bgFocal;
      wceBg += bgWce;
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
}

/** Set before warmUp's own calls, so the kernel warms up once, on its first use (never at import: the extension host loads this module too). */
let warmedUp = false;

/**
 * Runs the kernel once over a few voxels that take every branch (label and background, each side
 * of 0.5 and of the hinge cut-offs, the clamped logarithm, logits and probabilities as scores,
 * γ = 2 and another γ), so V8 has type feedback for all of them before it optimises the loop on
 * the first real slice. Without it the optimised loop deoptimised at each branch a voxel took for
 * the first time (about ten times a run), each time going back to the interpreter, which boxes
 * every double. Results go to scratch arrays: nothing of the caller's is touched.
 */
function warmUp(rounds = 1): void {
  warmedUp = true;
  const values = [0, 1e-300, 1e-7, 0.01, 0.2, 0.26, 0.3, 0.49, 0.5, 0.6, 0.72, 0.75, 0.9, 0.99, 0.9999, 1 - 1e-7, 1];
  // Each value on both sides, twice in a row on each: the repeated-value path is taken too.
  const n = values.length * 4;
  const p = new Float64Array(n), logits = new Float64Array(n), lab = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i >> 2]!;
    p[i] = x;
    logits[i] = Math.log(x / (1 - x));
    lab[i] = (i >> 1) & 1;
  }
  const sums = new Float64Array(SUM_FIELDS);
  const keys = new LovaszKeys(4);
  keys.reset(1);
  for (let round = 0; round < rounds; round++) for (const focalGamma of [2, 1.5]) {
    const k = voxelTermConstants({ ...DEFAULT_LOSS_PARAMS, focalGamma });
    for (const scoresAreLogits of [false, true]) {
      keys.count = 0;
      accumulateSoftSlice(p, logits, scoresAreLogits, lab, 1, n, k, sums, 0, keys, 0);
    }
  }
}

/**
 * Rounds of the warm-up after which V8 (Node 20) has seen enough calls to compile the kernel
 * (`--trace-opt` marks it after 15; 20 for slack): about 5 ms in the interpreter.
 */
const PRIMING_ROUNDS = 20;
let primed = false;

/**
 * Warms the kernel up until V8 compiles it, for a thread that will run it soon but is busy with
 * something else first (the CLI's thread inflating the prediction, streamCompare.ts): the
 * optimised code is compiled in the background meanwhile. Without it that thread's first slab ran
 * in the interpreter until an on-stack replacement was compiled (≈ 70 ms for a slab the warm
 * kernel computes in 25).
 */
export function primeSoftKernel(): void {
  if (primed) return;
  primed = true;
  warmUp(PRIMING_ROUNDS);
}
