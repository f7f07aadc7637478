/**
 * `mask-inspector report` end to end (dist/cli.js in a child process): the plan first, the
 * default report folder, exit 0 / 1 (a failed case) / 2 (usage), and Ctrl+C (SIGINT) writing a
 * partial report with exit 130.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from './helpers/fixtures';
import { makeReportTree, parseCsv } from './helpers/reportTree';

const cli = join(repoRoot, 'dist', 'cli.js');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('mask-inspector report', () => {
  test('prints the plan, writes the report next to the predictions, exit 0', () => {
    const tree = makeReportTree([{ name: 'p1', kind: 'probability', seed: 1 }, { name: 'p2', kind: 'labels', seed: 2 }]);
    copyFileSync(join(tree.labels, 'p1.nii.gz'), join(tree.labels, 'extra.nii.gz'));
    const r = run('report', tree.predictions, tree.labels, '--jobs', '2');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^pairing nnunet \(auto\): 2 pairs/);
    assert.match(r.stdout, /unmatched labels \(1\):\n {2}extra\.nii\.gz: no prediction/);
    const out = join(tree.root, 'mask-inspector-report-predictions');
    assert.ok(r.stdout.indexOf('pairing') < r.stdout.indexOf('report written to'), 'plan first');
    assert.match(r.stdout, new RegExp(`report written to ${out}`));
    assert.match(r.stdout, /2 computed, 0 failed/);
    assert.match(r.stderr, /\[1\/2\] p\d done/, 'plain progress lines when stderr is not a terminal');
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(json.counts.computed, 2);
    assert.deepEqual(json.plan.unmatchedLabels.map((u: { name: string }) => u.name), ['extra.nii.gz']);
    assert.ok(existsSync(join(out, 'report.html')));
  });

  test('a truncated file between good ones: recorded, the others computed, exit 1', () => {
    const tree = makeReportTree([
      { name: 'a', kind: 'probability', seed: 1 }, { name: 'b', kind: 'truncated', seed: 2 }, { name: 'c', kind: 'probability', seed: 3 },
    ]);
    const out = join(tree.root, 'r');
    const r = run('report', tree.predictions, tree.labels, '--out', out, '--jobs', '1', '--pairing', 'name');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /\[\d\/3\] b FAILED: .*b\.nii\.gz: .*truncated/);
    assert.match(r.stdout, /2 computed, 1 failed/);
    const rows = parseCsv(readFileSync(join(out, 'cases.csv'), 'utf8'));
    assert.deepEqual(rows.slice(1).map((row) => `${row[0]}:${row[2]}`), ['a:done', 'b:failed', 'c:done']);
    assert.equal(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).settings.pairing.mode, 'name');
  });

  test('usage errors exit 2 with the report usage', () => {
    const tree = makeReportTree([{ name: 'u', kind: 'probability', seed: 1 }]);
    for (const args of [
      ['report', tree.predictions],
      ['report', tree.predictions, tree.labels, '--pairing', 'fuzzy'],
      ['report', tree.predictions, tree.labels, '--jobs', '0'],
      ['report', tree.predictions, join(tree.labels, 'u.nii.gz')],
      ['report', tree.predictions, join(tree.root, 'missing')],
      ['report', tree.predictions, tree.labels, '--bogus'],
      ['report', tree.predictions, tree.labels, '--threshold', '2'],
      ['report', tree.predictions, tree.labels, '--connectivity', '4'],
    ]) {
      const r = run(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /^error: .*\nusage: mask-inspector report PRED_DIR LABEL_DIR/, args.join(' '));
    }
    assert.equal(run('report', '--help').code, 0);
    assert.match(run('--help').stdout, /mask-inspector report PRED_DIR LABEL_DIR/);
  });

  test('metric options reach the report: --metrics none drops the metric columns, --threshold is recorded', () => {
    const tree = makeReportTree([{ name: 'o1', kind: 'probability', seed: 9 }]);
    const none = join(tree.root, 'none');
    assert.equal(run('report', tree.predictions, tree.labels, '--out', none, '--metrics', 'none').code, 0);
    const header = parseCsv(readFileSync(join(none, 'slices.csv'), 'utf8'))[0]!;
    assert.equal(header.some((h) => h.startsWith('metrics.')), false);
    const json = JSON.parse(readFileSync(join(none, 'report.json'), 'utf8'));
    assert.equal(json.settings.metrics.level, 'none');
    assert.equal(json.cases[0].result.labels[0].metrics, undefined);
    const custom = join(tree.root, 'custom');
    assert.equal(run('report', tree.predictions, tree.labels, '--out', custom, '--threshold', '0.3', '--connectivity', '6').code, 0);
    const c = JSON.parse(readFileSync(join(custom, 'report.json'), 'utf8'));
    assert.deepEqual(c.settings.metrics, { level: 'all', threshold: 0.3, toleranceMm: 1, connectivity: 6 });
    assert.deepEqual(c.cases[0].result.metricSettings, c.settings.metrics);
    const cols = parseCsv(readFileSync(join(custom, 'cases.csv'), 'utf8'))[0]!;
    assert.ok(cols.includes('metrics.hd95') && cols.includes('metrics.undefinedReasons'), cols.join(','));
  });

  test('nothing to pair: exit 1, no report', () => {
    const tree = makeReportTree([{ name: 'n', kind: 'probability', seed: 1 }]);
    renameSync(join(tree.labels, 'n.nii.gz'), join(tree.labels, 'other.nii.gz'));
    const out = join(tree.root, 'none');
    const r = run('report', tree.predictions, tree.labels, '--out', out);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no prediction\/label pairs found/);
    assert.match(r.stdout, /unmatched predictions \(1\):\n  n\.nii\.gz/);
    assert.equal(existsSync(out), false);
  });

  test('Ctrl+C cancels: the finished cases are written as a partial report, exit 130', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const tree = makeReportTree(names.map((name, i) => ({ name, kind: 'probability' as const, seed: 40 + i })));
    const out = join(tree.root, 'partial');
    const child = spawn(process.execPath, [cli, 'report', tree.predictions, tree.labels, '--out', out, '--jobs', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    let sent = false;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && /\] s\d\d done/.test(stderr)) { sent = true; child.kill('SIGINT'); }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /cancelling/);
    assert.match(stdout, /not run \(cancelled\)/);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(json.status, 'cancelled');
    assert.ok(json.counts.computed >= 1 && json.counts.notRun >= 1, JSON.stringify(json.counts));
    assert.equal(json.counts.computed + json.counts.notRun, 30);
    assert.equal(json.cases.filter((c: { status: string }) => c.status === 'done').length, json.counts.computed);
  });
});
