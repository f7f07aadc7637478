/** Issue #9, "threads follow the machine": --jobs is capped at the core count (and memory), with a warning. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { capThreads, mostCaseThreads } from '../../src/worker/threadBudget';
import { repoRoot } from './helpers/fixtures';
import { writeNifti } from './helpers/niftiWriter';
import { makeReportTree } from './helpers/reportTree';

const cli = join(repoRoot, 'dist', 'cli.js');

describe('thread caps', () => {
  test('capThreads lowers a request above the most, and says so', () => {
    assert.deepEqual(capThreads(2, 4, '--jobs 2'), { threads: 2, warning: null });
    assert.deepEqual(capThreads(undefined, 4, '--jobs'), { threads: 4, warning: null });
    const c = capThreads(1000, 4, '--jobs 1000');
    assert.equal(c.threads, 4);
    assert.match(c.warning!, /^--jobs 1000 is more than this machine can use .*; using 4 threads$/);
  });
  test('compare --jobs 1000 on a thin 4×4×2000 volume: warns, uses the cores, stays small', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mask-inspector-jobs-'));
    const values = Uint8Array.from({ length: 4 * 4 * 2000 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const path = join(dir, 'thin.nii'), pred = join(dir, 'thin-pred.nii');
    writeFileSync(path, writeNifti({ shape: [4, 4, 2000], dtype: 'uint8', values }));
    writeFileSync(pred, writeNifti({ shape: [4, 4, 2000], dtype: 'uint8', values }));
    // 1000 threads need gigabytes; the cap keeps the process far below a 1 GB address-space budget for heaps.
    const r = spawnSync(process.execPath, ['--max-old-space-size=300', cli, 'compare', pred, path, '--jobs', '1000', '--format', 'json', '--metrics', 'none'],
      { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const cores = availableParallelism();
    assert.match(r.stderr, new RegExp(`warning: --jobs 1000 is more than this machine can use \\(${cores} core`));
    assert.match(r.stderr, new RegExp(`using ${cores} thread`));
    assert.equal(JSON.parse(r.stdout).labels[0].slices.length, 2000);
  });
  test('report --jobs 400 starts at most the case-thread budget', () => {
    const tree = makeReportTree(Array.from({ length: 6 }, (_, i) => ({ name: `c${i}`, kind: 'probability' as const, seed: i + 1 })));
    const r = spawnSync(process.execPath, [cli, 'report', tree.predictions, tree.labels, '--jobs', '400', '--out', join(tree.root, 'out')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const most = mostCaseThreads();
    assert.match(r.stderr, /warning: --jobs 400 is more than this machine can use/);
    assert.match(r.stdout, new RegExp(`on ${Math.min(most, 6)} worker thread`));
  });
});
