/**
 * report.html: one self-contained page (no remote resource, no other file): settings and plan,
 * per-label summary, a distribution plot per loss (inline SVG), and a sortable table of every
 * case × label with its Dice-loss-per-slice sparkline (SVG) and worst-slice thumbnails (PNG data:
 * URIs). Written in pieces (start, rows per case, end) so a large report streams to disk.
 *
 * For the extension's webview: `nonce` goes on the <style> and <script> tags (strict CSP; images
 * need `img-src data:`); rows and thumbnails carry data-case / data-slice / data-axis, and a click
 * posts {type: 'openCase', case, slice, axis, label} (label: the row's data-label, or null) when
 * acquireVsCodeApi exists (a no-op in a browser).
 *
 * Triage marks: `marks` (HtmlOptions) are embedded as a JSON block the page script applies on
 * load; in the extension's webview the page also says {type: 'ready'} and applies every
 * {type: 'marks', marks} the host posts. A marked thumbnail gets a coloured frame (reviewed,
 * flagged) and its note as tooltip; a case's name cell shows how many of its slices are reviewed
 * (✓), flagged (⚑) and noted (✎) — drawn with CSS, so sorting by case is unaffected. In the
 * webview, thumbnails and rows also carry data-vscode-context for the webview context menu.
 */
import { escapeHtml } from '../escape';
import type { Axis, CompareResult } from '../analysis/result';
import { LOSS_IDS, type LossParams } from '../kernels/lossIds';
import { METRIC_NAMES } from '../quantityNames';
import type { CaseSummary, ReportHeader, ReportSummary } from './reportModel';
import { mean, median } from './reportModel';
import { OVERLAY_COLOURS, type Thumbnail } from './thumbnails';
import {
  lossParameterRows, metricSettingsText, reportLossName, reportLossShort, reportMetricName, reportMetricShort, reportMetricValue,
  type ReportGeometry,
} from './reportNames';

/** A triage mark of one slice of a case (a report's view of .mask-inspector/triage.json). */
export interface ReportSliceMark {
  readonly case: string;
  readonly axis: Axis;
  readonly slice: number;
  readonly reviewed: boolean;
  readonly flagged: boolean;
  readonly note?: string;
}

export interface HtmlOptions {
  /** CSP nonce for the inline <style> and <script>. */
  readonly nonce?: string;
  /** Triage marks to show (see the file comment). */
  readonly marks?: readonly ReportSliceMark[];
}


export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e9) return String(v);
  return a >= 1e-3 && a < 1e5 ? v.toPrecision(4) : v.toExponential(2);
}

