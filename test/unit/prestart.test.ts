/**
 * The range worker `mask-inspector compare` starts before the CLI has loaded (src/cliEntry.ts,
 * src/worker/prestart.ts): it is taken only for its own worker file, terminated when not taken,
 * and never keeps a process alive — whatever the command or its outcome.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { prestartRangeWorker, releasePrestartedWorkers, takePrestartedWorker } from '../../src/worker/prestart';
import { detachOneBuffer } from '../../src/worker/workerJob';
import { fixturesDir, repoRoot } from './helpers/fixtures';

const cli = join(repoRoot, 'dist', 'cli.js');
const rangeWorker = join(repoRoot, 'dist', 'rangeWorker.js');
const files = join(fixturesDir, 'files');

test('a prestarted worker is taken once, and only for its own file', async () => {
  prestartRangeWorker(rangeWorker);
  assert.equal(takePrestartedWorker(join(repoRoot, 'dist', 'other.js')), undefined);
  const worker = takePrestartedWorker(rangeWorker);
  assert.ok(worker, 'the worker started for this file');
  assert.equal(takePrestartedWorker(rangeWorker), undefined, 'taken once');
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  await worker.terminate();
  await exited;
});

test('releasePrestartedWorkers leaves nothing to take', () => {
  prestartRangeWorker(rangeWorker);
  prestartRangeWorker(rangeWorker);
  releasePrestartedWorkers();
  assert.equal(takePrestartedWorker(rangeWorker), undefined);
});

test('compare exits promptly with the worker unused, on success and on error', () => {
  const cases: [string[], number][] = [
    [['compare', join(files, 'prob_f32.nii.gz'), join(files, 'labels_u8.nii.gz'), '--jobs', '1', '--metrics', 'none'], 0],
    [['compare', join(files, 'prob_f32.nii.gz'), join(files, 'labels_u8.nii.gz'), '--metrics', 'none'], 0],
    [['compare', join(files, 'missing.nii.gz'), join(files, 'labels_u8.nii.gz')], 1],
    [['compare', '--help'], 0],
    [['compare'], 2],
  ];
  for (const [args, code] of cases) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });
    const ms = performance.now() - t0;
    assert.equal(r.status, code, `${args.join(' ')}: exit ${r.status} (${r.signal ?? ''}) ${r.stderr}`);
    assert.ok(ms < 10_000, `${args.join(' ')} took ${ms.toFixed(0)} ms`);
    assert.doesNotMatch(r.stderr, /internal failure|Error:/, args.join(' '));
  }
});

test('detachOneBuffer detaches a buffer of its own and nothing else', () => {
  const mine = new ArrayBuffer(16);
  detachOneBuffer();
  assert.equal(mine.byteLength, 16);
  // What it relies on: a transferred buffer is detached (byteLength 0) in this thread.
  const other = new ArrayBuffer(8);
  structuredClone(other, { transfer: [other] });
  assert.equal(other.byteLength, 0);
});
