/**
 * Folder-report benchmark: `npm run bench -- --report` (or node dist-test/bench/reportBench.js).
 * Generates once into bench-data/report-512x512x100/ (never committed) one realistic pair —
 * float32 probability prediction, uint8 label, .nii.gz — copied under N case names in an
 * nnU-Net layout, then runs the whole report (plan → case workers → report folder) in a child
 * process with 1 and with 2 workers and prints the wall time and the peak memory of that process
 * (VmHWM: all its threads, i.e. the workers, included), with the load average before and after.
 * Options: --cases N (default 100), --jobs 1,2, --size 512,512,100, --metrics all|overlap|none.
 * --versus: also the two-prediction report (issue #12: `report --versus`, B = a second folder of
 * copies of the prediction) right after each single one, and the ratio (target ≤ 2.1×).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { MetricsLevel } from '../../src/core/kernels/metricIds';
import { planLocalFolders, planLocalVersusFolders, runFolderReport } from '../../src/report/runFolderReport';
import { gzip, writeNifti } from '../unit/helpers/niftiWriter';
import { makeSyntheticPair } from './synthetic';

const repo = resolve(__dirname, '../..');

function option(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
}

function status(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function ensureData(dims: [number, number, number], cases: number): { predictions: string; labels: string; predictionsB: string } {
  const root = join(repo, 'bench-data', `report-${dims.join('x')}`);
  const predictions = join(root, 'predictions'), labels = join(root, 'labelsTr');
  const name = (i: number) => `case_${String(i).padStart(3, '0')}.nii.gz`;
  const source = { pred: join(root, 'source_prediction.nii.gz'), label: join(root, 'source_label.nii.gz') };
  if (!existsSync(source.pred) || !existsSync(source.label)) {
    mkdirSync(root, { recursive: true });
    console.log(`generating a ${dims.join('×')} pair in ${root} (once) …`);
    const pair = makeSyntheticPair(...dims);
    const pixdim = [1, ...pair.spacing, 1];
    const srow = [pair.spacing[0], 0, 0, 0, 0, pair.spacing[1], 0, 0, 0, 0, pair.spacing[2], 0];
    writeFileSync(source.pred, gzip(writeNifti({ shape: pair.dims, dtype: 'float32', values: pair.probability, pixdim, srow })));
    writeFileSync(source.label, gzip(writeNifti({ shape: pair.dims, dtype: 'uint8', values: pair.label, pixdim, srow })));
  }
  // Exactly `cases` copies (a previous run with more leaves extras: start afresh then).
  if (existsSync(join(predictions, name(cases))) || existsSync(join(labels, name(cases)))) {
    rmSync(predictions, { recursive: true, force: true });
    rmSync(labels, { recursive: true, force: true });
  }
  mkdirSync(predictions, { recursive: true });
  mkdirSync(labels, { recursive: true });
  for (let i = 0; i < cases; i++) {
    if (!existsSync(join(predictions, name(i)))) copyFileSync(source.pred, join(predictions, name(i)));
    if (!existsSync(join(labels, name(i)))) copyFileSync(source.label, join(labels, name(i)));
  }
  const predictionsB = join(root, 'predictionsB');
  mkdirSync(predictionsB, { recursive: true });
  for (let i = 0; i < cases; i++) if (!existsSync(join(predictionsB, name(i)))) copyFileSync(source.pred, join(predictionsB, name(i)));
  return { predictions, labels, predictionsB };
}

/** Child mode: one report run in this process; prints one JSON line. */
async function child(argv: readonly string[]): Promise<void> {
  const jobs = Number(option(argv, '--jobs', '1'));
  const metrics = option(argv, '--metrics', 'all') as MetricsLevel;
  const versus = option(argv, '--versus-dir', '');
  const plan = versus !== ''
    ? await planLocalVersusFolders(option(argv, '--pred', ''), option(argv, '--labels', ''), versus)
    : await planLocalFolders(option(argv, '--pred', ''), option(argv, '--labels', ''));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const outcome = await runFolderReport(plan, {
    jobs, metrics, outDir: option(argv, '--out', ''), workerFile: join(repo, 'dist', 'caseWorker.js'),
  });
  const seconds = (performance.now() - t0) / 1000;
  // CPU time of the whole process, worker threads included (getrusage RUSAGE_SELF): on a shared,
  // overloaded machine the wall time measures the scheduler's share more than the work.
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, computed: outcome.computed, failed: outcome.failed, hwm: status('self', 'VmHWM') }));
}

