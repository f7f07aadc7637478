/** Text renderings of a CompareResult: CSV for spreadsheets, a table for terminals. */
import { csvField } from '../csv';
import { formatLoss } from '../format';
import { LOSS_IDS, type LossId } from '../kernels/lossIds';
import { lossName, lossShort, sliceNumber } from '../quantityNames';
import {
  LESION_METRIC_IDS, OVERLAP_METRIC_IDS, SURFACE_METRIC_IDS, type MetricId, type Metrics, type MetricsLevel,
} from '../kernels/metricIds';
import type { CompareResult, PredictionKind, SliceRow } from './result';
import { conventionColumnsOf, conventionTables, seedShown } from './formatConventions';

const COUNT_COLUMNS = ['labelVoxels', 'predictedVoxels', 'tp', 'fp', 'fn', 'empty'] as const;


/** Metric columns of a result, in output order (none when metrics are off). */
export function metricColumns(level: MetricsLevel | undefined): readonly MetricId[] {
  if (level === 'all') return [...OVERLAP_METRIC_IDS, ...SURFACE_METRIC_IDS, ...LESION_METRIC_IDS];
  if (level === 'overlap') return OVERLAP_METRIC_IDS;
  return [];
}

/** "hd95: label empty; assd: label empty" — the reasons of a row's null metrics. */
function reasonsText(m: Metrics): string {
  return Object.entries(m.undefinedReasons).map(([id, why]) => `${id}: ${why}`).join('; ');
}

/**
 * One row per label × slice, then one `volume` row per label (counts blank there). With metrics,
 * their columns follow as `metrics.<id>` (a null metric is an empty cell), then
 * `metrics.undefinedReasons` ("hd95: label empty; …").
 */
