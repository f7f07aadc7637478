/**
 * `mask-inspector report PRED_DIR LABEL_DIR [options]` (dispatched from src/cli.ts).
 * Prints the plan on stdout, progress on stderr (a redrawn bar on a terminal, one line per case
 * otherwise), writes the report folder and prints where. Exit 0: every pair computed; 1: some
 * failed (they are in the report) or nothing to pair; 2: bad usage; 130: cancelled by Ctrl+C
 * (the finished cases are written as a partial report).
 */
import { statSync } from 'node:fs';
import { describePlan, FOLDER_PAIRING_OPTIONS, type FolderPairingOption } from '../core/analysis/folderPairing';
import type { Axis, PredictionKindOption } from '../core/analysis/result';
import { parseLabelNamesArg } from '../core/io/labelNames';
import { DEFAULT_MAX_VOXELS } from '../core/io/volume';
import { DEFAULT_METRIC_PARAMS, METRICS_LEVELS, type Connectivity, type MetricParams, type MetricsLevel } from '../core/kernels/metricIds';
import { defaultCaseJobs, type CaseProgress } from '../worker/casePool';
import { defaultReportDir, planLocalFolders, planLocalVersusFolders, runFolderReport } from './runFolderReport';
import { describeVersus } from './describeVersus';
import { parseShard, shardOf, shardRange, type Shard } from '../core/report/shard';
import type { VersusPlan } from '../core/analysis/versusPairing';

export const REPORT_USAGE = `usage: mask-inspector report PRED_DIR LABEL_DIR [options]
       mask-inspector report PRED_DIR LABEL_DIR --versus PRED_DIR_B [options]

Compares every prediction in PRED_DIR with its label in LABEL_DIR and writes a report folder:
report.html, report.json, cases.csv, slices.csv.

options:
  --versus PRED_DIR_B                     a second model's predictions of the same labels: A, B and Δ per case,
                                          paired statistics (docs/versus.md)
  --shard I/N                             compute only part I (0-based) of N of the sorted cases: a partial
                                          report; \`mask-inspector merge\` joins the parts (docs/scale-out.md)
  --pairing auto|nnunet|name|suffix       how files are paired (default auto: the mode pairing the most)
  --out DIR                               report folder (default: PRED_DIR/../mask-inspector-report-<PRED_DIR name>)
  --jobs N                                worker threads, one case each (default: CPU count, memory permitting)
  --kind auto|probability|logits|labels   how to read the predictions (default auto)
  --axis i|j|k                            slice axis (default k)
  --metrics all|overlap|none              evaluation metrics to add (default all)
  --threshold P                           metrics: predicted where probability ≥ P (default ${DEFAULT_METRIC_PARAMS.threshold})
  --tolerance-mm T                        metrics: surface Dice tolerance in mm (default ${DEFAULT_METRIC_PARAMS.toleranceMm})
  --connectivity 6|18|26                  metrics: lesion neighbourhood (default ${DEFAULT_METRIC_PARAMS.connectivity})
  --max-voxels N                          refuse files declaring more voxels (default ${DEFAULT_MAX_VOXELS})
  --label-names 1=liver,2=tumour          names of label values (a dataset.json beside/above LABEL_DIR comes first)
  -h, --help                              this text

exit status: 0 every pair computed, 1 some failed (listed in the report), 2 bad usage, 130 cancelled`;

class ReportUsageError extends Error {}

export interface ReportArgs {
  predictionDir: string;
  labelDir: string;
  pairing: FolderPairingOption;
  out: string | null;
  jobs: number | null;
  kind: PredictionKindOption;
  axis: Axis;
  metrics: MetricsLevel | null;
  metricParams: Partial<MetricParams>;
  maxVoxels: number;
  /** Second prediction folder (`--versus`), or null. */
  versus: string | null;
  /** `--shard I/N`, or null. */
  shard: Shard | null;
  /** --label-names: label value → name. */
  labelNames?: Record<string, string>;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value)) {
    throw new ReportUsageError(`${flag} takes one of ${allowed.join(', ')}${value === undefined ? '' : ` (got "${value}")`}`);
  }
  return value as T;
}

