/**
 * The two-prediction section of report.html (issue #12), self-contained inline SVG (no network,
 * no script): per label, for the headline quantities, a paired scatter (A on x, B on y, one dot
 * per case, the diagonal y = x) and the per-case differences B − A as bars sorted from B's
 * largest loss to its largest gain; then the statistics table of every quantity (report.json
 * `versus.stats`). Colours: Okabe–Ito blue (B better) and vermillion (A better).
 */
import { LOSS_IDS } from '../kernels/lossIds';
import type { MetricId } from '../kernels/metricIds';
import { lossName, METRIC_NAMES, metricName, metricUnit, withUnit, type LossNameId } from '../quantityNames';
import { METRIC_PREFIX } from './reportIndex';
import { pairedDirection, type PairedStats } from './pairedStats';
import { escapeHtml } from '../escape';
import { fmt } from './reportHtml';
import type { CaseSummary } from './reportModel';
import { versusPoints, type ReportVersus, type VersusPoint } from './versusStats';

const B_BETTER = '#0072B2';
const A_BETTER = '#D55E00';
const NEUTRAL = '#999999';

/** The quantity's name from the one definition (quantityNames.ts): "Dice loss", "HD95 (mm)". */
function quantityTitle(q: string): string {
  if (q === 'lovaszSoftmax' || (LOSS_IDS as readonly string[]).includes(q)) return lossName(q as LossNameId);
  const metric = q.startsWith(METRIC_PREFIX) ? q.slice(METRIC_PREFIX.length) : q;
  return metric in METRIC_NAMES ? withUnit(metricName(metric as MetricId), metricUnit(metric as MetricId)) : q;
}

/** Which colour a difference gets: who is better by the quantity's direction. */
function colourOf(quantity: string, delta: number): string {
  const dir = pairedDirection(quantity);
  if (dir === null || delta === 0) return NEUTRAL;
  return (delta < 0) === (dir === 'lower') ? B_BETTER : A_BETTER;
}

type Pair = { case: string; a: number; b: number; slice: number | null };

function pairs(points: readonly VersusPoint[]): Pair[] {
  return points.filter((p): p is Pair => p.a !== null && p.b !== null);
}

/**
 * The report page's click handler opens the case from these attributes: in VS Code the three-way
 * editor at the slice where A and B differ most (empty: the case's worst slice).
 */
function caseAttrs(caseId: string, axis: string, slice: number | null): string {
  return `data-case="${escapeHtml(caseId)}" data-slice="${slice ?? ''}" data-axis="${escapeHtml(axis)}"`;
}

export function scatterSvg(title: string, quantity: string, points: readonly VersusPoint[], axis = 'k'): string {
  const W = 240, H = 240, pad = 30, top = 20;
  const ps = pairs(points);
  let lo = Infinity, hi = -Infinity;
  for (const p of ps) { lo = Math.min(lo, p.a, p.b); hi = Math.max(hi, p.a, p.b); }
  if (!(hi > lo)) { lo = (Number.isFinite(lo) ? lo : 0) - 0.5; hi = lo + 1; }
  const span = W - pad - 8;
  const x = (v: number) => pad + ((v - lo) / (hi - lo)) * span;
  const y = (v: number) => top + span - ((v - lo) / (hi - lo)) * span;
  const out = [`<svg class="plot" width="${W}" height="${H + 16}" viewBox="0 0 ${W} ${H + 16}" role="img" aria-label="${escapeHtml(title)}: A versus B per case">`,
    `<text class="title" x="4" y="12">${escapeHtml(title)} — A (x) vs B (y)</text>`,
    `<rect x="${pad}" y="${top}" width="${span}" height="${span}" fill="none" stroke="${NEUTRAL}" stroke-width="0.5"/>`,
    `<line x1="${x(lo)}" y1="${y(lo)}" x2="${x(hi)}" y2="${y(hi)}" stroke="${NEUTRAL}" stroke-dasharray="3 3"><title>A = B</title></line>`];
  for (const p of ps) {
    out.push(`<circle ${caseAttrs(p.case, axis, p.slice)} cx="${x(p.a).toFixed(1)}" cy="${y(p.b).toFixed(1)}" r="3" fill="${colourOf(quantity, p.b - p.a)}" fill-opacity="0.8">` +
      `<title>${escapeHtml(p.case)}: A ${fmt(p.a)}, B ${fmt(p.b)}</title></circle>`);
  }
  out.push(`<text x="${pad}" y="${top + span + 12}">${fmt(lo)}</text><text x="${pad + span}" y="${top + span + 12}" text-anchor="end">${fmt(hi)}</text>`,
    `<text x="4" y="${top + span + 26}">n ${ps.length}</text></svg>`);
  return out.join('');
}

