/**
 * The extension's view of a report (src/core/report/reportIndex.ts: ranking cases and slices,
 * "next unreviewed worst slice"), the folder guesses of the Loss Report command
 * (reportFolders.ts), report.html made ready for a webview (reportWebview.ts: CSP and nonces)
 * and triage marks embedded in report.html and written into the CSVs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { guessReportFolders } from '../../src/core/report/reportFolders';
import { badness, indexReport, isRankable, nextUnreviewedSlice, rankSlices, sortCases, sortIdLabel, sortIdShort, sortIdValueText, worstSlicesOf, METRIC_PREFIX } from '../../src/core/report/reportIndex';
import { reportCsp, reportHtmlForWebview } from '../../src/core/report/reportWebview';
import { planLocalFolders, runFolderReport } from '../../src/report/runFolderReport';
import { repoRoot } from './helpers/fixtures';
import { makeReportTree, parseCsv } from './helpers/reportTree';

const workerFile = join(repoRoot, 'dist', 'caseWorker.js');

describe('report index on a generated report', async () => {
  const tree = makeReportTree([
    { name: 'case_a', kind: 'probability', seed: 3 },
    { name: 'case_b', kind: 'labels', seed: 5 },
    { name: 'case_c', kind: 'truncated', seed: 7 },
    { name: 'case_d', kind: 'probability', seed: 11 },
  ], 'mask-inspector-index-');
  const plan = await planLocalFolders(tree.predictions, tree.labels);
  const out = join(tree.root, 'report');
  const marks = [{ case: 'case_a', axis: 'k' as const, slice: 2, reviewed: true, flagged: false, note: 'a </script> note' }];
  await runFolderReport(plan, {
    outDir: out, jobs: 2, workerFile,
    marks: (caseId, axis, slice) => (caseId === 'case_a' && axis === 'k' && slice === 2 ? { reviewed: true, flagged: false, note: 'checked' } : undefined),
    html: { marks },
  });
  const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const index = indexReport(json);

  test('cases, statuses, paths and sort ids (losses, then metrics.<id>)', () => {
    assert.deepEqual(index.cases.map((c) => [c.case, c.status]), [['case_a', 'done'], ['case_b', 'done'], ['case_c', 'failed'], ['case_d', 'done']]);
    assert.equal(index.cases[0]!.prediction, join(tree.predictions, 'case_a.nii.gz'));
    assert.match(index.cases[2]!.error ?? '', /case_c/);
    assert.equal(index.axis, 'k');
    assert.deepEqual(index.sortIds.slice(0, 3), ['dice', 'bceDice', 'iou']);
    assert.ok(index.sortIds.includes(`${METRIC_PREFIX}hd95`), 'per-slice metrics are sort ids');
    assert.deepEqual(index.counts, { planned: 4, computed: 3, failed: 1, notRun: 0 });
  });

  test('slice values equal the report\'s, empty slices are marked', () => {
    const c = index.cases[0]!;
    const raw = json.cases[0].result.labels[0];
    const values = c.labels[0]!.values.get('dice')!;
    raw.slices.forEach((s: { index: number; empty: boolean; losses: { dice: number } }) => {
      assert.equal(values[s.index], s.losses.dice);
      assert.equal(c.labels[0]!.empty[s.index], s.empty ? 1 : 0);
    });
    assert.deepEqual(c.labels[0]!.worstSlices, json.cases[0].worstSlices['1']);
  });

  test('cases sort worst first by the volume loss (worst label), failed last', () => {
    const sorted = sortCases(index.cases, 'dice');
    const worst = (name: string) => Math.max(...json.cases.find((c: { case: string }) => c.case === name).result.labels.map((l: { volume: { dice: number } }) => l.volume.dice));
    const done = sorted.filter((c) => c.status === 'done').map((c) => c.case);
    assert.deepEqual(done, [...done].sort((a, b) => worst(b) - worst(a)));
    assert.equal(sorted.at(-1)!.case, 'case_c');
  });

  test('higher-is-better metrics rank lowest first', () => {
    assert.ok(badness('metrics.dice', 0.2) > badness('metrics.dice', 0.9));
    assert.ok(badness('metrics.hd95', 9) > badness('metrics.hd95', 1));
    assert.ok(badness('metrics.relativeVolumeDifference', -0.5) > badness('metrics.relativeVolumeDifference', 0.1));
    assert.equal(badness('dice', NaN), -Infinity);
  });

  test('slices rank worst first, non-empty only; the worst N list each slice once', () => {
    const c = index.cases[1]!; // two labels
    const ranked = rankSlices(c, 'dice');
    for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1]!.value! >= ranked[i]!.value!);
    for (const r of ranked) assert.equal(c.labels.find((l) => l.label === r.label)!.empty[r.slice], 0);
    const top = worstSlicesOf(c, 'dice', 3);
    assert.equal(new Set(top.map((r) => r.slice)).size, top.length);
    assert.equal(top[0]!.slice, ranked[0]!.slice);
  });

  test('next unreviewed worst slice skips reviewed slices, across cases', () => {
    const all = index.cases.filter((c) => c.status === 'done').flatMap((c) => rankSlices(c, 'dice'));
    all.sort((a, b) => b.value! - a.value!);
    const reviewed = new Set<string>();
    const key = (name: string, slice: number) => `${name}:${slice}`;
    const first = nextUnreviewedSlice(index, 'dice', (c, _axis, s) => reviewed.has(key(c.case, s)))!;
    assert.equal(first.value, all[0]!.value);
    reviewed.add(key(first.case.case, first.slice));
    const second = nextUnreviewedSlice(index, 'dice', (c, _axis, s) => reviewed.has(key(c.case, s)))!;
    assert.notEqual(key(second.case.case, second.slice), key(first.case.case, first.slice));
    assert.ok(second.value! <= first.value!);
    assert.equal(nextUnreviewedSlice(index, 'dice', () => true), null);
  });

  test('marks go into the CSV columns and the page (escaped), and a page loads under the webview CSP', () => {
    const slices = parseCsv(readFileSync(join(out, 'slices.csv'), 'utf8'));
    const head = slices[0]!;
    const row = slices.find((r) => r[0] === 'case_a' && r[2] === '2')!;
    assert.deepEqual(row.slice(head.indexOf('reviewed')), ['true', 'false', 'checked']);
    const other = slices.find((r) => r[0] === 'case_a' && r[2] === '3')!;
    assert.deepEqual(other.slice(head.indexOf('reviewed')), ['', '', '']);

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const block = /<script type="application\/json" id="mi-marks">([^<]*)<\/script>/.exec(html);
    assert.ok(block, 'the marks block');
    assert.deepEqual(JSON.parse(block[1]!), marks);
    assert.doesNotMatch(block[1]!, /<\/script>/);

    const nonce = 'abcDEF123_-';
    const page = reportHtmlForWebview(html, nonce);
    assert.ok(page.includes(`<meta http-equiv="Content-Security-Policy" content="${reportCsp(nonce)}">`));
    assert.ok(page.indexOf('Content-Security-Policy') < page.indexOf('<style'), 'the policy comes before any style or script');
    assert.equal((page.match(/<style nonce="abcDEF123_-">/g) ?? []).length, 1);
    assert.equal((page.match(/<script nonce="abcDEF123_-">/g) ?? []).length, 1);
    assert.equal((page.match(/<script[ >]/g) ?? []).length, 2, 'the script and the JSON block, nothing else');
    assert.match(page, /<script type="application\/json" id="mi-marks">/, 'the JSON block keeps no nonce');
    assert.equal(reportHtmlForWebview(page.replace(/<meta http-equiv[^>]*>/, ''), 'x1'), reportHtmlForWebview(html, 'x1'), 'an old nonce is replaced');
    assert.match(reportCsp(nonce), /default-src 'none'; img-src data:;/);
    assert.throws(() => reportHtmlForWebview('<html>no</html>', nonce), /not a Mask Inspector report/);
    assert.throws(() => reportHtmlForWebview(html, 'a"b'), /nonce/);
  });

  test('a report.json of another tool is refused', () => {
    assert.throws(() => indexReport({ cases: [] }), /not a Mask Inspector report/);
    assert.throws(() => indexReport({ ...json, reportFormat: 2 }), /reportFormat 2/);
  });
});

describe('loss report folder guesses', () => {
  test('nnU-Net: labelsTr with the predictions folder, images never; named prediction folders first', () => {
    const names = (n: number, suffix = '') => Array.from({ length: n }, (_, i) => `liver_00${i + 1}${suffix}.nii.gz`);
    const guesses = guessReportFolders([
      { path: '/ws/Dataset001/imagesTr', files: names(3, '_0000') },
      { path: '/ws/Dataset001/labelsTr', files: names(3) },
      { path: '/ws/Dataset001/labelsTs', files: ['other_001.nii.gz'] },
      { path: '/ws/Dataset001/predictions', files: names(2) },
      { path: '/ws/runs/fold0/validation', files: names(3) },
      { path: '/ws/unrelated', files: ['brain.nii.gz'] },
    ]);
    assert.deepEqual(guesses.map((g) => [g.prediction, g.label, g.shared]), [
      ['/ws/Dataset001/predictions', '/ws/Dataset001/labelsTr', 2],
      ['/ws/runs/fold0/validation', '/ws/Dataset001/labelsTr', 3],
    ]);
    assert.equal(guesses[0]!.predictionNamed, true);
  });

  test('suffix-named files in sibling folders pair by case', () => {
    const guesses = guessReportFolders([
      { path: '/ws/gt', files: ['a_gt.nii.gz', 'b_gt.nii.gz'] },
      { path: '/ws/out', files: ['a_pred.nii.gz', 'b_pred.nii.gz', 'c_pred.nii.gz'] },
    ]);
    assert.deepEqual(guesses.map((g) => [g.prediction, g.label, g.shared]), [['/ws/out', '/ws/gt', 2]]);
  });
});

describe('Cases view words (issue #8)', () => {
  test('sort choices are named with units and only where "worst" means something', () => {
    assert.equal(sortIdLabel('dice'), 'Dice loss');
    assert.equal(sortIdLabel('focalPixel'), 'Focal loss (per voxel mean)');
    assert.equal(sortIdLabel(`${METRIC_PREFIX}dice`), 'Dice (lowest first)');
    assert.equal(sortIdLabel(`${METRIC_PREFIX}hd95`), 'Hausdorff distance (95th percentile) (mm)');
    assert.equal(sortIdShort(`${METRIC_PREFIX}hausdorff`), 'HD (mm)');
    for (const id of ['dice', 'lovaszHinge', 'metrics.hd95', 'metrics.dice', 'metrics.missedLesions', 'metrics.relativeVolumeDifference']) {
      assert.equal(isRankable(id), true, id);
    }
    for (const id of ['metrics.labelVolumeMl', 'metrics.predictionVolumeMl', 'metrics.labelLesions', 'metrics.detectedLesions']) {
      assert.equal(isRankable(id), false, `no "worst by ${id}"`);
    }
  });

  test('a value is shown with its name and unit', () => {
    const f = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(2));
    assert.equal(sortIdValueText('dice', 0.1677, f), 'Dice loss 0.17');
    assert.equal(sortIdValueText(`${METRIC_PREFIX}hausdorff`, 85.8, f), 'HD 85.80 mm');
    assert.equal(sortIdValueText(`${METRIC_PREFIX}dice`, 0.9, f), 'Dice 0.90');
    assert.equal(sortIdValueText(`${METRIC_PREFIX}hd95`, null, f), 'HD95 –');
  });
});
