/**
 * `mask-inspector report PRED_DIR LABEL_DIR [options]` (dispatched from src/cli.ts).
 * Prints the plan on stdout, progress on stderr (a redrawn bar on a terminal, one line per case
 * otherwise), writes the report folder and prints where. Exit 0: every pair computed; 1: some
 * failed (they are in the report) or nothing to pair; 2: bad usage; 130: cancelled by Ctrl+C
 * (the finished cases are written as a partial report).
 */
import { statSync } from 'node:fs';
import { describePlan, type FolderPairingOption } from '../core/analysis/folderPairing';
import { optionsUsage, parseCommandLine, UsageError } from '../cliOptions';
import { escapeControl, terminalText } from '../core/escape';
import type { Axis, PredictionKindOption } from '../core/analysis/result';
import { DEFAULT_MAX_VOXELS } from '../core/io/volume';
import { type MetricParams, type MetricsLevel } from '../core/kernels/metricIds';
import type { CaseProgress } from '../worker/casePool';
import { capThreads, mostCaseThreads } from '../worker/threadBudget';
import { defaultReportDir, planLocalFolders, planLocalVersusFolders, runFolderReport } from './runFolderReport';
import { describeVersus } from './describeVersus';
import { shardOf, shardRange, type Shard } from '../core/report/shard';
import type { VersusPlan } from '../core/analysis/versusPairing';
import { conventionOptionsFrom } from '../conventionArgs';
import type { ConventionSettings } from '../core/analysis/conventionRange';

export const REPORT_USAGE = `usage: mask-inspector report PRED_DIR LABEL_DIR [options]
       mask-inspector report PRED_DIR LABEL_DIR --versus PRED_DIR_B [options]

Compares every prediction in PRED_DIR with its label in LABEL_DIR and writes a report folder:
report.html, report.json, cases.csv, slices.csv.

${optionsUsage('report')}

exit status: 0 every pair computed, 1 some failed (listed in the report), 2 bad usage, 130 cancelled`;

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
  conventions: ConventionSettings;
  /** Second prediction folder (`--versus`), or null. */
  versus: string | null;
  /** `--shard I/N`, or null. */
  shard: Shard | null;
  /** --label-names: label value → name. */
  labelNames?: Record<string, string>;
}

