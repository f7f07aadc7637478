/**
 * The library loss formulas of shared/spec/conventions.md (sections 4–6, choices of 11),
 * evaluated from per-unit sums: binary mode (one label, one channel) and multi-class mode
 * (classes 0 … C − 1). Pure functions of sums; no voxel is read here.
 */
import { numberParam, optionalNumberParam, type ConventionParams, type SmpVersion } from './conventionParams';
import type { ConventionLossId } from './conventionIds';

/** The parameters, read once into numbers. */
export interface ResolvedParams {
  readonly monai: {
    readonly dice: Smoothing; readonly jaccard: Smoothing; readonly gdl: Smoothing; readonly tversky: Smoothing;
    readonly diceCe: Smoothing; readonly diceFocal: Smoothing;
    readonly background: { readonly [K in 'dice' | 'jaccard' | 'generalizedDice' | 'tversky' | 'focal' | 'diceCe' | 'diceFocal']: boolean };
    readonly wType: 'square' | 'simple' | 'uniform';
    readonly tverskyAlpha: number; readonly tverskyBeta: number;
    readonly focalAlpha: number | null; readonly diceFocalAlpha: number | null;
    readonly lambdaDiceCe: number; readonly lambdaCe: number; readonly lambdaDiceFocal: number; readonly lambdaFocal: number;
  };
  readonly smp: {
    readonly version: SmpVersion;
    readonly dice: SmpScoreParams; readonly jaccard: SmpScoreParams; readonly tversky: SmpScoreParams;
    readonly tverskyAlpha: number; readonly tverskyBeta: number; readonly tverskyGamma: number;
    readonly focalAlpha: number | null; readonly smoothFactor: number | null;
  };
  readonly nnunet: { readonly diceSmooth: number; readonly ce: NnCompound; readonly bce: NnCompound };
  /** Focal γ of slots 0 (MONAI Focal), 1 (MONAI DiceFocal), 2 (SMP Focal). */
  readonly gammas: readonly [number, number, number];
}

interface Smoothing { readonly nr: number; readonly dr: number }
interface SmpScoreParams { readonly smooth: number; readonly logLoss: boolean }
interface NnCompound { readonly smooth: number; readonly weightCe: number; readonly weightDice: number }

export function resolveParams(p: ConventionParams): ResolvedParams {
  const num = (k: string) => numberParam(p, k);
  const sm = (id: string): Smoothing => ({ nr: num(`monai.${id}.smoothNr`), dr: num(`monai.${id}.smoothDr`) });
  const bg = (id: string) => p[`monai.${id}.includeBackground`] === true;
  const smpScore = (id: string): SmpScoreParams => ({ smooth: num(`smp.${id}.smooth`), logLoss: p[`smp.${id}.logLoss`] === true });
  const nn = (id: string): NnCompound => ({ smooth: num(`nnunet.${id}.smooth`), weightCe: num(`nnunet.${id}.weightCe`), weightDice: num(`nnunet.${id}.weightDice`) });
  return {
    monai: {
      dice: sm('dice'), jaccard: sm('jaccard'), gdl: sm('generalizedDice'), tversky: sm('tversky'), diceCe: sm('diceCe'), diceFocal: sm('diceFocal'),
      background: {
        dice: bg('dice'), jaccard: bg('jaccard'), generalizedDice: bg('generalizedDice'), tversky: bg('tversky'),
        focal: bg('focal'), diceCe: bg('diceCe'), diceFocal: bg('diceFocal'),
      },
      wType: p['monai.generalizedDice.wType'] as ResolvedParams['monai']['wType'],
      tverskyAlpha: num('monai.tversky.alpha'), tverskyBeta: num('monai.tversky.beta'),
      focalAlpha: optionalNumberParam(p, 'monai.focal.alpha'), diceFocalAlpha: optionalNumberParam(p, 'monai.diceFocal.alpha'),
      lambdaDiceCe: num('monai.diceCe.lambdaDice'), lambdaCe: num('monai.diceCe.lambdaCe'),
      lambdaDiceFocal: num('monai.diceFocal.lambdaDice'), lambdaFocal: num('monai.diceFocal.lambdaFocal'),
    },
    smp: {
      version: p['smp.version'] as SmpVersion,
      dice: smpScore('dice'), jaccard: smpScore('jaccard'), tversky: smpScore('tversky'),
      tverskyAlpha: num('smp.tversky.alpha'), tverskyBeta: num('smp.tversky.beta'), tverskyGamma: num('smp.tversky.gamma'),
      focalAlpha: optionalNumberParam(p, 'smp.focal.alpha'), smoothFactor: optionalNumberParam(p, 'smp.softBce.smoothFactor'),
    },
    nnunet: { diceSmooth: num('nnunet.dice.smooth'), ce: nn('dcAndCe'), bce: nn('dcAndBce') },
    gammas: [num('monai.focal.gamma'), num('monai.diceFocal.gamma'), num('smp.focal.gamma')],
  };
}

