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
import { LOSS_IDS } from '../src/core/kernels/lossIds';
import { CONVENTIONS, conventionOf, type ConventionLossId } from '../src/core/kernels/conventions/conventionIds';
import { anyLossName, lossName, sliceLabel, type QuantityGeometry } from '../src/core/quantityNames';
import type { MetricId, MetricsLevel } from '../src/core/kernels/metricIds';
import { isViewLossId, type EditorAction, type LabelKey, type PairInfo, type ViewLossId } from '../src/core/protocol';
import { NAMES as CONVENTION_NAMES } from './conventionsStrip';
import { el, onResize, toggleAttribute } from './dom';
import { labelName } from './headerStrip';
import { LabelSwatches } from './labelSwatches';
import { isMetricId, metricIdsOf, metricTitle } from './metricInfo';
import type { OverlayMode } from './overlayColouring';
import type { VersusRank } from './versusValues';
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
  onVersusRank(rank: VersusRank): void;
  onWindowPreset(preset: Exclude<WindowPreset, 'custom'>): void;
  onToggleReviewed(): void;
  onToggleFlag(): void;
  onAction(action: EditorAction): void;
  /** "Go to partner voxel" / "Back to HD voxel". */
  onPartnerVoxel(): void;
  onLayout(layout: PlaneLayout): void;
}

/** One slice, or axial + coronal + sagittal side by side. */
export type PlaneLayout = 'one' | 'three';

export type ChartSelection = { readonly kind: 'loss'; readonly id: ViewLossId } | { readonly kind: 'metric'; readonly id: MetricId };

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

/**
 * The chart selector's options: the seed's losses, the library losses the host computed (issue 11,
 * one group per convention, † on substituted values), then the metrics the level computes, each under a heading.
 */
function chartOptions(level: MetricsLevel, geometry?: QuantityGeometry, library: ChartLibraryLosses = NO_LIBRARY): Option[] {
  const metrics = metricIdsOf(level);
  const groups = CONVENTIONS.filter((c) => c !== 'seed').flatMap((c): Option[] => {
    const ids = library.ids.filter((id) => conventionOf(id) === c);
    return ids.length === 0 ? [] : [
      [`group:${c}`, `— ${CONVENTION_NAMES[c]} losses —`, true] as Option,
      ...ids.map((id): Option => [id, anyLossName(id, library.substituted.includes(id))]),
    ];
  });
  return [
    ['group:losses', '— Losses —', true],
    ...LOSS_IDS.map((id): Option => [id, lossName(id)]),
    ...groups,
    ...(metrics.length === 0 ? [] : [
      ['group:metrics', '— Metrics —', true] as Option,
      ...metrics.map((id): Option => [metricOptionValue(id), metricTitle(id, geometry)]),
    ]),
  ];
}

/** The library loss ids the selected label's rows carry, and which of them are substituted. */
export interface ChartLibraryLosses {
  readonly ids: readonly ConventionLossId[];
  readonly substituted: readonly ConventionLossId[];
}
const NO_LIBRARY: ChartLibraryLosses = { ids: [], substituted: [] };

function field(labelText: string, control: HTMLElement): HTMLElement {
  return el('div', { class: 'mi-field' }, el('vscode-label', { for: control.id }, labelText), control);
}

function button(text: string, title: string, secondary = true): HTMLElement {
  return el('vscode-button', { secondary, title }, text);
}


const OVERLAY_OPTIONS: readonly Option[] = [['fill', 'TP/FP/FN fill'], ['outline', 'TP/FP/FN outline'], ['heat', 'Heat map (p)'], ['off', 'Off']];
const VERSUS_OVERLAY_OPTIONS: readonly Option[] = [
  ['difference', 'Difference A vs B'], ['fill', 'A: TP/FP/FN'], ['fillB', 'B: TP/FP/FN'], ['outline', 'A: TP/FP/FN outline'], ['heat', 'A: heat map (p)'], ['off', 'Off'],
];

