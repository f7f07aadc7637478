/**
 * The library conventions (shared/spec/conventions.md) in a comparison: what a range of slices
 * computes for them (the binary sums come from the seed's passes in computeRange; the 4D
 * multi-class pass is here), and how assembleResult adds their values to a CompareResult.
 */
import { lovaszFromSortedKeys, lovaszOfMergedRuns } from '../kernels/lovasz';
import { LovaszKeys, sortKeys } from '../kernels/lovaszKeys';
import {
  accumulateMulticlassRun, hardSmpLovasz, MC_CE, MC_I, MC_N, MC_SP, MC_SY, mcClassField, mcFocalBg, mcFocalFg, mcRowFields,
} from '../kernels/conventions/multiclassSums';
import { C_BCE, C_FIELDS, C_SIGNED_LOGIT, focalBg, focalFg, type FocalGammas } from '../kernels/conventions/binarySums';
import {
  conventionIdsOf, LOGIT_BASED_IDS, MULTICLASS_CONVENTION_IDS, parseConventionList, type Convention, type ConventionLossId, type ConventionLosses,
} from '../kernels/conventions/conventionIds';
import {
  conventionParamsFrom, DEFAULT_CONVENTION_PARAMS, parseParamValue, type ConventionParams, type ParamValue,
} from '../kernels/conventions/conventionParams';
import {
  binaryConventionLosses, multiclassConventionLosses, resolveParams, type ResolvedParams,
} from '../kernels/conventions/conventionLosses';
import { SUM_FIELDS, SUM_N, SUM_P, SUM_T, SUM_TP } from '../kernels/sums';
import type { PreparedPair } from './inputs';
import type { Axis, CompareResult, LabelResult, MulticlassResult } from './result';
import { gatherRun, predictionSliceIndex, RUN_VOXELS, sliceGeometry } from './slicing';

/** Which conventions a comparison reports, and their parameters. */
export interface ConventionSettings {
  readonly conventions: readonly Convention[];
  readonly params: ConventionParams;
}

export const SEED_ONLY: ConventionSettings = Object.freeze({ conventions: ['seed'] as const, params: DEFAULT_CONVENTION_PARAMS });

/** True when a library convention (not only the seed) is asked for: only then are extra sums computed. */
export function needsConventionSums(settings: ConventionSettings | null | undefined): settings is ConventionSettings {
  return !!settings && settings.conventions.some((c) => c !== 'seed');
}

export function runConstants(settings: ConventionSettings): FocalGammas {
  const r = resolveParams(settings.params);
  return { gammas: r.gammas, needSignedLogit: r.smp.smoothFactor !== null && settings.conventions.includes('smp') };
}

/** The library sums of a range's multi-class mode. */
export interface MulticlassConventionRange {
  /** mcRowFields(C) numbers per slice. */
  readonly rows: Float64Array;
  /** SMP Lovasz-Softmax per slice. */
  readonly lovasz: Float64Array;
  /** Soft predictions: each class's Lovasz loss over the range, and (when kept) its sorted keys. */
  readonly classLoss: Float64Array | null;
  readonly classKeys: ({ lo: Uint32Array; hi: Uint32Array } | null)[] | null;
}

const mcKeys = new LovaszKeys();

/**
 * The multi-class sums of a 4D probability prediction over slices [start, end), class by class
 * (one class's sort keys in memory at a time, as the seed's Lovasz-Softmax); each run reads every
 * channel, since softmax(ln clamp P) needs all classes of a voxel.
 */
export function computeSoftMulticlassConventions(
  pair: PreparedPair, axis: Axis, start: number, end: number, g: FocalGammas, keepKeys: boolean,
): MulticlassConventionRange {
  const classes = pair.multiclassClasses!;
  const dims = pair.prediction.dims;
  const { width, height, count: sliceCount } = sliceGeometry(dims, axis);
  const n = width * height;
  const count = end - start;
  const run = Math.min(n, RUN_VOXELS);
  const channels = new Float64Array(run * classes);
  const lab = new Float64Array(run);
  const rowWidth = mcRowFields(classes);
  const rows = new Float64Array(count * rowWidth);
  const lovasz = new Float64Array(count);
  const present = new Float64Array(count);
  const classLoss = new Float64Array(classes);
  const kept: ({ lo: Uint32Array; hi: Uint32Array } | null)[] = [];
  const gts = new Float64Array(count);
  const loss = new Float64Array(count);
  for (let c = 0; c < classes; c++) {
    mcKeys.reset(sliceCount);
    for (let s = start; s < end; s++) {
      for (let from = 0; from < n; from += run) {
        const len = Math.min(run, n - from);
        for (let k = 0; k < classes; k++) gatherRun(pair.prediction.data, dims, axis, predictionSliceIndex(pair, axis, s), k, from, len, channels.subarray(k * run, k * run + len));
        gatherRun(pair.label.data, dims, axis, s, 0, from, len, lab);
        accumulateMulticlassRun(channels, run, lab, len, classes, c, c === 0, g, rows, s - start, mcKeys, s);
      }
    }
    sortKeys(mcKeys);
    let total = 0;
    for (let r = 0; r < count; r++) total += gts[r] = rows[r * rowWidth + mcClassField(c, MC_SY)]!;
    classLoss[c] = lovaszFromSortedKeys(mcKeys, gts, loss, total, start);
    for (let r = 0; r < count; r++) if (gts[r]! > 0) { lovasz[r]! += loss[r]!; present[r]!++; }
    kept.push(keepKeys && total > 0 ? { lo: mcKeys.lo.slice(0, mcKeys.count), hi: mcKeys.hi.slice(0, mcKeys.count) } : null);
  }
  for (let r = 0; r < count; r++) lovasz[r] = present[r]! > 0 ? lovasz[r]! / present[r]! : 0;
  return { rows, lovasz, classLoss, classKeys: keepKeys ? kept : null };
}