function positiveInteger(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ReportUsageError(`${flag} takes a positive whole number${value === undefined ? '' : ` (got "${value}")`}`);
  return n;
}

export function parseReportArgs(argv: readonly string[]): ReportArgs {
  const positional: string[] = [];
  const args: Omit<ReportArgs, 'predictionDir' | 'labelDir'> = {
    pairing: 'auto', out: null, jobs: null, kind: 'auto', axis: 'k', metrics: null, metricParams: {}, maxVoxels: DEFAULT_MAX_VOXELS, versus: null, shard: null,
  };
  const metric = (flag: string, text: string | undefined, ok: (n: number) => boolean, what: string) => {
    const n = text === undefined || text.trim() === '' ? NaN : Number(text);
    if (!ok(n)) throw new ReportUsageError(`${flag} takes ${what}${text === undefined ? '' : ` (got "${text}")`}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--pairing': args.pairing = oneOf(flag, value(), FOLDER_PAIRING_OPTIONS); break;
      case '--out': {
        const v = value();
        if (v === undefined || v === '') throw new ReportUsageError('--out takes a folder');
        args.out = v;
        break;
      }
      case '--jobs': args.jobs = positiveInteger(flag, value()); break;
      case '--kind': args.kind = oneOf(flag, value(), ['auto', 'probability', 'logits', 'labels'] as const); break;
      case '--axis': args.axis = oneOf(flag, value(), ['i', 'j', 'k'] as const); break;
      case '--metrics': args.metrics = oneOf(flag, value(), METRICS_LEVELS); break;
      case '--threshold':
        args.metricParams = { ...args.metricParams, threshold: metric(flag, value(), (n) => n > 0 && n <= 1, 'a probability in (0, 1]') };
        break;
      case '--tolerance-mm':
        args.metricParams = { ...args.metricParams, toleranceMm: metric(flag, value(), (n) => n >= 0 && Number.isFinite(n), 'a distance in mm ≥ 0') };
        break;
      case '--connectivity':
        args.metricParams = { ...args.metricParams, connectivity: Number(oneOf(flag, value(), ['6', '18', '26'] as const)) as Connectivity };
        break;
      case '--max-voxels': args.maxVoxels = positiveInteger(flag, value()); break;
      case '--shard': {
        const shard = parseShard(value());
        if (typeof shard === 'string') throw new ReportUsageError(shard);
        args.shard = shard;
        break;
      }
      case '--versus': {
        const v = value();
        if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new ReportUsageError('--versus takes a second prediction folder');
        args.versus = v;
        break;
      }
      case '--label-names': {
        const names = parseLabelNamesArg(value() ?? '');
        if (names === null) throw new ReportUsageError('--label-names takes names like 1=liver,2=tumour');
        args.labelNames = names;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') throw new ReportUsageError(`unknown option ${arg}`);
        positional.push(arg);
    }
  }
  if (positional.length !== 2) throw new ReportUsageError(`report takes two folders, PRED_DIR and LABEL_DIR (got ${positional.length})`);
  for (const dir of args.versus !== null ? [...positional, args.versus] : positional) {
    let ok = false;
    try { ok = statSync(dir).isDirectory(); } catch { /* reported below */ }
    if (!ok) throw new ReportUsageError(`${dir}: not a folder`);
  }
  return { ...args, predictionDir: positional[0]!, labelDir: positional[1]! };
}

/** Progress on stderr: a bar redrawn in place on a terminal, else one line per finished case. */
function progressPrinter(stream: NodeJS.WriteStream): { update: (p: CaseProgress) => void; end: () => void } {
  const tty = stream.isTTY === true;
  let drawn = false;
  const clear = () => { if (drawn) { stream.write('\r\x1b[2K'); drawn = false; } };
  const draw = (p: CaseProgress) => {
    const width = 24;
    const filled = p.total > 0 ? Math.round((p.done / p.total) * width) : 0;
    const current = p.running.length > 0 ? ` · ${p.running.join(', ')}` : '';
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total} cases${p.failed ? ` · ${p.failed} failed` : ''}${current}`;
    const columns = stream.columns !== undefined && stream.columns > 20 ? stream.columns : 100;
    stream.write(`\r\x1b[2K${line.length > columns - 1 ? line.slice(0, columns - 2) + '…' : line}`);
    drawn = true;
  };
  return {
    update(p) {
      const f = p.finished;
      if (f) {
        const at = `[${p.done}/${p.total}] ${f.case}`;
        const text = f.status === 'done' ? `${at} done (${f.seconds.toFixed(1)} s)`
          : `${at} FAILED: ${f.error.file ? `${f.error.file}: ` : ''}${f.error.message}`;
        if (!tty) stream.write(text + '\n');
        else if (f.status === 'failed') { clear(); stream.write(text + '\n'); }
      }
      // Two events per case (start, finish): cheap enough to redraw on each.
      if (tty) draw(p);
    },
    end: clear,
  };
}

export async function runReportCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(REPORT_USAGE + '\n');
    return 0;
  }
  let args: ReportArgs;
  try {
    args = parseReportArgs(argv);
  } catch (error) {
    if (!(error instanceof ReportUsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n${REPORT_USAGE}\n`);
    return 2;
  }
  const plan = args.versus !== null
    ? await planLocalVersusFolders(args.predictionDir, args.labelDir, args.versus, args.pairing)
    : await planLocalFolders(args.predictionDir, args.labelDir, args.pairing);
  process.stdout.write(describePlan(plan));
  if ('planB' in plan) process.stdout.write(describeVersus(plan as VersusPlan));
  const shardPairs = args.shard ? shardOf(plan.pairs, args.shard) : plan.pairs;
  const toCompute = 'planB' in plan ? (shardPairs as VersusPlan['pairs']).filter((p) => p.missing === null).length : shardPairs.length;
  if (toCompute === 0 && !(args.shard && plan.pairs.length > 0)) {
    process.stderr.write(`error: no prediction/label pairs found with --pairing ${args.pairing}; nothing to report\n`);
    return 1;
  }
  const outDir = args.out ?? (args.shard ? `${defaultReportDir(plan.predictionDir)}-part-${args.shard.index}-of-${args.shard.count}` : defaultReportDir(plan.predictionDir));
  const [first, last] = args.shard ? shardRange(plan.pairs.length, args.shard) : [0, plan.pairs.length];
  if (args.shard) process.stdout.write(`shard ${args.shard.index}/${args.shard.count}: cases ${first + 1}–${last} of ${plan.pairs.length} (sorted by case id)\n`);
  const jobs = args.jobs ?? undefined;
  const threads = Math.min(jobs ?? defaultCaseJobs(), toCompute);
  process.stdout.write(`computing ${toCompute} case${toCompute === 1 ? '' : 's'} on ${threads} worker thread${threads === 1 ? '' : 's'} → ${outDir}\n`);

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\ncancelling: writing the finished cases as a partial report (Ctrl+C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = progressPrinter(process.stderr);
  try {
    const outcome = await runFolderReport(plan, {
      kind: args.kind, axis: args.axis, maxVoxels: args.maxVoxels, outDir,
      ...(args.metrics !== null ? { metrics: args.metrics } : {}),
      ...(Object.keys(args.metricParams).length > 0 ? { metricParams: args.metricParams } : {}),
      ...(jobs !== undefined ? { jobs } : {}),
      ...(args.shard ? { shard: args.shard } : {}),
      ...(args.labelNames ? { labelNames: args.labelNames } : {}),
    }, { signal: controller.signal, onProgress: progress.update });
    progress.end();
    const f = outcome.files;
    process.stdout.write(`report written to ${f.dir}\n  ${f.html}\n  ${f.json}\n  ${f.casesCsv}\n  ${f.slicesCsv}\n`);
    process.stdout.write(`${outcome.computed} computed, ${outcome.failed} failed` +
      `${outcome.cancelled ? `, ${outcome.notRun.length} not run (cancelled)` : ''} in ${outcome.seconds.toFixed(1)} s\n`);
    if (outcome.cancelled) return 130;
    return outcome.failed > 0 ? 1 : 0;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('E')) throw error;
    progress.end();
    process.stderr.write(`error: ${outDir}: cannot write the report there (${code}); choose another folder with --out\n`);
    return 1;
  } finally {
    progress.end();
    process.off('SIGINT', onSigint);
  }
}
