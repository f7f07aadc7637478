/**
 * Table of slices: every loss, the voxel counts and the evaluation metrics (once they arrive),
 * under a row of group headings; sortable by any column (a new column starts worst-first, null
 * metrics last either way), current row highlighted, click (or ↑/↓/Home/End while focused) to go
 * to a slice. Only the rows in view are in the DOM, so 1000 slices cost what 40 do.
 */
import type { SliceRow } from '../src/core/analysis/result';
import { LOSS_IDS } from '../src/core/kernels/lossIds';
import { disagreements } from '../src/core/analysis/conventionStrip';
import { CONVENTION_LOSS_IDS, CONVENTION_LOSS_LABELS, CONVENTIONS } from '../src/core/kernels/conventions/conventionIds';
import type { MetricId, Metrics } from '../src/core/kernels/metricIds';
import type { SliceMark } from '../src/core/protocol';
import { lossName, lossShort, sliceNumber, VOLUME_GEOMETRY, type QuantityGeometry } from '../src/core/quantityNames';
import { el, formatCount, formatLoss, onResize } from './dom';
import { formatMetricFor, METRIC_INFO, metricHeading, metricTitle, metricValue, nullReason } from './metricInfo';

export interface TableData {
  readonly rows: readonly SliceRow[];
  /** Lovasz-Softmax per slice index, when the pair is multi-class. */
  readonly multiclassByIndex: readonly (number | undefined)[] | null;
  /** Metrics per slice index (slices[i] is slice i), once they arrived; null before or without. */
  readonly metrics: readonly Metrics[] | null;
  /** The metric columns to show (those the level computes). */
  readonly metricIds: readonly MetricId[];
  readonly current: number;
  readonly markAt: (index: number) => SliceMark | undefined;
  readonly marksVersion: number;
  /** Names and units of the metric columns (2D: areas; unknown spacing: px). */
  readonly geometry?: QuantityGeometry;
  /** Three-way editor: A, B and Δ (B − A) columns of the chosen quantity, after the slice. */
  readonly versus?: VersusColumns;
}

export interface VersusColumns {
  /** Changes when the quantity (or its values) change: the columns are rebuilt then. */
  readonly key: string;
  readonly name: string;
  readonly a: (index: number) => number | null;
  readonly b: (index: number) => number | null;
  readonly format: (value: number | null) => string;
  /** How much B loses on a slice (positive: B worse), NaN when unknown: Δ sorts by it, B's worst first. */
  readonly bLoses: (index: number) => number;
  /** Whether a higher value is worse (A and B sort worst first). */
  readonly higherIsWorse: boolean;
}

/** The table's sort, kept in the webview's state so hiding and showing the tab keeps it. */
export interface TableSort {
  readonly key: string;
  readonly descending: boolean;
}

type Group = 'Slice' | 'A vs B' | 'Losses' | 'Voxels' | 'Metrics' | 'Conventions';

interface Column {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly group: Group;
  /** NaN sorts last in either direction. */
  readonly value: (row: SliceRow, data: TableData) => number;
  readonly format: (value: number, row: SliceRow, data: TableData) => string;
  /** Whether a first click sorts descending: worst first (the slice index: ascending). */
  readonly firstDescending: boolean;
  /** A cell's tooltip (why a metric is null). */
  readonly tooltip?: (row: SliceRow, data: TableData) => string | null;
}

/** Must match `.mi-table tbody tr` height in media/editor.css. */
const ROW_HEIGHT = 22;
const OVERSCAN = 8;

const markValue = (row: SliceRow, data: TableData): number => {
  const mark = data.markAt(row.index);
  return (mark?.flagged === true ? 2 : 0) + (mark?.reviewed === true ? 1 : 0);
};

/** Table key of a metric column (metric ids such as `dice` are loss ids too). */
export function metricColumnKey(id: MetricId): string {
  return `metric:${id}`;
}

function metricColumn(id: MetricId, geometry: QuantityGeometry): Column {
  const info = METRIC_INFO[id];
  const valueOf = (row: SliceRow, data: TableData): number | null => metricValue(data.metrics?.[row.index], id);
  const direction = info.better === 'higher' ? 'higher is better' : info.better === 'lower' ? 'lower is better'
    : info.better === 'zero' ? 'closer to 0 is better' : '';
  return {
    key: metricColumnKey(id), title: metricHeading(id, geometry), group: 'Metrics',
    description: `${metricTitle(id, geometry)}, 2D in the slice${direction ? `; ${direction}` : ''}`,
    value: (row, data) => valueOf(row, data) ?? Number.NaN,
    format: (_v, row, data) => formatMetricFor(id, valueOf(row, data), geometry),
    // Worst first: the lowest Dice-like score, the largest distance.
    firstDescending: info.better !== 'higher',
    tooltip: (row, data) => nullReason(data.metrics?.[row.index], id),
  };
}