export function parseReportArgs(argv: readonly string[]): ReportArgs {
  const { values: v, positionals } = parseCommandLine('report', argv);
  if (positionals.length !== 2) throw new UsageError(`report takes two folders, PRED_DIR and LABEL_DIR (got ${positionals.length})`);
  const versus = v.versus ?? null;
  let conventions: ConventionSettings;
  try {
    conventions = conventionOptionsFrom(v.conventions ?? 'seed', v.param ?? []);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  for (const dir of versus !== null ? [...positionals, versus] : positionals) {
    let ok = false;
    try { ok = statSync(dir).isDirectory(); } catch { /* reported below */ }
    if (!ok) throw new UsageError(`${dir}: not a folder`);
  }
  const metricParams: { -readonly [K in keyof MetricParams]?: MetricParams[K] } = {};
  if (v.threshold !== undefined) metricParams.threshold = v.threshold;
  if (v['tolerance-mm'] !== undefined) metricParams.toleranceMm = v['tolerance-mm'];
  if (v.connectivity !== undefined) metricParams.connectivity = v.connectivity;
  return {
    predictionDir: positionals[0]!, labelDir: positionals[1]!,
    pairing: v.pairing ?? 'auto', out: v.out ?? null, jobs: v.jobs ?? null, kind: v.kind ?? 'auto', axis: v.axis ?? 'k',
    metrics: v.metrics ?? null, metricParams, maxVoxels: v['max-voxels'] ?? DEFAULT_MAX_VOXELS,
    conventions, versus, shard: v.shard ?? null,
    ...(v['label-names'] !== undefined ? { labelNames: v['label-names'] } : {}),
  };
}

/** Progress on stderr: a bar redrawn in place on a terminal, else one line per finished case. */
function progressPrinter(stream: NodeJS.WriteStream): { update: (p: CaseProgress) => void; end: () => void } {
  const tty = stream.isTTY === true;
  let drawn = false;
  const clear = () => { if (drawn) { stream.write('\r\x1b[2K'); drawn = false; } };
  const draw = (p: CaseProgress) => {
    const width = 24;
    const filled = p.total > 0 ? Math.round((p.done / p.total) * width) : 0;
    const current = p.running.length > 0 ? ` · ${escapeControl(p.running.join(', '))}` : '';
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
        // One line each, whatever the case and file names hold (control characters escaped).
        const text = escapeControl(f.status === 'done' ? `${at} done (${f.seconds.toFixed(1)} s)`
          : `${at} FAILED: ${f.error.file ? `${f.error.file}: ` : ''}${f.error.message}`);
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
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${escapeControl(`error: ${error.message}`)}\n${REPORT_USAGE}\n`);
    return 2;
  }
  const plan = args.versus !== null
    ? await planLocalVersusFolders(args.predictionDir, args.labelDir, args.versus, args.pairing)
    : await planLocalFolders(args.predictionDir, args.labelDir, args.pairing);
  process.stdout.write(terminalText(describePlan(plan)));
  if ('planB' in plan) process.stdout.write(terminalText(describeVersus(plan as VersusPlan)));
  const shardPairs = args.shard ? shardOf(plan.pairs, args.shard) : plan.pairs;
  const toCompute = 'planB' in plan ? (shardPairs as VersusPlan['pairs']).filter((p) => p.missing === null).length : shardPairs.length;
  if (toCompute === 0 && !(args.shard && plan.pairs.length > 0)) {
    process.stderr.write(`error: no prediction/label pairs found with --pairing ${args.pairing}; nothing to report\n`);
    return 1;
  }
  const outDir = args.out ?? (args.shard ? `${defaultReportDir(plan.predictionDir)}-part-${args.shard.index}-of-${args.shard.count}` : defaultReportDir(plan.predictionDir));
  const [first, last] = args.shard ? shardRange(plan.pairs.length, args.shard) : [0, plan.pairs.length];
  if (args.shard) process.stdout.write(`shard ${args.shard.index}/${args.shard.count}: cases ${first + 1}–${last} of ${plan.pairs.length} (sorted by case id)\n`);
  const choice = capThreads(args.jobs ?? undefined, mostCaseThreads(), `--jobs ${args.jobs}`);
  if (choice.warning) process.stderr.write(`${escapeControl(`warning: ${choice.warning}`)}\n`);
  const jobs = choice.threads;
  const threads = Math.min(jobs, toCompute);
  process.stdout.write(`computing ${toCompute} case${toCompute === 1 ? '' : 's'} on ${threads} worker thread${threads === 1 ? '' : 's'} → ${escapeControl(outDir)}\n`);

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
      kind: args.kind, axis: args.axis, maxVoxels: args.maxVoxels, outDir, conventions: args.conventions,
      ...(args.metrics !== null ? { metrics: args.metrics } : {}),
      ...(Object.keys(args.metricParams).length > 0 ? { metricParams: args.metricParams } : {}),
      jobs,
      ...(args.shard ? { shard: args.shard } : {}),
      ...(args.labelNames ? { labelNames: args.labelNames } : {}),
    }, { signal: controller.signal, onProgress: progress.update });
    progress.end();
    const f = outcome.files;
    process.stdout.write(terminalText(`report written to ${f.dir}\n  ${f.html}\n  ${f.json}\n  ${f.casesCsv}\n  ${f.slicesCsv}\n`));
    process.stdout.write(`${outcome.computed} computed, ${outcome.failed} failed` +
      `${outcome.cancelled ? `, ${outcome.notRun.length} not run (cancelled)` : ''} in ${outcome.seconds.toFixed(1)} s\n`);
    if (outcome.cancelled) return 130;
    return outcome.failed > 0 ? 1 : 0;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('E')) throw error;
    progress.end();
    process.stderr.write(`${escapeControl(`error: ${outDir}: cannot write the report there (${code}); choose another folder with --out`)}\n`);
    return 1;
  } finally {
    progress.end();
    process.off('SIGINT', onSigint);
  }
}
