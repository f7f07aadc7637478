/**
 * The folder report end to end — plan, run the cases on worker threads, write the report folder —
 * for the CLI (`mask-inspector report`) and the extension host alike: progress and cancellation
 * come in through callbacks and an AbortSignal, nothing here prints or exits.
 */
import { readdir, stat } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { version } from '../../package.json';
import { metricSettingsOf, type CompareOptions } from '../core/analysis/compare';
import {
  listFolderPlan, type CasePair, type FolderPairingOption, type FolderPlan,
} from '../core/analysis/folderPairing';
import { DEFAULT_PAIRING_RULES, type DirEntry, type ListDirectory, type PairingRule } from '../core/analysis/pairing';
import type { Axis, PredictionKindOption } from '../core/analysis/result';
import { isDicomSegmentation } from '../core/io/dicomFolder';
import { readTextFile } from '../core/io/labelNames';
import { DEFAULT_MAX_VOXELS } from '../core/io/volume';
import { DEFAULT_LOSS_PARAMS, type LossParams } from '../core/kernels/lossIds';
import type { MetricParams, MetricsLevel } from '../core/kernels/metricIds';
import type { CaseOptions } from '../core/report/computeCase';
import { conventionsRecord, type ConventionSettings } from '../core/analysis/conventionRange';
import type { MarksLookup } from '../core/report/reportCsv';
import type { HtmlOptions } from '../core/report/reportHtml';
import type { ReportSettings } from '../core/report/reportModel';
import { ReportWriter, type ReportFiles } from '../core/report/reportWriter';
import { DEFAULT_THUMBNAIL_SIZE, DEFAULT_THUMBNAILS_PER_LABEL } from '../core/report/thumbnails';
import { runCases, type CaseProgress } from '../worker/casePool';
import { shardOf, type Shard } from '../core/report/shard';
import { computablePairs, joinVersusPlans, type VersusPlan } from '../core/analysis/versusPairing';

export interface FolderReportOptions {
  readonly kind?: PredictionKindOption;
  readonly axis?: Axis;
  readonly params?: LossParams;
  readonly metrics?: MetricsLevel;
  readonly metricParams?: Partial<MetricParams>;
  /** Library conventions and their parameters (default: the seed's losses only). */
  readonly conventions?: ConventionSettings;
  readonly maxVoxels?: number;
  /** Worst slices drawn per label (default 3). */
  readonly thumbnails?: number;
  readonly thumbnailSize?: number;
  /** Report folder (default defaultReportDir(plan.predictionDir)). */
  readonly outDir?: string;
  /** Worker threads (default defaultCaseJobs()). */
  readonly jobs?: number;
  /** dist/caseWorker.js (default: next to the running bundle). */
  readonly workerFile?: string;
  readonly marks?: MarksLookup;
  readonly html?: HtmlOptions;
  /** Compute and write only this part of the plan's sorted cases (`report --shard I/N`): a partial report for `merge`. */
  readonly shard?: Shard;
  /** Label value → name from the maskInspector.labels.names setting (dataset.json's names win). */
  readonly labelNames?: Readonly<Record<string, string>>;
}

export interface FolderReportCallbacks {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CaseProgress) => void;
}

export interface FolderReportOutcome {
  readonly plan: FolderPlan;
  readonly files: ReportFiles;
  readonly cancelled: boolean;
  readonly computed: number;
  readonly failed: number;
  /** Case ids not computed (cancelled). */
  readonly notRun: readonly string[];
  readonly seconds: number;
}

/**
 * Default report folder: next to the predictions, named after them —
 * `<parent of PRED_DIR>/mask-inspector-report-<PRED_DIR name>` — so reports of several
 * prediction folders of one dataset do not overwrite each other and no input folder is written to.
 */
export function defaultReportDir(predictionDir: string): string {
  const abs = resolve(predictionDir);
  const name = basename(abs);
  return join(dirname(abs), name ? `mask-inspector-report-${name}` : 'mask-inspector-report');
}

/**
 * node:fs listing for listFolderPlan (symbolic links followed; null when the folder cannot be
 * read). A `.dcm` file is looked into: one that is not a DICOM-SEG (a CT slice) is marked, so a
 * DICOM image series is not taken for a folder of masks.
 */
export const listLocalDirectory: ListDirectory = async (dir) => {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return await Promise.all(entries.map(async (e): Promise<DirEntry> => {
      let isDirectory = e.isDirectory();
      if (e.isSymbolicLink()) isDirectory = await stat(join(dir, e.name)).then((s) => s.isDirectory(), () => false);
      if (!isDirectory && /\.dcm$/i.test(e.name) && !(await isDicomSegmentation(join(dir, e.name)))) return { name: e.name, isDirectory, notSegmentation: true };
      return { name: e.name, isDirectory };
    }));
  } catch {
    return null;
  }
};

/** Plans a report of two local folders (the CLI; the extension may plan with vscode.workspace.fs). */
export function planLocalFolders(
  predictionDir: string, labelDir: string, pairing: FolderPairingOption = 'auto', rules: readonly PairingRule[] = DEFAULT_PAIRING_RULES,
): Promise<FolderPlan> {
  // One folder under two names (LABEL_DIR a symlink to PRED_DIR) is one folder: compared by real
  // path, else every file would be paired with itself (Dice 1, exit 0).
  const real = (dir: string) => { try { return realpathSync(dir); } catch { return resolve(dir); } };
  const prediction = resolve(predictionDir);
  const label = real(prediction) === real(labelDir) ? prediction : resolve(labelDir);
  return listFolderPlan(prediction, label, listLocalDirectory, pairing, rules, join, readTextFile);
}

