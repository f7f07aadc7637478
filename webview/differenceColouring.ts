/**
 * The three-way editor's difference map: per voxel, which of predictions A and B classifies it
 * correctly (predicted at the overlay threshold vs in the label). Painted by overlayColouring's
 * paintSlice (fill or outline, opacity, underlay): the three difference classes are mapped onto
 * its TP/FP/FN slots with their own colours, so both overlays share one painter.
 *
 * Colours (Okabe–Ito, distinct from the default TP/FP/FN green/orange/sky blue and told apart
 * with deuteranopia, protanopia and tritanopia): vermillion where B is wrong and A right (B
 * loses), blue where B is right and A wrong (B wins), yellow where both are wrong. Voxels both
 * get right stay untinted.
 */
import { parseHexColor, type Rgb } from './overlayColouring';

export const DIFFERENCE_COLOURS = {
  bLoses: '#D55E00',
  bWins: '#0072B2',
  bothWrong: '#F0E442',
} as const;

export const DIFFERENCE_RGB: { readonly bLoses: Rgb; readonly bWins: Rgb; readonly bothWrong: Rgb } = {
  bLoses: parseHexColor(DIFFERENCE_COLOURS.bLoses),
  bWins: parseHexColor(DIFFERENCE_COLOURS.bWins),
  bothWrong: parseHexColor(DIFFERENCE_COLOURS.bothWrong),
};

/**
 * Encodes the difference classes as (probability, truth) pairs that paintSlice's classOf at
 * threshold 0.5 reads as TP = B loses, FP = B wins, FN = both wrong, TN = both right.
 * `outP`/`outT` must hold width×height values.
 */
export function differenceClasses(
  probabilitiesA: Float32Array, probabilitiesB: Float32Array, truth: Uint8Array, threshold: number,
  outP: Float32Array, outT: Uint8Array,
): void {
  const count = truth.length;
  for (let n = 0; n < count; n++) {
    const inLabel = truth[n] === 1;
    const aRight = (probabilitiesA[n]! >= threshold) === inLabel;
    const bRight = (probabilitiesB[n]! >= threshold) === inLabel;
    // TP: B loses; FP: B wins; FN: both wrong; TN: both right.
    outP[n] = aRight !== bRight ? 1 : 0;
    outT[n] = aRight && bRight ? 0 : aRight || !bRight ? 1 : 0;
  }
}