export function resultToCsv(result: CompareResult): string {
  const metricIds = metricColumns(result.metricSettings?.level);
  // Metric columns are named by their JSON path: the losses already have `dice` and `iou` columns.
  const metricHeader = metricIds.length ? [...metricIds, 'undefinedReasons'].map((id) => `metrics.${id}`) : [];
  const conv = conventionColumnsOf(result);
  const seedIds = seedShown(result) ? LOSS_IDS : [];
  const softmaxColumn = seedShown(result) ? ['lovaszSoftmax'] : [];
  const header = ['label', 'slice', ...COUNT_COLUMNS, ...seedIds, ...softmaxColumn, ...conv.header, ...metricHeader];
  const lines = [header.join(',')];
  const multi = result.multiclass;
  const metricCells = (m: Metrics | undefined) => (metricIds.length && m ? [...metricIds.map((id) => m[id]), reasonsText(m)] : []);
  for (const label of result.labels) {
    for (const row of label.slices) {
      const softmax = multi ? multi.slices[row.index]?.losses.lovaszSoftmax ?? '' : '';
      lines.push([label.label, row.index, ...COUNT_COLUMNS.map((c) => row[c]), ...seedIds.map((id) => row.losses[id]),
        ...softmaxColumn.map(() => softmax), ...conv.cells(label, row.index), ...metricCells(row.metrics)].map(csvField).join(','));
    }
    lines.push([label.label, 'volume', ...COUNT_COLUMNS.map(() => ''), ...seedIds.map((id) => label.volume[id]),
      ...softmaxColumn.map(() => (multi ? multi.volume.lovaszSoftmax : '')), ...conv.cells(label, null), ...metricCells(label.metrics)].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * A loss column's heading on two lines, read top to bottom: "Dice" over "loss" (quantityNames'
 * short name split before its last word), so the Dice loss is never mistaken for the Dice metric
 * of the lines above, and the table stays narrow enough for a terminal.
 */
function lossHeading(id: LossId): [string, string] {
  const name = lossShort(id);
  const cut = name.lastIndexOf(' ');
  return cut < 0 ? ['', name] : [name.slice(0, cut), name.slice(cut + 1)];
}


function formatRatio(v: number): string {
  return v === 0 || v === 1 ? String(v) : v.toFixed(4);
}

function formatMm(v: number): string {
  return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} mm`;
}

function formatMl(v: number): string {
  return `${v === 0 ? '0' : v < 100 ? v.toPrecision(4) : v.toFixed(1)} mL`;
}

/** What "predicted" means for the metrics, for the table. */
function predictedWhen(kind: PredictionKind, threshold: number): string {
  return kind === 'labels' ? 'prediction = label' : kind === 'logits' ? `sigmoid ≥ ${threshold}` : `p ≥ ${threshold}`;
}

/** The compact volume-metrics lines of one label: overlap and volumes; surface distances and lesions. */
function metricsLines(m: Metrics, result: CompareResult): string[] {
  const settings = result.metricSettings!;
  const show = (name: string, id: MetricId, format: (v: number) => string) => {
    const v = m[id];
    return `${name} ${typeof v === 'number' ? format(v) : `n/a (${m.undefinedReasons[id] ?? 'not computed'})`}`;
  };
  const rvd = m.relativeVolumeDifference;
  const lines = [
    `  volume metrics (${predictedWhen(result.predictionKind, settings.threshold)}): ` + [
      show('Dice', 'dice', formatRatio), show('IoU', 'iou', formatRatio), show('precision', 'precision', formatRatio),
      show('recall', 'recall', formatRatio), show('specificity', 'specificity', formatRatio),
      `label ${formatMl(m.labelVolumeMl!)}`,
      `prediction ${formatMl(m.predictionVolumeMl!)}` + (rvd === null ? '' : ` (${rvd >= 0 ? '+' : '−'}${Math.abs(rvd * 100).toFixed(1)} %)`),
    ].join('  '),
  ];
  if (settings.level === 'all') {
    lines.push('  surface: ' + [
      show('HD', 'hausdorff', formatMm), show('HD95', 'hd95', formatMm), show('ASSD', 'assd', formatMm),
      show(`surface Dice (${settings.toleranceMm} mm)`, 'surfaceDice', formatRatio),
    ].join('  ') + `   lesions (${settings.connectivity}-connected): ${m.labelLesions} in label, ${m.detectedLesions} detected, ` +
      `${m.missedLesions} missed, ${m.falsePositiveLesions} false positive`);
  }
  return lines;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padStart(widths[i]!)).join('  ').trimEnd();
}

/**
 * Readable in an 80–160 column terminal: per label, its volume metrics (one or two lines), then
 * the volume losses and its non-empty slices (empty ones are counted, not listed), worst by Dice
 * loss marked with `*` (top 5). Slices are numbered from 1 here, as everywhere people read them
 * (quantityNames.ts); JSON and CSV keep the 0-based `index`.
 */
export function resultToTable(result: CompareResult): string {
  const out: string[] = [];
  out.push(`prediction  ${result.prediction}`);
  out.push(`label       ${result.label}`);
  out.push(`shape       ${result.shape.join(' × ')}   spacing ${result.spacing.map((s) => +s.toPrecision(4)).join(' × ')} mm   axis ${result.axis}   kind ${result.predictionKind}`);
  const seedIds = seedShown(result) ? LOSS_IDS : [];
  const headings = seedIds.map(lossHeading);
  const header = ['slice', 'label', 'pred', 'TP', 'FP', 'FN', ...headings.map((h) => h[1])];
  const over = ['', '', '', '', '', '', ...headings.map((h) => h[0])];
  const libraryTables = conventionTables(result, formatLoss, pad);
  for (const [li, label] of result.labels.entries()) {
    const rows: string[][] = [];
    const worst = new Set([...label.slices].filter((s) => !s.empty).sort((a, b) => b.losses.dice - a.losses.dice).slice(0, 5).map((s) => s.index));
    const cells = (name: string, r: SliceRow | null, losses: Record<string, number>) => [
      name, r ? String(r.labelVoxels) : '', r ? String(r.predictedVoxels) : '', r ? String(r.tp) : '', r ? String(r.fp) : '', r ? String(r.fn) : '',
      ...seedIds.map((id) => formatLoss(losses[id]!)),
    ];
    rows.push(cells('volume', null, label.volume));
    for (const s of label.slices) if (!s.empty) rows.push(cells(`${worst.has(s.index) ? '*' : ''}${sliceNumber(s.index)}`, s, s.losses));
    const widths = header.map((h, i) => Math.max(h.length, over[i]!.length, ...rows.map((r) => r[i]!.length)));
    const empty = label.slices.filter((s) => s.empty).length;
    out.push('');
    out.push(`label ${label.label}${label.name !== undefined ? ` (${label.name})` : ''}: ${label.slices.length} slices (numbered 1–${label.slices.length}), ${empty} empty (not listed); * = 5 worst by Dice loss`);
    if (label.metrics) out.push(...metricsLines(label.metrics, result));
    if (seedIds.length > 0) {
      out.push(pad(over, widths));
      out.push(pad(header, widths));
      for (const r of rows) out.push(pad(r, widths));
    }
    out.push(...libraryTables.label(li));
  }
  if (result.multiclass) {
    out.push('');
    if (seedIds.length > 0) {
      out.push(`${lossName('lovaszSoftmax')} over classes ${result.multiclass.classes.join(', ')}: volume ${formatLoss(result.multiclass.volume.lovaszSoftmax)}`);
    }
    out.push(...libraryTables.multiclass());
  }
  return out.join('\n') + '\n';
}