/**
 * Plans a two-prediction report (issue #12): each prediction folder paired with the labels (B
 * with the mode A resolved to), joined on the label; see versusPairing.ts.
 */
export async function planLocalVersusFolders(
  predictionDir: string, labelDir: string, predictionDirB: string, pairing: FolderPairingOption = 'auto',
  rules: readonly PairingRule[] = DEFAULT_PAIRING_RULES,
): Promise<VersusPlan> {
  const planA = await planLocalFolders(predictionDir, labelDir, pairing, rules);
  const planB = await planLocalFolders(predictionDirB, labelDir, planA.mode, rules);
  return joinVersusPlans(planA, planB);
}

function isVersusPlan(plan: FolderPlan): plan is VersusPlan {
  return 'predictionDirB' in plan;
}

/** The compare options and report settings of `options` (throws RangeError on a bad metric parameter). */
export function reportSettingsOf(plan: FolderPlan, options: FolderReportOptions): { caseOptions: CaseOptions; settings: ReportSettings } {
  const compare: CompareOptions = {
    kind: options.kind ?? 'auto', axis: options.axis ?? 'k', params: options.params ?? DEFAULT_LOSS_PARAMS,
    ...(options.metrics !== undefined ? { metrics: options.metrics } : {}),
    ...(options.metricParams !== undefined ? { metricParams: options.metricParams } : {}),
    ...(options.conventions !== undefined ? { conventions: options.conventions } : {}),
  };
  const metrics = metricSettingsOf(compare);
  const caseOptions: CaseOptions = {
    ...compare,
    maxVoxels: options.maxVoxels ?? DEFAULT_MAX_VOXELS,
    thumbnails: options.thumbnails ?? DEFAULT_THUMBNAILS_PER_LABEL,
    thumbnailSize: options.thumbnailSize ?? DEFAULT_THUMBNAIL_SIZE,
    ...(plan.dataset || options.labelNames ? { labelNames: { ...options.labelNames, ...plan.dataset?.labelNames } } : {}),
  };
  const settings: ReportSettings = {
    predictionDir: plan.predictionDir, labelDir: plan.labelDir,
    pairing: { requested: plan.requested, mode: plan.mode },
    kind: compare.kind, axis: compare.axis, lossParams: { ...compare.params }, metrics,
    maxVoxels: caseOptions.maxVoxels!, thumbnails: { perLabel: caseOptions.thumbnails!, size: caseOptions.thumbnailSize! },
    ...(options.conventions ? { conventions: conventionsRecord(options.conventions) } : {}),
  };
  return { caseOptions, settings };
}

/**
 * Runs every pair of `plan` and writes the report folder. Cancelled (signal): the cases already
 * done are kept and the report says which were not run. A case that fails is in the report with
 * its error. Rejects only when the report itself cannot be written (or on a bad option).
 */
export async function runFolderReport(
  fullPlan: FolderPlan, options: FolderReportOptions = {}, callbacks: FolderReportCallbacks = {},
): Promise<FolderReportOutcome> {
  const t0 = performance.now();
  const { caseOptions, settings } = reportSettingsOf(fullPlan, options);
  const planned = fullPlan.pairs.length;
  // A shard is the plan with its part of the cases; `merge` puts the parts back together.
  const plan: FolderPlan = options.shard ? { ...fullPlan, pairs: shardOf(fullPlan.pairs, options.shard) } : fullPlan;
  const writer = await ReportWriter.create(options.outDir ?? defaultReportDir(plan.predictionDir), caseOptions.thumbnails);
  const indexOf = new Map(plan.pairs.map((p, i) => [p.case, i]));
  const versus = isVersusPlan(plan);
  let pairs: readonly CasePair[] = plan.pairs;
  if (versus) {
    plan.pairs.forEach((p, i) => { if (p.missing !== null) writer.addMissing(i, p); });
    pairs = computablePairs(plan);
  }
  let result;
  try {
    result = await runCases(pairs, caseOptions, {
      ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
      ...(options.workerFile !== undefined ? { workerFile: options.workerFile } : {}),
      ...(callbacks.signal ? { signal: callbacks.signal } : {}),
      ...(callbacks.onProgress ? { onProgress: callbacks.onProgress } : {}),
      onCase: async (outcome) => {
        const index = indexOf.get(outcome.case)!;
        await writer.addCase(index, outcome, plan.pairs[index]!.image);
      },
    });
  } catch (error) {
    await writer.discard();
    throw error;
  }
  const seconds = (performance.now() - t0) / 1000;
  const files = await writer.finish({
    plan, settings, version, seconds,
    ...(options.marks ? { marks: options.marks } : {}),
    ...(options.html ? { html: options.html } : {}),
    ...(versus ? { versus: { predictionsB: plan.predictionDirB } } : {}),
    ...(options.shard ? { shard: { ...options.shard, planned } } : {}),
  });
  return {
    plan, files, cancelled: result.cancelled, computed: result.done - result.failed, failed: result.failed,
    notRun: result.notRun.map((p) => p.case), seconds,
  };
}