function versusColumns(v: VersusColumns | undefined): Column[] {
  if (v === undefined) return [];
  const side = (key: string, title: string, at: (index: number) => number | null): Column => ({
    key, title, description: `${v.name}, ${title}`, group: 'A vs B', value: (row) => at(row.index) ?? Number.NaN,
    format: (_value, row) => v.format(at(row.index)), firstDescending: v.higherIsWorse,
  });
  const difference = (index: number): number | null => {
    const a = v.a(index), b = v.b(index);
    return a === null || b === null ? null : b - a;
  };
  return [
    side('versus:a', 'A', v.a),
    side('versus:b', 'B', v.b),
    {
      key: 'versus:delta', title: 'Δ', description: `${v.name}, B − A; sorted by how much B loses (first click: where B loses most)`,
      group: 'A vs B', value: (row) => v.bLoses(row.index),
      format: (_value, row) => {
        const d = difference(row.index);
        return d === null ? '—' : `${d > 0 ? '+' : d < 0 ? '−' : '±'}${v.format(Math.abs(d))}`;
      },
      firstDescending: true,
    },
  ];
}

/**
 * Issue 11: a sortable column per library loss id the rows carry (settings maskInspector.losses.*),
 * and "Disagree", the number of named losses whose conventions disagree in kind in the slice
 * (sorted worst-first, the slices where the conventions disagree come first).
 */
function conventionColumns(rows: readonly SliceRow[]): Column[] {
  const first = rows[0]?.losses as Readonly<Record<string, number>> | undefined;
  if (first === undefined) return [];
  const ids = CONVENTION_LOSS_IDS.filter((id) => id in first);
  if (ids.length === 0) return [];
  const conventions = CONVENTIONS.filter((c) => c === 'seed' || ids.some((id) => id.startsWith(`${c}.`)));
  const why = (row: SliceRow) => disagreements(row.losses, [], conventions);
  return [
    ...ids.map((id): Column => ({ key: id, title: id, description: `${CONVENTION_LOSS_LABELS[id]} (${id})`, group: 'Conventions',
      value: (row) => (row.losses as Readonly<Record<string, number>>)[id] ?? Number.NaN, format: (v) => formatLoss(v), firstDescending: true })),
    { key: 'conventions:disagree', title: 'Disagree', description: 'Named losses whose conventions disagree in kind in this slice',
      group: 'Conventions', value: (row) => why(row).length, format: (v) => (v > 0 ? `⚠ ${v}` : ''), firstDescending: true,
      tooltip: (row) => why(row).join('\n') || null },
  ];
}

function columns(
  multiclass: boolean, metricIds: readonly MetricId[], geometry: QuantityGeometry = VOLUME_GEOMETRY, rows: readonly SliceRow[] = [],
  versus?: VersusColumns,
): Column[] {
  const count = (key: 'labelVoxels' | 'predictedVoxels' | 'tp' | 'fp' | 'fn', title: string, description: string): Column =>
    ({ key, title, description, group: 'Voxels', value: (row) => row[key], format: (v) => formatCount(v), firstDescending: true });
  return [
    { key: 'index', title: 'Slice', description: 'Slice number, from 1 (∅: empty slice)', group: 'Slice', value: (row) => row.index,
      format: (v, row) => `${sliceNumber(v)}${row.empty ? ' ∅' : ''}`, firstDescending: false },
    { key: 'marks', title: 'Marks', description: 'Reviewed (✓) and flagged (⚑)', group: 'Slice', value: markValue,
      format: (v) => `${(v & 1) !== 0 ? '✓' : ''}${(v & 2) !== 0 ? '⚑' : ''}`, firstDescending: true },
    ...versusColumns(versus),
    ...LOSS_IDS.map((id): Column => ({ key: id, title: lossShort(id), description: lossName(id), group: 'Losses',
      value: (row) => row.losses[id], format: (v) => formatLoss(v), firstDescending: true })),
    ...(multiclass ? [{ key: 'lovaszSoftmax', title: lossShort('lovaszSoftmax'), description: `${lossName('lovaszSoftmax')} (multi-class)`, group: 'Losses' as const,
      value: (row: SliceRow, data: TableData) => data.multiclassByIndex?.[row.index] ?? Number.NaN, format: (v: number) => formatLoss(v),
      firstDescending: true }] : []),
    count('labelVoxels', 'Label', 'Label voxels'),
    count('predictedVoxels', 'Predicted', 'Predicted voxels (p ≥ 0.5)'),
    count('tp', 'TP', 'True positives'),
    count('fp', 'FP', 'False positives'),
    count('fn', 'FN', 'False negatives'),
    ...metricIds.map((id) => metricColumn(id, geometry)),
    ...conventionColumns(rows),
  ];
}

