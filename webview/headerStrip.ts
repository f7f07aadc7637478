/**
 * Header strip: which files are compared, the prediction kind in use, the warnings, and the
 * volume-level numbers of the selected label: every loss (plus the Lovasz-Softmax when
 * multi-class), then the evaluation metrics of the volume (3D) once they arrive — a null metric
 * shows "—" with its reason as the tooltip.
 */
import { LOSS_IDS, LOSS_LABELS } from '../src/core/kernels/lossIds';
import type { MetricId } from '../src/core/kernels/metricIds';
import type { LabelKey } from '../src/core/protocol';
import { el, formatLoss } from './dom';
import { formatMetric, METRIC_INFO, metricValue, nullReason, predictedWhen } from './metricInfo';
import type { AxisLosses, AxisMetrics, Loaded } from './state';

/** The volume metrics the header shows, in order, with their names there. */
const HEADER_METRICS: readonly (readonly [MetricId, string])[] = [
  ['dice', 'Dice'], ['iou', 'IoU'], ['precision', 'Precision'], ['recall', 'Recall'],
  ['hausdorff', 'HD'], ['hd95', 'HD95'], ['assd', 'ASSD'], ['surfaceDice', 'Surface Dice'],
  ['detectedLesions', 'Lesions detected'], ['missedLesions', 'missed'], ['falsePositiveLesions', 'FP'],
  ['labelVolumeMl', 'Label'], ['predictionVolumeMl', 'Prediction'],
];

export function labelName(label: LabelKey, names?: Readonly<Record<string, string>>): string {
  const name = label === 'foreground' ? undefined : names?.[String(label)];
  return label === 'foreground' ? 'foreground (label > 0)' : name !== undefined ? `label ${label} · ${name}` : `label ${label}`;
}

export class HeaderStrip {
  readonly element: HTMLElement;
  private readonly files: HTMLElement;
  private readonly warnings: HTMLElement;
  private readonly volume: HTMLElement;
  private readonly metrics: HTMLElement;

  constructor() {
    this.files = el('div', { class: 'mi-files' });
    this.warnings = el('ul', { class: 'mi-warnings', 'aria-label': 'Warnings' });
    this.volume = el('div', { class: 'mi-volume', role: 'group', 'aria-label': 'Volume losses' });
    this.metrics = el('div', { class: 'mi-volume mi-metrics', role: 'group', 'aria-label': 'Volume metrics' });
    this.element = el('header', { class: 'mi-header' }, this.files, this.warnings, this.volume, this.metrics);
  }

  update(loaded: Loaded, volume: AxisLosses | undefined, label: LabelKey, metrics: AxisMetrics | undefined): void {
    this.updateMetrics(loaded, metrics, label);
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
      this.volume.replaceChildren(el('span', { class: 'mi-dim' }, `Volume losses for ${labelName(label, pair.labelNames)}: computing…`));
      return;
    }
    const numbers: [string, number][] = LOSS_IDS.map((id) => [LOSS_LABELS[id], volume.result.volume[id]]);
    if (volume.multiclass !== null) numbers.push(['Lovasz-Softmax (all classes)', volume.multiclass.volume.lovaszSoftmax]);
    this.volume.replaceChildren(
      el('span', { class: 'mi-volume-title' }, `Volume, ${labelName(volume.result.label, pair.labelNames)}:`),
      ...numbers.map(([name, value]) => el('span', { class: 'mi-number' }, el('span', { class: 'mi-dim' }, `${name} `), formatLoss(value))),
    );
  }

  private updateMetrics(loaded: Loaded, metrics: AxisMetrics | undefined, label: LabelKey): void {
    const level = loaded.metrics.level;
    this.metrics.hidden = loaded.pair.labelName === null || level === 'none';
    if (this.metrics.hidden) {
      this.metrics.replaceChildren();
      return;
    }
    if (metrics === undefined) {
      this.metrics.replaceChildren(el('span', { class: 'mi-dim' }, `Volume metrics for ${labelName(label, loaded.pair.labelNames)}: computing…`));
      return;
    }
    const { result, settings } = metrics;
    const volume = result.volume;
    const shown = HEADER_METRICS.filter(([id]) => id in volume);
    const tolerance = `within ${settings.toleranceMm} mm of the other surface`;
    this.metrics.replaceChildren(
      el('span', { class: 'mi-volume-title', title: `3D, over the whole volume; predicted where ${predictedWhen(loaded.pair.predictionKind, settings.threshold)}` },
        `Metrics (3D, ${predictedWhen(loaded.pair.predictionKind, settings.threshold)}):`),
      ...shown.map(([id, name]) => {
        const info = METRIC_INFO[id];
        const value = metricValue(volume, id);
        const reason = nullReason(volume, id);
        const unit = value !== null && info.unit !== '' ? ` ${info.unit}` : '';
        const title = reason !== null ? `${info.name}: undefined (${reason})` : id === 'surfaceDice' ? `${info.name}: share of surface voxels ${tolerance}` : info.name;
        return el('span', { class: 'mi-number', 'data-metric': id, title },
          el('span', { class: 'mi-dim' }, `${name} `), formatMetric(id, value) + unit);
      }),
    );
  }
}

function file(role: string, name: string): HTMLElement {
  return el('span', { class: 'mi-file', title: name }, el('span', { class: 'mi-dim' }, `${role} `), name);
}
