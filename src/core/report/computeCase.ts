/**
 * One case of a folder report, on the calling thread (a case worker runs it): reads both files,
 * prepares the pair, computes every loss (and metric) of every slice with computeRange — the very
 * code `mask-inspector compare` runs, so the numbers are identical — and draws the worst slices.
 * Failures become a CaseError (file + one-line message), never an exception.
 */
import { assembleResult, metricSettingsOf, type CompareOptions } from '../analysis/compare';
import { computeRange } from '../analysis/computeRange';
import type { CasePair } from '../analysis/folderPairing';
import { InputError, preparePair, type PreparedPair } from '../analysis/inputs';
import type { CompareResult } from '../analysis/result';
import { sliceGeometry } from '../analysis/slicing';
import { DEFAULT_MAX_VOXELS } from '../io/volume';
import { caseThumbnails, DEFAULT_THUMBNAIL_SIZE, DEFAULT_THUMBNAILS_PER_LABEL, type Thumbnail } from './thumbnails';
import { checkDistinctFiles, readInputFile } from '../analysis/readInput';
import { distinctIntegers, scanValues, type VolumeValues } from '../analysis/valueScan';
import type { VoxelArray } from '../io/volume';
import { labelNamesFor, parseLabelNamesSetting, withLabelNames } from '../io/labelNames';

export interface CaseOptions extends CompareOptions {
  /** Largest voxel count a file may declare (default DEFAULT_MAX_VOXELS). */
  readonly maxVoxels?: number;
  /** Worst slices drawn per label (default 3; 0: none). */
  readonly thumbnails?: number;
  /** Long side of a thumbnail in pixels (default 160). */
  readonly thumbnailSize?: number;
  /** Label value → name (dataset.json, the setting); a .seg.nrrd label's own segment names come first. */
  readonly labelNames?: Readonly<Record<string, string>>;
}

export interface CaseError {
  /** The file at fault, or null when the failure is not one file's (e.g. a crashed worker). */
  readonly file: string | null;
  readonly message: string;
}

/** A case to compute: a pair, and with `predictionB` a second prediction of the same label (issue #12). */
export type ReportPair = CasePair & { readonly predictionB?: string | null };

interface CaseBase {
  readonly case: string;
  readonly prediction: string;
  readonly label: string;
  /** The second prediction (two-prediction report). */
  readonly predictionB?: string;
  /** Wall time of the case in its worker (read, prepare, compute, draw). */
  readonly seconds: number;
}

export type CaseOutcome =
  | CaseBase & {
    readonly status: 'done'; readonly result: CompareResult; readonly thumbnails: readonly Thumbnail[];
    /** B's result (two-prediction report). */
    readonly resultB?: CompareResult;
  }
  | CaseBase & { readonly status: 'failed'; readonly error: CaseError };


/** The error of a failed case, as the report records it. */
export function caseErrorOf(error: unknown): CaseError {
  if (error instanceof InputError) return { file: error.file, message: error.message };
  if (error instanceof RangeError && /Array buffer allocation failed|Invalid typed array length/.test(error.message)) {
    return { file: null, message: `out of memory while computing this case (${error.message}); try --jobs 1` };
  }
  return { file: null, message: `internal failure: ${error instanceof Error ? error.message : String(error)}` };
}

/** The label's value scan (and its distinct integers when it has only integers), for preparePair's `known`. */
function labelValuesOf(data: VoxelArray): VolumeValues {
  const scan = scanValues(data);
  return { scan, distinct: scan.allIntegers && scan.nonFinite === 0 ? distinctIntegers(data, scan) : null };
}

function compute(prepared: PreparedPair, options: CaseOptions): CompareResult {
  const { count } = sliceGeometry(prepared.prediction.dims, options.axis);
  const range = computeRange(prepared, options.axis, options.params, 0, count, false, metricSettingsOf(options), options.conventions ?? null);
  return assembleResult(prepared, options, [range]);
}

export function computeCase(pair: ReportPair, options: CaseOptions): CaseOutcome {
  const t0 = performance.now();
  const predictionB = pair.predictionB ?? null;
  const base = { case: pair.case, prediction: pair.prediction, label: pair.label, ...(predictionB !== null ? { predictionB } : {}) };
  try {
    const maxVoxels = options.maxVoxels ?? DEFAULT_MAX_VOXELS;
    checkDistinctFiles(pair.prediction, pair.label);
    // The label is read (and decoded) once, also for a second prediction.
    const label = readInputFile(pair.label, maxVoxels);
    // …and scanned once: B's preparePair reuses A's scan of the label values.
    const labelValues = predictionB !== null ? labelValuesOf(label.data) : undefined;
    const known = labelValues ? { label: labelValues } : {};
    const names = labelNamesFor(label, parseLabelNamesSetting(options.labelNames), null);
    // A's volumes go out of scope before B's are read: a worker holds at most one prediction.
    const { result, thumbnails } = ((): { result: CompareResult; thumbnails: Thumbnail[] } => {
      const prepared = preparePair(readInputFile(pair.prediction, maxVoxels), label, options.kind, known);
      const r = withLabelNames(compute(prepared, options), names);
      return { result: r, thumbnails: caseThumbnails(prepared, r.labels, options.axis,
        options.thumbnails ?? DEFAULT_THUMBNAILS_PER_LABEL, options.thumbnailSize ?? DEFAULT_THUMBNAIL_SIZE) };
    })();
    const resultB = predictionB !== null
      ? withLabelNames(compute(preparePair(readInputFile(predictionB, maxVoxels), label, options.kind, known), options), names) : null;
    return { ...base, status: 'done', result, thumbnails, ...(resultB ? { resultB } : {}), seconds: (performance.now() - t0) / 1000 };
  } catch (error) {
    return { ...base, status: 'failed', error: caseErrorOf(error), seconds: (performance.now() - t0) / 1000 };
  }
}
