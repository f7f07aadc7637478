/**
 * The additive per-slice sums that the library conventions need beyond the seed's (S_p, S_y, I
 * and N come from sums.ts): BCE with logits and the sigmoid focal terms of up to three γ
 * (MONAI Focal, MONAI DiceFocal, SMP Focal), split by target so that α can weigh them later.
 * Volume rows are field-wise totals of slice rows, as for the seed's sums.
 *
 * Logits follow spec 11.2: a logit map as given; a probability p as x = logit(c),
 * c = clamp(p, 1e-6, 1 − 1e-6), so that BCEL(x, 1) = −ln c and BCEL(x, 0) = −ln(1 − c); a
 * label map as x = ±logit(1 − 1e-6).
 */

/** Σ BCEL(x, t). */
export const C_BCE = 0;
/** Σ x·(2t − 1): SoftBCE's label smoothing adds sf times this to Σ BCEL. */
export const C_SIGNED_LOGIT = 1;
/** Σ over t = 1 of σ(−x)^γ_j·BCEL and over t = 0 of σ(x)^γ_j·BCEL, for slot j = 0, 1, 2. */
export const C_FOCAL_FG = 2;
export const C_FOCAL_BG = 3;
export const C_FIELDS = 8;

export function focalFg(slot: number): number { return C_FOCAL_FG + 2 * slot; }
export function focalBg(slot: number): number { return C_FOCAL_BG + 2 * slot; }

export const LOGIT_DELTA = 1e-6;
/** logit(1 − δ): the logit the spec gives a hard prediction of 1 (and its negation for 0). */
export const HARD_LOGIT = Math.log(1 - LOGIT_DELTA) - Math.log(LOGIT_DELTA);

/** Per-run constants: the focal exponents (slot 0 MONAI Focal, 1 MONAI DiceFocal, 2 SMP Focal). */
export interface FocalGammas {
  readonly gammas: readonly [number, number, number];
  /** Σ x(2t − 1) of a probability map costs two more logs a voxel: only SoftBCE's label smoothing reads it. */
  readonly needSignedLogit: boolean;
}

/** b^γ with the common exponents inlined (0^0 = 1, as torch). */
function pow(b: number, g: number): number {
  return g === 2 ? b * b : g === 1 ? b : g === 0 ? 1 : Math.pow(b, g);
}

/** softplus(z) = ln(1 + e^z), stable for any z. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Per-voxel constants of a hard prediction (x = ±HARD_LOGIT), by correctness. */
export interface HardVoxelTerms {
  /** BCEL of a right voxel (TP or TN) and of a wrong one (FP or FN). */
  readonly bceRight: number;
  readonly bceWrong: number;
  /** focal term per slot of a right and a wrong voxel. */
  readonly focalRight: readonly number[];
  readonly focalWrong: readonly number[];
}

export function hardVoxelTerms(g: FocalGammas): HardVoxelTerms {
  const bceRight = softplus(-HARD_LOGIT);
  const bceWrong = softplus(HARD_LOGIT);
  const sRight = 1 / (1 + Math.exp(HARD_LOGIT)); // σ(−L): the wrong answer's probability of a right voxel
  const sWrong = 1 / (1 + Math.exp(-HARD_LOGIT));
  return {
    bceRight, bceWrong,
    focalRight: g.gammas.map((gm) => pow(sRight, gm) * bceRight),
    focalWrong: g.gammas.map((gm) => pow(sWrong, gm) * bceWrong),
  };
}

/** Writes (not adds) row `row` of a hard prediction from its confusion counts. */
export function hardConventionSums(
  tp: number, fp: number, fn: number, n: number, h: HardVoxelTerms, out: Float64Array, row: number,
): void {
  const tn = n - tp - fp - fn;
  const o = row * C_FIELDS;
  out[o + C_BCE] = (tp + tn) * h.bceRight + (fp + fn) * h.bceWrong;
  // x(2t − 1) is +L for right voxels and −L for wrong ones.
  out[o + C_SIGNED_LOGIT] = (tp + tn - fp - fn) * HARD_LOGIT;
  for (let j = 0; j < 3; j++) {
    out[o + focalFg(j)] = tp * h.focalRight[j]! + fn * h.focalWrong[j]!;
    out[o + focalBg(j)] = tn * h.focalRight[j]! + fp * h.focalWrong[j]!;
  }
}

/** Adds row `from` of `src` into row `to` of `dst`. */
export function addConventionRow(src: Float64Array, from: number, dst: Float64Array, to: number): void {
  for (let f = 0; f < C_FIELDS; f++) dst[to * C_FIELDS + f]! += src[from * C_FIELDS + f]!;
}