export class SliceTable {
  readonly element: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly head: HTMLTableSectionElement;
  private readonly body: HTMLTableSectionElement;
  private columns: Column[] = columns(false, []);
  private sort: { key: string; descending: boolean } = { key: 'index', descending: false };
  private data: TableData | null = null;
  /** Positions into data.rows in display order. */
  private order: number[] = [];
  private positionOfIndex = new Map<number, number>();
  private renderedKey = '';
  private readonly rowsByIndex = new Map<number, HTMLTableRowElement>();

  constructor(private readonly onNavigate: (index: number) => void, private readonly onSort: (sort: TableSort) => void = () => undefined) {
    this.head = el('thead');
    this.body = el('tbody');
    this.table = el('table', { role: 'grid', tabindex: 0, 'aria-label': 'Slices with their losses, voxel counts and metrics' }, this.head, this.body);
    this.element = el('div', { class: 'mi-table' }, this.table);
    this.element.addEventListener('scroll', () => this.renderBody(false));
    onResize(this.element, () => this.renderBody(false));
    this.body.addEventListener('click', (event) => {
      const row = (event.target as Element).closest('tr[data-index]');
      if (row !== null) this.onNavigate(Number(row.getAttribute('data-index')));
    });
    this.table.addEventListener('keydown', (event) => this.onKey(event));
  }

  update(data: TableData): void {
    const structureChanged = this.data?.rows !== data.rows || (this.data.multiclassByIndex === null) !== (data.multiclassByIndex === null) ||
      this.data.metrics !== data.metrics || this.data.metricIds.join() !== data.metricIds.join() || this.data.versus?.key !== data.versus?.key;
    const marksChanged = this.data?.marksVersion !== data.marksVersion;
    const currentChanged = this.data?.current !== data.current;
    this.data = data;
    if (structureChanged) {
      this.columns = columns(data.multiclassByIndex !== null, data.metrics === null ? [] : data.metricIds, data.geometry, data.rows, data.versus);
      // A restored sort on a metric column waits for the metrics instead of being dropped.
      const sortable = this.columns.some((c) => c.key === this.sort.key) || (this.sort.key.startsWith('metric:') && data.metrics === null);
      if (!sortable) this.sort = { key: 'index', descending: false };
      this.renderHead();
    }
    if (structureChanged || (marksChanged && this.sort.key === 'marks')) this.sortRows();
    this.renderBody(structureChanged || marksChanged);
    if (currentChanged || structureChanged) this.scrollToCurrent();
  }

  /** Sorts by a column: a new column starts worst-first (losses, counts and distances descending; Dice-like metrics ascending), the slice index ascending. */
  sortBy(key: string): void {
    const column = this.columns.find((c) => c.key === key);
    this.sort = this.sort.key === key ? { key, descending: !this.sort.descending } : { key, descending: column?.firstDescending ?? true };
    this.renderHead();
    this.sortRows();
    this.renderBody(true);
    this.scrollToCurrent();
    this.onSort(this.sort);
  }

  get currentSort(): TableSort {
    return this.sort;
  }

  /** Restores a saved sort (before or after the rows arrive). */
  restoreSort(sort: TableSort | null): void {
    if (sort === null) return;
    this.sort = { key: sort.key, descending: sort.descending };
    if (this.data === null) return;
    this.renderHead();
    this.sortRows();
    this.renderBody(true);
  }

  private renderHead(): void {
    const cells = this.columns.map((column) => {
      const sorted = this.sort.key === column.key;
      const arrow = el('span', { 'aria-hidden': 'true', class: 'mi-sort-arrow' }, sorted ? (this.sort.descending ? '▾' : '▴') : '');
      const button = el('button', { type: 'button', class: 'mi-sort', title: `${column.description}; click to sort` }, column.title, arrow);
      button.addEventListener('click', () => this.sortBy(column.key));
      return el('th', {
        scope: 'col', 'data-key': column.key,
        'aria-sort': sorted ? (this.sort.descending ? 'descending' : 'ascending') : 'none',
      }, button);
    });
    // Group headings (Losses, Voxels, Metrics) over runs of columns. The sticky first cell covers
    // the slice column only (not Marks too), and each heading's text sticks beside it, so a group
    // scrolled half out of view still says what it is.
    const groups: HTMLElement[] = [el('th', { class: 'mi-group-slice' })];
    for (let at = 1; at < this.columns.length;) {
      const group = this.columns[at]!.group;
      let span = 1;
      while (at + span < this.columns.length && this.columns[at + span]!.group === group) span++;
      groups.push(el('th', { scope: 'colgroup', colspan: span, class: `mi-group-${group.toLowerCase()}` },
        el('span', { class: 'mi-group-name' }, group === 'Slice' ? '' : group)));
      at += span;
    }
    this.head.replaceChildren(el('tr', { class: 'mi-groups', 'aria-rowindex': 1 }, ...groups), el('tr', { 'aria-rowindex': 2 }, ...cells));
  }