const SMP_EPS = 1e-7;
const NNUNET_EPS = 1e-8;

function monaiDice(i: number, sp: number, sy: number, s: Smoothing): number {
  return 1 - (2 * i + s.nr) / (sp + sy + s.dr);
}
function monaiJaccard(i: number, sp: number, sy: number, s: Smoothing): number {
  return 1 - (2 * i + s.nr) / (2 * (sp + sy - i) + s.dr);
}
function monaiTversky(i: number, sp: number, sy: number, r: ResolvedParams): number {
  const s = r.monai.tversky;
  return 1 - (i + s.nr) / (i + r.monai.tverskyAlpha * (sp - i) + r.monai.tverskyBeta * (sy - i) + s.dr);
}
/** MONAI's GDL class weight, computed in float32 as MONAI does (spec 4.2); Infinity for G = 0. */
export function gdlWeight(g: number, wType: ResolvedParams['monai']['wType']): number {
  if (wType === 'uniform') return 1;
  const g32 = Math.fround(g);
  const d = wType === 'square' ? Math.fround(g32 * g32) : g32;
  return d === 0 ? Infinity : Math.fround(1 / d);
}
/** focal mean with optional α (positives × α, negatives × (1 − α)); fg, bg are sums. */
function alphaWeighted(fg: number, bg: number, alpha: number | null): number {
  return alpha === null ? fg + bg : alpha * fg + (1 - alpha) * bg;
}

type SmpKind = 'dice' | 'jaccard' | 'tversky';
/** SMP's per-class loss: 1 − score (or −ln score), zeroed for a class absent from the target. */
function smpClassLoss(kind: SmpKind, i: number, sp: number, sy: number, r: ResolvedParams): number {
  if (sy === 0) return 0;
  const q = r.smp[kind];
  const s = q.smooth;
  let score: number;
  if (kind === 'dice') {
    score = r.smp.version === '0.3.4' ? (2 * i + s) / Math.max(sp + sy + s, SMP_EPS) : (i + s) / Math.max((sp + sy) / 2 + s, SMP_EPS);
  } else if (kind === 'jaccard') {
    score = (i + s) / Math.max(sp + sy - i + s, SMP_EPS);
  } else {
    score = (i + s) / Math.max(i + r.smp.tverskyAlpha * (sp - i) + r.smp.tverskyBeta * (sy - i) + s, SMP_EPS);
  }
  return q.logLoss ? -Math.log(Math.max(score, SMP_EPS)) : 1 - score;
}
function nnDc(i: number, sp: number, sy: number, s: number): number {
  return (2 * i + s) / Math.max(sp + sy + s, NNUNET_EPS);
}

/** One unit of one label, binary mode: the seed's sums plus the convention sums. */
export interface BinaryUnit {
  readonly n: number; readonly sp: number; readonly sy: number; readonly inter: number;
  readonly bce: number; readonly signedLogit: number;
  /** [fg, bg] focal sums per slot. */
  readonly focal: readonly (readonly [number, number])[];
  /** The binary Lovasz hinge (the seed's lovaszHinge: same scores, spec 11.2). */
  readonly lovaszHinge: number;
}

