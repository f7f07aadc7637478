/**
 * The whole-process table of issue #10 (`npm run bench`, or `npm run bench -- --whole` alone):
 * on the pair (512×512×120 float32 probability + uint8 label, .nii.gz gzip -6, spacing
 * 0.8 × 0.8 × 1.5 mm, benchPair.ts) it times, as separate processes and in alternated rounds
 * (medians), what a user waits for:
 * - the floor: `node -e` gunzip of both files with node's zlib, nothing else;
 * - `mask-inspector compare --metrics none` with the default jobs and with --jobs 1;
 * - `mask-inspector compare` (every metric), default jobs and --jobs 1;
 * - the peers when installed: `plastimatch dice --all` (on the prediction thresholded at 0.5,
 *   uint8, as plastimatch compares binary masks) and python3 + nibabel + torch (peer_torch.py);
 * with the ratios the targets name, the peak RSS of `compare` against the pair's raw size, and
 * the load average before and after (the machine may be shared: read ratios, not seconds).
 * Options: --whole-size NX,NY,NZ (default 512,512,120), --whole-reps N (default 3),
 * --whole-before DIR: also time DIR/cli.js (another build's dist/, e.g. main's) in the same rounds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBenchPair } from './benchPair';

const repo = resolve(__dirname, '../..');
const cli = join(repo, 'dist', 'cli.js');
/** Debian's interpreter: its python3-torch / python3-nibabel are not in a pyenv python3. */
const PYTHONS = ['/usr/bin/python3', 'python3'];
const TIME = '/usr/bin/time';

interface Run { readonly ms: number; readonly rssKb: number | null; readonly ok: boolean; readonly error: string }

