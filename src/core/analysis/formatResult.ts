/** Text renderings of a CompareResult: CSV for spreadsheets, a table for terminals. */
import { LOSS_IDS } from '../kernels/lossIds';
import type { CompareResult, SliceRow } from './result';

const COUNT_COLUMNS = ['labelVoxels', 'predictedVoxels', 'tp', 'fp', 'fn', 'empty'] as const;

function csvField(value: string | number | boolean): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per label × slice, then one `volume` row per label (counts blank there). */
export function resultToCsv(result: CompareResult): string {
  const header = ['label', 'slice', ...COUNT_COLUMNS, ...LOSS_IDS, 'lovaszSoftmax'];
  const lines = [header.join(',')];
  const multi = result.multiclass;
  for (const label of result.labels) {
    for (const row of label.slices) {
      const softmax = multi ? multi.slices[row.index]?.losses.lovaszSoftmax ?? '' : '';
      lines.push([label.label, row.index, ...COUNT_COLUMNS.map((c) => row[c]), ...LOSS_IDS.map((id) => row.losses[id]), softmax]
        .map(csvField).join(','));
    }
    lines.push([label.label, 'volume', ...COUNT_COLUMNS.map(() => ''), ...LOSS_IDS.map((id) => label.volume[id]),
      multi ? multi.volume.lovaszSoftmax : ''].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

const SHORT: Record<string, string> = {
  dice: 'dice', bceDice: 'bceDice', iou: 'iou', focal: 'focal', focalPixel: 'focalPx',
  tversky: 'tversky', focalTversky: 'fTversky', lovaszHinge: 'lovasz', combo: 'combo',
};

function formatLoss(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? v.toFixed(4) : v.toExponential(2);
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
}

/**
 * Readable in an 80–160 column terminal: the volume losses of each label, then its non-empty
 * slices (empty ones are counted, not listed), worst by Dice marked with `*` (top 5).
 */
export function resultToTable(result: CompareResult): string {
  const out: string[] = [];
  out.push(`prediction  ${result.prediction}`);
  out.push(`label       ${result.label}`);
  out.push(`shape       ${result.shape.join(' × ')}   spacing ${result.spacing.map((s) => +s.toPrecision(4)).join(' × ')} mm   axis ${result.axis}   kind ${result.predictionKind}`);
  const header = ['slice', 'label', 'pred', 'TP', 'FP', 'FN', ...LOSS_IDS.map((id) => SHORT[id]!)];
  for (const label of result.labels) {
    const rows: string[][] = [];
    const worst = new Set([...label.slices].filter((s) => !s.empty).sort((a, b) => b.losses.dice - a.losses.dice).slice(0, 5).map((s) => s.index));
    const cells = (name: string, r: SliceRow | null, losses: Record<string, number>) => [
      name, r ? String(r.labelVoxels) : '', r ? String(r.predictedVoxels) : '', r ? String(r.tp) : '', r ? String(r.fp) : '', r ? String(r.fn) : '',
      ...LOSS_IDS.map((id) => formatLoss(losses[id]!)),
    ];
    rows.push(cells('volume', null, label.volume));
    for (const s of label.slices) if (!s.empty) rows.push(cells(`${worst.has(s.index) ? '*' : ''}${s.index}`, s, s.losses));
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const empty = label.slices.filter((s) => s.empty).length;
    out.push('');
    out.push(`label ${label.label}: ${label.slices.length} slices, ${empty} empty (not listed); * = 5 worst by Dice`);
    out.push(pad(header, widths));
    for (const r of rows) out.push(pad(r, widths));
  }
  if (result.multiclass) {
    out.push('');
    out.push(`lovaszSoftmax over classes ${result.multiclass.classes.join(', ')}: volume ${formatLoss(result.multiclass.volume.lovaszSoftmax)}`);
  }
  return out.join('\n') + '\n';
}
