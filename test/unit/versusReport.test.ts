/**
 * `mask-inspector report PRED_DIR LABEL_DIR --versus PRED_DIR_B` (issue #12) end to end: cases
 * paired across three folders, `missing A`/`missing B` listed, report.json `versus.stats`
 * against values computed here from independent single comparisons, per-case `versus` and
 * `difference`, cases.csv's B and Δ columns, and a self-contained report.html section.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { wilcoxon } from '../../src/core/report/pairedStats';
import { repoRoot } from './helpers/fixtures';
import { parseCsv } from './helpers/reportTree';
import { makeVersusTree } from './helpers/versusTree';
import { indexReport } from '../../src/core/report/reportIndex';
import { renderReportPage } from '../../src/core/report/reportPage';

const cli = join(repoRoot, 'dist', 'cli.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('report --versus', () => {
  const tree = makeVersusTree([
    { name: 'c1', kind: 'probability', seed: 1 }, { name: 'c2', kind: 'probability', seed: 2 },
    { name: 'c3', kind: 'probability', seed: 3 }, { name: 'c4', kind: 'probability', seed: 4 },
    { name: 'c5', kind: 'probability', seed: 5 },
  ], ['c1', 'c2', 'c3', 'c5'], ['c9']);
  const out = join(tree.root, 'out');
  const r = run('report', tree.predictions, tree.labels, '--versus', tree.predictionsB, '--out', out, '--jobs', '2');
  const json = () => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const computed = ['c1', 'c2', 'c3', 'c5'];
  const options = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS } as const;
  const single = (dir: string, name: string) =>
    comparePair(readVolumeFile(join(dir, `${name}.nii.gz`)), readVolumeFile(join(tree.labels, `${name}.nii.gz`)), options);

  test('exit 0; the plan names what is missing on which side', () => {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /4 labels with both predictions/);
    assert.match(r.stdout, /missing B .*: c4/);
    assert.match(r.stdout, /missing A .*: c9/);
  });

  test('every label is listed: missing A / missing B with no statistics, never dropped', () => {
    const j = json();
    assert.deepEqual(j.cases.map((c: { case: string; status: string }) => [c.case, c.status]),
      [['c1', 'done'], ['c2', 'done'], ['c3', 'done'], ['c4', 'missing B'], ['c5', 'done'], ['c9', 'missing A']]);
    assert.deepEqual(j.counts, { planned: 6, computed: 4, failed: 0, notRun: 0, missing: 2 });
    const c4 = j.cases.find((c: { case: string }) => c.case === 'c4');
    assert.equal(c4.result, null);
    assert.equal(c4.versus.prediction_file, null);
    assert.equal(j.versus.predictionsB, tree.predictionsB);
  });

  test('per case: B under versus and difference = B − A, as compare --versus', () => {
    const j = json();
    for (const name of computed) {
      const c = j.cases.find((x: { case: string }) => x.case === name);
      const b = JSON.parse(JSON.stringify(single(tree.predictionsB, name)));
      assert.deepEqual(c.versus.result.labels, b.labels, name);
      const a = c.result.labels[0];
      assert.equal(c.difference.labels[0].volume.dice, b.labels[0].volume.dice - a.volume.dice);
    }
  });

  test('versus.stats over the computed cases, from independent single comparisons', () => {
    const stats = json().versus.stats;
    const a = computed.map((n) => single(tree.predictions, n).labels[0]!);
    const b = computed.map((n) => single(tree.predictionsB, n).labels[0]!);
    const check = (quantity: string, va: number[], vb: number[], lowerIsBetter: boolean | null) => {
      const s = stats[quantity]['1'];
      const d = vb.map((v, i) => v - va[i]!);
      const n = d.length;
      assert.equal(s.n, n, quantity);
      const mean = (x: number[]) => x.reduce((p, q) => p + q, 0) / x.length;
      assert.ok(Math.abs(s.meanA - mean(va)) < 1e-12 && Math.abs(s.meanB - mean(vb)) < 1e-12, quantity);
      assert.ok(Math.abs(s.meanDiff - mean(d)) < 1e-12, quantity);
      const sorted = [...d].sort((x, y) => x - y);
      assert.ok(Math.abs(s.medianDiff - (sorted[1]! + sorted[2]!) / 2) < 1e-12, quantity);
      // t₀.₉₇₅ with 3 degrees of freedom (tables: 3.182446305284263…).
      const sd = Math.sqrt(d.reduce((p, v) => p + (v - mean(d)) ** 2, 0) / (n - 1));
      const half = 3.1824463052837095 * sd / Math.sqrt(n);
      assert.ok(Math.abs(s.ci95[0] - (mean(d) - half)) < 1e-12 && Math.abs(s.ci95[1] - (mean(d) + half)) < 1e-12, quantity);
      assert.deepEqual(s.wilcoxon, wilcoxon(d));
      if (lowerIsBetter === null) assert.equal(s.wins, null, quantity);
      else {
        const better = (x: number, y: number) => (lowerIsBetter ? x < y : x > y);
        assert.deepEqual(s.wins, {
          a: va.filter((v, i) => better(v, vb[i]!)).length, b: va.filter((v, i) => better(vb[i]!, v)).length,
          ties: va.filter((v, i) => v === vb[i]).length,
        }, quantity);
      }
    };
    check('dice', a.map((l) => l.volume.dice), b.map((l) => l.volume.dice), true);
    check('metrics.dice', a.map((l) => l.metrics!.dice!), b.map((l) => l.metrics!.dice!), false);
    check('metrics.hd95', a.map((l) => l.metrics!.hd95!), b.map((l) => l.metrics!.hd95!), true);
    check('metrics.predictionVolumeMl', a.map((l) => l.metrics!.predictionVolumeMl!), b.map((l) => l.metrics!.predictionVolumeMl!), null);
  });

  test('cases.csv: B and Δ columns; missing cases keep their row', () => {
    const rows = parseCsv(readFileSync(join(out, 'cases.csv'), 'utf8'));
    const h = rows[0]!;
    for (const col of ['prediction_file_B', 'B.dice', 'Δ.dice', 'B.metrics.dice', 'Δ.metrics.dice', 'B.lovaszSoftmax']) assert.ok(h.includes(col), col);
    const row = (name: string) => rows.find((x) => x[0] === name)!;
    const c1 = row('c1');
    const delta = Number(c1[h.indexOf('Δ.dice')]);
    assert.ok(Math.abs(delta - (Number(c1[h.indexOf('B.dice')]) - Number(c1[h.indexOf('dice')]))) < 1e-15);
    assert.equal(row('c4')[h.indexOf('status')], 'missing B');
    assert.equal(row('c9')[h.indexOf('status')], 'missing A');
    assert.equal(rows.length, 1 + 6);
  });

  test('report.html: scatter with diagonal, sorted Δ bars, statistics table; nothing from the network', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /<h2>Model A versus model B<\/h2>/);
    assert.match(html, /A \(x\) vs B \(y\)/);
    assert.match(html, /<title>A = B<\/title>/);
    assert.match(html, /Δ = B − A per case, sorted/);
    assert.match(html, /<th>wins A \/ B \/ ties<\/th>/);
    const section = html.slice(html.indexOf('<h2>Model A versus model B</h2>'), html.indexOf('<h2>Cases</h2>'));
    assert.equal((section.match(/<circle /g) ?? []).length, 2 * 4, 'one dot per computed case, per headline quantity');
    assert.doesNotMatch(html, /(src|href)="https?:/);
    assert.doesNotMatch(html, / style="/, 'no inline style attributes (webview CSP)');
  });

  test('report.html: a dot or bar carries the slice where A and B differ most (|Δ Dice loss|), computed here from both results', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const section = html.slice(html.indexOf('<h2>Model A versus model B</h2>'), html.indexOf('<h2>Cases</h2>'));
    for (const name of computed) {
      const a = single(tree.predictions, name).labels[0]!;
      const b = single(tree.predictionsB, name).labels[0]!;
      let expected = -1, most = -1;
      for (const s of a.slices) {
        const d = Math.abs(b.slices.find((t) => t.index === s.index)!.losses.dice - s.losses.dice);
        if (d > most) { most = d; expected = s.index; }
      }
      const slices = [...section.matchAll(new RegExp(`data-case="${name}" data-slice="(\\d*)"`, 'g'))].map((m) => m[1]);
      assert.ok(slices.length > 0, `${name}: no clickable dot or bar`);
      for (const slice of slices) assert.equal(slice, String(expected), name);
    }
  });

  test('the report panel (rendered from report.json) shows the same A-versus-B section as report.html', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const page = renderReportPage(json(), html, {});
    const section = (text: string) => text.slice(text.indexOf('<h2>Model A versus model B</h2>'), text.indexOf('<h2>Cases</h2>'));
    assert.ok(section(html).length > 100);
    assert.equal(section(page), section(html));
  });

  test('usage: --versus needs a folder', () => {
    const bad = run('report', tree.predictions, tree.labels, '--versus', join(tree.root, 'nope'));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: .*nope: not a folder/);
  });

  test('the report index gives each paired case its prediction B (a click opens the three-way editor), none to a missing one', () => {
    const index = indexReport(json());
    const c1 = index.cases.find((c) => c.case === 'c1')!;
    assert.ok(c1.predictionB !== undefined && c1.predictionB.startsWith(tree.predictionsB), `c1: ${c1.predictionB}`);
    assert.ok(c1.prediction.startsWith(tree.predictions));
    assert.equal(index.cases.find((c) => c.case === 'c4')!.predictionB, undefined);
  });
});
