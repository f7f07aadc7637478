/**
 * Editor timing without VS Code: drives the session worker exactly as the compare editor's host
 * does (read the files asynchronously, transfer the bytes, open, then answer the webview's first
 * requests: the middle slice and the losses of axis k) and prints figures, not pass/fail:
 *
 *   open → first slice ready to post      target < 1.5 s
 *   open → all losses ready to post       target < 3 s
 *   next-slice round trip on the host     target < 30 ms (while losses compute, and after)
 *   host event-loop max stall, opening    target < 50 ms
 *   peak RSS of the whole process (host, session worker, helpers, range workers)
 *
 *   npm run build && node dist-test/bench/editorTiming.js [--size 512,512,300] [--runs 3] [--jobs N] [--dir D] [--worker dist/W.js] [--pool]
 *
 * Data: D/prediction_prob_f32.nii.gz + D/label_u8.nii.gz, generated once (default
 * /tmp/mask-inspector-bench/NXxNYxNZ, or bench-data/NXxNYxNZ when that already has them).
 * Not measured here: VS Code's own postMessage to the webview and the webview's drawing.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { SessionWorkerClient, transferableBytes } from '../../src/editor/sessionWorkerClient';
import { SessionWorkerPool } from '../../src/editor/sessionWorkerPool';
import { gzip, writeNifti } from '../unit/helpers/niftiWriter';
import { makeSyntheticPair } from './synthetic';

const repo = resolve(__dirname, '../..');
const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1]! : fallback; };
const [nx, ny, nz] = flag('--size', '512,512,300').split(',').map(Number) as [number, number, number];
const runs = Number(flag('--runs', '3'));
/** --no-preview: wait for the prepared pair before the first slice, as without MaskDocument's preview. */
const usePreview = !argv.includes('--no-preview');
const jobs = Number(flag('--jobs', String(Math.max(1, availableParallelism()))));
const sizeName = `${nx}x${ny}x${nz}`;
const benchData = join(repo, 'bench-data', sizeName);
const dataDir = flag('--dir', existsSync(join(benchData, 'label_u8.nii.gz')) ? benchData : join(tmpdir(), 'mask-inspector-bench', sizeName));
/** --worker: another build of the session worker (in dist/, next to rangeWorker.js), to compare variants. */
const workerFile = resolve(flag('--worker', join(repo, 'dist', 'worker.js')));
/**
 * --pool: the runs share one SessionWorkerPool, as the documents of an extension host do: the
 * first run starts the threads, later runs reuse them. Without it every run starts its own.
 */
const pool = argv.includes('--pool') ? new SessionWorkerPool(workerFile) : null;
const files = { prediction: join(dataDir, 'prediction_prob_f32.nii.gz'), label: join(dataDir, 'label_u8.nii.gz') };

function ensureData(): void {
  if (existsSync(files.prediction) && existsSync(files.label)) return;
  mkdirSync(dataDir, { recursive: true });
  console.log(`generating a ${sizeName} float32/uint8 pair in ${dataDir} (once; takes a minute) …`);
  const pair = makeSyntheticPair(nx, ny, nz);
  const pixdim = [1, ...pair.spacing, 1];
  writeFileSync(files.prediction, gzip(writeNifti({ shape: pair.dims, dtype: 'float32', values: pair.probability, pixdim })));
  writeFileSync(files.label, gzip(writeNifti({ shape: pair.dims, dtype: 'uint8', values: pair.label, pixdim })));
}

interface Run {
  init: number; previewed: boolean; prepared: number; firstSlice: number; losses: number; stallMs: number; busyMs: number;
  duringLosses: number[]; after: number[]; decode: string; lossCompute: number; peakRssMb: number;
}

