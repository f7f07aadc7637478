/**
 * Header strip: which files are compared, the prediction kind in use, the warnings, and the
 * volume-level numbers of the selected label in two labelled groups, Losses and Metrics (3D, or
 * 2D for a one-slice pair), key figures first and every number behind a disclosure — names and
 * units from src/core/quantityNames; a null metric shows "—" with its reason as the tooltip.
 */
import { LOSS_IDS, type LossId } from '../src/core/kernels/lossIds';
import type { MetricId } from '../src/core/kernels/metricIds';
import type { LabelKey } from '../src/core/protocol';
import { lossName, lossShort, metricName, metricShort, metricUnit, unitNote, type LossNameId } from '../src/core/quantityNames';
import { el, formatLoss } from './dom';
import { formatMetricFor, formatMetricWithUnit, metricIdsOf, metricTitle, metricValue, nullReason, predictedWhen } from './metricInfo';
import type { AxisLosses, AxisMetrics, Loaded } from './state';
import { differenceBarColour, type Quantity } from './versusValues';

/** Losses shown first (the rest are behind "All numbers"). */
const KEY_LOSSES: readonly LossId[] = ['dice', 'iou', 'bceDice'];
/** Metrics shown first, in order (the rest are behind "All numbers"). */
const KEY_METRICS: readonly MetricId[] = ['dice', 'iou', 'hd95', 'assd', 'labelVolumeMl', 'predictionVolumeMl'];

export function labelName(label: LabelKey, names?: Readonly<Record<string, string>>): string {
  const name = label === 'foreground' ? undefined : names?.[String(label)];
  return label === 'foreground' ? 'foreground (label > 0)' : name !== undefined ? `label ${label} · ${name}` : `label ${label}`;
}

/** One "name value" figure; `secondary` ones are hidden first when the editor is narrow. */
function figure(name: string, value: string, attributes: Record<string, string> = {}, title?: string): HTMLElement {
  return el('span', { class: 'mi-number', title: title ?? `${name}: ${value}`, ...attributes }, el('span', { class: 'mi-dim' }, `${name} `), value);
}

/**
 * Files on one line; then two labelled, aligned rows, Losses and Metrics, each with its key
 * figures; every number behind the "All numbers" disclosure. At 1000 px that is three lines.
 */
export class HeaderStrip {
  readonly element: HTMLElement;
  private readonly files: HTMLElement;
  private readonly warnings: HTMLElement;
  private readonly lossTitle = el('span', { class: 'mi-group-title' }, 'Losses');
  private readonly volume: HTMLElement;
  private readonly metricTitle = el('span', { class: 'mi-group-title' }, 'Metrics');
  private readonly metrics: HTMLElement;
  private readonly moreToggle: HTMLButtonElement;
  private readonly allNumbers: HTMLElement;

  constructor() {
    this.files = el('div', { class: 'mi-files' });
    this.warnings = el('ul', { class: 'mi-warnings', 'aria-label': 'Warnings' });
    this.volume = el('div', { class: 'mi-volume', role: 'group', 'aria-label': 'Volume losses' });
    this.metrics = el('div', { class: 'mi-volume mi-metrics', role: 'group', 'aria-label': 'Volume metrics' });
    this.allNumbers = el('div', { class: 'mi-all-numbers', id: 'mi-all-numbers', role: 'group', 'aria-label': 'All losses and metrics', hidden: true });
    this.moreToggle = el('button', {
      type: 'button', class: 'mi-more-toggle', 'aria-expanded': 'false', 'aria-controls': 'mi-all-numbers', title: 'Every loss and metric of the volume',
    }, 'All numbers ▸');
    this.moreToggle.addEventListener('click', () => {
      const open = this.allNumbers.hidden;
      this.allNumbers.hidden = !open;
      this.moreToggle.setAttribute('aria-expanded', String(open));
      this.moreToggle.textContent = open ? 'All numbers ▾' : 'All numbers ▸';
    });
    const groups = el('div', { class: 'mi-groups-grid' }, this.lossTitle, this.volume, this.metricTitle, this.metrics);
    this.element = el('header', { class: 'mi-header' }, this.files, this.warnings, groups, this.allNumbers);
  }

