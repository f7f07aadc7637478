/**
 * One case of a folder report, on the calling thread (a case worker runs it): reads both files,
 * prepares the pair, computes every loss (and metric) of every slice with computeRange — the very
 * code `mask-inspector compare` runs, so the numbers are identical — and draws the worst slices.
 * Failures become a CaseError (file + one-line message), never an exception.
 */
import { assembleResult, metricSettingsOf, type CompareOptions } from '../analysis/compare';
import { computeRange } from '../analysis/computeRange';
import type { CasePair } from '../analysis/folderPairing';
import { InputError, preparePair } from '../analysis/inputs';
import type { CompareResult } from '../analysis/result';
import { sliceGeometry } from '../analysis/slicing';
import { DEFAULT_MAX_VOXELS } from '../io/volume';
import { caseThumbnails, DEFAULT_THUMBNAIL_SIZE, DEFAULT_THUMBNAILS_PER_LABEL, type Thumbnail } from './thumbnails';
import { checkDistinctFiles, readInputFile } from '../analysis/readInput';
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

interface CaseBase {
  readonly case: string;
  readonly prediction: string;
  readonly label: string;
  /** Wall time of the case in its worker (read, prepare, compute, draw). */
  readonly seconds: number;
}

export type CaseOutcome =
  | CaseBase & { readonly status: 'done'; readonly result: CompareResult; readonly thumbnails: readonly Thumbnail[] }
  | CaseBase & { readonly status: 'failed'; readonly error: CaseError };


/** The error of a failed case, as the report records it. */
export function caseErrorOf(error: unknown): CaseError {
  if (error instanceof InputError) return { file: error.file, message: error.message };
  if (error instanceof RangeError && /Array buffer allocation failed|Invalid typed array length/.test(error.message)) {
    return { file: null, message: `out of memory while computing this case (${error.message}); try --jobs 1` };
  }
  return { file: null, message: `internal failure: ${error instanceof Error ? error.message : String(error)}` };
}

export function computeCase(pair: CasePair, options: CaseOptions): CaseOutcome {
  const t0 = performance.now();
  const base = { case: pair.case, prediction: pair.prediction, label: pair.label };
  try {
    const maxVoxels = options.maxVoxels ?? DEFAULT_MAX_VOXELS;
    checkDistinctFiles(pair.prediction, pair.label);
    const labelVolume = readInputFile(pair.label, maxVoxels);
    const prepared = preparePair(readInputFile(pair.prediction, maxVoxels), labelVolume, options.kind);
    const { count } = sliceGeometry(prepared.prediction.dims, options.axis);
    const range = computeRange(prepared, options.axis, options.params, 0, count, false, metricSettingsOf(options));
    const result = withLabelNames(assembleResult(prepared, options, [range]), labelNamesFor(labelVolume, parseLabelNamesSetting(options.labelNames), null));
    const thumbnails = caseThumbnails(prepared, result.labels, options.axis,
      options.thumbnails ?? DEFAULT_THUMBNAILS_PER_LABEL, options.thumbnailSize ?? DEFAULT_THUMBNAIL_SIZE);
    return { ...base, status: 'done', result, thumbnails, seconds: (performance.now() - t0) / 1000 };
  } catch (error) {
    return { ...base, status: 'failed', error: caseErrorOf(error), seconds: (performance.now() - t0) / 1000 };
  }
}
