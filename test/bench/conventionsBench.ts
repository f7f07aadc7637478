/**
 * Issue 11's figure: `compare --conventions all` against `--conventions seed` on the bench pair
 * (512×512×300 float32 probabilities, uint8 label): the whole CLI process (what a user waits
 * for), the 2-worker comparison in process, and the 1-thread kernels; target all ≤ 1.5 × seed.
 * Run alone with `npm run bench -- --conventions` (after the bench data exists), or as part of
 * `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { assembleResult, type CompareOptions } from '../../src/core/analysis/compare';
import { computeRange } from '../../src/core/analysis/computeRange';
import type { ConventionSettings } from '../../src/core/analysis/conventionRange';
import type { PreparedPair } from '../../src/core/analysis/inputs';
import { CONVENTIONS } from '../../src/core/kernels/conventions/conventionIds';
import { DEFAULT_CONVENTION_PARAMS } from '../../src/core/kernels/conventions/conventionParams';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { RangePool, sharePair } from '../../src/worker/rangePool';

type Timed = <T>(fn: () => T | Promise<T>, times?: number) => Promise<{ ms: number; value: T }>;
type Report = (what: string, figure: string) => void;

const ALL: ConventionSettings = { conventions: CONVENTIONS, params: DEFAULT_CONVENTION_PARAMS };
const SEED: ConventionSettings = { conventions: ['seed'], params: DEFAULT_CONVENTION_PARAMS };

function load(): string {
  return loadavg().map((v) => v.toFixed(2)).join(' ');
}

function ratio(all: number, seed: number): string {
  const r = all / seed;
  return `${r.toFixed(2)}× ${r <= 1.5 ? '(≤ 1.5×: met)' : '(> 1.5×: NOT met)'}`;
}

/** Median wall time of the CLI as a child process (decode, scan, compare, format, write). */
function cliMs(cli: string, args: string[], reps: number): number {
  const runs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const p = spawnSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`compare failed: ${p.stderr}`);
    runs.push(performance.now() - t0);
  }
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)]!;
}

export async function conventionsBench(
  repo: string, files: { predGz: string; labelGz: string }, pair: PreparedPair, nz: number, reps: number, timed: Timed, report: Report,
): Promise<void> {
  console.log(`\nconventions (issue 11) — load average ${load()}`);
  const cli = join(repo, 'dist', 'cli.js');
  for (const metrics of ['none', 'all']) {
    const base = [join('compare'), files.predGz, files.labelGz, '--metrics', metrics, '--format', 'json'];
    const seed = cliMs(cli, [...base, '--conventions', 'seed'], reps);
    const all = cliMs(cli, [...base, '--conventions', 'all'], reps);
    report(`CLI compare --metrics ${metrics} --format json, --conventions seed`, `${seed.toFixed(0)} ms`);
    report(`CLI compare --metrics ${metrics} --format json, --conventions all`, `${all.toFixed(0)} ms  ${ratio(all, seed)}  load ${load()}`);
  }
  const options: CompareOptions = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none' };
  const shared = sharePair(pair);
  const pool = new RangePool(2, join(repo, 'dist', 'rangeWorker.js'));
  await pool.compare(shared, { ...options, conventions: ALL });
  const seed2 = await timed(() => pool.compare(shared, { ...options, conventions: SEED }));
  const all2 = await timed(() => pool.compare(shared, { ...options, conventions: ALL }));
  report('compare, 2 worker threads, --conventions seed', `${seed2.ms.toFixed(0)} ms`);
  report('compare, 2 worker threads, --conventions all', `${all2.ms.toFixed(0)} ms  ${ratio(all2.ms, seed2.ms)}  load ${load()}`);
  await pool.dispose();
  const one = (c: ConventionSettings) => assembleResult(pair, { ...options, conventions: c },
    [computeRange(pair, 'k', DEFAULT_LOSS_PARAMS, 0, nz, false, { level: 'none', threshold: 0.5, toleranceMm: 1, connectivity: 26 }, c)]);
  one(ALL);
  const seed1 = await timed(() => one(SEED));
  const all1 = await timed(() => one(ALL));
  report('compare, 1 thread, --conventions seed', `${seed1.ms.toFixed(0)} ms`);
  report('compare, 1 thread, --conventions all', `${all1.ms.toFixed(0)} ms  ${ratio(all1.ms, seed1.ms)}  load ${load()}`);
}