  /**
   * `versus`: a three-way editor's B numbers; each figure then reads "A → B (Δ B − A)" (the
   * difference coloured by who is better, the difference map's colours).
   */
  update(loaded: Loaded, volume: AxisLosses | undefined, label: LabelKey, metrics: AxisMetrics | undefined, versus?: VersusVolume): void {
    const { pair } = loaded;
    const kind = pair.kindOption === 'auto' ? `${pair.predictionKind} (auto)` : `${pair.predictionKind} (set by you)`;
    const channels = pair.predictionChannels > 1 ? `, ${pair.predictionChannels} channels` : '';
    const geometry = loaded.geometry;
    const size = geometry.twoD ? `${pair.shape[0]} × ${pair.shape[1]} pixels` : `${pair.shape.join(' × ')} voxels`;
    const spacing = geometry.spacingKnown ? ` · ${pair.spacing.slice(0, geometry.twoD ? 2 : 3).map((s) => +s.toFixed(3)).join(' × ')} mm` : ' · pixel size unknown';
    this.files.replaceChildren(
      file(pair.versus === undefined ? 'Prediction' : 'A', pair.predictionName),
      pair.versus === undefined ? '' : file('B', pair.versus.predictionName),
      pair.labelName === null
        ? el('span', { class: 'mi-file mi-alone' }, 'shown alone (no label found)')
        : file('Label', pair.labelName),
      pair.underlayName === null ? '' : file('Underlay', pair.underlayName),
      pair.labelName === null || pair.labels.length < 2 ? ''
        : el('span', { class: 'mi-chip mi-label-chip', title: 'Label the numbers below are for' }, labelName(label, pair.labelNames)),
      el('span', { class: 'mi-chip', title: 'Prediction kind in use' }, kind + channels),
      el('span', { class: 'mi-dim mi-geometry', title: size + spacing }, size + spacing),
      this.moreToggle,
    );
    this.warnings.replaceChildren(...pair.warnings.map((text) => el('li', {}, `⚠ ${text}`)));
    this.warnings.hidden = pair.warnings.length === 0;

    const alone = pair.labelName === null;
    this.lossTitle.hidden = this.volume.hidden = alone;
    this.moreToggle.hidden = alone;
    if (alone) this.allNumbers.hidden = true;
    const all: HTMLElement[] = [];
    if (!alone) {
      if (volume === undefined) {
        this.volume.replaceChildren(el('span', { class: 'mi-dim' }, `computing for ${labelName(label, pair.labelNames)}…`));
      } else {
        const numbers: [LossNameId, number][] = LOSS_IDS.map((id) => [id, volume.result.volume[id]]);
        if (volume.multiclass !== null) numbers.push(['lovaszSoftmax', volume.multiclass.volume.lovaszSoftmax]);
        this.lossTitle.title = `Losses of the whole volume, ${labelName(volume.result.label, pair.labelNames)}`;
        const b = versus?.volume;
        const bOf = (id: LossNameId): number | null | undefined => (b === undefined ? undefined
          : id === 'lovaszSoftmax' ? b.multiclass?.volume.lovaszSoftmax ?? null : b.result.volume[id]);
        const show = (id: LossNameId, name: string, value: number, title?: string): HTMLElement => {
          const vb = bOf(id);
          if (vb === undefined) return figure(name, formatLoss(value), { 'data-loss': id }, title);
          return versusFigure(name, formatLoss(value), vb === null ? '—' : formatLoss(vb), vb === null ? null : vb - value, (d) => formatLoss(d),
            { quantity: { loss: id === 'lovaszSoftmax' ? 'dice' : id }, a: value, b: vb }, { 'data-loss': id });
        };
        this.volume.replaceChildren(...numbers.filter(([id]) => (KEY_LOSSES as readonly string[]).includes(id))
          .map(([id, value]) => show(id, lossShort(id), value, `${lossName(id)}: ${formatLoss(value)}`)));
        all.push(el('h3', {}, 'Losses'), ...numbers.map(([id, value]) => show(id, lossName(id), value)));
      }
    }
    all.push(...this.updateMetrics(loaded, metrics, label, versus));
    this.allNumbers.replaceChildren(...all);
  }

