/**
 * CSV columns and table blocks of the library conventions (shared/spec/conventions.md) for
 * formatResult.ts: one column per id of the conventions asked for, `multiclass.<id>` columns
 * when there is a multi-class value, and which values are substituted (label-map predictions).
 */
import {
  conventionIdsOf, MULTICLASS_CONVENTION_IDS, type ConventionLossId,
} from '../kernels/conventions/conventionIds';
import { sliceNumber } from '../quantityNames';
import { disagreements } from './conventionStrip';
import type { CompareResult, LabelResult } from './result';

/** The seed's columns are shown unless conventions were asked for without `seed`. */
export function seedShown(result: CompareResult): boolean {
  return !result.conventions || result.conventions.list.includes('seed');
}

function idsOf(result: CompareResult): ConventionLossId[] {
  return result.conventions ? conventionIdsOf(result.conventions.list) : [];
}

export interface ConventionCsvColumns {
  readonly header: readonly string[];
  /** Cells of a label's slice `index` (null: its volume row). */
  cells(label: LabelResult, index: number | null): (string | number)[];
}

export function conventionColumnsOf(result: CompareResult): ConventionCsvColumns {
  const ids = idsOf(result);
  if (ids.length === 0) return { header: [], cells: () => [] };
  const multi = result.multiclass;
  const mcIds = multi ? ids.filter((id) => MULTICLASS_CONVENTION_IDS.includes(id)) : [];
  return {
    header: [...ids, ...mcIds.map((id) => `multiclass.${id}`), 'substituted'],
    cells(label, index) {
      const losses = index === null ? label.volume : label.slices[index]!.losses;
      const mcLosses = multi ? (index === null ? multi.volume : multi.slices[index]!.losses) : null;
      const substituted = [...new Set([...(label.substituted ?? []), ...(mcIds.length ? multi!.substituted ?? [] : [])])];
      return [...ids.map((id) => losses[id] ?? ''), ...mcIds.map((id) => mcLosses?.[id] ?? ''), substituted.join(';')];
    },
  };
}

const SHORT: { readonly [K in ConventionLossId]: string } = {
  'monai.dice': 'M.dice', 'monai.jaccard': 'M.jacc', 'monai.generalizedDice': 'M.gdl', 'monai.tversky': 'M.tvsk',
  'monai.focal': 'M.focal', 'monai.diceCe': 'M.diceCe', 'monai.diceFocal': 'M.diceFoc', 'smp.dice': 'S.dice',
  'smp.jaccard': 'S.jacc', 'smp.tversky': 'S.tvsk', 'smp.focal': 'S.focal', 'smp.lovasz': 'S.lovasz', 'smp.softBce': 'S.softBce',
  'nnunet.dice': 'N.dice', 'nnunet.dcAndCe': 'N.dcCe', 'nnunet.dcAndBce': 'N.dcBce',
};

/**
 * Table blocks: per label, the library losses of the volume and of the non-empty slices
 * (a `†` marks substituted ids); for `multiclass`, its volume values.
 */
export function conventionTables(
  result: CompareResult, format: (v: number) => string, pad: (cells: string[], widths: number[]) => string,
): { label(index: number): string[]; multiclass(): string[] } {
  const ids = idsOf(result);
  const mark = (id: ConventionLossId, substituted: readonly ConventionLossId[] | undefined) => SHORT[id] + (substituted?.includes(id) ? '†' : '');
  const footnote = (substituted: readonly ConventionLossId[] | undefined) =>
    substituted && substituted.length > 0 ? ['† substituted: a label map has no logits; these use logit(clamp(p, 1e-6, 1 − 1e-6)) (docs/conventions.md)'] : [];
  return {
    label(index) {
      if (ids.length === 0) return [];
      const label = result.labels[index]!;
      const header = ['slice', ...ids.map((id) => mark(id, label.substituted))];
      const rows = [['volume', ...ids.map((id) => format(label.volume[id]!))]];
      for (const s of label.slices) if (!s.empty) rows.push([String(sliceNumber(s.index)), ...ids.map((id) => format(s.losses[id]!))]);
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      return ['', `label ${label.label}: library losses (${result.conventions!.list.filter((c) => c !== 'seed').join(', ')}; smp ${result.conventions!.parameters['smp.version'] ?? ''})`.replace(/; smp \)$/, ')'),
        pad(header, widths), ...rows.map((r) => pad(r, widths)), ...footnote(label.substituted), ...disagreementLines(result, index)];
    },
    multiclass() {
      const multi = result.multiclass;
      const mcIds = ids.filter((id) => MULTICLASS_CONVENTION_IDS.includes(id));
      if (!multi || mcIds.length === 0) return [];
      const header = mcIds.map((id) => mark(id, multi.substituted));
      const cells = mcIds.map((id) => format(multi.volume[id]!));
      const widths = header.map((h, i) => Math.max(h.length, cells[i]!.length));
      return [`multi-class library losses over classes ${multi.classes.join(', ')} (volume):`, pad(header, widths), pad(cells, widths), ...footnote(multi.substituted)];
    },
  };
}

/** Where the conventions disagree in kind (conventionStrip.ts): the volume, then up to 5 slices. */
function disagreementLines(result: CompareResult, index: number): string[] {
  const list = result.conventions!.list;
  if (list.length < 2) return [];
  const label = result.labels[index]!;
  const substituted = label.substituted ?? [];
  const volume = disagreements(label.volume, substituted, list);
  const slices = label.slices.map((s) => ({ index: s.index, why: disagreements(s.losses, substituted, list) })).filter((s) => s.why.length > 0);
  if (volume.length === 0 && slices.length === 0) return ['conventions agree in kind on the volume and every slice'];
  const lines = [`conventions disagree in kind on ${slices.length} slice${slices.length === 1 ? '' : 's'}${volume.length ? ' and the volume' : ''}:`];
  if (volume.length) lines.push(`  volume: ${volume.join('; ')}`);
  for (const s of slices.slice(0, 5)) lines.push(`  slice ${sliceNumber(s.index)}: ${s.why.join('; ')}`);
  if (slices.length > 5) lines.push(`  … and ${slices.length - 5} more (slices ${slices.slice(5).map((s) => sliceNumber(s.index)).join(', ')})`);
  return lines;
}
