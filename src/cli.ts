/**
 * mask-inspector — command-line front end of the engine.
 * Exit codes: 0 success, 1 bad input (one `error: <file>: <what>` line), 2 bad usage.
 */
import { version } from '../package.json';
import { InputError, preparePair } from './core/analysis/inputs';
import { resultToCsv, resultToTable } from './core/analysis/formatResult';
import type { Axis, PredictionKindOption } from './core/analysis/result';
import { DEFAULT_MAX_VOXELS } from './core/io/volume';
import { DEFAULT_LOSS_PARAMS } from './core/kernels/lossIds';
import { DEFAULT_METRIC_PARAMS, type Connectivity, type MetricsLevel } from './core/kernels/metricIds';
import { optionsUsage, parseCommandLine, UsageError } from './cliOptions';
import { releasePrestartedWorkers } from './worker/prestart';
import { compareFiles } from './worker/streamCompare';
import { capThreads, mostRangeThreads } from './worker/threadBudget';
import { REPORT_USAGE, runReportCommand } from './report/reportCli';
import { conventionOptionsFrom } from './conventionArgs';
import { escapeControl, terminalText } from './core/escape';
import { checkDistinctFiles, readInputFile } from './core/analysis/readInput';
import { versusResult } from './core/analysis/difference';
import { MERGE_USAGE, runMergeCommand } from './report/mergeCli';
import { versusToCsv, versusToTable } from './core/analysis/formatVersus';
import { labelNamesForFile, parseLabelNamesSetting, readTextFile, withLabelNames } from './core/io/labelNames';
import { segmentsOfFile } from './core/io/segNrrd';
import { segmentsOfDicomFile } from './core/io/dicomSeg';
import { compareInParallel } from './worker/rangePool';

const USAGE = `usage: mask-inspector compare PRED LABEL [options]
       mask-inspector compare PRED_A LABEL --versus PRED_B [options]

Compares a prediction mask with a label mask (NIfTI .nii/.nii.gz, NRRD .nrrd/.nhdr/.seg.nrrd,
MetaImage .mha/.mhd, NumPy .npy/.npz, DICOM-SEG .dcm or PNG; docs/formats.md) and prints every
segmentation loss and evaluation metric per slice and for the whole volume.

${optionsUsage('compare')}`;

interface CompareArgs {
  prediction: string;
  label: string;
  kind: PredictionKindOption;
  axis: Axis;
  format: 'table' | 'json' | 'csv';
  metrics: MetricsLevel;
  threshold: number;
  toleranceMm: number;
  connectivity: Connectivity;
  jobs: number;
  /** Set when --jobs asked for more threads than the machine can use. */
  jobsWarning: string | null;
  maxVoxels: number;
  conventions: string;
  param: string[];
  /** Second prediction (`--versus`), or null. */
  versus: string | null;
  /** The .npz array to read (every .npz given); undefined: the first. */
  npzArray?: string;
  /** --label-names: label value → name. */
  labelNames?: Record<string, string>;
}

