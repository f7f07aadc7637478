/**
 * The editor's behaviour: host messages in, navigation and triage, and `stateChanged` out after
 * every navigation or view change. Views only draw what the state says.
 */
import type { Axis, PredictionKindOption, SliceRow } from '../src/core/analysis/result';
import { lossName, quantityGeometry, sliceLabel, sliceNumber, spacingKnownFor } from '../src/core/quantityNames';
import type { HostMessage, InitMessage, LabelKey, PredictionSide, SliceMark, TriageCommand, ViewState } from '../src/core/protocol';
import { differenceBarColour, differenceOf, lossOfB, sideValue, versusBadness, versusRows, type SideData, type VersusRank } from './versusValues';
import { formatLoss, themeColor } from './dom';
import { ConventionsStrip } from './conventionsStrip';
import { HeaderStrip } from './headerStrip';
import { LossChart } from './lossChart';
import { savedUi, type HostChannel } from './messaging';
import { badness, formatMetricFor, formatMm, metricIdsOf, metricTitle, metricValue } from './metricInfo';
import { pixelOfVoxel } from './sliceData';
import { SlicePresenter } from './slicePresenter';
import { SliceTable } from './sliceTable';
import { EditorState, normaliseViewState } from './state';
import { EmptyState } from './emptyState';
import { ErrorBanner, StatusLine } from './statusBanner';
import { renderLegend } from './legend';
import { Toolbar, type ChartSelection, type PlaneLayout } from './toolbar';
import { RankingCache, stepInRanking } from './triage';

/** One shared empty list: the table redraws its header whenever the rows' identity changes. */
const NO_ROWS: readonly SliceRow[] = [];

export class EditorController {
  readonly state = new EditorState();
  readonly header = new HeaderStrip();
  /** Issue 11's strip, inside the header (shown only when the host computed library conventions). */
  readonly conventions = new ConventionsStrip();
  readonly status = new StatusLine();
  readonly banner = new ErrorBanner();
  readonly empty: EmptyState;
  readonly toolbar: Toolbar;
  readonly presenter: SlicePresenter;
  readonly chart: LossChart;
  readonly table: SliceTable;
  private readonly ranking = new RankingCache();
  /** One plane or three (axial, coronal, sagittal); kept in the webview's saved state. */
  layout: PlaneLayout = 'one';
  /** Three-way editor: W/N/P rank slices where B loses most, or where it wins most. */
  private versusRank: VersusRank = 'loses';
  /** Rows with `empty` true only when empty for A and B (versusRows), per A's rows. */
  private readonly versusRowsCache = new WeakMap<readonly SliceRow[], readonly SliceRow[]>();

  constructor(private readonly channel: HostChannel, private readonly onLoaded: () => void) {
    this.empty = new EmptyState((action) => channel.post({ type: 'action', action }));
    this.presenter = new SlicePresenter(this.state, (m) => channel.post(m), {
      onTransform: (transform, settled) => {
        this.state.view = { ...this.state.view, ...transform };
        if (settled) this.notify();
      },
      onWindowChanged: () => this.refreshToolbar(),
      onPick: (voxel) => this.pick(voxel),
    });
    this.chart = new LossChart((index) => this.navigate(index));
    this.table = new SliceTable((index) => this.navigate(index), () => this.notify());
    this.toolbar = new Toolbar({
      onAxis: (axis) => this.setAxis(axis),
      onLabel: (label) => this.setLabel(label),
      onKind: (kind) => this.setKind(kind),
      onChart: (selection) => this.setChart(selection),
      onShowHausdorffVoxel: () => this.run('showHausdorffVoxel'),
      onOverlayMode: (mode) => { this.presenter.overlayMode = mode; this.presenter.repaint(); this.refreshLegend(); },
      onVersusRank: (rank) => {
        this.versusRank = rank;
        this.status.announce(rank === 'loses' ? 'W, N and P now go to the slices where B loses most.' : 'W, N and P now go to the slices where B wins most.');
      },
      onWindowPreset: (preset) => { this.presenter.setWindowPreset(preset); this.refreshToolbar(); },
      onToggleReviewed: () => this.run('markReviewed'),
      onToggleFlag: () => this.run('flag'),
      onAction: (action) => channel.post({ type: 'action', action }),
      onPartnerVoxel: () => this.goToPartnerVoxel(),
      onLayout: (layout) => this.setLayout(layout),
    });
  }