  private updateMetrics(loaded: Loaded, metrics: AxisMetrics | undefined, label: LabelKey, versus?: VersusVolume): HTMLElement[] {
    const level = loaded.metrics.level;
    const geometry = loaded.geometry;
    const hidden = loaded.pair.labelName === null || level === 'none';
    this.metrics.hidden = this.metricTitle.hidden = hidden;
    this.metricTitle.textContent = geometry.twoD ? 'Metrics (2D)' : 'Metrics (3D)';
    if (hidden) {
      this.metrics.replaceChildren();
      return [];
    }
    if (metrics === undefined) {
      this.metrics.replaceChildren(el('span', { class: 'mi-dim' }, `computing for ${labelName(label, loaded.pair.labelNames)}…`));
      return [];
    }
    const { result, settings } = metrics;
    const volume = result.volume;
    const when = predictedWhen(loaded.pair.predictionKind, settings.threshold);
    this.metricTitle.title = `${geometry.twoD ? 'Over the whole image' : '3D, over the whole volume'}; predicted where ${when}` +
      (unitNote(geometry) === null ? '' : `; ${unitNote(geometry)}`);
    const tolerance = `within ${settings.toleranceMm} ${metricUnit('hausdorff', geometry)} of the other surface`;
    const one = (id: MetricId, name: string): HTMLElement => {
      const value = metricValue(volume, id);
      const reason = nullReason(volume, id);
      const text = formatMetricWithUnit(id, value, geometry);
      const title = reason !== null ? `${metricName(id, geometry)}: undefined (${reason})`
        : id === 'surfaceDice' ? `${metricName(id, geometry)}: share of surface voxels ${tolerance}` : `${metricTitle(id, geometry)}: ${text}`;
      if (versus !== undefined) {
        const vb = metricValue(versus.metrics?.result.volume, id);
        const textB = versus.metrics === undefined ? '…' : formatMetricWithUnit(id, vb, geometry);
        const d = value === null || vb === null ? null : vb - value;
        return versusFigure(name, text, textB, d, (x) => formatMetricFor(id, x, geometry), { quantity: { loss: 'dice', metric: id }, a: value, b: vb }, { 'data-metric': id });
      }
      return figure(name, text, { 'data-metric': id }, title);
    };
    const present = metricIdsOf('all').filter((id) => id in volume);
    this.metrics.replaceChildren(...KEY_METRICS.filter((id) => id in volume).map((id) => one(id, metricShort(id, geometry))),
      el('span', { class: 'mi-dim mi-when' }, when));
    return [el('h3', {}, this.metricTitle.textContent), ...present.map((id) => one(id, metricName(id, geometry)))];
  }
}

/** B's volume numbers in a three-way editor (undefined while not computed). */
export interface VersusVolume {
  readonly volume: AxisLosses | undefined;
  readonly metrics: AxisMetrics | undefined;
}

/** "name A → B (Δ d)"; Δ in the difference map's colours: vermillion where B is worse, blue where better. */
function versusFigure(
  name: string, a: string, b: string, d: number | null, format: (d: number) => string,
  colour: { quantity: Quantity; a: number | null; b: number | null }, attributes: Record<string, string>,
): HTMLElement {
  const delta = d === null ? '—' : `${d > 0 ? '+' : d < 0 ? '−' : '±'}${format(Math.abs(d))}`;
  const chip = el('span', { class: 'mi-delta', 'data-delta': d === null ? '' : String(d) }, `Δ ${delta}`);
  if (d !== null && d !== 0) chip.style.color = differenceBarColour(colour.quantity, colour.a, colour.b);
  return el('span', { class: 'mi-number', title: `${name}: A ${a}, B ${b}, B − A ${delta}`, ...attributes, 'data-a': a, 'data-b': b },
    el('span', { class: 'mi-dim' }, `${name} `), `${a} → ${b} `, chip);
}

function file(role: string, name: string): HTMLElement {
  return el('span', { class: 'mi-file', title: name }, el('span', { class: 'mi-dim' }, `${role} `), name);
}