function nonceAttr(o: HtmlOptions): string {
  return o.nonce ? ` nonce="${escapeHtml(o.nonce)}"` : '';
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #ffffff; --muted: #666; --line: #d0d0d0; --accent: #0072B2; --bad: #D55E00; --hover: rgba(127,127,127,.12); --font: system-ui, sans-serif; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e6e6; --bg: #1e1e1e; --muted: #9a9a9a; --line: #444; --accent: #56B4E9; --bad: #f48771; } }
/* In VS Code's webview (its body carries vscode-light/-dark/-high-contrast and the theme's --vscode-* colours): the editor's theme, not the OS's. */
body.vscode-light, body.vscode-dark, body.vscode-high-contrast, body.vscode-high-contrast-light {
  --fg: var(--vscode-editor-foreground); --bg: var(--vscode-editor-background); --muted: var(--vscode-descriptionForeground);
  --line: var(--vscode-editorWidget-border, var(--vscode-panel-border, rgba(127,127,127,.35))); --accent: var(--vscode-textLink-foreground);
  --bad: var(--vscode-errorForeground); --hover: var(--vscode-list-hoverBackground); --font: var(--vscode-font-family);
}
body.vscode-dark, body.vscode-high-contrast { color-scheme: dark; } body.vscode-light, body.vscode-high-contrast-light { color-scheme: light; }
body.vscode-high-contrast td, body.vscode-high-contrast th { border-color: var(--vscode-contrastBorder, var(--line)); }
body { font: 13px/1.4 var(--font); color: var(--fg); background: var(--bg); margin: 16px; padding: 0; }
h1 { font-size: 18px; margin: 0 0 8px; } h2 { font-size: 15px; margin: 20px 0 6px; }
.muted { color: var(--muted); } .banner { padding: 6px 10px; border: 1px solid var(--bad); color: var(--bad); margin: 8px 0; }
table { border-collapse: collapse; } td, th { padding: 2px 6px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; vertical-align: middle; }
td.t, th.t { text-align: left; } th[data-sort] { cursor: pointer; user-select: none; } th[data-sort]:hover { color: var(--accent); }
th.group { text-align: center; font-weight: normal; color: var(--muted); border-bottom: none; }
td.error { white-space: normal; text-align: left; }
table.summary td:nth-child(3n+1) { border-right: 1px solid var(--line); }
th.asc::after { content: " ▲"; } th.desc::after { content: " ▼"; }
#cases tbody tr[data-case] { cursor: pointer; } #cases tbody tr:hover { background: var(--hover); }
.failed td { color: var(--bad); }
/* Thumbnails at their own size and aspect: VS Code's webview shrinks every img to max-width 100% of its cell. */
td.thumbs { white-space: nowrap; } .thumbs img { margin-right: 4px; image-rendering: pixelated; border: 1px solid var(--line); vertical-align: middle; cursor: pointer; max-width: none; max-height: none; flex: none; }
td.spark { min-width: 180px; } td.spark svg { display: block; max-width: none; overflow: hidden; color: var(--muted); }
table.params td:first-child { color: var(--muted); } table.params td { border-bottom: none; padding: 1px 6px; }
table.summary tr.section td { font-weight: 600; text-align: left; border-bottom: 1px solid var(--line); padding-top: 8px; }
.plots { display: flex; flex-wrap: wrap; gap: 12px; } .plot { border: 1px solid var(--line); padding: 4px; }
.plot text { font-size: 10px; fill: var(--muted); } .plot .title { font-size: 11px; fill: var(--fg); }
.swatch { display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 10px; vertical-align: middle; }
.swatch.tp { background: ${OVERLAY_COLOURS.tp}; } .swatch.fp { background: ${OVERLAY_COLOURS.fp}; } .swatch.fn { background: ${OVERLAY_COLOURS.fn}; }
details { margin: 4px 0; } code { font-size: 12px; }
.thumbs img.mi-reviewed { border: 2px solid #009E73; } .thumbs img.mi-flagged { border: 2px solid #D55E00; }
td[data-marks]::after { content: " " attr(data-marks); color: var(--muted); font-size: 11px; }
.scroll { overflow-x: auto; }
`;

const SCRIPT = `
(function () {
  var api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
  function value(row, col) {
    var cell = row.children[col];
    if (!cell) return null;
    var v = cell.getAttribute('data-v');
    if (v === null) return cell.textContent || '';
    return v === '' ? null : Number(v);
  }
  function sortBy(th) {
    var table = th.closest('table'), body = table.tBodies[0];
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var desc = th.classList.contains('asc');
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.classList.remove('asc', 'desc'); });
    th.classList.add(desc ? 'desc' : 'asc');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, col), y = value(b, col);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
      return desc ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function applyMarks(marks) {
    var byCase = {};
    (Array.isArray(marks) ? marks : []).forEach(function (m) {
      var list = byCase[m.case] || (byCase[m.case] = {});
      list[m.axis + ':' + m.slice] = m;
    });
    Array.prototype.forEach.call(document.querySelectorAll('img[data-case][data-slice]'), function (img) {
      var m = (byCase[img.getAttribute('data-case')] || {})[img.getAttribute('data-axis') + ':' + img.getAttribute('data-slice')];
      if (!img.hasAttribute('data-title')) img.setAttribute('data-title', img.getAttribute('title') || '');
      img.classList.toggle('mi-reviewed', !!(m && m.reviewed && !m.flagged));
      img.classList.toggle('mi-flagged', !!(m && m.flagged));
      var extra = m ? (m.reviewed ? ' · reviewed' : '') + (m.flagged ? ' · flagged' : '') + (m.note ? ' · note: ' + m.note : '') : '';
      img.setAttribute('title', img.getAttribute('data-title') + extra);
    });
    Array.prototype.forEach.call(document.querySelectorAll('#cases tbody tr[data-case]'), function (row) {
      var list = byCase[row.getAttribute('data-case')] || {};
      var r = 0, f = 0, n = 0;
      Object.keys(list).forEach(function (k) { if (list[k].reviewed) r++; if (list[k].flagged) f++; if (list[k].note) n++; });
      var text = (r ? '✓' + r + ' ' : '') + (f ? '⚑' + f + ' ' : '') + (n ? '✎' + n : '');
      var cell = row.children[0];
      if (!cell) return;
      if (text) cell.setAttribute('data-marks', text.trim()); else cell.removeAttribute('data-marks');
    });
  }
  var embedded = document.getElementById('mi-marks');
  if (embedded) { try { applyMarks(JSON.parse(embedded.textContent || '[]')); } catch (e) { /* a hand-edited page: no marks */ } }
  if (api) {
    Array.prototype.forEach.call(document.querySelectorAll('[data-case]'), function (el) {
      var slice = el.getAttribute('data-slice');
      el.setAttribute('data-vscode-context', JSON.stringify({
        webviewSection: slice === null || slice === '' ? 'case' : 'slice', preventDefaultContextMenuItems: true,
        case: el.getAttribute('data-case'), slice: slice === null || slice === '' ? null : Number(slice), axis: el.getAttribute('data-axis'),
      }));
    });
    window.addEventListener('message', function (event) {
      var m = event.data;
      if (m && m.type === 'marks') applyMarks(m.marks);
    });
    api.postMessage({ type: 'ready' });
  }
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var th = target.closest('th[data-sort]');
    if (th) { sortBy(th); return; }
    if (!api) return;
    var el = target.closest('[data-case]');
    if (!el) return;
    var slice = el.getAttribute('data-slice');
    var row = el.closest('tr');
    api.postMessage({ type: 'openCase', case: el.getAttribute('data-case'), slice: slice === null || slice === '' ? null : Number(slice), axis: el.getAttribute('data-axis'), label: row ? row.getAttribute('data-label') : null });
  });
})();
`;

/** A histogram of `values` (20 bins) with the median marked, as inline SVG. */
export function distributionSvg(title: string, values: readonly number[]): string {
  const W = 260, H = 120, left = 8, right = 8, top = 30, bottom = 20;
  const pw = W - left - right, ph = H - top - bottom;
  const parts: string[] = [`<svg class="plot" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)} distribution">`];
  const m = median(values), a = mean(values);
  parts.push(`<text class="title" x="${left}" y="12">${escapeHtml(title)}</text>` +
    `<text x="${left}" y="24">n ${values.length} · mean ${fmt(a)} · median ${fmt(m)}</text>`);
  if (values.length > 0) {
    let lo = Infinity, hi = -Infinity;
    for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (hi === lo) { lo -= 0.5; hi += 0.5; }
    const bins = new Array<number>(20).fill(0);
    for (const v of values) bins[Math.min(19, Math.floor(((v - lo) / (hi - lo)) * 20))]!++;
    const top1 = bins.reduce((a, b) => Math.max(a, b), 0);
    bins.forEach((c, i) => {
      if (c === 0) return;
      const h = (c / top1) * ph;
      parts.push(`<rect x="${(left + (i * pw) / 20 + 0.5).toFixed(1)}" y="${(top + ph - h).toFixed(1)}" width="${(pw / 20 - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#0072B2"><title>${c}</title></rect>`);
    });
    if (m !== null) {
      const x = left + ((m - lo) / (hi - lo)) * pw;
      parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${top}" y2="${top + ph}" stroke="#D55E00" stroke-width="1.5"><title>median ${fmt(m)}</title></line>`);
    }
    parts.push(`<text x="${left}" y="${H - 6}">${fmt(lo)}</text><text x="${W - right}" y="${H - 6}" text-anchor="end">${fmt(hi)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Dice loss per slice, 0 … 1, empty slices as gaps; worst slices dotted. */
export function sparklineSvg(values: readonly (number | null)[], worst: readonly number[]): string {
  const W = 180, H = 34, n = values.length;
  const x = (i: number) => (n <= 1 ? W / 2 : (i / (n - 1)) * (W - 4) + 2);
  const y = (v: number) => H - 2 - Math.max(0, Math.min(1, v)) * (H - 4);
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) { pen = false; return; }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
    pen = true;
  });
  const dots = worst.map((i) => values[i] === null || values[i] === undefined ? ''
    : `<circle cx="${x(i).toFixed(1)}" cy="${y(values[i]!).toFixed(1)}" r="2.2" fill="#D55E00"><title>slice ${i + 1}: ${fmt(values[i])}</title></circle>`).join('');
  return `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="Dice loss per slice">` +
    `<line x1="0" x2="${W}" y1="${H - 2}" y2="${H - 2}" stroke="currentColor" stroke-opacity="0.25"/>` +
    `<path d="${d}" fill="none" stroke="#0072B2" stroke-width="1"/>${dots}</svg>`;
}

export interface HtmlColumns {
  /** Numeric volume metrics (issue #5) shown as columns, in order. */
  readonly metricKeys: readonly string[];
  readonly multiclass: boolean;
  /** Units of the report's metrics (reportNames.ts reportGeometry); default: 3D volumes in mm and mL. */
  readonly geometry?: ReportGeometry;
}

/**
 * nnU-Net's hard Dice at p ≥ 0.5 (summary `Dice`) is the same number as the `dice` metric at the
 * default threshold: shown once, as the metric, when metrics were computed.
 */
function showsNnunetDice(columns: HtmlColumns): boolean {
  return !columns.metricKeys.includes('dice');
}

function header(columns: HtmlColumns): string {
  const th = (label: string, t = false, title = '') => `<th data-sort${t ? ' class="t"' : ''}${title ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(label)}</th>`;
  const group = (label: string, span: number) => (span > 0 ? `<th colspan="${span}" class="group">${escapeHtml(label)}</th>` : '');
  const nnunetDice = showsNnunetDice(columns);
  const groups = '<tr>' + group('', 5) + group('at p ≥ 0.5', nnunetDice ? 4 : 3) + group('Losses (volume)', LOSS_IDS.length + (columns.multiclass ? 1 : 0)) +
    group('Metrics (volume)', columns.metricKeys.length) + group('', 1) + '</tr>';
  return groups + '<tr>' + [
    th('Case', true), th('Label', true), th('Status', true), '<th class="t">Worst slices</th>', '<th class="t">Dice loss per slice</th>',
    th('Slices', false, 'non-empty / all'), th('Label voxels', false, 'voxels of the label (n_ref)'),
    th('Predicted voxels', false, 'predicted voxels at p ≥ 0.5 (n_pred)'),
    ...(nnunetDice ? [th('Dice', false, 'hard Dice coefficient at p ≥ 0.5 (nnU-Net)')] : []),
    ...LOSS_IDS.map((id) => th(reportLossShort(id), false, reportLossName(id))),
    ...(columns.multiclass ? [th('Lovász softmax loss', false, 'Lovász softmax loss over all classes (per case)')] : []),
    ...columns.metricKeys.map((k) => th(reportMetricShort(k, columns.geometry), false, `${reportMetricName(k, columns.geometry)} of the volume`)),
    th('Time (s)', false, 'seconds to compute the case'),
  ].join('') + '</tr>';
}

function summaryTable(summary: ReportSummary, geometry: ReportGeometry | undefined): string {
  const labels = Object.keys(summary.mean);
  const get = (tree: unknown, label: string, path: readonly string[]): number | null => {
    let node = (tree as Record<string, unknown>)[label];
    for (const k of path) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined;
    return typeof node === 'number' ? node : null;
  };
  const metricNames = new Set<string>();
  for (const label of labels) {
    const m = ((summary.mean[label] as Record<string, unknown>)['metrics'] ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(m)) if (typeof m[k] !== 'object' || m[k] === null) metricNames.add(k);
  }
  // Losses, then metrics; nnU-Net's Dice only when there is no Dice metric (the same number twice otherwise).
  const rows: ([string, string[]] | string)[] = ['Losses', ...LOSS_IDS.map((id): [string, string[]] => [reportLossName(id), ['losses', id]])];
  rows.push('Metrics');
  if (!metricNames.has('dice')) rows.push(['Dice (p ≥ 0.5, nnU-Net)', ['Dice']]);
  const known = Object.keys(METRIC_NAMES).filter((k) => metricNames.has(k));
  for (const k of [...known, ...[...metricNames].filter((k) => !known.includes(k))]) rows.push([reportMetricName(k, geometry), ['metrics', k]]);
  const columns = labels.length * 3 + 1;
  const head = `<tr><th class="t" rowspan="2">Value</th>${labels.map((l) => `<th colspan="3" class="t">Label ${escapeHtml(l)}</th>`).join('')}</tr>` +
    `<tr>${labels.map(() => '<th>mean</th><th>median</th><th title="cases with a value (nulls: undefined)">n</th>').join('')}</tr>`;
  const body = rows.map((row) => {
    if (typeof row === 'string') return `<tr class="section"><td colspan="${columns}">${escapeHtml(row)}</td></tr>`;
    const [name, path] = row;
    const metric = path[0] === 'metrics' ? path[1]! : null;
    const show = (v: number | null) => fmt(metric !== null ? reportMetricValue(metric, v, geometry) : v);
    return `<tr><td class="t">${escapeHtml(name)}</td>${labels.map((l) => {
      const nulls = get(summary.nulls, l, path);
      return `<td>${show(get(summary.mean, l, path))}</td><td>${show(get(summary.median, l, path))}</td>` +
        `<td>${fmt(get(summary.count, l, path))}${nulls ? ` <span class="muted">(${nulls} null)</span>` : ''}</td>`;
    }).join('')}</tr>`;
  });
  if (summary.multiclass) {
    body.splice(1 + LOSS_IDS.length, 0, `<tr><td class="t">Lovász softmax loss (all classes)</td><td>${fmt(summary.multiclass.mean)}</td><td>${fmt(summary.multiclass.median)}</td><td>${summary.multiclass.count}</td></tr>`);
  }
  return `<table class="summary"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

export function htmlStart(
  head: ReportHeader, summary: ReportSummary, cases: readonly CaseSummary[], columns: HtmlColumns, options: HtmlOptions = {},
): string {
  const s = head.settings;
  const out: string[] = [];
  out.push(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`);
  out.push(`<title>Mask Inspector report — ${escapeHtml(s.predictionDir)}</title><style${nonceAttr(options)}>${STYLE}</style></head><body>`);
  out.push(`<h1>Mask Inspector report</h1>`);
  out.push(`<div class="muted">${escapeHtml(head.created)} · mask-inspector ${escapeHtml(head.tool.version)} · ${head.counts.computed} computed, ` +
    `${head.counts.failed} failed${head.counts.notRun ? `, ${head.counts.notRun} not run` : ''} of ${head.counts.planned} pairs · ${head.seconds.toFixed(1)} s</div>`);
  if (head.status === 'cancelled') {
    out.push(`<div class="banner">Cancelled: ${head.counts.notRun} case${head.counts.notRun === 1 ? ' was' : 's were'} not computed (${head.notRun.map(escapeHtml).join(', ')}). The numbers below cover the finished cases only.</div>`);
  }
  if (head.counts.failed > 0) out.push(`<div class="banner">${head.counts.failed} case${head.counts.failed === 1 ? '' : 's'} failed; their errors are in the table.</div>`);
  out.push('<h2>Settings</h2><table><tbody>');
  const setting = (k: string, v: string) => out.push(`<tr><td class="t">${escapeHtml(k)}</td><td class="t"><code>${escapeHtml(v)}</code></td></tr>`);
  setting('predictions', s.predictionDir);
  setting('labels', s.labelDir);
  setting('pairing', `${s.pairing.mode}${s.pairing.requested === 'auto' ? ' (auto)' : ''}`);
  setting('prediction kind', s.kind);
  setting('axis', s.axis);
  setting('metrics', metricSettingsText(s.metrics));
  out.push('</tbody></table>');
  out.push(`<details><summary>Loss parameters</summary><table class="params"><tbody>${
    lossParameterRows(s.lossParams as LossParams).map(([name, value]) => `<tr><td class="t">${escapeHtml(name)}</td><td>${escapeHtml(value)}</td></tr>`).join('')
  }</tbody></table></details>`);
  const fileList = (title: string, files: readonly { name: string; reason: string }[]) => {
    if (files.length === 0) return;
    out.push(`<details><summary>${escapeHtml(title)} (${files.length})</summary><ul>${files.map((f) => `<li><code>${escapeHtml(f.name)}</code>: ${escapeHtml(f.reason)}</li>`).join('')}</ul></details>`);
  };
  fileList('unmatched predictions', head.plan.unmatchedPredictions);
  fileList('unmatched labels', head.plan.unmatchedLabels);
  fileList('ignored files', head.plan.ignored);

  out.push('<h2>Summary over cases</h2>');
  out.push(summaryTable(summary, columns.geometry));
  out.push('<h2>Distribution of the volume losses over cases</h2><div class="plots">');
  const rows = cases.filter((c) => c.status === 'done').flatMap((c) => c.labels);
  for (const id of LOSS_IDS) out.push(distributionSvg(reportLossName(id), rows.map((l) => l.values.losses[id]!)));
  if (columns.multiclass) out.push(distributionSvg('Lovász softmax loss', cases.map((c) => c.lovaszSoftmax).filter((v): v is number => v !== null)));
  out.push('</div>');
  out.push(`<h2>Cases</h2><div class="muted">Click a column to sort. Thumbnails: the worst slices by Dice loss along axis ${escapeHtml(s.axis)},` +
    '<span class="swatch tp"></span>TP<span class="swatch fp"></span>FP<span class="swatch fn"></span>FN (p ≥ 0.5).</div>');
  out.push(`<div class="scroll"><table id="cases"><thead>${header(columns)}</thead><tbody>\n`);
  return out.join('\n');
}

function num(v: number | null | undefined): string {
  return `<td data-v="${v === null || v === undefined || !Number.isFinite(v) ? '' : v}">${fmt(v)}</td>`;
}

/** The table rows of one case (one per label; one for a failed or not-run case). */
export function htmlCaseRows(
  c: CaseSummary, result: CompareResult | null, thumbnails: readonly Thumbnail[], columns: HtmlColumns, axis: Axis,
): string {
  const caseAttr = escapeHtml(c.case);
  const span = 4 + (showsNnunetDice(columns) ? 1 : 0) + LOSS_IDS.length + (columns.multiclass ? 1 : 0) + columns.metricKeys.length + 2;
  if (c.status !== 'done') {
    const why = c.status === 'notRun' || !c.error ? 'not run: the report was cancelled' : `${c.error.file ? `${c.error.file}: ` : ''}${c.error.message}`;
    return `<tr class="failed" data-case="${caseAttr}" data-slice="" data-axis="${axis}"><td class="t">${caseAttr}</td><td class="t"></td>` +
      `<td class="t">${c.status}</td><td class="t error" colspan="${span}" data-v="">${escapeHtml(why)}</td></tr>\n`;
  }
  return c.labels.map((l) => {
    const v = l.values;
    const worst = l.worstSlices[0];
    const label = result?.labels.find((r) => r.label === l.label);
    const spark = label ? sparklineSvg(label.slices.map((s) => (s.empty ? null : s.losses.dice)), l.worstSlices) : '';
    const thumbs = thumbnails.filter((t) => t.label === l.label).map((t) =>
      `<img src="${t.png}" width="${t.width}" height="${t.height}" alt="slice ${t.slice + 1}" title="slice ${t.slice + 1}: Dice loss ${fmt(t.dice)}" ` +
      `data-case="${caseAttr}" data-slice="${t.slice}" data-axis="${axis}">`).join('');
    const metrics = v.metrics ?? {};
    const warn = c.warnings.length > 0 ? ` title="${escapeHtml(c.warnings.join('\n'))}"` : '';
    return `<tr data-case="${caseAttr}" data-slice="${worst ?? ''}" data-axis="${axis}" data-label="${escapeHtml(String(l.label))}">` +
      `<td class="t"${warn}>${caseAttr}${c.warnings.length > 0 ? ' ⚠' : ''}</td><td class="t">${escapeHtml(l.name !== undefined ? `${l.label} ${l.name}` : String(l.label))}</td><td class="t">done</td>` +
      `<td class="t thumbs">${thumbs}</td><td class="t spark">${spark}</td>` +
      `<td data-v="${l.slices - l.emptySlices}">${l.slices - l.emptySlices}/${l.slices}</td>` +
      num(v.n_ref) + num(v.n_pred) + (showsNnunetDice(columns) ? num(v.Dice) : '') +
      LOSS_IDS.map((id) => num(v.losses[id])).join('') +
      (columns.multiclass ? num(c.lovaszSoftmax) : '') +
      columns.metricKeys.map((k) => num(reportMetricValue(k, typeof metrics[k] === 'number' ? metrics[k] as number : null, columns.geometry))).join('') +
      num(c.seconds === null ? null : Math.round(c.seconds * 10) / 10) + '</tr>\n';
  }).join('');
}

/** JSON inside a <script type="application/json"> block: nothing in it can close the tag. */
function embeddedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function htmlEnd(options: HtmlOptions = {}): string {
  const marks = options.marks && options.marks.length > 0
    ? `<script type="application/json" id="mi-marks">${embeddedJson(options.marks)}</script>\n` : '';
  return `</tbody></table></div>\n${marks}<script${nonceAttr(options)}>${SCRIPT}</script></body></html>\n`;
}