  handle(message: HostMessage): void {
    switch (message.type) {
      case 'init': return this.init(message);
      case 'losses':
        this.state.setLosses(message);
        if (message.axis !== this.state.view.axis) return;
        this.refreshAll();
        return this.notify(); // the current loss is known now
      case 'metrics':
        this.state.setMetrics(message);
        // The volume metrics in the header hold for every axis; the chart and table only for theirs.
        return this.refreshAll();
      case 'slice': return this.presenter.accept(message);
      case 'sliceError': return this.presenter.acceptError(message);
      case 'marks':
        this.state.setMarks(message.marks);
        return this.refreshPanels();
      case 'status': return this.status.set(message.text);
      case 'error': return this.banner.set(message.message);
      case 'failed':
        this.status.set(null);
        this.empty.show(message);
        return this.onLoaded();
      case 'command': return this.run(message.command);
    }
  }

  private init(message: InitMessage): void {
    // The host's remembered state wins; the webview's own saved state covers a tab restored without one.
    const saved = this.channel.savedState();
    const ui = savedUi(saved);
    this.table.restoreSort(ui.tableSort);
    this.layout = ui.layout;
    const view = normaliseViewState(message.state ?? saved, message.pair,
      message.pair.labelName === null ? 'none' : message.metrics.level);
    const geometry = quantityGeometry(message.pair.shape, message.pair.spacing, spacingKnownFor(message.pair.predictionName));
    this.state.reset({ pair: message.pair, overlay: message.overlay, metrics: message.metrics, geometry }, view, message.marks);
    document.getElementById('app')?.classList.toggle('mi-2d', geometry.twoD);
    // A three-way editor opens on the difference map: what it is for.
    this.presenter.reset(message.pair.versus !== undefined ? 'difference' : message.overlay.style);
    this.toolbar.setPair(message.pair, message.metrics.level, geometry);
    this.refreshLegend();
    this.banner.set(null);
    this.empty.hide();
    this.onLoaded();
    this.requestLosses();
    this.presenter.view.setTransform(view);
    this.presenter.present();
    this.presenter.setCursor(null);
    this.presenter.setThreePlanes(this.layout === 'three' && !geometry.twoD);
    this.refreshAll();
    this.notify();
  }

  navigate(index: number): void {
    if (this.state.loaded === null) return;
    const clamped = Math.min(this.state.sliceCount() - 1, Math.max(0, Math.round(index)));
    if (clamped === this.state.view.index) return;
    this.state.view = { ...this.state.view, index: clamped };
    this.state.rememberIndex();
    this.presenter.present();
    if (this.presenter.threePlanes) this.presenter.setCursor(this.presenter.cursor); // the side planes' crosshair follows
    this.refreshPanels();
    this.notify();
  }

  run(command: TriageCommand): void {
    if (this.state.loaded === null) return;
    const { axis, index } = this.state.view;
    switch (command) {
      case 'nextSlice': return this.navigate(index + 1);
      case 'previousSlice': return this.navigate(index - 1);
      case 'worst':
      case 'nextWorst':
      case 'previousWorst': {
        const rows = this.state.axisLosses()?.result.slices;
        if (rows === undefined) return this.status.announce('The losses are not computed yet.');
        const ranking = this.currentRanking(rows);
        if (ranking === null) return this.status.announce('The metrics are not computed yet.');
        const target = command === 'worst' ? ranking[0] : stepInRanking(ranking, index, command === 'nextWorst' ? 1 : -1);
        if (target === undefined) return this.status.announce(command === 'previousWorst' ? 'This is the worst slice.' : 'No slice ranks below this one.');
        return this.navigate(target);
      }
      case 'markReviewed':
      case 'flag': {
        const previous = this.state.mark(axis, index);
        const change = command === 'markReviewed' ? { reviewed: previous?.reviewed !== true } : { flagged: previous?.flagged !== true };
        this.state.updateMark(axis, index, change);
        this.channel.post({ type: 'setMark', axis, index, ...change });
        return this.refreshPanels();
      }
      case 'showHausdorffVoxel': return this.showHausdorffVoxel();
    }
  }

  /** Worst-first slices by the chart's selection; null when a metric is selected and its values have not arrived. */
  private currentRanking(rows: readonly SliceRow[]): readonly number[] | null {
    if (this.state.isVersus()) return this.versusRanking(rows);
    const metric = this.state.view.metric;
    if (metric === undefined) {
      const loss = this.state.view.loss;
      return this.ranking.get(rows, `loss:${loss}`, null, (row) => row.losses[loss]);
    }
    const metrics = this.state.axisMetrics();
    if (metrics === undefined) return null;
    const slices = metrics.result.slices;
    // Dice-like metrics rank lowest first, distances highest first: "worse" still means worse.
    return this.ranking.get(rows, `metric:${metric}`, metrics.message, (row) => badness(metric, metricValue(slices[row.index], metric)));
  }

