/**
 * The overlay legend on the slice, matching the overlay mode: TP/FP/FN swatches for fill and
 * outline, a viridis colour bar of p (with the label's outline colour) for the heat map, nothing
 * when the overlay is off.
 */
import type { OverlaySettings } from '../src/core/protocol';
import { DIFFERENCE_COLOURS } from './differenceColouring';
import { el } from './dom';
import { heatColor, type OverlayMode } from './overlayColouring';

function swatch(colour: string, text: string, title: string): HTMLElement {
  const chip = el('span', { class: 'mi-swatch', 'aria-hidden': 'true' });
  chip.style.backgroundColor = colour; // CSSOM, allowed by the CSP (unlike a style attribute)
  return el('span', { class: 'mi-legend-item', title }, chip, text);
}

/** CSS gradient of the heat map's colours from p = 0 to p = 1. */
export function heatGradient(): string {
  const stops: string[] = [];
  for (let n = 0; n <= 8; n++) {
    const [r, g, b] = heatColor(n / 8);
    stops.push(`rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}) ${n * 12.5}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** `versus`: a three-way editor (TP/FP/FN then say whose: A or B). */
export function renderLegend(slot: HTMLElement, mode: OverlayMode, overlay: OverlaySettings, alone: boolean, versus = false): void {
  slot.dataset['mode'] = mode;
  slot.setAttribute('aria-label', 'Overlay legend');
  if (mode === 'difference') {
    slot.replaceChildren(
      swatch(DIFFERENCE_COLOURS.bLoses, 'A right, B wrong', 'B loses: A classifies the voxel correctly, B does not'),
      swatch(DIFFERENCE_COLOURS.bWins, 'B right, A wrong', 'B wins: B classifies the voxel correctly, A does not'),
      swatch(DIFFERENCE_COLOURS.bothWrong, 'both wrong', 'Neither A nor B classifies the voxel correctly'),
      el('span', { class: 'mi-dim' }, `p ≥ ${overlay.threshold}`));
    return;
  }
  if (mode === 'off') {
    slot.replaceChildren(el('span', { class: 'mi-dim' }, 'overlay off'));
    return;
  }
  if (mode === 'heat') {
    const bar = el('span', { class: 'mi-colourbar', role: 'img', 'aria-label': 'Colour bar: predicted probability p from 0 to 1' });
    bar.style.backgroundImage = heatGradient();
    slot.replaceChildren(
      el('span', { class: 'mi-legend-item' }, 'p 0', bar, '1'),
      ...(alone ? [] : [swatch(overlay.fnColor, 'label outline', 'The label\'s outline over the heat map')]),
    );
    return;
  }
  const style = mode === 'outline' ? ' (outline)' : '';
  const whose = !versus ? '' : mode === 'fillB' ? 'B ' : 'A ';
  slot.replaceChildren(...(alone
    ? [swatch(overlay.tpColor, `predicted${style}`, 'Predicted voxels (no label to compare with)')]
    : [
      swatch(overlay.tpColor, `${whose}TP`, 'True positive: predicted and in the label'),
      swatch(overlay.fpColor, `${whose}FP`, 'False positive: predicted, not in the label'),
      swatch(overlay.fnColor, `${whose}FN`, 'False negative: in the label, not predicted'),
    ]),
  el('span', { class: 'mi-dim' }, `p ≥ ${overlay.threshold}`));
}