/** Every binary-mode id's value of one unit, into `out` (only `ids` are written). */
export function binaryConventionLosses(u: BinaryUnit, r: ResolvedParams, ids: readonly ConventionLossId[], out: Record<string, number>): void {
  const { n, sp, sy, inter: i } = u;
  const m = r.monai;
  const bceMean = u.bce / n;
  const focalMean = (slot: number, alpha: number | null) => alphaWeighted(u.focal[slot]![0], u.focal[slot]![1], alpha) / n;
  for (const id of ids) {
    let v: number;
    switch (id) {
      case 'monai.dice': v = monaiDice(i, sp, sy, m.dice); break;
      case 'monai.jaccard': v = monaiJaccard(i, sp, sy, m.jaccard); break;
      case 'monai.generalizedDice': {
        // One class: an empty target's infinite weight becomes the largest finite weight of none, 0.
        const w0 = gdlWeight(sy, m.wType);
        const w = Number.isFinite(w0) ? w0 : 0;
        v = 1 - (2 * w * i + m.gdl.nr) / (w * (sp + sy) + m.gdl.dr);
        break;
      }
      case 'monai.tversky': v = monaiTversky(i, sp, sy, r); break;
      case 'monai.focal': v = focalMean(0, m.focalAlpha); break;
      case 'monai.diceCe': v = m.lambdaDiceCe * monaiDice(i, sp, sy, m.diceCe) + m.lambdaCe * bceMean; break;
      case 'monai.diceFocal': v = m.lambdaDiceFocal * monaiDice(i, sp, sy, m.diceFocal) + m.lambdaFocal * focalMean(1, m.diceFocalAlpha); break;
      case 'smp.dice': v = smpClassLoss('dice', i, sp, sy, r); break;
      case 'smp.jaccard': v = smpClassLoss('jaccard', i, sp, sy, r); break;
      // Rounding can leave a perfect score at 1 + 1e-16: pow of a negative base is NaN for fractional γ.
      case 'smp.tversky': v = Math.pow(Math.max(smpClassLoss('tversky', i, sp, sy, r), 0), r.smp.tverskyGamma); break;
      case 'smp.focal': v = focalMean(2, r.smp.focalAlpha); break;
      case 'smp.lovasz': v = u.lovaszHinge; break;
      case 'smp.softBce': v = (u.bce + (r.smp.smoothFactor ?? 0) * u.signedLogit) / n; break;
      case 'nnunet.dice': v = -nnDc(i, sp, sy, r.nnunet.diceSmooth); break;
      case 'nnunet.dcAndCe': v = r.nnunet.ce.weightCe * bceMean - r.nnunet.ce.weightDice * nnDc(i, sp, sy, r.nnunet.ce.smooth); break;
      case 'nnunet.dcAndBce': v = r.nnunet.bce.weightCe * bceMean - r.nnunet.bce.weightDice * nnDc(i, sp, sy, r.nnunet.bce.smooth); break;
    }
    out[id] = v;
  }
}

/** One unit in multi-class mode: per class c of 0 … C − 1. */
export interface MulticlassUnit {
  readonly n: number;
  readonly classes: number;
  readonly sp: ArrayLike<number>; readonly sy: ArrayLike<number>; readonly inter: ArrayLike<number>;
  /** focal sums, index slot · C + c. */
  readonly focalFg: ArrayLike<number>; readonly focalBg: ArrayLike<number>;
  /** Σ_v −ln softmax(ln clamp P)_{t_v}: the index-form cross-entropy sum. */
  readonly ce: number;
  /** SMP's Lovasz-Softmax of softmax(ln clamp P) (mean over present classes). */
  readonly smpLovasz: number;
}