  /** Three-way editor: slices by how much B loses (or wins) on the chosen quantity; null until both sides' values arrived. */
  private versusRanking(rowsA: readonly SliceRow[]): readonly number[] | null {
    const a = this.side('a');
    const b = this.side('b');
    const metric = this.state.view.metric;
    if (b.losses === undefined || (metric !== undefined && (a.metrics === undefined || b.metrics === undefined))) return null;
    let rows = this.versusRowsCache.get(rowsA);
    if (rows === undefined) {
      rows = versusRows(rowsA, b.losses);
      this.versusRowsCache.set(rowsA, rows);
    }
    const quantity = { loss: this.state.view.loss, ...(metric === undefined ? {} : { metric }) };
    const key = `versus:${this.versusRank}:${metric === undefined ? `loss:${quantity.loss}` : `metric:${metric}`}`;
    return this.ranking.get(rows, key, metric === undefined ? b.losses.result : b.metrics!.message, versusBadness(quantity, this.versusRank, a, b));
  }

  private side(side: PredictionSide): SideData {
    return { losses: this.state.axisLosses(this.state.view.axis, side), metrics: this.state.axisMetrics(this.state.view.axis, side) };
  }

  /** Goes to the slice (on this axis) holding the voxel where the selected label's Hausdorff distance is reached, and rings it. */
  private showHausdorffVoxel(): void {
    const why = this.hausdorffUnavailable();
    if (why !== null) return this.status.announce(why);
    const hd = this.state.volumeMetrics()!.result.hausdorffVoxel!;
    this.state.hausdorffMarker = hd;
    const other = hd.surface === 'label' ? 'prediction' : 'label';
    this.status.announce(`Hausdorff distance ${formatMm(hd.distanceMm)}: ${hd.surface} surface voxel (${hd.voxel.join(', ')}) ` +
      `to the nearest ${other} surface voxel (${hd.nearest.join(', ')}).`);
    const { index } = pixelOfVoxel(this.state.view.axis, hd.voxel);
    if (index === this.state.view.index) {
      this.presenter.updateMarkers();
      this.refreshPartner();
    } else this.navigate(index);
  }

  /** Between the slice of the Hausdorff voxel and the slice of its nearest voxel on the other surface. */
  private goToPartnerVoxel(): void {
    const hd = this.state.hausdorffMarker;
    if (hd === null) return;
    const axis = this.state.view.axis;
    const at = pixelOfVoxel(axis, hd.voxel).index;
    const partner = pixelOfVoxel(axis, hd.nearest).index;
    this.navigate(this.state.view.index === partner ? at : partner);
  }

  /** "Go to partner voxel" when the HD voxel's partner lies on another slice of this axis. */
  private refreshPartner(): void {
    const hd = this.state.hausdorffMarker;
    const count = this.state.sliceCount();
    if (hd === null) return this.toolbar.setPartner(null);
    const axis = this.state.view.axis;
    const at = pixelOfVoxel(axis, hd.voxel).index;
    const partner = pixelOfVoxel(axis, hd.nearest).index;
    if (at === partner) return this.toolbar.setPartner(null);
    const other = hd.surface === 'label' ? 'prediction' : 'label';
    if (this.state.view.index === partner) {
      return this.toolbar.setPartner(`Back to HD voxel (slice ${sliceNumber(at)})`, `Go back to the ${hd.surface} surface voxel (${hd.voxel.join(', ')}), slice ${sliceLabel(at, count)}`);
    }
    this.toolbar.setPartner(`Go to partner voxel (slice ${sliceNumber(partner)})`,
      `The nearest ${other} surface voxel (${hd.nearest.join(', ')}) is on ${sliceLabel(partner, count).toLowerCase()}`);
  }

  /** A click in any plane: the shared cursor goes there, and the main view to its slice. */
  private pick(voxel: readonly [number, number, number]): void {
    if (!this.presenter.threePlanes) return;
    const position = this.state.view.axis === 'i' ? 0 : this.state.view.axis === 'j' ? 1 : 2;
    this.presenter.setCursor(voxel);
    this.navigate(voxel[position]);
  }

  private setLayout(layout: PlaneLayout): void {
    this.layout = layout;
    this.presenter.setThreePlanes(layout === 'three' && this.state.loaded?.geometry.twoD !== true);
    this.onLayout?.(layout);
    this.refreshToolbar();
    this.notify();
  }

