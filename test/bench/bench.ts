/**
 * npm run bench — generates (once, into bench-data/, never committed) a 512×512×300 pair,
 * float32 probability prediction and uint8 label, as .nii and .nii.gz, and prints:
 * decode time per file, the value scan, all 9 losses over all slices on one thread and on
 * two worker threads, the hard-prediction path, the evaluation metrics (3D surface distances and
 * lesions once per volume, 2D per slice, and what `--metrics all` adds to a comparison), and
 * peak RSS. Figures go in the README.
 * Options: --size NX,NY,NZ (default 512,512,300), --reps N (default 3).
 * `--report`: the folder-report benchmark instead (test/bench/reportBench.ts, its own options).
 * First (or alone, with `--whole`): the whole-process table of issue #10 (wholeProcess.ts), then
 * (unless `--skip-report`) the folder report on 1 and 2 workers, issue #10 target 5.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RangePool, sharePair } from '../../src/worker/rangePool';
import { assembleResult, type CompareOptions } from '../../src/core/analysis/compare';
import { computeRange } from '../../src/core/analysis/computeRange';
import { preparePair, type PreparedPair } from '../../src/core/analysis/inputs';
import { computeSliceMetrics } from '../../src/core/analysis/metrics';
import { computeVolumeMetrics } from '../../src/core/analysis/volumeMetrics';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { DEFAULT_METRIC_PARAMS, M_FIELDS, M_HD95, M_ASSD, type MetricSettings } from '../../src/core/kernels/metricIds';
import type { RangeReply, WorkerJob } from '../../src/worker/rangeMessages';
import { gzip, writeNifti } from '../unit/helpers/niftiWriter';
import { makeSyntheticPair } from './synthetic';
import { runReportBench } from './reportBench';
import { conventionsBench } from './conventionsBench';
import { runFormatsBench } from './formatsBench';
import { runWholeProcessBench } from './wholeProcess';

const repo = resolve(__dirname, '../..');
const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1]! : fallback; };
const [nx, ny, nz] = flag('--size', '512,512,300').split(',').map(Number) as [number, number, number];
const reps = Number(flag('--reps', '3'));
const dataDir = join(repo, 'bench-data', `${nx}x${ny}x${nz}`);
const workerFile = join(repo, 'dist', 'rangeWorker.js');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed<T>(fn: () => T | Promise<T>, times = reps): Promise<{ ms: number; value: T }> {
  const runs: number[] = [];
  let value!: T;
  for (let r = 0; r < times; r++) {
    global.gc?.();
    const t0 = performance.now();
    value = await fn();
    runs.push(performance.now() - t0);
  }
  return { ms: median(runs), value };
}

const rows: [string, string][] = [];
function report(what: string, figure: string): void {
  rows.push([what, figure]);
  console.log(`${what.padEnd(58)} ${figure}`);
}

function ensureData(): Record<string, string> {
  const files = {
    predNii: join(dataDir, 'prediction_prob_f32.nii'), predGz: join(dataDir, 'prediction_prob_f32.nii.gz'),
    labelNii: join(dataDir, 'label_u8.nii'), labelGz: join(dataDir, 'label_u8.nii.gz'),
    hardGz: join(dataDir, 'prediction_labels_u8.nii.gz'),
  };
  if (Object.values(files).every(existsSync)) return files;
  mkdirSync(dataDir, { recursive: true });
  console.log(`generating a ${nx}×${ny}×${nz} pair in ${dataDir} (once) …`);
  const pair = makeSyntheticPair(nx, ny, nz);
  const pixdim = [1, ...pair.spacing, 1];
  const srow = [pair.spacing[0], 0, 0, 0, 0, pair.spacing[1], 0, 0, 0, 0, pair.spacing[2], 0];
  const pred = writeNifti({ shape: pair.dims, dtype: 'float32', values: pair.probability, pixdim, srow });
  const label = writeNifti({ shape: pair.dims, dtype: 'uint8', values: pair.label, pixdim, srow });
  const hard = writeNifti({ shape: pair.dims, dtype: 'uint8', values: pair.hard, pixdim, srow });
  writeFileSync(files.predNii, pred);
  writeFileSync(files.labelNii, label);
  writeFileSync(files.predGz, gzip(pred));
  writeFileSync(files.labelGz, gzip(label));
  writeFileSync(files.hardGz, gzip(hard));
  return files;
}

/** Python's zlib + numpy.frombuffer: what nibabel does to read a .nii.gz (nibabel itself is not installable here). */
function pythonDecodeMs(file: string): string {
  const script = [
    'import gzip, sys, time', 'import numpy as np', 't = []',
    'for _ in range(int(sys.argv[2])):',
    '    t0 = time.perf_counter()',
    '    with gzip.open(sys.argv[1], "rb") as f: raw = f.read()',
    '    a = np.frombuffer(raw, dtype=np.uint8, offset=352)',
    '    t.append((time.perf_counter() - t0) * 1000)',
    'print(sorted(t)[len(t) // 2])',
  ].join('\n');
  try {
    return `${Number(execFileSync('python3', ['-c', script, file, String(reps)], { encoding: 'utf8' })).toFixed(0)} ms`;
  } catch (error) {
    return `n/a (${(error as Error).message.split('\n')[0]})`;
  }
}