/** Every multi-class id's value of one unit, into `out` (only `ids` are written). */
export function multiclassConventionLosses(u: MulticlassUnit, r: ResolvedParams, ids: readonly ConventionLossId[], out: Record<string, number>): void {
  const C = u.classes;
  const m = r.monai;
  const first = (withBackground: boolean) => (withBackground || C === 1 ? 0 : 1);
  const meanOver = (from: number, f: (c: number) => number) => {
    let s = 0;
    for (let c = from; c < C; c++) s += f(c);
    return s / (C - from);
  };
  const dice = (s: Smoothing, bg: boolean) => meanOver(first(bg), (c) => monaiDice(u.inter[c]!, u.sp[c]!, u.sy[c]!, s));
  const focal = (slot: number, bg: boolean, alpha: number | null) =>
    meanOver(first(bg), (c) => alphaWeighted(u.focalFg[slot * C + c]!, u.focalBg[slot * C + c]!, alpha)) / u.n;
  const ceMean = u.ce / u.n;
  const nnDice = (s: number) => -meanOver(1, (c) => nnDc(u.inter[c]!, u.sp[c]!, u.sy[c]!, s));
  const smpMean = (kind: SmpKind) => meanOver(0, (c) => smpClassLoss(kind, u.inter[c]!, u.sp[c]!, u.sy[c]!, r));
  for (const id of ids) {
    let v: number;
    switch (id) {
      case 'monai.dice': v = dice(m.dice, m.background.dice); break;
      case 'monai.jaccard': v = meanOver(first(m.background.jaccard), (c) => monaiJaccard(u.inter[c]!, u.sp[c]!, u.sy[c]!, m.jaccard)); break;
      case 'monai.generalizedDice': v = generalizedDice(u, r, first(m.background.generalizedDice)); break;
      case 'monai.tversky': v = meanOver(first(m.background.tversky), (c) => monaiTversky(u.inter[c]!, u.sp[c]!, u.sy[c]!, r)); break;
      case 'monai.focal': v = focal(0, m.background.focal, m.focalAlpha); break;
      case 'monai.diceCe': v = m.lambdaDiceCe * dice(m.diceCe, m.background.diceCe) + m.lambdaCe * ceMean; break;
      case 'monai.diceFocal':
        v = m.lambdaDiceFocal * dice(m.diceFocal, m.background.diceFocal) + m.lambdaFocal * focal(1, m.background.diceFocal, m.diceFocalAlpha);
        break;
      case 'smp.dice': v = smpMean('dice'); break;
      case 'smp.jaccard': v = smpMean('jaccard'); break;
      case 'smp.tversky': v = Math.pow(Math.max(smpMean('tversky'), 0), r.smp.tverskyGamma); break;
      case 'smp.focal': {
        // Released SMP sums the per-class sigmoid focal means; the development head averages them.
        const perClass = focal(2, true, r.smp.focalAlpha);
        v = r.smp.version === 'head' ? perClass : perClass * C;
        break;
      }
      case 'smp.lovasz': v = u.smpLovasz; break;
      case 'nnunet.dice': v = nnDice(r.nnunet.diceSmooth); break;
      case 'nnunet.dcAndCe': v = r.nnunet.ce.weightCe * ceMean + r.nnunet.ce.weightDice * nnDice(r.nnunet.ce.smooth); break;
      case 'smp.softBce': case 'nnunet.dcAndBce': continue; // no multi-class value (spec 11.1)
    }
    out[id] = v;
  }
}

/** MONAI GeneralizedDiceLoss over classes [from, C): float32 weights, empty classes get the largest finite one. */
function generalizedDice(u: MulticlassUnit, r: ResolvedParams, from: number): number {
  let wMax = 0;
  for (let c = from; c < u.classes; c++) {
    const w = gdlWeight(u.sy[c]!, r.monai.wType);
    if (Number.isFinite(w) && w > wMax) wMax = w;
  }
  let num = 0, den = 0;
  for (let c = from; c < u.classes; c++) {
    const w0 = gdlWeight(u.sy[c]!, r.monai.wType);
    const w = Number.isFinite(w0) ? w0 : wMax;
    num += w * u.inter[c]!;
    den += w * (u.sp[c]! + u.sy[c]!);
  }
  const s = r.monai.gdl;
  return 1 - (2 * num + s.nr) / (den + s.dr);
}