  /** Set by main.ts: rearranges the page for one or three planes. */
  onLayout: ((layout: PlaneLayout) => void) | null = null;

  private refreshLegend(): void {
    const loaded = this.state.loaded;
    if (loaded === null) return;
    renderLegend(this.presenter.view.legendSlot, this.presenter.overlayMode, loaded.overlay, loaded.pair.labelName === null, loaded.pair.versus !== undefined);
  }

  /** Why "Show HD voxel" cannot run now, or null when it can. */
  private hausdorffUnavailable(): string | null {
    if (!this.state.hasLabel()) return 'There is no label to compare with.';
    const level = this.state.metricsLevel();
    if (level !== 'all') return `The Hausdorff distance is not computed (maskInspector.metrics is "${level}").`;
    const metrics = this.state.volumeMetrics();
    if (metrics === undefined) return 'The metrics are not computed yet.';
    if (metrics.result.hausdorffVoxel === null) {
      return `The Hausdorff distance is undefined: ${metrics.result.volume.undefinedReasons.hausdorff ?? 'not computed'}.`;
    }
    return null;
  }

  private setAxis(axis: Axis): void {
    if (this.state.loaded === null || axis === this.state.view.axis) return;
    this.state.rememberIndex();
    // A new axis has another aspect and size: start fitted.
    this.state.view = { ...this.state.view, axis, index: this.state.indexFor(axis), zoom: 1, panX: 0, panY: 0 };
    this.presenter.view.setTransform(this.state.view);
    this.requestLosses();
    this.presenter.present();
    if (this.presenter.threePlanes) this.presenter.setCursor(this.presenter.cursor);
    this.refreshAll();
    this.notify();
  }

  private setLabel(label: LabelKey): void {
    if (label === this.state.view.label) return;
    this.state.view = { ...this.state.view, label };
    this.state.hausdorffMarker = null; // it was the other label's
    this.toolbar.setPartner(null);
    this.presenter.repaint();
    this.refreshAll();
    this.notify();
  }

  private setChart(selection: ChartSelection): void {
    const { metric: _metric, ...rest } = this.state.view;
    const view: ViewState = selection.kind === 'loss' ? { ...rest, loss: selection.id } : { ...rest, metric: selection.id };
    if (view.loss === this.state.view.loss && view.metric === this.state.view.metric) return;
    this.state.view = view;
    this.refreshPanels();
    this.notify();
  }

  /**
   * The host recomputes with the new kind. Whether it answers with a new `init` or not, the
   * losses shown are now out of date, so they are dropped and asked for again.
   */
  private setKind(kind: PredictionKindOption): void {
    const loaded = this.state.loaded;
    if (loaded === null || kind === loaded.pair.kindOption) return;
    this.channel.post({ type: 'setKind', kind });
    const predictionKind = kind === 'auto' ? loaded.pair.predictionKind : kind;
    this.state.loaded = { ...loaded, pair: { ...loaded.pair, kindOption: kind, predictionKind } };
    this.state.clearLosses();
    this.requestLosses();
    this.presenter.repaint();
    this.refreshAll();
  }

  private requestLosses(): void {
    const axis = this.state.view.axis;
    if (this.state.shouldRequestLosses(axis)) this.channel.post({ type: 'requestLosses', axis });
  }

  private notify(): void {
    const state = this.state.view;
    this.channel.saveState(state, { tableSort: this.table.currentSort, layout: this.layout });
    this.channel.post({ type: 'stateChanged', state, currentLoss: this.state.currentLoss() });
  }

  private refreshAll(): void {
    const loaded = this.state.loaded;
    if (loaded === null) return;
    const versus = this.state.isVersus() ? { volume: this.state.volumeLosses('b'), metrics: this.state.volumeMetrics('b') } : undefined;
    this.header.update(loaded, this.state.volumeLosses(), this.state.view.label, this.state.volumeMetrics(), versus);
    if (this.conventions.element.parentElement !== this.header.element) this.header.element.append(this.conventions.element);
    const why = this.hausdorffUnavailable();
    this.toolbar.setHausdorffAvailable(why === null, why ?? '');
    this.refreshToolbar();
    this.refreshPanels();
  }

  private refreshToolbar(): void {
    this.toolbar.setView(this.state.view, this.presenter.overlayMode, this.presenter.windowPreset, this.layout);
  }

