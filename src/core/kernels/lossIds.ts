/** Loss ids, in the order every output lists them (docs/losses.md). */
export const LOSS_IDS = [
  'dice', 'bceDice', 'iou', 'focal', 'focalPixel', 'tversky', 'focalTversky', 'lovaszHinge', 'combo',
] as const;
export type LossId = (typeof LOSS_IDS)[number];
export type Losses = { readonly [K in LossId]: number };
/** Their names and units for people: src/core/quantityNames.ts. */

/** Parameters of the losses; defaults are the spec's (shared/spec/losses.md). */
export interface LossParams {
  readonly smooth: number;
  readonly focalAlpha: number;
  readonly focalGamma: number;
  readonly tverskyAlpha: number;
  readonly tverskyBeta: number;
  readonly focalTverskyGamma: number;
  readonly comboAlpha: number;
  readonly comboRatio: number;
  readonly comboEpsilon: number;
}

export const DEFAULT_LOSS_PARAMS: LossParams = Object.freeze({
  smooth: 1,
  focalAlpha: 0.8,
  focalGamma: 2,
  tverskyAlpha: 0.5,
  tverskyBeta: 0.5,
  focalTverskyGamma: 2,
  comboAlpha: 0.5,
  comboRatio: 0.5,
  comboEpsilon: 1e-9,
});
