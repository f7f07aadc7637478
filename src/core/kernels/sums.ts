/**
 * The additive sums every loss is derived from (shared/spec/losses.md, "Sums"), one row per
 * slice; a volume row is the field-wise total of its slice rows, so one pass serves both.
 */
import type { LossParams } from './lossIds';

export const SUM_N = 0;
export const SUM_P = 1;
export const SUM_T = 2;
/** Σ p·t. */
export const SUM_TP = 3;
/** Σ −max(ln q, −100), q = p where t = 1 else 1 − p. */
export const SUM_BCE = 4;
/** Σ (1 − e^(−bce_i))^γ · bce_i (focalPixel without α and 1/N). */
export const SUM_FOCAL_PIXEL = 5;
/** Σ t·ln p̂ + (1 − α)(1 − t)·ln(1 − p̂), p̂ = clamp(p, ε, 1 − ε) (combo's WCE without −α/N). */
export const SUM_WCE = 6;
/** Voxels with p ≥ 0.5, and the hard confusion counts at that threshold. */
export const SUM_PREDICTED = 7;
export const SUM_HARD_TP = 8;
export const SUM_HARD_FP = 9;
export const SUM_HARD_FN = 10;
export const SUM_FIELDS = 11;

/** Per-run constants of the voxel terms, computed once from the parameters. */
export interface VoxelTermConstants {
  readonly focalGamma: number;
  readonly comboKeep: number; // 1 − α of combo: weight of the background term
  readonly comboEps: number;
  readonly comboOneMinusEps: number;
  readonly lnEps: number; // ln ε
  readonly lnOneMinusEps: number; // ln(1 − ε)
  readonly lnOneMinusOneMinusEps: number; // ln(1 − (1 − ε)) as torch rounds it
  /** (1 − e^−100)^γ · 100: the focal term of a voxel whose BCE is clamped. */
  readonly focalClamped: number;
}

export function voxelTermConstants(params: LossParams): VoxelTermConstants {
  const eps = params.comboEpsilon;
  const oneMinusEps = 1 - eps;
  return {
    focalGamma: params.focalGamma,
    comboKeep: 1 - params.comboAlpha,
    comboEps: eps,
    comboOneMinusEps: oneMinusEps,
    lnEps: Math.log(eps),
    lnOneMinusEps: Math.log(oneMinusEps),
    lnOneMinusOneMinusEps: Math.log(1 - oneMinusEps),
    focalClamped: Math.pow(1 - Math.exp(-100), params.focalGamma) * 100,
  };
}

/** Adds row `from` of `src` into row `to` of `dst`. */
export function addSumRow(src: Float64Array, from: number, dst: Float64Array, to: number): void {
  const a = from * SUM_FIELDS;
  const b = to * SUM_FIELDS;
  for (let f = 0; f < SUM_FIELDS; f++) dst[b + f]! += src[a + f]!;
}

/**
 * Sums of a hard (label-map) prediction for one label, from confusion counts: p is exactly
 * 0 or 1, so every voxel term is one of four constants. Writes row `row` of `out`.
 * Empty label and empty prediction give zeros except SUM_N and SUM_WCE; no NaN possible.
 */
export function hardSums(
  tp: number, fp: number, fn: number, n: number, k: VoxelTermConstants, out: Float64Array, row: number,
): void {
  const tn = n - tp - fp - fn;
  const wrong = fp + fn;
  const o = row * SUM_FIELDS;
  out[o + SUM_N] = n;
  out[o + SUM_P] = tp + fp;
  out[o + SUM_T] = tp + fn;
  out[o + SUM_TP] = tp;
  out[o + SUM_BCE] = 100 * wrong;
  out[o + SUM_FOCAL_PIXEL] = k.focalClamped * wrong;
  out[o + SUM_WCE] = tp * k.lnOneMinusEps + fn * k.lnEps
    + k.comboKeep * (tn * k.lnOneMinusEps + fp * k.lnOneMinusOneMinusEps);
  out[o + SUM_PREDICTED] = tp + fp;
  out[o + SUM_HARD_TP] = tp;
  out[o + SUM_HARD_FP] = fp;
  out[o + SUM_HARD_FN] = fn;
}
