/**
 * Per-slice chart on a 2D canvas: one bar per slice for the chosen loss or metric, empty slices
 * as hollow grey rings, slices without a value (a null metric) as gaps, flagged slices as a
 * triangle above the plot, reviewed ones as a square below it, the current slice as a shaded
 * column with a line and a pointer in the text colour (not the bars' blue, so it never reads as a
 * bar). The y-range is set by the non-empty slices: empty ones sit on the baseline. Slices are
 * numbered from 1 (src/core/quantityNames). Click or drag to go to a slice.
 */
import type { SliceRow } from '../src/core/analysis/result';
import type { SliceMark } from '../src/core/protocol';
import { sliceNumber } from '../src/core/quantityNames';
import { el, formatLoss, onResize, onThemeChange, themeColor } from './dom';

export interface ChartData {
  readonly count: number;
  /** Null while the values are not known (still computing, or no label to compare with). */
  readonly rows: readonly (SliceRow | undefined)[] | null;
  /** The value drawn for slice `index`; null or undefined leaves a gap. */
  readonly valueAt: (index: number) => number | null | undefined;
  /** What is plotted ("Dice loss", "HD95 (metric)"), for the accessible label. */
  readonly name: string;
  /** Tick and aria-label numbers (default: four decimals, as the losses). */
  readonly format?: (value: number) => string;
  readonly current: number;
  readonly markAt: (index: number) => SliceMark | undefined;
  readonly placeholder: string;
  /** Line series drawn over the bars (three-way editor: A and B, the bars being B − A); they set the range too. */
  readonly lines?: readonly ChartLine[];
  /** A bar's colour (default: the theme's bar colour); three-way editor: by who wins the slice. */
  readonly barColour?: (index: number) => string;
}

export interface ChartLine {
  readonly name: string;
  readonly valueAt: (index: number) => number | null | undefined;
  readonly colour: string;
  /** Canvas line dash (empty: solid): told apart by shape as well as colour. */
  readonly dash: readonly number[];
}

/** Margins in CSS pixels: y tick labels on the left, mark rows above and below the plot. */
const MARGIN = { left: 44, right: 8, top: 14, bottom: 22 } as const;