async function oneRun(): Promise<Run> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  // Event-loop utilisation tells our own work on this thread apart from waiting for a CPU.
  const elu0 = performance.eventLoopUtilization();
  // RSS sampled while opening and computing: the threads share the process, so this is all of it.
  let peakRss = process.memoryUsage.rss();
  const rssTimer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 20);
  const t0 = performance.now();
  const client = new SessionWorkerClient(pool ?? workerFile);
  try {
    // As MaskDocument does: both files read at once (workspace.fs.readFile there), bytes transferred.
    const [pred, label] = await Promise.all([readFile(files.prediction), readFile(files.label)]);
    // The webview answers init with the middle slice and the losses of its axis. Its first init
    // comes with the preview when there is one (MaskDocument asks for it), else with the pair.
    const middle = Math.floor(nz / 2);
    let init = NaN;
    /** Resolves with the time the first slice arrived. */
    let firstSliceReply: Promise<number> | null = null;
    const askFirstSlice = () => client.slice('k', middle).then(() => performance.now() - t0);
    const pair = await client.open({
      prediction: { name: 'prediction_prob_f32.nii.gz', bytes: transferableBytes(pred) },
      label: { name: 'label_u8.nii.gz', bytes: transferableBytes(label) },
      underlay: null, kind: 'auto', maxVoxels: 2 ** 31, params: DEFAULT_LOSS_PARAMS, jobs, precomputeAxis: 'k',
      previewMinVoxels: usePreview ? 1 << 24 : null,
      onPreview: () => {
        init = performance.now() - t0;
        firstSliceReply = askFirstSlice();
      },
    });
    const prepared = performance.now() - t0;
    const previewed = firstSliceReply !== null;
    if (!previewed) init = prepared;
    let lossesDone = false;
    const lossesPromise = client.losses('k').then((reply) => { lossesDone = true; return reply; });
    const firstSlice = await (firstSliceReply ?? askFirstSlice());
    // The user steps through slices while the losses are computed.
    const duringLosses: number[] = [];
    for (let i = 1; !lossesDone && i < nz - middle; i++) {
      const t = performance.now();
      await client.slice('k', middle + i);
      duringLosses.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 15)); // a key repeat is ~30 ms; leave the thread some air
    }
    const lossesReply = await lossesPromise;
    const losses = performance.now() - t0;
    loop.disable();
    clearInterval(rssTimer);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const stallMs = loop.max / 1e6;
    const busyMs = performance.eventLoopUtilization(elu0).active;
    const after: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await client.slice('k', (middle + i) % nz);
      after.push(performance.now() - t);
    }
    const d = pair.timings.decodeMs;
    return {
      init, previewed, prepared, firstSlice, losses, stallMs, busyMs, duringLosses, after, lossCompute: lossesReply.computeMs, peakRssMb: peakRss / 1e6,
      decode: `prediction ${d.prediction?.toFixed(0)} ms, label ${d.label?.toFixed(0)} ms, prepare ${pair.timings.prepareMs.toFixed(0)} ms`,
    };
  } finally {
    clearInterval(rssTimer);
    client.dispose();
    // Let the previous run's worker exit and its memory go before the next run starts.
    await new Promise((r) => setTimeout(r, 500));
  }
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;

async function main(): Promise<void> {
  if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run npm run build first`);
  ensureData();
  const mb = (f: string) => (statSync(f).size / 1e6).toFixed(0);
  console.log(`Mask Inspector editor timing — ${sizeName}, prediction ${mb(files.prediction)} MB .nii.gz, label ${mb(files.label)} MB .nii.gz`);
  console.log(`node ${process.version}, ${availableParallelism()} CPUs, ${jobs} loss threads, ${runs} runs${pool ? ' through one shared worker pool (--pool)' : ', a worker per run'}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('(on a shared machine "best" is the least disturbed run; medians include other processes\' load)\n');
  const results: Run[] = [];
  for (let r = 0; r < runs; r++) {
    const run = await oneRun();
    results.push(run);
    console.log(`run ${r + 1}: ${run.previewed ? `preview ${ms(run.init)}, ` : ''}first slice ${ms(run.firstSlice)}, losses ${ms(run.losses)}, stall ${ms(run.stallMs)}, peak RSS ${run.peakRssMb.toFixed(0)} MB  (${run.decode}; losses computed in ${ms(run.lossCompute)}); load ${loadavg()[0]!.toFixed(1)}`);
  }
  const med = (f: (r: Run) => number) =>
    `median ${ms(quantile(results.map(f), 0.5))}, best ${ms(Math.min(...results.map(f)))}, worst ${ms(Math.max(...results.map(f)))}`;
  const during = results.flatMap((r) => r.duringLosses);
  const after = results.flatMap((r) => r.after);
  console.log('');
  console.log(`open → first init (preview, else the pair)      ${med((r) => r.init)}  (${results.filter((r) => r.previewed).length} of ${results.length} runs previewed)`);
  console.log(`open → pair prepared (read + decode + checks)      ${med((r) => r.prepared)}`);
  console.log(`open → first slice ready to post        (< 1.5 s) ${med((r) => r.firstSlice)}`);
  console.log(`open → all losses of axis k ready       (< 3 s)   ${med((r) => r.losses)}`);
  console.log(`next-slice round trip, while computing  (< 30 ms) median ${ms(quantile(during, 0.5))}, p95 ${ms(quantile(during, 0.95))}, max ${ms(Math.max(...during))} (${during.length} slices)`);
  console.log(`next-slice round trip, after            (< 30 ms) median ${ms(quantile(after, 0.5))}, p95 ${ms(quantile(after, 0.95))}, max ${ms(Math.max(...after))}`);
  console.log(`host event-loop max stall while opening (< 50 ms) ${med((r) => r.stallMs)}`);
  console.log(`host thread busy (JS + I/O callbacks) while opening  ${med((r) => r.busyMs)}  (the rest of a stall is waiting for a CPU)`);
  console.log(`peak RSS of the process during a run              median ${quantile(results.map((r) => r.peakRssMb), 0.5).toFixed(0)} MB, max ${Math.max(...results.map((r) => r.peakRssMb)).toFixed(0)} MB (process VmHWM ${(process.resourceUsage().maxRSS * 1024 / 1e6).toFixed(0)} MB)`);
  console.log(`load average after                                 ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
}).finally(() => pool?.dispose());
