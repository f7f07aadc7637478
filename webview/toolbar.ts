/**
 * The controls above the slice: axis, label, prediction kind, overlay style, underlay window,
 * the current slice with its review/flag toggles, "Show HD voxel", and the pair actions; plus
 * the chart's selector (losses, then metrics). @vscode-elements gives them VS Code's look and
 * keyboard behaviour; each carries an accessible label.
 */
import { PREDICTION_KIND_OPTIONS, PREDICTION_KIND_TITLES } from '../src/core/predictionKinds';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { Axis, PredictionKindOption } from '../src/core/analysis/result';
import { LOSS_IDS, LOSS_LABELS, type LossId } from '../src/core/kernels/lossIds';
import type { MetricId, MetricsLevel } from '../src/core/kernels/metricIds';
import type { EditorAction, LabelKey, OverlaySettings, PairInfo } from '../src/core/protocol';
import { el, toggleAttribute } from './dom';
import { labelName } from './headerStrip';
import { isMetricId, METRIC_INFO, metricIdsOf } from './metricInfo';
import type { OverlayMode } from './overlayColouring';
import { AXES, AXIS_NAMES } from './state';
import { FIXED_WINDOWS, type WindowPreset } from './windowLevel';

export interface ToolbarCallbacks {
  onAxis(axis: Axis): void;
  onLabel(label: LabelKey): void;
  onKind(kind: PredictionKindOption): void;
  /** The chart's selection: a loss, or a per-slice metric. */
  onChart(selection: ChartSelection): void;
  onShowHausdorffVoxel(): void;
  onOverlayMode(mode: OverlayMode): void;
  onWindowPreset(preset: Exclude<WindowPreset, 'custom'>): void;
  onToggleReviewed(): void;
  onToggleFlag(): void;
  onAction(action: EditorAction): void;
}

export type ChartSelection = { readonly kind: 'loss'; readonly id: LossId } | { readonly kind: 'metric'; readonly id: MetricId };

/** Option value of a metric in the chart selector (`dice` is both a loss and a metric). */
export function metricOptionValue(id: MetricId): string {
  return `metric:${id}`;
}

/** A third element `true` makes a disabled group heading. */
type Option = readonly [value: string, text: string, heading?: boolean];

function select(id: string, label: string, options: readonly Option[]): VscodeSingleSelect {
  const element = el('vscode-single-select', { id, label, 'aria-label': label });
  setOptions(element, options);
  return element;
}

function setOptions(element: VscodeSingleSelect, options: readonly Option[]): void {
  element.replaceChildren(...options.map(([value, text, heading]) =>
    el('vscode-option', { value, disabled: heading === true, class: heading === true ? 'mi-option-heading' : undefined }, text)));
}

/** The chart selector's options: the losses, then the metrics the level computes, each under a heading. */
function chartOptions(level: MetricsLevel): Option[] {
  const metrics = metricIdsOf(level);
  return [
    ['group:losses', '— Losses —', true],
    ...LOSS_IDS.map((id): Option => [id, LOSS_LABELS[id]]),
    ...(metrics.length === 0 ? [] : [
      ['group:metrics', '— Metrics —', true] as Option,
      ...metrics.map((id): Option => [metricOptionValue(id), `${METRIC_INFO[id].name}${METRIC_INFO[id].unit ? ` (${METRIC_INFO[id].unit})` : ''}`]),
    ]),
  ];
}

function field(labelText: string, control: HTMLElement): HTMLElement {
  return el('div', { class: 'mi-field' }, el('vscode-label', { for: control.id }, labelText), control);
}

function button(text: string, title: string, secondary = true): HTMLElement {
  return el('vscode-button', { secondary, title }, text);
}

export class Toolbar {
  readonly element: HTMLElement;
  /** Placed by the caller above the chart it drives. */
  readonly lossSelect: VscodeSingleSelect;
  private readonly axis = select('mi-axis', 'Slice axis', AXES.map((a) => [a, AXIS_NAMES[a]]));
  private readonly label = select('mi-label', 'Label', []);
  private readonly labelField: HTMLElement;
  private readonly kind = select('mi-kind', 'Prediction kind', PREDICTION_KIND_OPTIONS.map((k) => [k, PREDICTION_KIND_TITLES[k]] as [string, string]));
  private readonly overlay = select('mi-overlay', 'Overlay', [['fill', 'TP/FP/FN fill'], ['outline', 'TP/FP/FN outline'], ['heat', 'Heat map (p)'], ['off', 'Off']]);
  private readonly windowPreset = select('mi-window', 'Underlay window', [
    ['auto', 'Auto (1–99 %)'], ...Object.entries(FIXED_WINDOWS).map(([key, w]): Option => [key, w.label]), ['custom', 'Custom (Shift+drag)'],
  ]);
  private readonly windowField: HTMLElement;
  private readonly sliceText = el('span', { class: 'mi-slice-text', 'aria-live': 'off' });
  private readonly reviewed = button('✓ Reviewed (R)', 'Mark this slice reviewed (R)');
  private readonly flagged = button('⚑ Flag (F)', 'Flag this slice (F)');
  private readonly hausdorff = button('Show HD voxel', 'Go to and mark the voxel where the volume\'s Hausdorff distance is reached');
  private chartLevel: MetricsLevel | null = null;
  private readonly swap = button('Swap', 'Swap prediction and label');
  private readonly choosePartner = button('Choose partner…', 'Choose the label (or prediction) to compare with');
  private readonly openUnderlay = button('Open underlay image…', 'Show an image (CT, MR) under the masks');
  private readonly legend = el('div', { class: 'mi-legend', 'aria-label': 'Overlay colours' });

