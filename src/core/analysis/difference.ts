/**
 * Two predictions against one label (issue #12): the `difference` of `compare --versus`, in the
 * shape of a result's `labels` — per label its `volume` losses, `metrics` and `slices[]` with
 * `losses`/`metrics` — each value B − A, null where either side is null (or missing: a label or
 * slice one result lacks, a metric one side did not compute). Strings (undefinedReasons) are not
 * differences and are left out; so are the counts (tp, fp, …): they are not losses or metrics.
 */
import type { CompareResult, LabelResult } from './result';

export type DiffValues = { readonly [key: string]: number | null };

export interface SliceDifference {
  readonly index: number;
  readonly losses: DiffValues;
  readonly metrics?: DiffValues;
}

export interface LabelDifference {
  readonly label: LabelResult['label'];
  /** The label's name, when the result has one. */
  readonly name?: string;
  readonly volume: DiffValues;
  readonly metrics?: DiffValues;
  readonly slices: readonly SliceDifference[];
}

export interface MulticlassDifference {
  readonly volume: { readonly lovaszSoftmax: number | null };
  readonly slices: readonly { readonly index: number; readonly losses: { readonly lovaszSoftmax: number | null } }[];
}

export interface ResultDifference {
  readonly labels: readonly LabelDifference[];
  readonly multiclass?: MulticlassDifference;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** B − A, null where either is not a finite number. */
export function diffValue(a: unknown, b: unknown): number | null {
  const x = num(a), y = num(b);
  return x === null || y === null ? null : y - x;
}

/** B − A of every numeric (or null) key of either object, A's key order first. */
export function diffRecord(a: object | undefined, b: object | undefined): DiffValues {
  const ra = (a ?? {}) as Record<string, unknown>;
  const rb = (b ?? {}) as Record<string, unknown>;
  const isValue = (v: unknown) => typeof v === 'number' || v === null;
  const keys = [...Object.keys(ra).filter((k) => isValue(ra[k])), ...Object.keys(rb).filter((k) => isValue(rb[k]) && !(k in ra))];
  const out: Record<string, number | null> = {};
  for (const k of keys) out[k] = diffValue(ra[k], rb[k]);
  return out;
}

function diffLabel(a: LabelResult, b: LabelResult | undefined): LabelDifference {
  const bSlices = new Map((b?.slices ?? []).map((s) => [s.index, s]));
  const withMetrics = a.metrics !== undefined || b?.metrics !== undefined;
  return {
    label: a.label,
    ...(a.name !== undefined ? { name: a.name } : {}),
    volume: diffRecord(a.volume, b?.volume),
    ...(withMetrics ? { metrics: diffRecord(a.metrics, b?.metrics) } : {}),
    slices: a.slices.map((s) => {
      const t = bSlices.get(s.index);
      return {
        index: s.index,
        losses: diffRecord(s.losses, t?.losses),
        ...(s.metrics !== undefined || t?.metrics !== undefined ? { metrics: diffRecord(s.metrics, t?.metrics) } : {}),
      };
    }),
  };
}

/**
 * The difference B − A of two results of the same label file. Labels are matched by value (A's
 * order); a label only B has is appended with its values null (A − nothing is undefined).
 */
export function resultDifference(a: CompareResult, b: CompareResult): ResultDifference {
  const bByLabel = new Map(b.labels.map((l) => [String(l.label), l]));
  const labels = a.labels.map((l) => diffLabel(l, bByLabel.get(String(l.label))));
  const aKeys = new Set(a.labels.map((l) => String(l.label)));
  for (const l of b.labels) {
    if (aKeys.has(String(l.label))) continue;
    // Only B has it: every value null, in B's shape.
    const nulls = (o: object | undefined) => Object.fromEntries(Object.keys(diffRecord(o, undefined)).map((k) => [k, null]));
    labels.push({
      label: l.label, volume: nulls(l.volume), ...(l.metrics ? { metrics: nulls(l.metrics) } : {}),
      slices: l.slices.map((s) => ({ index: s.index, losses: nulls(s.losses), ...(s.metrics ? { metrics: nulls(s.metrics) } : {}) })),
    });
  }
  const ma = a.multiclass, mb = b.multiclass;
  if (!ma && !mb) return { labels };
  const bSlice = new Map((mb?.slices ?? []).map((s) => [s.index, s.losses.lovaszSoftmax]));
  const indices = (ma ?? mb)!.slices.map((s) => s.index);
  const aSlice = new Map((ma?.slices ?? []).map((s) => [s.index, s.losses.lovaszSoftmax]));
  return {
    labels,
    multiclass: {
      volume: { lovaszSoftmax: diffValue(ma?.volume.lovaszSoftmax, mb?.volume.lovaszSoftmax) },
      slices: indices.map((index) => ({ index, losses: { lovaszSoftmax: diffValue(aSlice.get(index), bSlice.get(index)) } })),
    },
  };
}

/** `compare --versus --format json`: A's result, B's under `versus`, and `difference` (B − A). */
export type VersusResult = CompareResult & { readonly versus: CompareResult; readonly difference: ResultDifference };

export function versusResult(a: CompareResult, b: CompareResult): VersusResult {
  return { ...a, versus: b, difference: resultDifference(a, b) };
}