export function parseCompareArgs(argv: readonly string[]): CompareArgs {
  const { values: v, positionals } = parseCommandLine('compare', argv);
  if (positionals.length !== 2) throw new UsageError(`compare takes two files, PRED and LABEL (got ${positionals.length})`);
  try {
    conventionOptionsFrom(v.conventions ?? 'seed', v.param ?? []);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  const jobs = capThreads(v.jobs, mostRangeThreads(), `--jobs ${v.jobs}`);
  return {
    prediction: positionals[0]!, label: positionals[1]!,
    kind: v.kind ?? 'auto', axis: v.axis ?? 'k', format: v.format ?? 'table', metrics: v.metrics ?? 'all',
    threshold: v.threshold ?? DEFAULT_METRIC_PARAMS.threshold,
    toleranceMm: v['tolerance-mm'] ?? DEFAULT_METRIC_PARAMS.toleranceMm,
    connectivity: v.connectivity ?? DEFAULT_METRIC_PARAMS.connectivity,
    jobs: jobs.threads, jobsWarning: jobs.warning, maxVoxels: v['max-voxels'] ?? DEFAULT_MAX_VOXELS,
    conventions: v.conventions ?? 'seed', param: v.param ?? [],
    versus: v.versus ?? null,
    ...(v['npz-array'] !== undefined ? { npzArray: v['npz-array'] } : {}),
    ...(v['label-names'] !== undefined ? { labelNames: v['label-names'] } : {}),
  };
}

async function runCompare(argv: readonly string[]): Promise<void> {
  const args = parseCompareArgs(argv);
  if (args.jobsWarning) process.stderr.write(`${escapeControl(`warning: ${args.jobsWarning}`)}\n`);
  checkDistinctFiles(args.prediction, args.label);
  if (args.versus !== null) checkDistinctFiles(args.versus, args.label);
  const options = {
    kind: args.kind, axis: args.axis, params: DEFAULT_LOSS_PARAMS, metrics: args.metrics,
    metricParams: { threshold: args.threshold, toleranceMm: args.toleranceMm, connectivity: args.connectivity },
    conventions: conventionOptionsFrom(args.conventions, args.param),
  };
  const labelNames = async () => {
    const setting = args.labelNames ? parseLabelNamesSetting(args.labelNames) : null;
    const names = await labelNamesForFile(args.label, null, setting, readTextFile);
    for (const segment of [...segmentsOfFile(args.label), ...segmentsOfDicomFile(args.label)]) names.set(segment.value, segment.name);
    return names;
  };
  if (args.versus !== null) {
    // Two predictions: the label is read (and decoded) once, each prediction compared with it.
    const label = readInputFile(args.label, args.maxVoxels, args.npzArray);
    const pairA = preparePair(readInputFile(args.prediction, args.maxVoxels, args.npzArray), label, args.kind);
    for (const w of pairA.warnings) process.stderr.write(`${escapeControl(`warning: ${w}`)}\n`);
    const a = await compareInParallel(pairA, options, args.jobs);
    const pairB = preparePair(readInputFile(args.versus, args.maxVoxels, args.npzArray), label, args.kind);
    for (const w of pairB.warnings) process.stderr.write(`${escapeControl(`warning: ${args.versus}: ${w}`)}\n`);
    const b = await compareInParallel(pairB, options, args.jobs);
    const names = await labelNames();
    const versus = versusResult(withLabelNames(a, names), withLabelNames(b, names));
    process.stdout.write(args.format === 'json' ? JSON.stringify(versus, null, 1) + '\n'
      : args.format === 'csv' ? versusToCsv(versus) : versusToTable(versus));
    return;
  }
  // Reading, inflating, checking and computing overlap (src/worker/streamCompare.ts); an .npz array
  // chosen by name goes the plain way (the streaming decoder reads an archive's first array).
  const computed = args.npzArray === undefined
    ? await compareFiles(args.prediction, args.label, options, args.maxVoxels, args.jobs)
    : await compareInParallel(preparePair(readInputFile(args.prediction, args.maxVoxels, args.npzArray),
      readInputFile(args.label, args.maxVoxels, args.npzArray), args.kind), options, args.jobs);
  for (const w of computed.warnings) process.stderr.write(`${escapeControl(`warning: ${w}`)}\n`);
  const result = withLabelNames(computed, await labelNames());
  const text = args.format === 'json' ? JSON.stringify(result, null, 1) + '\n'
    : args.format === 'csv' ? resultToCsv(result) : resultToTable(result);
  // JSON escapes control characters itself; CSV is data; the table is for a terminal.
  process.stdout.write(args.format === 'table' ? terminalText(text) : text);
}

/** `-h`/`--help` anywhere before `--` asks for help, even next to otherwise bad arguments. */
function parseHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '-h' || a === '--help');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(USAGE + '\n\n' + REPORT_USAGE + '\n\n' + MERGE_USAGE + '\n');
      return command === undefined ? 2 : 0;
    }
    if (command === '--version') {
      process.stdout.write(`${version}\n`);
      return 0;
    }
    if (command === 'report') return await runReportCommand(rest);
    if (command === 'merge') return await runMergeCommand(rest);
    if (command !== 'compare') throw new UsageError(`unknown command "${command}" (commands: compare, report, merge)`);
    if (parseHelp(rest)) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    await runCompare(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${escapeControl(`error: ${error.message}`)}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(`${escapeControl(`error: ${error.file}: ${error.message}`)}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * A reader that goes away (`| head -n 1`) closes our stdout or stderr: that is not a failure of
 * the run. Later writes to that stream are dropped quietly, the work goes on (a report is still
 * written) and the exit status still says how the run went.
 */
export function quietOnClosedOutput(...streams: NodeJS.WriteStream[]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED' || error.code === 'ERR_STREAM_WRITE_AFTER_END') return;
      throw error;
    });
  }
}

/** Runs the command line of this process (dist/cli.js, src/cliEntry.ts, calls it). */
export function runCli(): void {
  quietOnClosedOutput(process.stdout, process.stderr);
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    process.stderr.write(`${escapeControl(`error: internal failure: ${error instanceof Error ? error.message : String(error)}`)}\n`);
    process.exitCode = 1;
  }).finally(releasePrestartedWorkers);
}

if (require.main === module) runCli();