  constructor(callbacks: ToolbarCallbacks) {
    this.lossSelect = select('mi-loss', 'Loss or metric per slice', chartOptions('none'));
    this.labelField = field('Label', this.label);
    this.windowField = field('Window', this.windowPreset);
    const on = (control: VscodeSingleSelect, handle: (value: string) => void): void => {
      control.addEventListener('change', () => handle(control.value));
    };
    on(this.axis, (v) => callbacks.onAxis(v as Axis));
    on(this.label, (v) => callbacks.onLabel(v === 'foreground' ? 'foreground' : Number(v)));
    on(this.kind, (v) => callbacks.onKind(v as PredictionKindOption));
    on(this.lossSelect, (v) => {
      const id = v.startsWith('metric:') ? v.slice('metric:'.length) : null;
      if (id !== null && isMetricId(id)) callbacks.onChart({ kind: 'metric', id });
      else if ((LOSS_IDS as readonly string[]).includes(v)) callbacks.onChart({ kind: 'loss', id: v as LossId });
    });
    on(this.overlay, (v) => callbacks.onOverlayMode(v as OverlayMode));
    on(this.windowPreset, (v) => { if (v !== 'custom') callbacks.onWindowPreset(v as Exclude<WindowPreset, 'custom'>); });
    this.reviewed.addEventListener('click', () => callbacks.onToggleReviewed());
    this.flagged.addEventListener('click', () => callbacks.onToggleFlag());
    this.hausdorff.id = 'mi-show-hd';
    this.hausdorff.addEventListener('click', () => callbacks.onShowHausdorffVoxel());
    this.swap.addEventListener('click', () => callbacks.onAction('swap'));
    this.choosePartner.addEventListener('click', () => callbacks.onAction('choosePartner'));
    this.openUnderlay.addEventListener('click', () => callbacks.onAction('openUnderlay'));
    this.element = el('div', { class: 'mi-toolbar', role: 'toolbar', 'aria-label': 'Compare editor controls' },
      field('Axis', this.axis), this.labelField, field('Kind', this.kind), field('Overlay', this.overlay), this.windowField,
      el('div', { class: 'mi-group', role: 'group', 'aria-label': 'Current slice' }, this.sliceText, this.reviewed, this.flagged, this.hausdorff),
      el('div', { class: 'mi-group', role: 'group', 'aria-label': 'Pair' }, this.swap, this.choosePartner, this.openUnderlay),
      this.legend);
  }

  /** After init: the options that depend on the pair and on the metric level the host computes. */
  setPair(pair: PairInfo, overlay: OverlaySettings, metricsLevel: MetricsLevel): void {
    const level = pair.labelName === null ? 'none' : metricsLevel;
    if (level !== this.chartLevel) {
      this.chartLevel = level;
      setOptions(this.lossSelect, chartOptions(level));
    }
    this.hausdorff.hidden = level !== 'all';
    setOptions(this.label, (pair.labels.length === 0 ? ['foreground' as const] : pair.labels).map((l) => [String(l), labelName(l)]));
    this.labelField.hidden = pair.labels.length <= 1;
    this.kind.value = pair.kindOption;
    const alone = pair.labelName === null;
    this.swap.hidden = alone;
    this.choosePartner.hidden = !alone;
    this.windowField.hidden = pair.underlayName === null;
    const heat = this.overlay.querySelector('vscode-option[value="heat"]');
    if (heat !== null) toggleAttribute(heat, 'disabled', pair.predictionKind === 'labels' && pair.predictionChannels <= 1);
    const swatch = (colour: string, text: string): HTMLElement => {
      const chip = el('span', { class: 'mi-swatch', 'aria-hidden': 'true' });
      chip.style.backgroundColor = colour; // CSSOM, allowed by the CSP (unlike a style attribute)
      return el('span', { class: 'mi-legend-item' }, chip, text);
    };
    this.legend.replaceChildren(...(alone
      ? [swatch(overlay.tpColor, 'predicted')]
      : [swatch(overlay.tpColor, 'TP'), swatch(overlay.fpColor, 'FP'), swatch(overlay.fnColor, 'FN')]),
    el('span', { class: 'mi-dim' }, `p ≥ ${overlay.threshold}`));
  }

  setView(view: { axis: Axis; label: LabelKey; loss: LossId; metric?: MetricId }, overlayMode: OverlayMode, windowPreset: WindowPreset): void {
    this.axis.value = view.axis;
    this.label.value = String(view.label);
    this.lossSelect.value = view.metric === undefined ? view.loss : metricOptionValue(view.metric);
    this.overlay.value = overlayMode;
    this.windowPreset.value = windowPreset;
  }

  setSlice(index: number, count: number, mark: { reviewed: boolean; flagged: boolean } | undefined): void {
    this.sliceText.textContent = count === 0 ? 'No slices' : `Slice ${index} of 0–${count - 1}`;
    this.reviewed.setAttribute('aria-pressed', String(mark?.reviewed === true));
    this.flagged.setAttribute('aria-pressed', String(mark?.flagged === true));
    this.reviewed.toggleAttribute('secondary', mark?.reviewed !== true);
    this.flagged.toggleAttribute('secondary', mark?.flagged !== true);
  }

  /** Whether the selected label's Hausdorff voxel is known (metrics arrived and the distance is defined), and why not. */
  setHausdorffAvailable(available: boolean, why: string): void {
    toggleAttribute(this.hausdorff, 'disabled', !available);
    this.hausdorff.setAttribute('title', available ? 'Go to and mark the voxel where the volume\'s Hausdorff distance is reached' : why);
  }
}
