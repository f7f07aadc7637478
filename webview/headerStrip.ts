/**
 * Header strip: which files are compared, the prediction kind in use, the warnings, and the
 * volume-level numbers of the selected label (every loss, plus the Lovasz-Softmax when multi-class).
 */
import { LOSS_IDS, LOSS_LABELS } from '../src/core/kernels/lossIds';
import type { LabelKey } from '../src/core/protocol';
import { el, formatLoss } from './dom';
import type { AxisLosses, Loaded } from './state';

export function labelName(label: LabelKey): string {
  return label === 'foreground' ? 'foreground (label > 0)' : `label ${label}`;
}

export class HeaderStrip {
  readonly element: HTMLElement;
  private readonly files: HTMLElement;
  private readonly warnings: HTMLElement;
  private readonly volume: HTMLElement;

  constructor() {
    this.files = el('div', { class: 'mi-files' });
    this.warnings = el('ul', { class: 'mi-warnings', 'aria-label': 'Warnings' });
    this.volume = el('div', { class: 'mi-volume', role: 'group', 'aria-label': 'Volume losses' });
    this.element = el('header', { class: 'mi-header' }, this.files, this.warnings, this.volume);
  }

  update(loaded: Loaded, volume: AxisLosses | undefined, label: LabelKey): void {
    const { pair } = loaded;
    const kind = pair.kindOption === 'auto' ? `${pair.predictionKind} (auto)` : `${pair.predictionKind} (set by you)`;
    const channels = pair.predictionChannels > 1 ? `, ${pair.predictionChannels} channels` : '';
    this.files.replaceChildren(
      file('Prediction', pair.predictionName),
      el('span', { class: 'mi-chip', title: 'Prediction kind in use' }, kind + channels),
      pair.labelName === null
        ? el('span', { class: 'mi-file mi-alone' }, 'shown alone (no label found)')
        : file('Label', pair.labelName),
      pair.underlayName === null ? '' : file('Underlay', pair.underlayName),
      el('span', { class: 'mi-dim' }, `${pair.shape.join(' × ')} voxels · spacing ${pair.spacing.map((s) => +s.toFixed(3)).join(' × ')}`),
    );
    this.warnings.replaceChildren(...pair.warnings.map((text) => el('li', {}, `⚠ ${text}`)));
    this.warnings.hidden = pair.warnings.length === 0;

    if (pair.labelName === null) {
      this.volume.replaceChildren();
      this.volume.hidden = true;
      return;
    }
    this.volume.hidden = false;
    if (volume === undefined) {
      this.volume.replaceChildren(el('span', { class: 'mi-dim' }, `Volume losses for ${labelName(label)}: computing…`));
      return;
    }
    const numbers: [string, number][] = LOSS_IDS.map((id) => [LOSS_LABELS[id], volume.result.volume[id]]);
    if (volume.multiclass !== null) numbers.push(['Lovasz-Softmax (all classes)', volume.multiclass.volume.lovaszSoftmax]);
    this.volume.replaceChildren(
      el('span', { class: 'mi-volume-title' }, `Volume, ${labelName(volume.result.label)}:`),
      ...numbers.map(([name, value]) => el('span', { class: 'mi-number' }, el('span', { class: 'mi-dim' }, `${name} `), formatLoss(value))),
    );
  }
}

function file(role: string, name: string): HTMLElement {
  return el('span', { class: 'mi-file', title: name }, el('span', { class: 'mi-dim' }, `${role} `), name);
}
