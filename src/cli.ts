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
import { DEFAULT_METRIC_PARAMS, METRICS_LEVELS, type Connectivity, type MetricsLevel } from './core/kernels/metricIds';
import { defaultJobs } from './worker/rangePool';
import { compareFiles } from './worker/streamCompare';
import { REPORT_USAGE, runReportCommand } from './report/reportCli';
import { readInputFile } from './core/analysis/readInput';
import { versusResult } from './core/analysis/difference';
import { MERGE_USAGE, runMergeCommand } from './report/mergeCli';
import { versusToCsv, versusToTable } from './core/analysis/formatVersus';
import { labelNamesForFile, parseLabelNamesArg, parseLabelNamesSetting, readTextFile, withLabelNames } from './core/io/labelNames';
import { segmentsOfFile } from './core/io/segNrrd';
import { compareInParallel } from './worker/rangePool';

const USAGE = `usage: mask-inspector compare PRED LABEL [options]
       mask-inspector compare PRED_A LABEL --versus PRED_B [options]

Compares a prediction mask with a label mask (NIfTI .nii/.nii.gz, NRRD .nrrd/.nhdr/.seg.nrrd,
MetaImage .mha/.mhd, NumPy .npy/.npz or PNG; docs/formats.md) and prints every
segmentation loss and evaluation metric per slice and for the whole volume.

options:
  --versus PRED_B                         also compare a second prediction with the same label: JSON adds
                                          \`versus\` (B's result) and \`difference\` (B − A); see docs/versus.md
  --kind auto|probability|logits|labels   how to read the prediction (default auto)
  --axis i|j|k                            slice axis (default k)
  --format table|json|csv                 output (default table)
  --metrics all|overlap|none              evaluation metrics: overlap, surface distances (mm) and
                                          lesions; overlap only; or none (default all)
  --threshold P                           predicted where probability ≥ P, in (0, 1] (default ${DEFAULT_METRIC_PARAMS.threshold})
  --tolerance-mm T                        surface Dice tolerance in mm (default ${DEFAULT_METRIC_PARAMS.toleranceMm})
  --connectivity 6|18|26                  lesion neighbourhood in 3D; 2D: 4, 8, 8 (default ${DEFAULT_METRIC_PARAMS.connectivity})
  --jobs N                                worker threads (default: CPU count)
  --max-voxels N                          refuse files declaring more voxels (default ${DEFAULT_MAX_VOXELS})
  --npz-array NAME                        the array of an .npz to read (default: its first)
  --label-names 1=liver,2=tumour          names of label values (a .seg.nrrd's own names and an
                                          nnU-Net dataset.json beside/above the label come first)
  -h, --help                              this text
  --version                               print the version`;

class UsageError extends Error {}

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
  maxVoxels: number;
  /** Second prediction (`--versus`), or null. */
  versus: string | null;
  /** The .npz array to read (every .npz given); undefined: the first. */
  npzArray?: string;
  /** --label-names: label value → name. */
  labelNames?: Record<string, string>;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} takes one of ${allowed.join(', ')}${value === undefined ? '' : ` (got "${value}")`}`);
  }
  return value as T;
}

function positiveInteger(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a positive whole number${value === undefined ? '' : ` (got "${value}")`}`);
  return n;
}

function numberIn(flag: string, value: string | undefined, ok: (n: number) => boolean, what: string): number {
  const n = value === undefined || value.trim() === '' ? NaN : Number(value);
  if (!ok(n)) throw new UsageError(`${flag} takes ${what}${value === undefined ? '' : ` (got "${value}")`}`);
  return n;
}

export function parseCompareArgs(argv: readonly string[]): CompareArgs {
  const positional: string[] = [];
  const args: Omit<CompareArgs, 'prediction' | 'label'> = {
    kind: 'auto', axis: 'k', format: 'table', jobs: defaultJobs(), maxVoxels: DEFAULT_MAX_VOXELS,
    metrics: 'all', ...DEFAULT_METRIC_PARAMS, versus: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--kind': args.kind = oneOf(flag, value(), ['auto', 'probability', 'logits', 'labels'] as const); break;
      case '--axis': args.axis = oneOf(flag, value(), ['i', 'j', 'k'] as const); break;
      case '--format': args.format = oneOf(flag, value(), ['table', 'json', 'csv'] as const); break;
      case '--metrics': args.metrics = oneOf(flag, value(), METRICS_LEVELS); break;
      case '--threshold': args.threshold = numberIn(flag, value(), (n) => n > 0 && n <= 1, 'a probability in (0, 1]'); break;
      case '--tolerance-mm': args.toleranceMm = numberIn(flag, value(), (n) => n >= 0 && Number.isFinite(n), 'a distance in mm ≥ 0'); break;
      case '--connectivity': args.connectivity = Number(oneOf(flag, value(), ['6', '18', '26'] as const)) as Connectivity; break;
      case '--jobs': args.jobs = positiveInteger(flag, value()); break;
      case '--max-voxels': args.maxVoxels = positiveInteger(flag, value()); break;
      case '--versus': {
        const v = value();
        if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new UsageError('--versus takes a second prediction file');
        args.versus = v;
        break;
      }
      case '--label-names': {
        const names = parseLabelNamesArg(value() ?? '');
        if (names === null) throw new UsageError('--label-names takes names like 1=liver,2=tumour');
        args.labelNames = names;
        break;
      }
      case '--npz-array': {
        const name = value();
        if (name === undefined || name === '') throw new UsageError('--npz-array takes the name of an array in the .npz');
        args.npzArray = name;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        positional.push(arg);
    }
  }
  if (positional.length !== 2) throw new UsageError(`compare takes two files, PRED and LABEL (got ${positional.length})`);
  return { ...args, prediction: positional[0]!, label: positional[1]! };
}


async function runCompare(argv: readonly string[]): Promise<void> {
  const args = parseCompareArgs(argv);
  const options = {
    kind: args.kind, axis: args.axis, params: DEFAULT_LOSS_PARAMS, metrics: args.metrics,
    metricParams: { threshold: args.threshold, toleranceMm: args.toleranceMm, connectivity: args.connectivity },
  };
  const labelNames = async () => {
    const setting = args.labelNames ? parseLabelNamesSetting(args.labelNames) : null;
    const names = await labelNamesForFile(args.label, null, setting, readTextFile);
    for (const segment of segmentsOfFile(args.label)) names.set(segment.value, segment.name);
    return names;
  };
  if (args.versus !== null) {
    // Two predictions: the label is read (and decoded) once, each prediction compared with it.
    const label = readInputFile(args.label, args.maxVoxels, args.npzArray);
    const pairA = preparePair(readInputFile(args.prediction, args.maxVoxels, args.npzArray), label, args.kind);
    for (const w of pairA.warnings) process.stderr.write(`warning: ${w}\n`);
    const a = await compareInParallel(pairA, options, args.jobs);
    const pairB = preparePair(readInputFile(args.versus, args.maxVoxels, args.npzArray), label, args.kind);
    for (const w of pairB.warnings) process.stderr.write(`warning: ${args.versus}: ${w}\n`);
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
  for (const w of computed.warnings) process.stderr.write(`warning: ${w}\n`);
  const result = withLabelNames(computed, await labelNames());
  const text = args.format === 'json' ? JSON.stringify(result, null, 1) + '\n'
    : args.format === 'csv' ? resultToCsv(result) : resultToTable(result);
  process.stdout.write(text);
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
    if (rest.includes('-h') || rest.includes('--help')) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    await runCompare(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(`error: ${error.file}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    process.stderr.write(`error: internal failure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