  private sortRows(): void {
    const data = this.data;
    if (data === null) return;
    const column = this.columns.find((c) => c.key === this.sort.key) ?? this.columns[0]!;
    const values = data.rows.map((row) => column.value(row, data));
    const sign = this.sort.descending ? -1 : 1;
    this.order = data.rows.map((_, position) => position).sort((a, b) => {
      const va = values[a]!;
      const vb = values[b]!;
      // NaN sorts last either way; equal values keep slice order.
      if (Number.isNaN(va) !== Number.isNaN(vb)) return Number.isNaN(va) ? 1 : -1;
      if (va !== vb && !Number.isNaN(va)) return sign * (va - vb);
      return data.rows[a]!.index - data.rows[b]!.index;
    });
    this.positionOfIndex = new Map(this.order.map((position, at) => [data.rows[position]!.index, at]));
  }

  /** Renders the rows in view; when the range and data are unchanged only the highlight moves. */
  private renderBody(force: boolean): void {
    const data = this.data;
    if (data === null) return;
    const total = this.order.length;
    const first = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(total, first + Math.ceil(this.element.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN);
    const key = `${first}:${last}:${total}`;
    if (force || key !== this.renderedKey) {
      this.renderedKey = key;
      this.rowsByIndex.clear();
      const rows: HTMLTableRowElement[] = [];
      for (let at = first; at < last; at++) rows.push(this.renderRow(data, data.rows[this.order[at]!]!, at));
      const spacer = (height: number): HTMLTableRowElement => {
        const tr = el('tr', { class: 'mi-spacer', 'aria-hidden': 'true' });
        tr.style.height = `${height}px`;
        return tr;
      };
      this.body.replaceChildren(spacer(first * ROW_HEIGHT), ...rows, spacer((total - last) * ROW_HEIGHT));
      this.table.setAttribute('aria-rowcount', String(total + 2));
    }
    for (const [index, tr] of this.rowsByIndex) {
      const current = index === data.current;
      tr.classList.toggle('mi-current', current);
      tr.setAttribute('aria-selected', String(current));
    }
    const currentRow = this.rowsByIndex.get(data.current);
    if (currentRow === undefined) this.table.removeAttribute('aria-activedescendant');
    else this.table.setAttribute('aria-activedescendant', currentRow.id);
  }

  private renderRow(data: TableData, row: SliceRow, position: number): HTMLTableRowElement {
    const cells = this.columns.map((column) => el('td', { title: column.tooltip?.(row, data) ?? undefined }, column.format(column.value(row, data), row, data)));
    const tr = el('tr', {
      id: `mi-row-${row.index}`, 'data-index': row.index, 'aria-rowindex': position + 3,
      class: row.empty ? 'mi-empty' : undefined,
    }, ...cells);
    this.rowsByIndex.set(row.index, tr);
    return tr;
  }

  private scrollToCurrent(): void {
    const position = this.data === null ? undefined : this.positionOfIndex.get(this.data.current);
    if (position === undefined) return;
    const headerHeight = this.head.getBoundingClientRect().height;
    const top = position * ROW_HEIGHT;
    const view = this.element;
    if (top < view.scrollTop) view.scrollTop = top;
    else if (top + ROW_HEIGHT > view.scrollTop + view.clientHeight - headerHeight) view.scrollTop = top + ROW_HEIGHT - view.clientHeight + headerHeight;
    this.renderBody(false);
  }

  /** ↑/↓ move through the table's own order, which may be sorted by a loss. */
  private onKey(event: KeyboardEvent): void {
    const data = this.data;
    if (data === null || this.order.length === 0) return;
    const at = this.positionOfIndex.get(data.current) ?? -1;
    const target = event.key === 'ArrowDown' ? at + 1 : event.key === 'ArrowUp' ? at - 1
      : event.key === 'Home' ? 0 : event.key === 'End' ? this.order.length - 1 : null;
    if (target === null) return;
    event.preventDefault();
    const clamped = Math.min(this.order.length - 1, Math.max(0, target));
    this.onNavigate(data.rows[this.order[clamped]!]!.index);
  }
}