export function deltaBarsSvg(title: string, quantity: string, points: readonly VersusPoint[], axis = 'k'): string {
  const ps = pairs(points).map((p) => ({ case: p.case, d: p.b - p.a, slice: p.slice })).sort((u, v) => v.d - u.d || (u.case < v.case ? -1 : 1));
  const W = 320, row = Math.max(2, Math.min(12, Math.floor(400 / Math.max(1, ps.length)))), top = 20;
  const H = top + ps.length * row + 8;
  const max = ps.reduce((m, p) => Math.max(m, Math.abs(p.d)), 0) || 1;
  const mid = W / 2;
  const out = [`<svg class="plot" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}: B − A per case, sorted">`,
    `<text class="title" x="4" y="12">${escapeHtml(title)} — Δ = B − A per case, sorted</text>`,
    `<line x1="${mid}" x2="${mid}" y1="${top}" y2="${H - 8}" stroke="${NEUTRAL}"/>`];
  ps.forEach((p, i) => {
    const w = (Math.abs(p.d) / max) * (mid - 8);
    out.push(`<rect ${caseAttrs(p.case, axis, p.slice)} x="${(p.d < 0 ? mid - w : mid).toFixed(1)}" y="${top + i * row}" width="${Math.max(0.5, w).toFixed(1)}" height="${Math.max(1, row - 1)}" ` +
      `fill="${colourOf(quantity, p.d)}"><title>${escapeHtml(p.case)}: Δ ${fmt(p.d)}</title></rect>`);
  });
  out.push('</svg>');
  return out.join('');
}

function statsRow(quantity: string, label: string, s: PairedStats): string {
  const num = (v: number | null | undefined) => `<td data-v="${v ?? ''}">${fmt(v)}</td>`;
  return `<tr><td class="t">${escapeHtml(quantityTitle(quantity))}</td><td class="t">${escapeHtml(label)}</td>` +
    `<td>${s.n}</td>${num(s.meanA)}${num(s.meanB)}${num(s.meanDiff)}${num(s.medianDiff)}` +
    `<td>${s.ci95 ? `[${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}]` : '–'}</td>` +
    `${num(s.wilcoxon?.statistic)}${num(s.wilcoxon?.p)}` +
    `<td>${s.wins ? `${s.wins.a} / ${s.wins.b} / ${s.wins.ties}` : '–'}</td></tr>`;
}

/** A legend swatch as SVG: a presentation attribute, not an inline style (the webview's CSP forbids those). */
function swatch(colour: string): string {
  return `<svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${colour}"/></svg> `;
}

/** The section: headline plots per label, then the full statistics table. */
export function versusSectionHtml(versus: ReportVersus, cases: readonly CaseSummary[], axis = 'k'): string {
  const out: string[] = [`<h2>Model A versus model B</h2><div class="muted">A: the predictions above; B: <code>${escapeHtml(versus.predictionsB)}</code>. ` +
    `Δ = B − A. ${swatch(B_BETTER)}B better ${swatch(A_BETTER)}A better ${swatch(NEUTRAL)}equal or no direction. A click on a dot or bar opens the case in the three-way editor at the slice where the models differ most (by Dice loss). Wilcoxon signed-rank as SciPy 1.10 <code>wilcoxon(d)</code>; CI: t interval of the mean Δ.</div>`];
  const missing = cases.filter((c) => c.status === 'missing A' || c.status === 'missing B');
  if (missing.length > 0) {
    out.push(`<div class="banner">${missing.length} label${missing.length === 1 ? ' has' : 's have'} a prediction in one folder only and ${missing.length === 1 ? 'is' : 'are'} not compared: ` +
      `${missing.map((c) => `${escapeHtml(c.case)} (${c.status})`).join(', ')}.</div>`);
  }
  const headline = ['dice', 'metrics.dice'].filter((q) => q in versus.stats);
  for (const label of Object.keys(versus.stats['dice'] ?? {})) {
    out.push(`<h3>label ${escapeHtml(label)}</h3><div class="plots">`);
    for (const q of headline) {
      const points = versusPoints(cases, q, label);
      out.push(scatterSvg(quantityTitle(q), q, points, axis), deltaBarsSvg(quantityTitle(q), q, points, axis));
    }
    out.push('</div>');
  }
  out.push('<h3>Paired statistics over cases</h3><div class="scroll"><table class="summary"><thead><tr><th class="t">quantity</th><th class="t">label</th><th>n</th>' +
    '<th>mean A</th><th>mean B</th><th>mean Δ</th><th>median Δ</th><th>95% CI of mean Δ</th><th>Wilcoxon T</th><th>p</th><th>wins A / B / ties</th></tr></thead><tbody>');
  for (const [q, byLabel] of Object.entries(versus.stats)) for (const [label, s] of Object.entries(byLabel)) out.push(statsRow(q, label, s));
  out.push('</tbody></table></div>');
  return out.join('\n');
}
