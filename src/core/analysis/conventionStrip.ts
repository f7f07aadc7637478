/**
 * The same named loss under each convention, side by side (issue 11's "Conventions" strip):
 * values normalised to "0 = perfect" so they compare (nnU-Net's Dice terms are −dc, so + 1),
 * the raw value kept, substituted values marked, and flags where the conventions disagree in
 * kind rather than in digits. Pure: the CLI table uses it now, an editor view can later.
 */
import type { Convention, ConventionLossId } from '../kernels/conventions/conventionIds';
import type { LossId } from '../kernels/lossIds';

export const STRIP_LOSSES = ['dice', 'jaccard', 'tversky', 'focal', 'lovasz', 'diceCe'] as const;
export type StripLoss = (typeof STRIP_LOSSES)[number];

export const STRIP_LOSS_LABELS: { readonly [K in StripLoss]: string } = {
  dice: 'Dice', jaccard: 'Jaccard/IoU', tversky: 'Tversky', focal: 'Focal', lovasz: 'Lovasz', diceCe: 'Dice+CE',
};

type AnyId = LossId | ConventionLossId;

/** Which id stands for each named loss in each convention (absent: the library has none). */
export const STRIP_IDS: { readonly [K in StripLoss]: Partial<Record<Convention, AnyId>> } = {
  dice: { seed: 'dice', monai: 'monai.dice', smp: 'smp.dice', nnunet: 'nnunet.dice' },
  jaccard: { seed: 'iou', monai: 'monai.jaccard', smp: 'smp.jaccard' },
  tversky: { seed: 'tversky', monai: 'monai.tversky', smp: 'smp.tversky' },
  focal: { seed: 'focalPixel', monai: 'monai.focal', smp: 'smp.focal' },
  lovasz: { seed: 'lovaszHinge', smp: 'smp.lovasz' },
  diceCe: { seed: 'bceDice', monai: 'monai.diceCe', nnunet: 'nnunet.dcAndCe' },
};

/** Losses bounded to [0, 1] once normalised: there "≈ 0" and "≈ 1" are opposite verdicts. */
const BOUNDED: ReadonlySet<StripLoss> = new Set(['dice', 'jaccard', 'tversky']);
const NEAR_PERFECT = 0.05;
const NEAR_WORST = 0.95;
/** Unbounded losses: flagged when the largest value is over this many times the smallest. */
const RANGE_FACTOR = 3;

export interface StripCell {
  readonly convention: Convention;
  readonly id: AnyId;
  readonly raw: number;
  /** 0 = perfect: nnU-Net's −dc terms shifted by + 1, the others as they are. */
  readonly normalised: number;
  readonly substituted: boolean;
}

export interface StripRow {
  readonly loss: StripLoss;
  readonly cells: readonly StripCell[];
  /** Why the conventions disagree in kind here, or null. */
  readonly disagreement: string | null;
}

export function normalisedValue(id: AnyId, raw: number): number {
  return id === 'nnunet.dice' || id === 'nnunet.dcAndCe' || id === 'nnunet.dcAndBce' ? raw + 1 : raw;
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(3) : v.toExponential(1);
}

/**
 * The strip of one unit (a slice or the volume): `losses` holds whatever ids were computed;
 * a named loss appears when two or more conventions have it.
 */
export function conventionStrip(
  losses: Readonly<Partial<Record<string, number>>>, substituted: readonly string[], conventions: readonly Convention[],
): StripRow[] {
  const rows: StripRow[] = [];
  for (const loss of STRIP_LOSSES) {
    const cells: StripCell[] = [];
    for (const convention of conventions) {
      const id = STRIP_IDS[loss][convention];
      const raw = id === undefined ? undefined : losses[id];
      if (id === undefined || raw === undefined || Number.isNaN(raw)) continue;
      cells.push({ convention, id, raw, normalised: normalisedValue(id, raw), substituted: substituted.includes(id) });
    }
    if (cells.length < 2) continue;
    rows.push({ loss, cells, disagreement: disagreementOf(loss, cells) });
  }
  return rows;
}

function disagreementOf(loss: StripLoss, cells: readonly StripCell[]): string | null {
  let lo = cells[0]!, hi = cells[0]!;
  for (const c of cells) {
    if (c.normalised < lo.normalised) lo = c;
    if (c.normalised > hi.normalised) hi = c;
  }
  if (BOUNDED.has(loss)) {
    return lo.normalised <= NEAR_PERFECT && hi.normalised >= NEAR_WORST
      ? `${STRIP_LOSS_LABELS[loss]}: ${lo.convention} ${fmt(lo.normalised)} (≈ perfect) vs ${hi.convention} ${fmt(hi.normalised)} (≈ worst)`
      : null;
  }
  return hi.normalised > RANGE_FACTOR * Math.max(lo.normalised, 0) && hi.normalised - lo.normalised > NEAR_PERFECT
    ? `${STRIP_LOSS_LABELS[loss]}: ${hi.convention} ${fmt(hi.normalised)} is over ${RANGE_FACTOR}× ${lo.convention} ${fmt(lo.normalised)}`
    : null;
}

/** The disagreements of a unit (empty when the conventions agree in kind): the table filter's test. */
export function disagreements(
  losses: Readonly<Partial<Record<string, number>>>, substituted: readonly string[], conventions: readonly Convention[],
): string[] {
  return conventionStrip(losses, substituted, conventions).flatMap((r) => (r.disagreement ? [r.disagreement] : []));
}
