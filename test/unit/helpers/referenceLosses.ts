/**
 * A slow, obviously-correct transcription of shared/spec/losses.md and Berman et al.'s
 * reference code (lovasz_grad, lovasz_hinge_flat, lovasz_softmax_flat): plain arrays, Math.log,
 * a full comparator sort. The property tests hold the fused kernels to it.
 */
import { DEFAULT_LOSS_PARAMS, type LossParams, type Losses } from '../../../src/core/kernels/lossIds';

function lovaszGrad(gtSorted: number[]): number[] {
  const gts = gtSorted.reduce((a, b) => a + b, 0);
  let cumFg = 0, cumBg = 0;
  const jaccard = gtSorted.map((g) => {
    cumFg += g;
    cumBg += 1 - g;
    const intersection = gts - cumFg;
    const union = gts + cumBg;
    return 1 - intersection / union;
  });
  for (let i = jaccard.length - 1; i >= 1; i--) jaccard[i] = jaccard[i]! - jaccard[i - 1]!;
  return jaccard;
}

/** Σ relu(e_sorted) · grad, errors sorted descending (ties in any order). */
export function lovaszExtension(errors: number[], fg: number[], relu: boolean): number {
  const order = errors.map((_, i) => i).sort((a, b) => errors[b]! - errors[a]!);
  const grad = lovaszGrad(order.map((i) => fg[i]!));
  return order.reduce((acc, i, r) => acc + (relu ? Math.max(errors[i]!, 0) : errors[i]!) * grad[r]!, 0);
}

export type Kind = 'probability' | 'logits' | 'labels';

/** Losses of one slice (or volume) given raw prediction values x and binary targets t. */
export function referenceLosses(x: number[], t: number[], kind: Kind, params: LossParams = DEFAULT_LOSS_PARAMS): Losses {
  const n = x.length;
  const p = x.map((v) => (kind === 'logits' ? 1 / (1 + Math.exp(-v)) : kind === 'probability' ? Math.min(1, Math.max(0, v)) : v));
  const score = x.map((v, i) => {
    if (kind === 'logits') return v;
    if (kind === 'labels') return 2 * p[i]! - 1;
    const z = Math.min(1 - 1e-6, Math.max(1e-6, v));
    return Math.log(z / (1 - z));
  });
  let tp = 0, sp = 0, st = 0, bce = 0, focalPixel = 0, wce = 0;
  const { smooth: s, comboEpsilon: eps, comboAlpha: a } = params;
  for (let i = 0; i < n; i++) {
    const pi = p[i]!, ti = t[i]!;
    tp += pi * ti; sp += pi; st += ti;
    const bi = -(ti * Math.max(Math.log(pi), -100) + (1 - ti) * Math.max(Math.log(1 - pi), -100));
    bce += bi;
    focalPixel += params.focalAlpha * Math.pow(1 - Math.exp(-bi), params.focalGamma) * bi;
    const ph = Math.min(1 - eps, Math.max(eps, pi));
    wce += a * (ti * Math.log(ph) + (1 - a) * (1 - ti) * Math.log(1 - ph));
  }
  bce /= n;
  const fp = sp - tp, fn = st - tp;
  const d = (2 * tp + s) / (sp + st + s);
  const tversky = 1 - (tp + s) / (tp + params.tverskyAlpha * fp + params.tverskyBeta * fn + s);
  const errors = score.map((v, i) => 1 - v * (2 * t[i]! - 1));
  return {
    dice: 1 - d,
    bceDice: bce + 1 - d,
    iou: 1 - (tp + s) / (sp + st - tp + s),
    focal: params.focalAlpha * Math.pow(1 - Math.exp(-bce), params.focalGamma) * bce,
    focalPixel: focalPixel / n,
    tversky,
    focalTversky: Math.pow(Math.max(0, tversky), params.focalTverskyGamma),
    lovaszHinge: lovaszExtension(errors, t, true),
    combo: params.comboRatio * (-wce / n) - (1 - params.comboRatio) * d,
  };
}

/** lovasz_softmax_flat(probas, labels, classes='present'): probas[c][i]. */
export function referenceLovaszSoftmax(probas: number[][], labels: number[]): number {
  const losses: number[] = [];
  probas.forEach((pc, c) => {
    const fg = labels.map((l) => (l === c ? 1 : 0));
    if (fg.every((v) => v === 0)) return;
    losses.push(lovaszExtension(pc.map((v, i) => Math.abs(fg[i]! - v)), fg, false));
  });
  return losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : 0;
}
