/**
 * Hover readout: the voxel under the pointer in volume coordinates, its prediction and label
 * values, its BCE term, and how far it lies from the other mask's surface in this slice — the
 * numbers a reviewer needs to see why a slice scores badly.
 */
import type { PredictionKind } from '../src/core/analysis/result';
import type { LabelKey } from '../src/core/protocol';
import { el, formatValue } from './dom';
import { classOf } from './overlayColouring';
import {
  bceTerm, distanceText, probabilityOf, rawPredictionAt, rowsFlipped, voxelOf, type DecodedSlice, type SurfaceDistances,
} from './sliceData';

export interface HoverContext {
  readonly slice: DecodedSlice;
  readonly kind: PredictionKind;
  readonly label: LabelKey;
  /** The slice's surface distances (computed on the first hover of a slice); null without a label. */
  readonly distances: SurfaceDistances | null;
  /** The overlay threshold: what the overlay colours as predicted. */
  readonly threshold: number;
  /** Distance unit: mm, or px when the pixel size is unknown. */
  readonly unit: 'mm' | 'px';
}

/** What each class means, as the readout says it. */
export const CLASS_TEXT = ['TN (neither)', 'TP (predicted and in label)', 'FP (predicted, not in label)', 'FN (in label, missed)'] as const;


export class HoverReadout {
  readonly element: HTMLElement;

  constructor() {
    this.element = el('div', { class: 'mi-readout', 'aria-live': 'off' }, 'Hover over the slice for voxel values.');
  }

  clear(): void {
    this.element.textContent = 'Hover over the slice for voxel values.';
  }

  show(context: HoverContext, column: number, displayRow: number): void {
    const { slice, kind, label } = context;
    const row = rowsFlipped(slice.axis) ? slice.height - 1 - displayRow : displayRow;
    const pixel = row * slice.width + column;
    const [i, j, k] = voxelOf(slice.axis, slice.index, column, row);
    const raw = rawPredictionAt(slice, pixel, label);
    const channelKind: PredictionKind = slice.channels > 1 && kind === 'labels' ? 'probability' : kind;
    const channel = slice.channels > 1 && label !== 'foreground' ? `[c=${label}]` : '';
    const p = slice.channels > 1 && label === 'foreground' ? 1 - probabilityOf(raw, channelKind, 0) : probabilityOf(raw, channelKind, label);
    const parts = [`voxel (${i}, ${j}, ${k})`];
    const classAt = el('strong', { class: 'mi-class' });
    if (slice.label !== null) {
      const labelValue = slice.label[pixel]!;
      const t = (label === 'foreground' ? labelValue > 0 : labelValue === label) ? 1 : 0;
      const voxelClass = classOf(p, t, false, context.threshold);
      classAt.textContent = CLASS_TEXT[voxelClass]!;
      classAt.dataset['class'] = ['TN', 'TP', 'FP', 'FN'][voxelClass]!;
      parts.push(`prediction${channel} ${formatValue(raw)}`);
      if (kind !== 'probability' || slice.channels > 1) parts.push(`p ${formatValue(p)}`);
      parts.push(`label ${labelValue}`, `BCE ${formatValue(bceTerm(p, t))}`);
    } else {
      classAt.textContent = p >= context.threshold ? 'predicted' : 'not predicted';
      parts.push(`prediction${channel} ${formatValue(raw)}`);
      if (kind !== 'probability' || slice.channels > 1) parts.push(`p ${formatValue(p)}`);
    }
    if (slice.underlay !== null) parts.push(`underlay ${formatValue(slice.underlay[pixel]!)}`);
    const distance = context.distances === null ? null : distanceText(context.distances, pixel);
    if (distance !== null) parts.push(context.unit === 'px' ? distance.replace(/ mm\b/g, ' px') : distance);
    this.element.replaceChildren(classAt, ` · ${parts.join(' · ')}`);
  }
}