export class LossChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  /** What the lines and bars are, when there are lines (three-way editor): "— A  ┄ B  ▮ B − A". */
  private readonly key: HTMLElement;
  private data: ChartData | null = null;
  private dragging = false;

  constructor(private readonly onNavigate: (index: number) => void) {
    this.canvas = el('canvas', { class: 'mi-chart-canvas', role: 'img', 'aria-label': 'Loss per slice' });
    this.key = el('div', { class: 'mi-chart-key mi-dim', hidden: true });
    this.element = el('div', { class: 'mi-chart' }, this.canvas, this.key);
    onResize(this.element, () => this.draw());
    onThemeChange(() => this.draw());
    this.listen();
  }

  update(data: ChartData): void {
    this.data = data;
    const lines = data.lines ?? [];
    this.key.hidden = lines.length === 0;
    const text = lines.length === 0 ? '' : `${lines.map((l) => `${l.dash.length === 0 ? '——' : '- - -'} ${l.name}`).join('   ')}   ▮ bars: ${data.name}`;
    if (this.key.textContent !== text) this.key.textContent = text;
    this.draw();
  }

  /** Slice index under a CSS x coordinate of the canvas. */
  private indexAt(x: number): number | null {
    const count = this.data?.count ?? 0;
    if (count === 0) return null;
    const plotWidth = this.canvas.clientWidth - MARGIN.left - MARGIN.right;
    const index = Math.floor(((x - MARGIN.left) / plotWidth) * count);
    return Math.min(count - 1, Math.max(0, index));
  }

  private listen(): void {
    // A drag moves at most once per frame: each move may ask the host for a slice.
    let frame = 0;
    let pendingX = 0;
    const goNow = (): void => {
      frame = 0;
      const index = this.indexAt(pendingX);
      if (index !== null && index !== this.data?.current) this.onNavigate(index);
    };
    const go = (event: PointerEvent): void => {
      pendingX = event.clientX - this.canvas.getBoundingClientRect().left;
      if (event.type === 'pointerdown') goNow();
      else if (frame === 0) frame = requestAnimationFrame(goNow);
    };
    this.canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      this.dragging = true;
      this.canvas.setPointerCapture(event.pointerId);
      go(event);
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (this.dragging) go(event);
    });
    const stop = (): void => { this.dragging = false; };
    this.canvas.addEventListener('pointerup', stop);
    this.canvas.addEventListener('pointercancel', stop);
  }

  draw(): void {
    const ratio = window.devicePixelRatio || 1;
    const cssWidth = this.canvas.clientWidth;
    const cssHeight = this.canvas.clientHeight;
    const width = Math.max(1, Math.round(cssWidth * ratio));
    const height = Math.max(1, Math.round(cssHeight * ratio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    // Tests and debugging read the plot's extent from these instead of repeating the margins.
    this.canvas.dataset['plotLeft'] = String(MARGIN.left);
    this.canvas.dataset['plotRight'] = String(cssWidth - MARGIN.right);
    const context = this.canvas.getContext('2d');
    if (context === null) throw new Error('canvas 2D context unavailable');
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, cssWidth, cssHeight);
    const data = this.data;
    const colours = {
      text: themeColor('--vscode-descriptionForeground', '#9d9d9d'),
      axis: themeColor('--vscode-editorWidget-border', '#454545'),
      bar: themeColor('--vscode-charts-blue', '#3794ff'),
      empty: themeColor('--vscode-disabledForeground', '#808080'),
      current: themeColor('--vscode-foreground', '#cccccc'),
      band: themeColor('--vscode-editor-selectionBackground', '#264f78'),
      flag: themeColor('--vscode-charts-orange', '#d18616'),
      reviewed: themeColor('--vscode-charts-green', '#89d185'),
    };
    context.font = `10px ${themeColor('--vscode-font-family', 'sans-serif')}`;
    context.fillStyle = colours.text;
    if (data === null || data.rows === null || data.count === 0) {
      context.textAlign = 'center';
      context.textBaseline = 'middle';
      context.fillText(data?.placeholder ?? '', cssWidth / 2, cssHeight / 2);
      this.canvas.setAttribute('aria-label', data?.placeholder ?? 'Loss per slice');
      return;
    }
    this.plot(context, data, data.rows, colours, cssWidth, cssHeight);
  }

  private plot(
    context: CanvasRenderingContext2D, data: ChartData, rows: readonly (SliceRow | undefined)[],
    colours: Readonly<Record<'text' | 'axis' | 'bar' | 'empty' | 'current' | 'band' | 'flag' | 'reviewed', string>>,
    cssWidth: number, cssHeight: number,
  ): void {
    const { count, current, valueAt } = data;
    const plotLeft = MARGIN.left;
    const plotWidth = Math.max(1, cssWidth - MARGIN.left - MARGIN.right);
    const plotTop = MARGIN.top;
    const plotBottom = Math.max(plotTop + 1, cssHeight - MARGIN.bottom);
    let low = 0;
    let high = 0;
    for (let index = 0; index < count; index++) {
      // Empty slices (no label, nothing predicted) do not set the range: their values (a loss of
      // the smoothing term, a huge focal sum) would squash the bars that matter.
      if (rows[index]?.empty !== false) continue;
      for (const at of [valueAt, ...(data.lines ?? []).map((l) => l.valueAt)]) {
        const v = at(index);
        if (v === undefined || v === null || !Number.isFinite(v)) continue;
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
    }
    if (high - low < 1e-9) high = low + 1;
    const yOf = (v: number): number => plotBottom - ((v - low) / (high - low)) * (plotBottom - plotTop);
    const slot = plotWidth / count;
    const xOf = (index: number): number => plotLeft + (index + 0.5) * slot;
    const barWidth = Math.max(1, slot * 0.8);
    // The current slice's column, behind everything.
    context.globalAlpha = 0.6;
    context.fillStyle = colours.band;
    context.fillRect(plotLeft + current * slot, plotTop, Math.max(2, slot), plotBottom - plotTop);
    context.globalAlpha = 1;

    context.strokeStyle = colours.axis;
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(plotLeft - 0.5, plotTop);
    context.lineTo(plotLeft - 0.5, plotBottom + 0.5);
    context.lineTo(plotLeft + plotWidth, plotBottom + 0.5);
    context.stroke();
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    const format = data.format ?? formatLoss;
    for (const v of [low, (low + high) / 2, high]) context.fillText(format(v), plotLeft - 4, yOf(v));

    const baseline = yOf(Math.max(low, Math.min(0, high)));
    const gaps: number[] = [];
    for (let index = 0; index < count; index++) {
      const row = rows[index];
      if (row === undefined) continue;
      const value = valueAt(index);
      const v = value ?? Number.NaN;
      const x = xOf(index);
      if (value === null || value === undefined) {
        gaps.push(index); // no value for this slice (e.g. a distance where a mask is empty): nothing drawn
      } else if (row.empty) {
        context.strokeStyle = colours.empty;
        context.beginPath();
        const r = Math.min(3, Math.max(1.5, slot / 2));
        context.arc(x, baseline - r - 1, r, 0, Math.PI * 2);
        context.stroke();
      } else if (Number.isFinite(v)) {
        context.fillStyle = data.barColour?.(index) ?? colours.bar;
        const y = yOf(v);
        context.fillRect(x - barWidth / 2, Math.min(y, baseline), barWidth, Math.max(1, Math.abs(baseline - y)));
      }
      const mark = data.markAt(index);
      if (mark?.flagged === true) {
        context.fillStyle = colours.flag;
        context.beginPath();
        context.moveTo(x - 4, 2);
        context.lineTo(x + 4, 2);
        context.lineTo(x, plotTop - 2);
        context.fill();
      }
      if (mark?.reviewed === true) {
        context.fillStyle = colours.reviewed;
        context.fillRect(x - 2.5, plotBottom + 4, 5, 5);
      }
    }

    for (const line of data.lines ?? []) {
      context.strokeStyle = line.colour;
      context.lineWidth = 1.5;
      context.setLineDash([...line.dash]);
      context.beginPath();
      let drawing = false;
      for (let index = 0; index < count; index++) {
        const v = line.valueAt(index);
        if (rows[index] === undefined || v === null || v === undefined || !Number.isFinite(v)) {
          drawing = false; // a gap, as for the bars
          continue;
        }
        if (drawing) context.lineTo(xOf(index), yOf(v));
        else context.moveTo(xOf(index), yOf(v));
        drawing = true;
      }
      context.stroke();
    }
    context.setLineDash([]);

    const x = xOf(current);
    context.strokeStyle = colours.current;
    context.lineWidth = 1;
    context.setLineDash([3, 2]);
    context.beginPath();
    context.moveTo(Math.round(x) + 0.5, plotTop);
    context.lineTo(Math.round(x) + 0.5, plotBottom);
    context.stroke();
    context.setLineDash([]);
    // A pointer under the axis: the marker's shape, not only its colour, differs from a bar.
    context.fillStyle = colours.current;
    context.beginPath();
    context.moveTo(x, plotBottom + 2);
    context.lineTo(x - 4, plotBottom + 8);
    context.lineTo(x + 4, plotBottom + 8);
    context.fill();
    context.fillStyle = colours.text;
    context.textBaseline = 'bottom';
    context.textAlign = 'left';
    context.fillText('1', plotLeft, cssHeight - 1);
    context.textAlign = 'right';
    context.fillText(String(count), plotLeft + plotWidth, cssHeight - 1);
    context.textAlign = x < plotLeft + plotWidth / 2 ? 'left' : 'right';
    context.fillStyle = colours.current;
    context.fillText(`slice ${sliceNumber(current)}`, x + (x < plotLeft + plotWidth / 2 ? 6 : -6), cssHeight - 1);
    // For tests and debugging: what is plotted and which slices are gaps.
    this.canvas.dataset['series'] = data.name;
    this.canvas.dataset['lines'] = (data.lines ?? []).map((l) => l.name).join(',');
    this.canvas.dataset['gaps'] = gaps.join(',');
    this.canvas.dataset['yMax'] = String(high);
    this.canvas.dataset['yMin'] = String(low);
    const value = valueAt(current);
    this.canvas.setAttribute('aria-label',
      `${data.name} per slice for ${count} slices; slice ${sliceNumber(current)} ${value === undefined || value === null ? 'has no value' : `scores ${format(value)}`}`);
  }
}
