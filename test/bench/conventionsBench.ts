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

interface Times { wall: number; cpu: number }

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Runs `seed` and `all` alternately `reps` times (so a load spike hits both alike) and returns
 * the median wall and CPU (user + system, all threads) milliseconds of each.
 */
async function interleaved(reps: number, run: (which: 'seed' | 'all') => Promise<Times>): Promise<Record<'seed' | 'all', Times>> {
  const got: Record<'seed' | 'all', Times[]> = { seed: [], all: [] };
  for (let r = 0; r < reps; r++) for (const which of ['seed', 'all'] as const) got[which].push(await run(which));
  const med = (t: Times[]): Times => ({ wall: median(t.map((x) => x.wall)), cpu: median(t.map((x) => x.cpu)) });
  return { seed: med(got.seed), all: med(got.all) };
}

/** The CLI as a child process under bash's `time`: wall and CPU of the whole process. */
function cliTimes(cli: string, args: string[]): Times {
  const quoted = [process.execPath, cli, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const t0 = performance.now();
  const p = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time ${quoted} > /dev/null`], { encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (p.status !== 0) throw new Error(`compare failed: ${p.stderr}`);
  const [user, sys] = p.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: (user! + sys!) * 1000 };
}

function line(report: Report, what: string, t: Record<'seed' | 'all', Times>): void {
  report(`${what}, --conventions seed`, `${t.seed.wall.toFixed(0)} ms wall, ${t.seed.cpu.toFixed(0)} ms CPU`);
  report(`${what}, --conventions all`, `${t.all.wall.toFixed(0)} ms wall ${ratio(t.all.wall, t.seed.wall)}, ` +
    `${t.all.cpu.toFixed(0)} ms CPU ${ratio(t.all.cpu, t.seed.cpu)}  load ${load()}`);
}

export async function conventionsBench(
  repo: string, files: { predGz: string; labelGz: string }, pair: PreparedPair, nz: number, reps: number, report: Report,
): Promise<void> {
  const runs = Math.max(reps, 5);
  console.log(`\nconventions (issue 11), median of ${runs} interleaved runs — load average ${load()}`);
  const cli = join(repo, 'dist', 'cli.js');
  for (const metrics of ['none', 'all']) {
    const base = ['compare', files.predGz, files.labelGz, '--metrics', metrics, '--format', 'json'];
    line(report, `CLI compare --metrics ${metrics} --format json`, await interleaved(runs, async (c) => cliTimes(cli, [...base, '--conventions', c])));
  }
  const options: CompareOptions = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none' };
  const settings = { seed: SEED, all: ALL };
  const inProcess = async (fn: () => unknown | Promise<unknown>): Promise<Times> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const c = process.cpuUsage(c0);
    return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
  };
  const shared = sharePair(pair);
  const pool = new RangePool(2, join(repo, 'dist', 'rangeWorker.js'));
  await pool.compare(shared, { ...options, conventions: ALL });
  const two = await interleaved(runs, (c) => inProcess(() => pool.compare(shared, { ...options, conventions: settings[c] })));
  report('compare in process, 2 worker threads, --conventions seed', `${two.seed.wall.toFixed(0)} ms wall`);
  report('compare in process, 2 worker threads, --conventions all', `${two.all.wall.toFixed(0)} ms wall ${ratio(two.all.wall, two.seed.wall)}  load ${load()}`);
  await pool.dispose();
  const none = { level: 'none', threshold: 0.5, toleranceMm: 1, connectivity: 26 } as const;
  const one = (c: ConventionSettings) => assembleResult(pair, { ...options, conventions: c }, [computeRange(pair, 'k', DEFAULT_LOSS_PARAMS, 0, nz, false, none, c)]);
  one(ALL);
  line(report, 'compare in process, 1 thread', await interleaved(runs, (c) => inProcess(() => one(settings[c]))));
}