/** SMP Lovasz-Softmax per slice of a label-map range, from its rows. */
export function hardMulticlassLovasz(rows: Float64Array, classes: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let r = 0; r < count; r++) out[r] = hardSmpLovasz(rows, r, classes);
  return out;
}

interface RangeLike {
  readonly start: number;
  readonly end: number;
  readonly labels: readonly { readonly sums: Float64Array; readonly lovasz: Float64Array; readonly conventionSums?: Float64Array | null }[];
  readonly multiclassConventions?: MulticlassConventionRange | null;
}

/** What a result or report records about its conventions (JSON `conventions`). */
export interface ConventionsRecord {
  readonly list: readonly Convention[];
  /** Every parameter of the library conventions in the list, with the value used. */
  readonly parameters: Readonly<Record<string, ParamValue>>;
}

export function conventionsRecord(settings: ConventionSettings): ConventionsRecord {
  const parameters = Object.fromEntries(Object.entries(settings.params).filter(([key]) =>
    settings.conventions.includes(key.slice(0, key.indexOf('.')) as Convention)));
  return { list: settings.conventions, parameters };
}

/**
 * `result` with the library ids beside the seed's in every loss object, a `substituted` list on
 * each label and on `multiclass`, and `conventions`. Ranges must be sorted by start.
 */
export function withConventions(
  result: CompareResult, pair: PreparedPair, ranges: readonly RangeLike[], settings: ConventionSettings,
): CompareResult {
  // The seed alone leaves the result exactly as before conventions existed.
  if (!needsConventionSums(settings)) return result;
  const record = conventionsRecord(settings);
  const r = resolveParams(settings.params);
  const ids = conventionIdsOf(settings.conventions);
  const hard = pair.kind === 'labels';
  const substitutedOf = (list: readonly ConventionLossId[]) => (hard ? list.filter((id) => LOGIT_BASED_IDS.has(id)) : []);
  const labels: LabelResult[] = result.labels.map((label, li) => {
    const volumeSeed = new Float64Array(SUM_FIELDS);
    const volumeConv = new Float64Array(C_FIELDS);
    const slices = [];
    for (const range of ranges) {
      const part = range.labels[li]!;
      const conv = part.conventionSums;
      if (!conv) throw new Error('internal: a range was computed without convention sums');
      for (let row = 0; row < range.end - range.start; row++) {
        for (let f = 0; f < SUM_FIELDS; f++) volumeSeed[f]! += part.sums[row * SUM_FIELDS + f]!;
        for (let f = 0; f < C_FIELDS; f++) volumeConv[f]! += conv[row * C_FIELDS + f]!;
        const slice = label.slices[range.start + row]!;
        slices.push({ ...slice, losses: { ...slice.losses, ...binaryUnit(part.sums, conv, row, slice.losses.lovaszHinge, r, ids) } });
      }
    }
    const volume = { ...label.volume, ...binaryUnit(volumeSeed, volumeConv, 0, label.volume.lovaszHinge, r, ids) };
    return { ...label, volume, substituted: substitutedOf(ids), slices };
  });
  const multiclass = result.multiclass ? withMulticlassConventions(result.multiclass, pair, ranges, r, ids, substitutedOf) : undefined;
  return { ...result, conventions: record, labels, ...(multiclass ? { multiclass } : {}) };
}

function binaryUnit(
  seed: Float64Array, conv: Float64Array, row: number, lovaszHinge: number, r: ResolvedParams, ids: readonly ConventionLossId[],
): ConventionLosses {
  const s = row * SUM_FIELDS, c = row * C_FIELDS;
  const out: Record<string, number> = {};
  binaryConventionLosses({
    n: seed[s + SUM_N]!, sp: seed[s + SUM_P]!, sy: seed[s + SUM_T]!, inter: seed[s + SUM_TP]!,
    bce: conv[c + C_BCE]!, signedLogit: conv[c + C_SIGNED_LOGIT]!,
    focal: [0, 1, 2].map((j) => [conv[c + focalFg(j)]!, conv[c + focalBg(j)]!] as const),
    lovaszHinge,
  }, r, ids, out);
  return out;
}

