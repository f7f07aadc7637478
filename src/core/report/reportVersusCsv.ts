/**
 * cases.csv of a two-prediction report (issue #12): after the usual columns (model A's), B's
 * prediction file, then per quantity `B.<q>` and `Δ.<q>` (B − A, empty where either is), for
 * the loss ids, `lovaszSoftmax` and `metrics.<id>` — the QUANTITY names of report.json `versus`.
 */
import { diffValue } from '../analysis/difference';
import type { ExtraColumns } from './reportCsv';
import type { CaseSummary } from './reportModel';
import { quantityValue } from './versusStats';

export function versusCsvColumns(quantities: readonly string[]): ExtraColumns {
  const all = [...quantities.filter((q) => !q.startsWith('metrics.')), 'lovaszSoftmax', ...quantities.filter((q) => q.startsWith('metrics.'))];
  return {
    header: ['prediction_file_B', ...all.map((q) => `B.${q}`), ...all.map((q) => `Δ.${q}`)],
    cells(c: CaseSummary, label: string | null) {
      const file = c.versus?.prediction ?? '';
      if (label === null) return [file, ...all.map(() => null), ...all.map(() => null)];
      const a = c.labels.find((l) => String(l.label) === label)?.values;
      const b = c.versus?.labels.find((l) => String(l.label) === label)?.values;
      const valueA = (q: string) => (q === 'lovaszSoftmax' ? c.lovaszSoftmax : quantityValue(a, q));
      const valueB = (q: string) => (q === 'lovaszSoftmax' ? c.versus?.lovaszSoftmax ?? null : quantityValue(b, q));
      return [file, ...all.map(valueB), ...all.map((q) => diffValue(valueA(q), valueB(q)))];
    },
  };
}