/** Wall time of one process; peak RSS via GNU time when it is there. */
function runOnce(command: string, args: readonly string[], cwd: string): Run {
  const useTime = existsSync(TIME);
  const t0 = performance.now();
  const r = useTime
    ? spawnSync(TIME, ['-f', 'MAXRSS %M', command, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  const m = /MAXRSS (\d+)/.exec(r.stderr ?? '');
  const ok = r.status === 0;
  return { ms, rssKb: m ? Number(m[1]) : null, ok, error: ok ? '' : (r.error?.message ?? r.stderr ?? '').split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${r.status}` };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function which(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

function pythonWithPeers(): string | null {
  for (const python of PYTHONS) {
    if (python.startsWith('/') && !existsSync(python)) continue;
    if (spawnSync(python, ['-c', 'import torch, nibabel'], { encoding: 'utf8' }).status === 0) return python;
  }
  return null;
}

const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');

export async function runWholeProcessBench(argv: readonly string[]): Promise<void> {
  const option = (name: string, fallback: string) => { const i = argv.indexOf(name); return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback; };
  const dims = option('--whole-size', '512,512,120').split(',').map(Number) as [number, number, number];
  const reps = Number(option('--whole-reps', '3'));
  const files = ensureBenchPair(dims);
  const cwd = files.dir;
  const pred = 'prediction_prob_f32.nii.gz', label = 'label_u8.nii.gz', hard = 'prediction_hard_u8.nii.gz';
  const floorScript = `const z=require('zlib'),fs=require('fs');for(const f of ['${pred}','${label}'])z.gunzipSync(fs.readFileSync(f));`;
  const python = pythonWithPeers();
  const plastimatch = which('plastimatch');

  const entries: { name: string; command: string; args: string[] }[] = [
    { name: 'floor: node zlib gunzip of both files', command: process.execPath, args: ['-e', floorScript] },
    { name: 'compare --metrics none (default jobs)', command: process.execPath, args: [cli, 'compare', pred, label, '--metrics', 'none'] },
    { name: 'compare --metrics none --jobs 1', command: process.execPath, args: [cli, 'compare', pred, label, '--metrics', 'none', '--jobs', '1'] },
    { name: 'compare (every metric, default jobs)', command: process.execPath, args: [cli, 'compare', pred, label] },
    { name: 'compare --jobs 1 (every metric)', command: process.execPath, args: [cli, 'compare', pred, label, '--jobs', '1'] },
  ];
  const before = option('--whole-before', '');
  if (before) {
    const beforeCli = join(resolve(before), 'cli.js');
    entries.push({ name: 'before: compare --metrics none (default jobs)', command: process.execPath, args: [beforeCli, 'compare', pred, label, '--metrics', 'none'] });
    entries.push({ name: 'before: compare (every metric, default jobs)', command: process.execPath, args: [beforeCli, 'compare', pred, label] });
  }
  if (plastimatch) entries.push({ name: 'plastimatch dice --all (uint8 p ≥ 0.5)', command: 'plastimatch', args: ['dice', '--all', label, hard] });
  if (python) entries.push({ name: 'python3 nibabel + torch, 9 losses per slice', command: python, args: [join(repo, 'test', 'bench', 'peer_torch.py'), pred, label] });

  console.log(`\nWhole process (issue #10) — ${dims.join('×')} float32 probability + uint8 label .nii.gz (gzip -6), ` +
    `${reps} alternated rounds, median; ${cpus().length} cores; load average before: ${load()}`);
  const runs = new Map<string, Run[]>(entries.map((e) => [e.name, []]));
  for (let r = 0; r < reps; r++) {
    for (const e of entries) runs.get(e.name)!.push(runOnce(e.command, e.args, cwd));
  }
  const ms = new Map<string, number>();
  for (const e of entries) {
    const rs = runs.get(e.name)!;
    const failed = rs.find((x) => !x.ok);
    if (failed) {
      console.log(`${e.name.padEnd(48)} failed: ${failed.error}`);
      continue;
    }
    const t = median(rs.map((x) => x.ms));
    ms.set(e.name, t);
    const rss = rs.every((x) => x.rssKb !== null) ? `  peak RSS ${(median(rs.map((x) => x.rssKb!)) / 1024).toFixed(0)} MB` : '';
    console.log(`${e.name.padEnd(48)} ${(t / 1000).toFixed(2).padStart(6)} s  (runs ${rs.map((x) => (x.ms / 1000).toFixed(2)).join(', ')})${rss}`);
  }
  const floor = ms.get(entries[0]!.name);
  const none2 = ms.get(entries[1]!.name), none1 = ms.get(entries[2]!.name), all2 = ms.get(entries[3]!.name);
  const rawMb = files.rawBytes / 2 ** 20;
  console.log('targets:');
  if (floor && none2) console.log(`  1. compare --metrics none / floor = ${(none2 / floor).toFixed(2)} (target ≤ 1.3); 2 jobs / 1 job = ${none1 ? (none2 / none1).toFixed(2) : 'n/a'} (target ≤ 1)`);
  const plast = ms.get('plastimatch dice --all (uint8 p ≥ 0.5)');
  console.log(plast && all2
    ? `  2. plastimatch dice --all / compare (every metric) = ${(plast / all2).toFixed(2)} (target ≥ 5); compare (every metric) / floor = ${floor ? (all2 / floor).toFixed(2) : 'n/a'}`
    : '  2. plastimatch is not installed (Debian: apt-get install plastimatch): no ratio');
  const rssAll = runs.get(entries[3]!.name)!.map((x) => x.rssKb);
  const rssNone = runs.get(entries[1]!.name)!.map((x) => x.rssKb);
  if (rssAll.every((x) => x !== null) && rssNone.every((x) => x !== null)) {
    const peak = Math.max(median(rssAll as number[]), median(rssNone as number[])) / 1024;
    console.log(`  3. peak RSS of compare ${peak.toFixed(0)} MB / pair raw ${rawMb.toFixed(0)} MB = ${(peak / rawMb).toFixed(2)} (target ≤ 1.5)`);
  } else {
    console.log('  3. peak RSS: GNU time (/usr/bin/time) is not installed: not measured');
  }
  const torch = ms.get('python3 nibabel + torch, 9 losses per slice');
  console.log(torch && none2
    ? `  6. python3 nibabel + torch / compare --metrics none = ${(torch / none2).toFixed(2)}`
    : '  6. python3 with torch and nibabel is not installed (Debian: python3-torch python3-nibabel): no ratio');
  console.log(`load average after: ${load()}`);
}
