/**
 * npm run bench — generates (once, into bench-data/, never committed) a 512×512×300 pair,
 * float32 probability prediction and uint8 label, as .nii and .nii.gz, and prints:
 * decode time per file, the value scan, all 9 losses over all slices on one thread and on
 * two worker threads, the hard-prediction path, and peak RSS. Figures go in the README.
 * Options: --size NX,NY,NZ (default 512,512,300), --reps N (default 3).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RangePool, sharePair } from '../../src/worker/rangePool';
import { computeRange } from '../../src/core/analysis/computeRange';
import { preparePair } from '../../src/core/analysis/inputs';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { gzip, writeNifti } from '../unit/helpers/niftiWriter';
import { makeSyntheticPair } from './synthetic';

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
  const options = { kind: 'auto' as const, axis: 'k' as const, params: DEFAULT_LOSS_PARAMS };
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
  report('peak RSS of this process', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