function multiclassUnit(rows: Float64Array, row: number, classes: number, smpLovasz: number): Parameters<typeof multiclassConventionLosses>[0] {
  const o = row * mcRowFields(classes);
  const field = (f: number) => Float64Array.from({ length: classes }, (_, c) => rows[o + mcClassField(c, f)]!);
  const focal = (at: (slot: number) => number) => {
    const out = new Float64Array(3 * classes);
    for (let j = 0; j < 3; j++) for (let c = 0; c < classes; c++) out[j * classes + c] = rows[o + mcClassField(c, at(j))]!;
    return out;
  };
  return {
    n: rows[o + MC_N]!, classes, sp: field(MC_SP), sy: field(MC_SY), inter: field(MC_I),
    focalFg: focal(mcFocalFg), focalBg: focal(mcFocalBg), ce: rows[o + MC_CE]!, smpLovasz,
  };
}

function withMulticlassConventions(
  mc: MulticlassResult, pair: PreparedPair, ranges: readonly RangeLike[], r: ResolvedParams, ids: readonly ConventionLossId[],
  substitutedOf: (list: readonly ConventionLossId[]) => ConventionLossId[],
): MulticlassResult {
  const classes = pair.multiclassClasses!;
  const width = mcRowFields(classes);
  const mcIds = ids.filter((id) => MULTICLASS_CONVENTION_IDS.includes(id));
  const total = new Float64Array(width);
  const slices = [];
  for (const range of ranges) {
    const part = range.multiclassConventions;
    if (!part) throw new Error('internal: a range was computed without multi-class convention sums');
    for (let row = 0; row < range.end - range.start; row++) {
      for (let f = 0; f < width; f++) total[f]! += part.rows[row * width + f]!;
      const out: Record<string, number> = {};
      multiclassConventionLosses(multiclassUnit(part.rows, row, classes, part.lovasz[row]!), r, mcIds, out);
      const slice = mc.slices[range.start + row]!;
      slices.push({ ...slice, losses: { ...slice.losses, ...out } });
    }
  }
  const out: Record<string, number> = {};
  multiclassConventionLosses(multiclassUnit(total, 0, classes, volumeSmpLovasz(pair, ranges, total, classes)), r, mcIds, out);
  return { ...mc, volume: { ...mc.volume, ...out }, substituted: substitutedOf(mcIds), slices };
}

/** The volume's SMP Lovasz-Softmax: from counts (label maps), or the ranges' sorted keys. */
function volumeSmpLovasz(pair: PreparedPair, ranges: readonly RangeLike[], total: Float64Array, classes: number): number {
  if (pair.kind === 'labels') return hardSmpLovasz(total, 0, classes);
  let sum = 0, present = 0;
  for (let c = 0; c < classes; c++) {
    const gts = total[mcClassField(c, MC_SY)]!;
    if (gts === 0) continue;
    present++;
    if (ranges.length === 1) sum += ranges[0]!.multiclassConventions!.classLoss![c]!;
    else {
      const runs = ranges.map((x) => x.multiclassConventions!.classKeys![c]).filter((k): k is { lo: Uint32Array; hi: Uint32Array } => k != null);
      sum += lovaszOfMergedRuns(runs, gts);
    }
  }
  return present > 0 ? sum / present : 0;
}

/**
 * Settings from the VS Code values `maskInspector.losses.conventions` (a list or comma string)
 * and `maskInspector.losses.parameters` (an object of KEY: VALUE). A bad entry is skipped and
 * described in `problems` (which setting, what it must be); the rest still applies.
 */
export function conventionSettingsFromConfig(list: unknown, parameters: unknown): { settings: ConventionSettings; problems: string[] } {
  const problems: string[] = [];
  let conventions: readonly Convention[] = ['seed'];
  if (list !== undefined && list !== null) {
    try {
      conventions = parseConventionList(Array.isArray(list) ? list.join(',') : String(list));
    } catch (error) {
      problems.push(`maskInspector.losses.conventions: ${(error as Error).message}; using seed`);
    }
  }
  const overrides: Record<string, unknown> = {};
  if (parameters !== undefined && parameters !== null) {
    if (typeof parameters !== 'object' || Array.isArray(parameters)) {
      problems.push('maskInspector.losses.parameters must be an object like {"smp.version": "0.3.4"}; ignored');
    } else {
      for (const [key, value] of Object.entries(parameters)) {
        try {
          parseParamValue(key, value);
          overrides[key] = value;
        } catch (error) {
          problems.push(`maskInspector.losses.parameters: ${(error as Error).message}; ignored`);
        }
      }
    }
  }
  return { settings: { conventions, params: conventionParamsFrom(overrides) }, problems };
}