async function main(): Promise<void> {
  // Issue #10's table first: what a user waits for, against the floor and the peers.
  await runWholeProcessBench(argv);
  if (argv.includes('--whole')) return;
  // Then target 5: the folder report on one and two workers (100 pairs, about 3 minutes here).
  if (!argv.includes('--skip-report')) {
    console.log('');
    await runReportBench([]);
    console.log('');
  }
  // Issue #13's rows: decode of the 512×512×300 pair in every format against NIfTI (files generated once).
  if (!argv.includes('--skip-formats')) {
    await runFormatsBench([]);
    console.log('');
  }
  const files = ensureData();
  console.log(`Mask Inspector benchmark — ${nx}×${ny}×${nz}, median of ${reps}, node ${process.version}, ${require('node:os').cpus().length} cores\n`);
  for (const [name, file] of Object.entries(files)) {
    const mb = (statSync(file).size / 1e6).toFixed(0);
    const { ms } = await timed(() => readVolumeFile(file));
    report(`decode ${name} (${mb} MB)`, `${ms.toFixed(0)} ms`);
  }
  report('  python gzip + numpy.frombuffer, prediction .nii.gz (nibabel\'s path)', pythonDecodeMs(files.predGz!));
  report('  python gzip + numpy.frombuffer, label .nii.gz', pythonDecodeMs(files.labelGz!));

  const prediction = readVolumeFile(files.predGz!);
  const label = readVolumeFile(files.labelGz!);
  const prep = await timed(() => preparePair(prediction, label, 'auto'));
  const pair = prep.value;
  report(`validate + choose kind (scan both volumes) [${pair.kind}]`, `${prep.ms.toFixed(0)} ms`);
  const options: CompareOptions = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none' };
  computeRange(pair, 'k', DEFAULT_LOSS_PARAMS, 0, nz, false); // warm-up: let the JIT optimise
  const one = await timed(() => computeRange(pair, 'k', DEFAULT_LOSS_PARAMS, 0, nz, false));
  report(`all 9 losses, all ${nz} slices + volume, 1 thread`, `${one.ms.toFixed(0)} ms`);
  const share = await timed(() => sharePair(pair), 1);
  report('  copy volumes to shared memory (once per pair)', `${share.ms.toFixed(0)} ms`);
  const shared = share.value;
  const startPool = await timed(async () => { const p = new RangePool(2, workerFile); await p.compare(shared, options); return p; }, 1);
  report('  start 2 workers and run a first (JIT warm-up) comparison', `${startPool.ms.toFixed(0)} ms`);
  const pool = startPool.value;
  const two = await timed(() => pool.compare(shared, options));
  report(`all 9 losses, all ${nz} slices + volume, 2 worker threads`, `${two.ms.toFixed(0)} ms`);
  await pool.dispose();
  const hardPred = readVolumeFile(files.hardGz!);
  const hardPair = preparePair(hardPred, label, 'auto');
  computeRange(hardPair, 'k', DEFAULT_LOSS_PARAMS, 0, nz, false);
  const hard = await timed(() => computeRange(hardPair, 'k', DEFAULT_LOSS_PARAMS, 0, nz, false));
  report(`hard uint8 prediction [${hardPair.kind}]: all losses, 1 thread`, `${hard.ms.toFixed(0)} ms`);
  const axisJ = await timed(() => computeRange(pair, 'j', DEFAULT_LOSS_PARAMS, 0, ny, false), 1);
  report(`all 9 losses along axis j (${ny} coronal slices), 1 thread`, `${axisJ.ms.toFixed(0)} ms`);

  // Evaluation metrics (issue #5). Pairs are shallow-copied per run so no cache answers for them.
  const all: MetricSettings = { ...DEFAULT_METRIC_PARAMS, level: 'all' };
  computeVolumeMetrics({ ...pair }, all);
  const vol = await timed(() => computeVolumeMetrics({ ...pair }, all));
  const v = vol.value.labels[0]!;
  report(`volume metrics, 3D: HD, HD95, ASSD, surface Dice, lesions, 1 thread`, `${vol.ms.toFixed(0)} ms (HD95 ${v[M_HD95]!.toFixed(2)} mm, ASSD ${v[M_ASSD]!.toFixed(3)} mm)`);
  report(`  first run in a fresh worker thread (cold JIT, fresh memory)`, `${(await coldVolumeJob(shared, all)).toFixed(0)} ms`);
  const hardVol = await timed(() => computeVolumeMetrics({ ...hardPair }, all), 1);
  report(`  the same on the hard uint8 prediction`, `${hardVol.ms.toFixed(0)} ms`);
  computeSliceMetrics(pair, 'k', 0, nz, all);
  const perSlice = await timed(() => computeSliceMetrics(pair, 'k', 0, nz, all));
  const withSurface = countSurfaceSlices(perSlice.value[0]!, nz);
  report(`per-slice metrics, all ${nz} slices (${withSurface} with both masks), 1 thread`, `${perSlice.ms.toFixed(0)} ms`);
  const overlapOnly = await timed(() => computeSliceMetrics(pair, 'k', 0, nz, { ...all, level: 'overlap', threshold: 0.4 }));
  report(`  per-slice overlap metrics only, threshold 0.4 (at 0.5 they come with the losses)`, `${overlapOnly.ms.toFixed(0)} ms`);
  const perSliceJ = await timed(() => computeSliceMetrics(pair, 'j', 0, ny, all), 1);
  report(`per-slice metrics along axis j (${ny} coronal slices), 1 thread`, `${perSliceJ.ms.toFixed(0)} ms`);
  const none1 = await timed(() => assembleResult(pair, options, [computeRange(pair, 'k', DEFAULT_LOSS_PARAMS, 0, nz, false)]));
  report(`compare --metrics none, 1 thread (losses + JSON rows)`, `${none1.ms.toFixed(0)} ms`);
  const overlap1 = await timed(() => assembleResult(pair, { ...options, metrics: 'overlap' },
    [computeRange(pair, 'k', DEFAULT_LOSS_PARAMS, 0, nz, false, { ...all, level: 'overlap' })]));
  report(`compare --metrics overlap, 1 thread`, `${overlap1.ms.toFixed(0)} ms (+${(overlap1.ms - none1.ms).toFixed(0)} ms)`);
  const all1 = await timed(() => {
    const p = { ...pair };
    return assembleResult(p, { ...options, metrics: 'all' }, [computeRange(p, 'k', DEFAULT_LOSS_PARAMS, 0, nz, false, all)]);
  });
  report(`compare --metrics all, 1 thread`, `${all1.ms.toFixed(0)} ms (+${(all1.ms - none1.ms).toFixed(0)} ms)`);
  const pool2 = new RangePool(2, workerFile);
  await pool2.compare({ ...shared }, { ...options, metrics: 'all' });
  const none2 = await timed(() => pool2.compare({ ...shared }, options));
  report(`compare --metrics none, 2 worker threads`, `${none2.ms.toFixed(0)} ms`);
  const all2 = await timed(() => pool2.compare({ ...shared }, { ...options, metrics: 'all' }));
  report(`compare --metrics all, 2 worker threads (3D job on a worker of its own)`, `${all2.ms.toFixed(0)} ms (+${(all2.ms - none2.ms).toFixed(0)} ms)`);
  await pool2.dispose();
  await conventionsBench(repo, { predGz: files.predGz!, labelGz: files.labelGz! }, pair, nz, reps, report);
  report('peak RSS of this process', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

/** `npm run bench -- --conventions`: only issue 11's rows (bench data generated if missing). */
async function conventionsOnly(): Promise<void> {
  const files = ensureData();
  const pair = preparePair(readVolumeFile(files.predGz!), readVolumeFile(files.labelGz!), 'auto');
  await conventionsBench(repo, { predGz: files.predGz!, labelGz: files.labelGz! }, pair, nz, reps, report);
}

/** Time of one volume-metrics job in a worker that has run nothing yet (started beforehand). */
async function coldVolumeJob(pair: PreparedPair, metrics: MetricSettings): Promise<number> {
  const worker = new Worker(workerFile);
  await new Promise((resolve) => worker.once('online', resolve));
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (reply: RangeReply) => (reply.ok ? resolve() : reject(new Error(reply.message))));
    const job: WorkerJob = { task: 'volumeMetrics', id: 1, pair, metrics };
    worker.postMessage(job);
  });
  const ms = performance.now() - t0;
  await worker.terminate();
  return ms;
}

function countSurfaceSlices(rows: Float64Array, count: number): number {
  let n = 0;
  for (let r = 0; r < count; r++) {
    const o = r * M_FIELDS;
    if (rows[o]! + rows[o + 1]! > 0 && rows[o]! + rows[o + 2]! > 0) n++;
  }
  return n;
}

// `npm run bench -- --report`: the folder-report benchmark (test/bench/reportBench.ts) instead;
// `--formats`: decode of the pair in every file format (test/bench/formatsBench.ts; `--only _f.npy,…` for some rows;
// also run by the default bench unless `--skip-formats`);
// `--conventions`: only issue 11's rows (test/bench/conventionsBench.ts).
(process.argv.includes('--report') ? runReportBench(process.argv.slice(2))
  : process.argv.includes('--formats') ? runFormatsBench(process.argv.slice(2))
    : process.argv.includes('--conventions') ? conventionsOnly() : main()).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