function runChild(args: string[]): Promise<{ seconds: number; cpuSeconds: number; computed: number; failed: number; hwm: number; sampledPeak: number }> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, [join(repo, 'dist-test', 'bench', 'reportBench.js'), '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let sampledPeak = 0;
    const timer = setInterval(() => { sampledPeak = Math.max(sampledPeak, status(proc.pid!, 'VmRSS')); }, 100);
    proc.stdout.on('data', (d) => { out += d; });
    proc.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) { reject(new Error(`the report child exited with ${code}`)); return; }
      resolvePromise({ ...JSON.parse(out.trim().split('\n').at(-1)!), sampledPeak });
    });
  });
}

const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');
const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;

export async function runReportBench(argv: readonly string[]): Promise<void> {
  const dims = option(argv, '--size', '512,512,100').split(',').map(Number) as [number, number, number];
  const cases = Number(option(argv, '--cases', '100'));
  const jobsList = option(argv, '--jobs', '1,2').split(',').map(Number);
  const metrics = option(argv, '--metrics', 'all');
  const data = ensureData(dims, cases);
  console.log(`Folder report benchmark — ${cases} pairs of ${dims.join('×')} float32 probability / uint8 label .nii.gz, ` +
    `metrics ${metrics}, node ${process.version}, ${cpus().length} cores\n`);
  const wallByJobs = new Map<number, number>();
  for (const jobs of jobsList) {
    const out = join(repo, 'bench-data', `report-out-${jobs}`);
    const before = load();
    const r = await runChild(['--jobs', String(jobs), '--metrics', metrics, '--pred', data.predictions, '--labels', data.labels, '--out', out]);
    wallByJobs.set(jobs, r.seconds);
    console.log(`${jobs} worker${jobs === 1 ? ' ' : 's'}: ${r.seconds.toFixed(1)} s wall (${(r.seconds / cases).toFixed(2)} s/case, CPU ${r.cpuSeconds.toFixed(1)} s), ` +
      `${r.computed} computed, ${r.failed} failed; peak RSS of the process (VmHWM, workers included) ${mb(r.hwm)}, ` +
      `sampled max ${mb(r.sampledPeak)}; load average before ${before}, after ${load()}`);
    if (!argv.includes('--versus')) continue;
    // A–B–A: the single report again after the two-prediction one, so a load that drifts during
    // the runs (shared machine) biases neither side; the ratio is against the mean of the two.
    const beforeB = load();
    const v = await runChild(['--jobs', String(jobs), '--metrics', metrics, '--pred', data.predictions, '--labels', data.labels,
      '--versus-dir', data.predictionsB, '--out', `${out}-versus`]);
    const afterB = load();
    const again = await runChild(['--jobs', String(jobs), '--metrics', metrics, '--pred', data.predictions, '--labels', data.labels, '--out', out]);
    const single = (r.seconds + again.seconds) / 2;
    const singleCpu = (r.cpuSeconds + again.cpuSeconds) / 2;
    console.log(`${jobs} worker${jobs === 1 ? ' ' : 's'}, two predictions (--versus): ${v.seconds.toFixed(1)} s wall, ${v.computed} computed, ` +
      `${v.failed} failed; single report again ${again.seconds.toFixed(1)} s; ${(v.seconds / single).toFixed(2)}× the mean single report ` +
      `(target ≤ 2.1×); CPU time ${v.cpuSeconds.toFixed(1)} s vs ${r.cpuSeconds.toFixed(1)} / ${again.cpuSeconds.toFixed(1)} s: ` +
      `${(v.cpuSeconds / singleCpu).toFixed(2)}×; peak RSS ${mb(v.hwm)}; load average before ${beforeB}, after the versus run ${afterB}, ` +
      `at the end ${load()}`);
  }
  // Issue #10 target 5: the throughput of two workers against one, on the same cases.
  const one = wallByJobs.get(1), two = wallByJobs.get(2);
  if (one !== undefined && two !== undefined) console.log(`\ntarget 5: 2 workers / 1 worker throughput = ${(one / two).toFixed(2)} (target ≥ 1.7)`);
}

if (/reportBench\.js$/.test(process.argv[1] ?? '')) {
  const argv = process.argv.slice(2);
  (argv.includes('--child') ? child(argv) : runReportBench(argv)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