  /** What changes with the slice: chart, table, slice counter. Kept cheap, it runs per key press. */
  private refreshPanels(): void {
    const { axis, index, loss, metric } = this.state.view;
    const count = this.state.sliceCount();
    const losses = this.state.axisLosses();
    const metrics = this.state.axisMetrics();
    this.conventions.update(losses, index);
    const markAt = (i: number) => this.state.mark(axis, i);
    this.toolbar.setSlice(index, count, this.state.mark(axis, index));
    this.refreshPartner();
    const rows = losses?.rowsByIndex ?? null;
    const placeholder = !this.state.hasLabel() ? 'No label to compare with: losses need a label (Choose partner…).'
      : rows === null ? 'Computing losses…' : 'Computing metrics…';
    if (this.state.isVersus()) return this.refreshVersusPanels(rows, placeholder, markAt);
    if (metric === undefined) {
      this.chart.update({
        count, rows, valueAt: (i) => rows?.[i]?.losses[loss], name: lossName(loss), current: index, markAt, placeholder,
      });
    } else {
      const slices = metrics?.result.slices;
      const geometry = this.state.loaded?.geometry;
      this.chart.update({
        count, rows: slices === undefined ? null : rows, valueAt: (i) => metricValue(slices?.[i], metric),
        name: metricTitle(metric, geometry), format: (v) => formatMetricFor(metric, v, geometry), current: index, markAt, placeholder,
      });
    }
    this.table.update({
      rows: losses?.result.slices ?? NO_ROWS, multiclassByIndex: losses?.multiclass ? losses.multiclassByIndex : null,
      metrics: metrics?.result.slices ?? null, metricIds: metricIdsOf(metrics?.settings.level),
      current: index, markAt, marksVersion: this.state.marksVersion, geometry: this.state.loaded?.geometry,
    });
  }

  /** Three-way editor: the chart shows B − A as bars with A and B as lines; the table A, B and Δ first. */
  private refreshVersusPanels(rows: readonly (SliceRow | undefined)[] | null, placeholder: string, markAt: (i: number) => SliceMark | undefined): void {
    const { index, loss, metric } = this.state.view;
    const count = this.state.sliceCount();
    const geometry = this.state.loaded?.geometry;
    const a = this.side('a');
    const b = this.side('b');
    const quantity = { loss, ...(metric === undefined ? {} : { metric }) };
    const name = metric === undefined ? lossName(loss) : metricTitle(metric, geometry);
    const format = metric === undefined ? (v: number) => formatLoss(v) : (v: number) => formatMetricFor(metric, v, geometry);
    const valueA = (i: number) => sideValue(a, quantity, i);
    const valueB = (i: number) => sideValue(b, quantity, i);
    const known = metric === undefined ? b.losses !== undefined : a.metrics !== undefined && b.metrics !== undefined;
    this.chart.update({
      count, rows: known ? rows : null, valueAt: (i) => differenceOf(valueA(i), valueB(i)), name: `${name}, B − A`, format, current: index, markAt,
      placeholder,
      lines: [
        { name: `A: ${name}`, valueAt: valueA, colour: themeColor('--vscode-editor-foreground', '#cccccc'), dash: [] },
        { name: `B: ${name}`, valueAt: valueB, colour: themeColor('--vscode-editor-foreground', '#cccccc'), dash: [4, 3] },
      ],
      barColour: (i) => differenceBarColour(quantity, valueA(i), valueB(i)),
    });
    const losses = this.state.axisLosses();
    const metrics = this.state.axisMetrics();
    this.table.update({
      rows: losses?.result.slices ?? NO_ROWS, multiclassByIndex: losses?.multiclass ? losses.multiclassByIndex : null,
      metrics: metrics?.result.slices ?? null, metricIds: metricIdsOf(metrics?.settings.level),
      current: index, markAt, marksVersion: this.state.marksVersion, geometry,
      versus: {
        // The values' identity is part of the key: new messages rebuild the columns.
        key: `${metric ?? loss}:${this.versusKeyOf(b.losses?.result)}:${this.versusKeyOf(b.metrics?.message)}:${this.versusKeyOf(a.metrics?.message)}`,
        name, a: valueA, b: valueB,
        format: (v) => (v === null ? '—' : format(v)),
        bLoses: (i) => lossOfB(quantity, valueA(i), valueB(i)),
        higherIsWorse: metric === undefined || badness(metric, 1) > badness(metric, 0),
      },
    });
  }

  private readonly versusKeys = new WeakMap<object, number>();
  private nextVersusKey = 1;

  /** A number per object (a message): the table's versus key changes when the values do. */
  private versusKeyOf(source: object | undefined): number {
    if (source === undefined) return 0;
    let key = this.versusKeys.get(source);
    if (key === undefined) {
      key = this.nextVersusKey++;
      this.versusKeys.set(source, key);
    }
    return key;
  }
}