export class Toolbar {
  readonly element: HTMLElement;
  /** Placed by the caller above the chart it drives. */
  readonly lossSelect: VscodeSingleSelect;
  private readonly axis = select('mi-axis', 'Slice axis', AXES.map((a) => [a, AXIS_NAMES[a]]));
  private readonly label = select('mi-label', 'Label', []);
  private readonly labelField: HTMLElement;
  private readonly labelSwatches = new LabelSwatches(this.label);
  private readonly kind = select('mi-kind', 'Prediction kind', PREDICTION_KIND_OPTIONS.map((k) => [k, PREDICTION_KIND_TITLES[k]] as [string, string]));
  private readonly overlay = select('mi-overlay', 'Overlay', OVERLAY_OPTIONS);
  private overlayVersus = false;
  /** Three-way editor: rank slices by where B loses most or wins most (W/N/P). */
  private readonly versusRank = select('mi-versus-rank', 'Rank slices by the difference B − A', [
    ['loses', 'Where B loses most'], ['wins', 'Where B wins most'],
  ]);
  private readonly versusRankField: HTMLElement;
  private readonly roles = button('Choose roles…', 'Choose which file is the label and which prediction is A');
  private readonly windowPreset = select('mi-window', 'Underlay window', [
    ['auto', 'Auto (1–99 %)'], ...Object.entries(FIXED_WINDOWS).map(([key, w]): Option => [key, w.label]), ['custom', 'Custom (Shift+drag)'],
  ]);
  private readonly windowField: HTMLElement;
  private readonly sliceText = el('span', { class: 'mi-slice-text', 'aria-live': 'off' });
  private readonly reviewed = button('✓ Reviewed (R)', 'Mark this slice reviewed (R)');
  private readonly flagged = button('⚑ Flag (F)', 'Flag this slice (F)');
  private readonly hausdorff = button('Show HD voxel', 'Go to and mark the voxel where the volume\'s Hausdorff distance is reached');
  private readonly partner = button('Go to partner voxel', 'Go to the slice of the nearest voxel of the other surface');
  private readonly layout = select('mi-layout', 'Layout', [['one', 'One plane'], ['three', 'Three planes']]);
  private readonly axisField: HTMLElement;
  private readonly overflowToggle = el('vscode-button', {
    secondary: true, class: 'mi-overflow-toggle', title: 'More controls', 'aria-label': 'More controls', 'aria-haspopup': 'true', 'aria-expanded': 'false',
  }, '⋯');
  /** The overflow menu ("⋯"): the secondary controls that do not fit on the toolbar's line. */
  private readonly secondary: HTMLElement;
  /** The secondary controls that fit, on the line after the primary ones. */
  private readonly inline = el('div', { class: 'mi-inline' });
  /** The secondary controls, most needed first: the last ones go behind "⋯" first. */
  private readonly secondaryItems: readonly HTMLElement[];
  private chartLevel: string | null = null;
  private chartArgs: { level: MetricsLevel; geometry: QuantityGeometry; library: ChartLibraryLosses } | null = null;
  private readonly swap = button('Swap', 'Swap prediction and label');
  private readonly choosePartner = button('Choose partner…', 'Choose the label (or prediction) to compare with');
  private readonly openUnderlay = button('Open underlay image…', 'Show an image (CT, MR) under the masks');

