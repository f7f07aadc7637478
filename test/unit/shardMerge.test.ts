/**
 * `report --shard I/N` + `mask-inspector merge` (issue #12), dist/cli.js in child processes:
 * 3 parts merged equal one unsharded run (report.json but for `created`/`seconds`, identical
 * cases.csv and slices.csv) on the sample tree (2 cases: one part is empty), on a tree with a
 * failing case, and on a two-prediction report; and every merge error — exit 2, one `error:` line
 * naming the part folders and shard indices, nothing written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { shardRange } from '../../src/core/report/shard';
import { repoRoot } from './helpers/fixtures';
import { makeReportTree } from './helpers/reportTree';
import { makeVersusTree } from './helpers/versusTree';

const cli = join(repoRoot, 'dist', 'cli.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

type Json = Record<string, unknown> & { cases: Record<string, unknown>[] };
function withoutTiming(dir: string): Json {
  const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Json;
  delete json['created'];
  delete json['seconds'];
  for (const c of json.cases) delete c['seconds'];
  return json;
}

/** Runs the unsharded report and N shards + merge; asserts the merged report equals the unsharded one. */
function shardAndMerge(root: string, reportArgs: string[], shards: number): { parts: string[]; full: string; merged: string } {
  const full = join(root, 'full');
  const r = run('report', ...reportArgs, '--out', full, '--jobs', '2');
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const parts: string[] = [];
  for (let i = 0; i < shards; i++) {
    const part = join(root, `part${i}`);
    const p = run('report', ...reportArgs, '--shard', `${i}/${shards}`, '--out', part, '--jobs', '1');
    assert.ok(p.code === 0 || p.code === 1, p.stderr);
    parts.push(part);
  }
  const merged = join(root, 'merged');
  const m = run('merge', ...parts, '--out', merged);
  assert.equal(m.code, 0, m.stderr);
  assert.deepEqual(withoutTiming(merged), withoutTiming(full));
  for (const f of ['cases.csv', 'slices.csv']) assert.equal(readFileSync(join(merged, f), 'utf8'), readFileSync(join(full, f), 'utf8'), f);
  const html = readFileSync(join(merged, 'report.html'), 'utf8');
  assert.ok(!('shard' in withoutTiming(merged)), 'the merged report records nothing about its parts');
  assert.doesNotMatch(html, /part0/, 'the merged report records nothing about its parts');
  assert.equal((html.match(/<img src="data:image\/png/g) ?? []).length,
    (readFileSync(join(full, 'report.html'), 'utf8').match(/<img src="data:image\/png/g) ?? []).length, 'thumbnails carried over');
  return { parts, full, merged };
}

describe('--shard parts', () => {
  test('parts are contiguous, in order, cover every case once, sizes within one', () => {
    for (const n of [0, 1, 2, 7, 100]) for (const count of [1, 2, 3, 8]) {
      let next = 0;
      for (let index = 0; index < count; index++) {
        const [s, e] = shardRange(n, { index, count });
        assert.equal(s, next);
        assert.ok(e - s === Math.floor(n / count) || e - s === Math.ceil(n / count));
        next = e;
      }
      assert.equal(next, n);
    }
  });
  test('bad --shard: usage error, exit 2', () => {
    const tree = makeReportTree([{ name: 'a', kind: 'probability', seed: 1 }]);
    for (const bad of ['3/3', '1', '-1/2', 'x/y', '0/0']) {
      const r = run('report', tree.predictions, tree.labels, '--shard', bad);
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /^error: --shard/, bad);
    }
  });
});

describe('3 shards + merge = one run', () => {
  test('the sample tree (2 cases: one part empty)', () => {
    const root = mkdtempSync(join(tmpdir(), 'mask-inspector-shard-sample-'));
    cpSync(join(repoRoot, 'sample'), join(root, 'sample'), { recursive: true });
    shardAndMerge(root, [join(root, 'sample', 'predictions'), join(root, 'sample', 'labelsTr')], 3);
  });
  test('seven cases, one failing', () => {
    const tree = makeReportTree([
      { name: 'a1', kind: 'probability', seed: 1 }, { name: 'a2', kind: 'labels', seed: 2 }, { name: 'a3', kind: 'truncated', seed: 3 },
      { name: 'a4', kind: 'probability', seed: 4 }, { name: 'a5', kind: 'labels', seed: 5 }, { name: 'a6', kind: 'probability', seed: 6 },
      { name: 'a7', kind: 'probability', seed: 7 },
    ]);
    const { full } = shardAndMerge(tree.root, [tree.predictions, tree.labels], 3);
    const json = withoutTiming(full);
    assert.equal((json['counts'] as { failed: number }).failed, 1);
  });
  test('a two-prediction report (missing A and B included)', () => {
    const tree = makeVersusTree([
      { name: 'v1', kind: 'probability', seed: 1 }, { name: 'v2', kind: 'probability', seed: 2 },
      { name: 'v3', kind: 'labels', seed: 3 }, { name: 'v4', kind: 'probability', seed: 4 },
    ], ['v1', 'v2', 'v3'], ['v5']);
    shardAndMerge(tree.root, [tree.predictions, tree.labels, '--versus', tree.predictionsB], 3);
  });
});

describe('merge errors: exit 2, one error line naming parts and shards, nothing written', () => {
  const tree = makeReportTree([
    { name: 'e1', kind: 'probability', seed: 1 }, { name: 'e2', kind: 'probability', seed: 2 }, { name: 'e3', kind: 'probability', seed: 3 },
  ]);
  const part = (i: number, n: number, ...extra: string[]) => {
    const dir = join(tree.root, `p${i}of${n}${extra.join('').replace(/\W/g, '')}`);
    if (!existsSync(dir)) assert.equal(run('report', tree.predictions, tree.labels, '--shard', `${i}/${n}`, '--out', dir, '--jobs', '1', ...extra).code, 0);
    return dir;
  };
  let outs = 0;
  const expectError = (parts: string[], what: RegExp) => {
    const out = join(tree.root, `merged-${outs++}`);
    const r = run('merge', ...parts, '--out', out);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^error: /);
    assert.match(lines[0]!, what);
    assert.ok(!existsSync(out), 'nothing written');
  };
  test('a missing part', () => {
    const [a, c] = [part(0, 3), part(2, 3)];
    expectError([a, c], new RegExp(`shard 1/3 missing .*${a} \\(shard 0/3\\).*${c} \\(shard 2/3\\)`));
  });
  test('a part given twice', () => {
    const [a, b, c] = [part(0, 3), part(1, 3), part(2, 3)];
    const copy = join(tree.root, 'copy-of-1');
    cpSync(b, copy, { recursive: true });
    expectError([a, b, copy, c], new RegExp(`shard 1/3 is given 2 times: ${b}, ${copy}`));
  });
  test('parts of different splits', () => {
    expectError([part(0, 2), part(1, 3), part(2, 3)], new RegExp(`p1of3 \\(shard 1/3\\) and .*p0of2 \\(shard 0/2\\) are parts of different splits`));
  });
  test('parts made with other settings', () => {
    const other = part(1, 3, '--axis', 'j');
    expectError([part(0, 3), other, part(2, 3)], new RegExp(`${other} \\(shard 1/3\\) was made with other settings than .*p0of3 \\(shard 0/3\\) \\(settings\\.axis differs\\)`));
  });
  test('a folder that is not a part', () => {
    const full = join(tree.root, 'unsharded');
    assert.equal(run('report', tree.predictions, tree.labels, '--out', full).code, 0);
    expectError([part(0, 3), full], new RegExp(`${full}: not a partial report`));
    expectError([join(tree.root, 'nowhere')], /nowhere: no report\.json there/);
  });
  test('a damaged part', () => {
    const broken = join(tree.root, 'broken');
    cpSync(part(2, 3), broken, { recursive: true });
    writeFileSync(join(broken, 'report.json'), '{"tool":');
    expectError([part(0, 3), part(1, 3), broken], /broken: report\.json is not valid JSON/);
  });
  test('usage: no --out, no parts', () => {
    const r = run('merge', part(0, 3));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: merge needs --out/);
    expectError([], /none given/);
  });
});
