/**
 * Text renderings of `compare --versus` (issue #12). CSV: `compare --format csv` rows of A, of B
 * and of the difference B − A, told apart by a first `model` column (A, B, B-A; counts blank on
 * difference rows). Table: per label, the volume losses and metrics of A, B and Δ side by side.
 */
import { LOSS_IDS } from '../kernels/lossIds';
import type { MetricId } from '../kernels/metricIds';
import { formatLoss } from '../format';
import { lossName, METRIC_NAMES, metricDisplayValue, metricName, metricUnit, quantityGeometry, spacingKnownFor, withUnit } from '../quantityNames';
import type { VersusResult } from './difference';
import { csvField } from '../csv';
import { metricColumns, resultToCsv } from './formatResult';


export function versusToCsv(v: VersusResult): string {
  const a = resultToCsv(v).trimEnd().split('\n');
  const b = resultToCsv(v.versus).trimEnd().split('\n');
  const header = a[0]!;
  const columns = header.split(',');
  const lines = [`model,${header}`, ...a.slice(1).map((l) => `A,${l}`), ...b.slice(1).map((l) => `B,${l}`)];
  const metricIds = metricColumns(v.metricSettings?.level);
  const multi = v.difference.multiclass;
  const countCells = columns.slice(2, columns.indexOf(LOSS_IDS[0])).map(() => '');
  for (const label of v.difference.labels) {
    const metricCells = (m: Record<string, number | null> | undefined) =>
      metricIds.length ? [...metricIds.map((id) => m?.[id] ?? null), ''] : [];
    for (const s of label.slices) {
      const softmax = multi ? multi.slices.find((x) => x.index === s.index)?.losses.lovaszSoftmax ?? null : null;
      lines.push(['B-A', String(label.label), s.index, ...countCells, ...LOSS_IDS.map((id) => s.losses[id] ?? null), softmax,
        ...metricCells(s.metrics)].map(csvField).join(','));
    }
    lines.push(['B-A', String(label.label), 'volume', ...countCells, ...LOSS_IDS.map((id) => label.volume[id] ?? null),
      multi ? multi.volume.lovaszSoftmax : null, ...metricCells(label.metrics)].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

/** The one number rule (core/format), 'n/a' for an undefined value, a sign on differences. */
function fmt(v: number | null | undefined, signed = false): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  const text = formatLoss(v);
  return signed && v > 0 ? `+${text}` : text;
}

/** Per label: one row per loss and metric, columns A, B, Δ (B − A). Slices: see --format json/csv. */
export function versusToTable(v: VersusResult): string {
  const out = [`prediction A  ${v.prediction}`, `prediction B  ${v.versus.prediction}`, `label         ${v.label}`,
    `shape         ${v.shape.join(' × ')}   axis ${v.axis}   kind A ${v.predictionKind}, B ${v.versus.predictionKind}`];
  const bByLabel = new Map(v.versus.labels.map((l) => [String(l.label), l]));
  const geometry = quantityGeometry(v.shape, [v.spacing[0] ?? 1, v.spacing[1] ?? 1, v.spacing[2] ?? 1], spacingKnownFor(v.prediction));
  // Human names and display units (quantityNames), as the single-prediction table; JSON/CSV keep the ids.
  const shown = (id: MetricId, x: number | null | undefined) => (x === null || x === undefined ? x : metricDisplayValue(id, x, geometry));
  for (const d of v.difference.labels) {
    const la = v.labels.find((l) => String(l.label) === String(d.label));
    const lb = bByLabel.get(String(d.label));
    const rows: string[][] = [['quantity', 'A', 'B', 'Δ (B − A)']];
    for (const id of LOSS_IDS) rows.push([lossName(id), fmt(la?.volume[id]), fmt(lb?.volume[id]), fmt(d.volume[id], true)]);
    for (const [key, delta] of Object.entries(d.metrics ?? {})) {
      const id = key as MetricId;
      const get = (m: unknown) => (m as Record<string, number | null> | undefined)?.[id] ?? null;
      // Lesion counts are whole numbers: no decimals.
      const f = METRIC_NAMES[id].kind === 'count'
        ? (x: number | null | undefined, signed = false) => (x === null || x === undefined ? 'n/a' : `${signed && x > 0 ? '+' : ''}${x}`) : fmt;
      rows.push([withUnit(metricName(id, geometry), metricUnit(id, geometry)), f(shown(id, get(la?.metrics))), f(shown(id, get(lb?.metrics))),
        f(shown(id, delta), true)]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    out.push('', `label ${d.label}: volume (per-slice values: --format json or csv)`);
    for (const r of rows) out.push(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  }
  const m = v.difference.multiclass;
  if (m) out.push('', `${lossName('lovaszSoftmax')}: A ${fmt(v.multiclass?.volume.lovaszSoftmax)}  B ${fmt(v.versus.multiclass?.volume.lovaszSoftmax)}  Δ ${fmt(m.volume.lovaszSoftmax, true)}`);
  return out.join('\n') + '\n';
}