  constructor(callbacks: ToolbarCallbacks) {
    this.versusRankField = field('Rank', this.versusRank);
    this.versusRankField.hidden = true;
    this.roles.hidden = true;
    this.lossSelect = select('mi-loss', 'Loss or metric per slice', chartOptions('none'));
    this.labelField = field('Label', this.label);
    this.labelField.insertBefore(this.labelSwatches.element, this.label);
    this.windowField = field('Window', this.windowPreset);
    this.axisField = field('Axis', this.axis);
    const on = (control: VscodeSingleSelect, handle: (value: string) => void): void => {
      control.addEventListener('change', () => handle(control.value));
    };
    on(this.axis, (v) => callbacks.onAxis(v as Axis));
    on(this.label, (v) => callbacks.onLabel(v === 'foreground' ? 'foreground' : Number(v)));
    on(this.kind, (v) => callbacks.onKind(v as PredictionKindOption));
    on(this.lossSelect, (v) => {
      const id = v.startsWith('metric:') ? v.slice('metric:'.length) : null;
      if (id !== null && isMetricId(id)) callbacks.onChart({ kind: 'metric', id });
      else if (isViewLossId(v)) callbacks.onChart({ kind: 'loss', id: v });
    });
    on(this.overlay, (v) => callbacks.onOverlayMode(v as OverlayMode));
    on(this.versusRank, (v) => callbacks.onVersusRank(v === 'wins' ? 'wins' : 'loses'));
    this.roles.addEventListener('click', () => callbacks.onAction('versusRoles'));
    on(this.windowPreset, (v) => { if (v !== 'custom') callbacks.onWindowPreset(v as Exclude<WindowPreset, 'custom'>); });
    this.reviewed.id = 'mi-reviewed';
    this.reviewed.addEventListener('click', () => callbacks.onToggleReviewed());
    this.flagged.addEventListener('click', () => callbacks.onToggleFlag());
    this.hausdorff.id = 'mi-show-hd';
    this.hausdorff.addEventListener('click', () => callbacks.onShowHausdorffVoxel());
    this.swap.addEventListener('click', () => callbacks.onAction('swap'));
    this.choosePartner.addEventListener('click', () => callbacks.onAction('choosePartner'));
    this.openUnderlay.addEventListener('click', () => callbacks.onAction('openUnderlay'));
    this.partner.id = 'mi-partner-voxel';
    this.partner.hidden = true;
    this.partner.addEventListener('click', () => callbacks.onPartnerVoxel());
    on(this.layout, (v) => callbacks.onLayout(v === 'three' ? 'three' : 'one'));
    // What does not fit goes behind "⋯" (an overflow menu) instead of wrapping onto more lines.
    this.secondaryItems = [this.labelField, field('Kind', this.kind), this.windowField, field('Layout', this.layout),
      el('div', { class: 'mi-group', role: 'group', 'aria-label': 'Pair' }, this.swap, this.roles, this.choosePartner, this.openUnderlay)];
    this.secondary = el('div', { class: 'mi-secondary', id: 'mi-more-controls' }, ...this.secondaryItems);
    this.overflowToggle.addEventListener('click', () => this.setOverflowOpen(!this.element.classList.contains('mi-overflow-open')));
    this.element = el('div', { class: 'mi-toolbar', role: 'toolbar', 'aria-label': 'Compare editor controls' },
      el('div', { class: 'mi-primary' }, this.axisField, field('Overlay', this.overlay), this.versusRankField,
        el('div', { class: 'mi-group', role: 'group', 'aria-label': 'Current slice' }, this.sliceText, this.reviewed, this.flagged, this.hausdorff, this.partner)),
      this.inline, this.overflowToggle, this.secondary);
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.element.classList.contains('mi-overflow-open')) {
        this.setOverflowOpen(false);
        (this.overflowToggle as HTMLElement).focus();
      }
    });
    document.addEventListener('pointerdown', (event) => {
      if (!this.element.contains(event.target as Node)) this.setOverflowOpen(false);
    });
    onResize(this.element, () => this.fit());
  }

  private setOverflowOpen(open: boolean): void {
    this.element.classList.toggle('mi-overflow-open', open);
    this.overflowToggle.setAttribute('aria-expanded', String(open));
  }

  /**
   * Keeps on the toolbar's line as many secondary controls as fit, most needed first (the label
   * of a multi-label pair before the pair buttons), and puts the rest behind "⋯"; when not even
   * the primary controls fit, they wrap and every secondary control is in the menu.
   */
  fit(): void {
    const toolbar = this.element;
    if (toolbar.clientWidth === 0) return;
    const overflows = () => toolbar.scrollWidth > toolbar.clientWidth + 1;
    for (const item of this.secondaryItems) this.inline.append(item);
    toolbar.classList.remove('mi-collapsed');
    if (!overflows()) {
      this.setOverflowOpen(false);
      return;
    }
    // Measured with the "⋯" button shown (it takes room on the line), nothing wrapping.
    toolbar.classList.add('mi-measuring');
    for (let i = this.secondaryItems.length - 1; i >= 0 && overflows(); i--) this.secondary.prepend(this.secondaryItems[i]!);
    toolbar.classList.remove('mi-measuring');
    toolbar.classList.add('mi-collapsed');
  }

  /** After init: the options that depend on the pair and on the metric level the host computes. */
  setPair(pair: PairInfo, metricsLevel: MetricsLevel, geometry: QuantityGeometry): void {
    const level = pair.labelName === null ? 'none' : metricsLevel;
    this.chartArgs = { level, geometry, library: NO_LIBRARY };
    this.refreshChartOptions();
    // A 2D pair has one slice along k: no axis to choose, no other planes.
    this.axisField.hidden = geometry.twoD;
    this.layout.parentElement!.hidden = geometry.twoD;
    this.hausdorff.hidden = level !== 'all';
    const labels = pair.labels.length === 0 ? ['foreground' as const] : pair.labels;
    setOptions(this.label, labels.map((l) => [String(l), labelName(l, pair.labelNames)]));
    this.labelSwatches.set(pair.labelColors, labels.map(String));
    this.labelField.hidden = pair.labels.length <= 1;
    this.kind.value = pair.kindOption;
    const alone = pair.labelName === null;
    const versus = pair.versus !== undefined;
    if (versus !== this.overlayVersus) {
      this.overlayVersus = versus;
      setOptions(this.overlay, versus ? VERSUS_OVERLAY_OPTIONS : OVERLAY_OPTIONS);
    }
    this.versusRankField.hidden = !versus;
    this.roles.hidden = !versus;
    this.swap.setAttribute('title', versus ? 'Swap predictions A and B' : 'Swap prediction and label');
    this.swap.textContent = versus ? 'Swap A ↔ B' : 'Swap';
    this.swap.hidden = alone;
    this.choosePartner.hidden = !alone;
    this.windowField.hidden = pair.underlayName === null;
    const heat = this.overlay.querySelector('vscode-option[value="heat"]');
    if (heat !== null) toggleAttribute(heat, 'disabled', pair.predictionKind === 'labels' && pair.predictionChannels <= 1);
    requestAnimationFrame(() => this.fit());
  }

  /** The library losses the current label's rows carry (they arrive with the losses): options of the chart selector. */
  setLibraryLosses(library: ChartLibraryLosses): void {
    if (this.chartArgs === null) return;
    this.chartArgs = { ...this.chartArgs, library };
    this.refreshChartOptions();
  }

  private refreshChartOptions(): void {
    if (this.chartArgs === null) return;
    const { level, geometry, library } = this.chartArgs;
    const key = `${level}:${geometry.twoD}:${geometry.spacingKnown}:${library.ids.join(',')}:${library.substituted.join(',')}`;
    if (key === this.chartLevel) return;
    this.chartLevel = key;
    const value = this.lossSelect.value;
    setOptions(this.lossSelect, chartOptions(level, geometry, library));
    this.lossSelect.value = value;
  }

  /** Shows "Go to partner voxel" (or "Back to HD voxel") with the target slice, or hides it. */
  setPartner(text: string | null, title = ''): void {
    this.partner.hidden = text === null;
    if (text !== null) {
      this.partner.textContent = text;
      this.partner.setAttribute('title', title);
    }
    // Now, not on the next resize: the line's room changed, and a wrapped toolbar would move the
    // slice (and the ring just drawn on it) down for a frame.
    this.fit();
  }

  setVersusRank(rank: VersusRank): void {
    this.versusRank.value = rank;
  }

  setView(view: { axis: Axis; label: LabelKey; loss: ViewLossId; metric?: MetricId }, overlayMode: OverlayMode, windowPreset: WindowPreset, layout: PlaneLayout): void {
    this.axis.value = view.axis;
    this.layout.value = layout;
    this.label.value = String(view.label);
    this.labelSwatches.showChosen();
    this.lossSelect.value = view.metric === undefined ? view.loss : metricOptionValue(view.metric);
    this.overlay.value = overlayMode;
    this.windowPreset.value = windowPreset;
  }

  setSlice(index: number, count: number, mark: { reviewed: boolean; flagged: boolean } | undefined): void {
    this.sliceText.textContent = count === 0 ? 'No slices' : sliceLabel(index, count);
    this.sliceText.hidden = count === 1; // a 2D image: "Slice 1 / 1" says nothing
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
