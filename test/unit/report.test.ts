/**
 * The folder report (runFolderReport → caseWorker threads → report folder) on small generated
 * nnU-Net-like trees: numbers equal comparePair on the same pair, report.json / CSV shapes, the
 * HTML is self-contained and lists every case, a failing case in the middle is recorded while the
 * others are computed, and a cancelled run keeps the finished cases and says so.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decode } from 'fast-png';
import { comparePair } from '../../src/core/analysis/compare';
import type { CompareResult } from '../../src/core/analysis/result';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS, LOSS_IDS } from '../../src/core/kernels/lossIds';
import { LOSS_NAMES } from '../../src/core/quantityNames';
import { defaultReportDir, planLocalFolders, reportSettingsOf, runFolderReport } from '../../src/report/runFolderReport';
import { runCases } from '../../src/worker/casePool';
import { repoRoot } from './helpers/fixtures';
import { makeReportTree, parseCsv, TREE_SHAPE } from './helpers/reportTree';

const workerFile = join(repoRoot, 'dist', 'caseWorker.js');
const CASE_KEYS = ['case', 'status', 'prediction_file', 'reference_file', 'image_file', 'seconds', 'error', 'worstSlices', 'result'];
const TOP_KEYS = ['tool', 'reportFormat', 'created', 'status', 'settings', 'plan', 'counts', 'notRun', 'seconds', 'summary', 'cases'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function readReport(dir: string): { json: Json; cases: string[][]; slices: string[][]; html: string } {
  return {
    json: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')),
    cases: parseCsv(readFileSync(join(dir, 'cases.csv'), 'utf8')),
    slices: parseCsv(readFileSync(join(dir, 'slices.csv'), 'utf8')),
    html: readFileSync(join(dir, 'report.html'), 'utf8'),
  };
}

function expected(prediction: string, label: string): CompareResult {
  return JSON.parse(JSON.stringify(comparePair(readVolumeFile(prediction), readVolumeFile(label), { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS })));
}

function assertSelfContained(html: string): void {
  assert.doesNotMatch(html, /https?:/i, 'no http(s) reference');
  assert.doesNotMatch(html, /\s(?:src|href)\s*=\s*"(?!data:)/i, 'no src/href except data: URIs');
  assert.doesNotMatch(html, /<link\b|@import|url\(/i, 'no stylesheet links, imports or url()');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<\/html>\n$/);
}

describe('folder report: a complete run', async () => {
  const tree = makeReportTree([
    { name: 'case_a', kind: 'probability', seed: 3 },
    { name: 'case_b', kind: 'labels', seed: 5 },
    { name: 'case_c', kind: 'probability', seed: 7 },
    { name: 'case_d', kind: 'probability', seed: 11 },
  ]);
  const plan = await planLocalFolders(tree.predictions, tree.labels);
  const out = join(tree.root, 'report');
  const progress: number[] = [];
  const outcome = await runFolderReport(plan, { outDir: out, jobs: 2, workerFile }, { onProgress: (p) => { if (p.finished) progress.push(p.done); } });
  const { json, cases, slices, html } = readReport(out);

  test('outcome, progress and the folder holds exactly the four files', () => {
    assert.equal(outcome.computed, 4);
    assert.equal(outcome.failed, 0);
    assert.equal(outcome.cancelled, false);
    assert.deepEqual(progress, [1, 2, 3, 4]);
    assert.deepEqual(readdirSync(out).sort(), ['cases.csv', 'report.html', 'report.json', 'slices.csv']);
  });

  test('report.json: top-level keys, settings, plan, counts', () => {
    assert.deepEqual(Object.keys(json), TOP_KEYS);
    assert.deepEqual(json.tool.name, 'mask-inspector');
    assert.equal(json.status, 'complete');
    assert.deepEqual(Object.keys(json.settings), ['predictionDir', 'labelDir', 'pairing', 'kind', 'axis', 'lossParams', 'metrics', 'maxVoxels', 'thumbnails']);
    assert.deepEqual(json.settings.pairing, { requested: 'auto', mode: 'nnunet' });
    assert.deepEqual(json.settings.lossParams, { ...DEFAULT_LOSS_PARAMS });
    assert.equal(json.settings.axis, 'k');
    assert.deepEqual(json.counts, { planned: 4, computed: 4, failed: 0, notRun: 0 });
    assert.deepEqual(json.notRun, []);
    assert.equal(json.plan.pairs, 4);
  });

  test('every case equals comparePair on the same pair (the compare --format json contract)', () => {
    assert.deepEqual(json.cases.map((c: Json) => c.case), ['case_a', 'case_b', 'case_c', 'case_d']);
    for (const c of json.cases) {
      assert.deepEqual(Object.keys(c), CASE_KEYS);
      assert.equal(c.status, 'done');
      assert.equal(c.error, null);
      assert.equal(c.image_file, join(tree.images, `${c.case}_0000.nii.gz`));
      assert.deepEqual(c.result, expected(c.prediction_file, c.reference_file), c.case);
    }
    assert.equal(json.cases[1].result.predictionKind, 'labels');
    assert.deepEqual(json.cases[1].result.labels.map((l: Json) => l.label), [1, 2]);
  });

  test('summary: nnU-Net keys, counts from the slices, mean/median over cases, nulls counted', () => {
    const s = json.summary;
    assert.deepEqual(Object.keys(s), ['metric_per_case', 'mean', 'median', 'count', 'nulls', 'foreground_mean', 'foreground_median', 'multiclass']);
    const first = s.metric_per_case[0];
    assert.deepEqual(Object.keys(first), ['case', 'prediction_file', 'reference_file', 'metrics']);
    const m1 = first.metrics['1'];
    assert.deepEqual(Object.keys(m1), ['Dice', 'IoU', 'TP', 'FP', 'FN', 'TN', 'n_pred', 'n_ref', 'losses', 'metrics']);
    const r = json.cases[0].result.labels[0];
    const sum = (k: string) => r.slices.reduce((a: number, x: Json) => a + x[k], 0);
    assert.equal(m1.TP, sum('tp'));
    assert.equal(m1.n_ref, sum('labelVoxels'));
    assert.equal(m1.TN, TREE_SHAPE[0] * TREE_SHAPE[1] * TREE_SHAPE[2] - sum('tp') - sum('fp') - sum('fn'));
    assert.ok(Math.abs(m1.Dice - (2 * m1.TP) / (2 * m1.TP + m1.FP + m1.FN)) < 1e-15);
    assert.deepEqual(m1.losses, r.volume);
    const dice1 = json.cases.map((c: Json) => c.result.labels[0].volume.dice);
    const mean = dice1.reduce((a: number, b: number) => a + b, 0) / dice1.length;
    assert.ok(Math.abs(s.mean['1'].losses.dice - mean) < 1e-12);
    const sorted = [...dice1].sort((a, b) => a - b);
    assert.ok(Math.abs(s.median['1'].losses.dice - (sorted[1] + sorted[2]) / 2) < 1e-12);
    assert.equal(s.count['1'].losses.dice, 4);
    assert.equal(s.count['2'].losses.dice, 1, 'label 2 is in one case only');
    assert.equal(s.nulls['1'].Dice, 0);
    assert.ok(Math.abs(s.foreground_mean.losses.dice - (s.mean['1'].losses.dice + s.mean['2'].losses.dice) / 2) < 1e-12);
    assert.equal(s.multiclass.count, 1);
    if (m1.metrics) {
      // Issue #5 metrics are summarised generically: numbers averaged, nulls counted, strings skipped.
      assert.equal(typeof s.mean['1'].metrics.dice, 'number');
      assert.equal(s.mean['1'].metrics.undefinedReasons, undefined);
    }
  });

  test('cases.csv: header, one row per case × label, marks columns empty', () => {
    const [header, ...rows] = cases;
    assert.deepEqual(header!.slice(0, 13), ['case', 'label', 'status', 'prediction_file', 'reference_file', 'predictionKind',
      'slices', 'emptySlices', 'labelVoxels', 'predictedVoxels', 'tp', 'fp', 'fn']);
    assert.deepEqual(header!.slice(13, 13 + LOSS_IDS.length), [...LOSS_IDS]);
    assert.deepEqual(header!.slice(-6), ['worstSlices', 'warnings', 'error', 'reviewed', 'flagged', 'note']);
    assert.equal(rows.length, 5);
    for (const row of rows) assert.equal(row.length, header!.length);
    assert.deepEqual(rows.map((r) => `${r[0]}/${r[1]}`), ['case_a/1', 'case_b/1', 'case_b/2', 'case_c/1', 'case_d/1']);
    const col = (name: string) => header!.indexOf(name);
    assert.equal(Number(rows[0]![col('dice')]), json.cases[0].result.labels[0].volume.dice);
    assert.equal(rows[2]![col('lovaszSoftmax')], String(json.cases[1].result.multiclass.volume.lovaszSoftmax));
    assert.deepEqual(rows[0]!.slice(-3), ['', '', '']);
  });

  test('slices.csv: one row per case × label × slice, numbers as in the JSON', () => {
    const [header, ...rows] = slices;
    assert.deepEqual(header!.slice(0, 9), ['case', 'label', 'slice', 'labelVoxels', 'predictedVoxels', 'tp', 'fp', 'fn', 'empty']);
    assert.deepEqual(header!.slice(-3), ['reviewed', 'flagged', 'note']);
    assert.equal(rows.length, 5 * TREE_SHAPE[2]);
    for (const row of rows) assert.equal(row.length, header!.length);
    const row = rows.find((r) => r[0] === 'case_c' && r[2] === '3')!;
    const slice = json.cases[2].result.labels[0].slices[3];
    for (const id of LOSS_IDS) assert.equal(Number(row[header!.indexOf(id)]), slice.losses[id], id);
    assert.equal(row[header!.indexOf('tp')], String(slice.tp));
  });

  test('report.html: self-contained, every case, data attributes, thumbnails of the worst slices', () => {
    assertSelfContained(html);
    for (const c of ['case_a', 'case_b', 'case_c', 'case_d']) assert.match(html, new RegExp(`<tr data-case="${c}" data-slice="\\d+" data-axis="k"`));
    assert.match(html, /acquireVsCodeApi/);
    assert.match(html, /type: 'openCase'/);
    assert.doesNotMatch(html, /nonce=/);
    for (const id of LOSS_IDS) assert.ok(html.includes(`>${LOSS_NAMES[id].short}</th>`), `${id}: column named ${LOSS_NAMES[id].short}`);
    const thumbs = [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)" width="(\d+)" height="(\d+)"[^>]*data-case="([^"]+)" data-slice="(\d+)" data-axis="k">/g)];
    // 3 worst non-empty slices per label (label 2 of case_b has one non-empty slice).
    const nonEmpty = json.cases.flatMap((c: Json) => c.result.labels.map((l: Json) => Math.min(3, l.slices.filter((s: Json) => !s.empty).length)));
    assert.equal(thumbs.length, nonEmpty.reduce((a: number, b: number) => a + b, 0));
    for (const [, b64, w, h, caseId, sliceText] of thumbs) {
      const png = decode(Buffer.from(b64!, 'base64'));
      assert.equal(png.width, Number(w));
      assert.equal(png.height, Number(h));
      assert.ok(Math.max(png.width, png.height) <= 160);
      // The colours present are exactly the slice's non-zero TP / FP / FN counts.
      const c = json.cases.find((x: Json) => x.case === caseId);
      const worst = c.worstSlices;
      const labelKey = Object.keys(worst).find((k) => worst[k].includes(Number(sliceText)))!;
      const slice = c.result.labels.find((l: Json) => String(l.label) === labelKey).slices[Number(sliceText)];
      const present = new Set<number>(png.data as Uint8Array);
      assert.equal(present.has(1), slice.tp > 0, `TP in ${caseId}/${sliceText}`);
      assert.equal(present.has(2), slice.fp > 0, `FP in ${caseId}/${sliceText}`);
      assert.equal(present.has(3), slice.fn > 0, `FN in ${caseId}/${sliceText}`);
    }
    // Worst = highest Dice loss among non-empty slices.
    const l0 = json.cases[0].result.labels[0];
    const byLoss = l0.slices.filter((s: Json) => !s.empty).sort((a: Json, b: Json) => b.losses.dice - a.losses.dice).slice(0, 3).map((s: Json) => s.index);
    assert.deepEqual(json.cases[0].worstSlices['1'], byLoss);
  });
});

describe('folder report: a failing case in the middle of the run', async () => {
  const tree = makeReportTree([
    { name: 'c1', kind: 'probability', seed: 2 },
    { name: 'c2', kind: 'truncated', seed: 4 },
    { name: 'c3', kind: 'shape', seed: 6 },
    { name: 'c4', kind: 'probability', seed: 8 },
  ]);
  const plan = await planLocalFolders(tree.predictions, tree.labels);
  const out = join(tree.root, 'out');
  const outcome = await runFolderReport(plan, { outDir: out, jobs: 1, workerFile });
  const { json, cases, html } = readReport(out);

  test('the bad files are recorded with their errors; the others are computed', () => {
    assert.equal(outcome.computed, 2);
    assert.equal(outcome.failed, 2);
    assert.deepEqual(json.counts, { planned: 4, computed: 2, failed: 2, notRun: 0 });
    assert.equal(json.status, 'complete');
    const [c1, c2, c3, c4] = json.cases;
    assert.equal(c1.status, 'done');
    assert.equal(c4.status, 'done');
    assert.equal(c2.status, 'failed');
    assert.equal(c2.result, null);
    assert.equal(c2.error.file, join(tree.predictions, 'c2.nii.gz'));
    assert.match(c2.error.message, /truncated/);
    assert.equal(c3.error.file, join(tree.predictions, 'c3.nii.gz'));
    assert.match(c3.error.message, /same shape/);
    assert.deepEqual(json.summary.metric_per_case.map((m: Json) => m.case), ['c1', 'c4']);
    assert.deepEqual(c4.result, expected(c4.prediction_file, c4.reference_file));
  });

  test('CSV and HTML show the failures', () => {
    const [header, ...rows] = cases;
    assert.equal(rows.length, 4);
    const failed = rows.find((r) => r[0] === 'c2')!;
    assert.equal(failed[header!.indexOf('status')], 'failed');
    assert.match(failed[header!.indexOf('error')]!, /c2\.nii\.gz: .*truncated/);
    assertSelfContained(html);
    assert.match(html, /<tr class="failed" data-case="c2"/);
    assert.match(html, /2 cases failed/);
  });
});

describe('folder report: cancelled after the first case', async () => {
  const tree = makeReportTree(['k1', 'k2', 'k3', 'k4', 'k5'].map((name, i) => ({ name, kind: 'probability' as const, seed: 20 + i })));
  const plan = await planLocalFolders(tree.predictions, tree.labels);
  const out = join(tree.root, 'partial');
  const controller = new AbortController();
  const outcome = await runFolderReport(plan, { outDir: out, jobs: 1, workerFile }, {
    signal: controller.signal, onProgress: (p) => { if (p.finished) controller.abort(); },
  });
  const { json, cases, slices, html } = readReport(out);

  test('the partial report says cancelled and lists the done and the not-run cases', () => {
    assert.equal(outcome.cancelled, true);
    assert.equal(outcome.computed, 1);
    assert.deepEqual(outcome.notRun, ['k2', 'k3', 'k4', 'k5']);
    assert.equal(json.status, 'cancelled');
    assert.deepEqual(json.counts, { planned: 5, computed: 1, failed: 0, notRun: 4 });
    assert.deepEqual(json.notRun, ['k2', 'k3', 'k4', 'k5']);
    assert.deepEqual(json.cases.map((c: Json) => c.status), ['done', 'notRun', 'notRun', 'notRun', 'notRun']);
    assert.deepEqual(json.cases[0].result, expected(json.cases[0].prediction_file, json.cases[0].reference_file));
    assert.equal(json.summary.metric_per_case.length, 1);
    assert.deepEqual(cases.slice(1).map((r) => r[2]), ['done', 'notRun', 'notRun', 'notRun', 'notRun']);
    assert.equal(slices.length, 1 + TREE_SHAPE[2]);
    assert.match(html, /Cancelled: 4 cases were not computed \(k2, k3, k4, k5\)/);
    assert.deepEqual(readdirSync(out).sort(), ['cases.csv', 'report.html', 'report.json', 'slices.csv']);
  });

  test('aborted before starting: nothing computed, everything listed as not run', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const none = await runFolderReport(plan, { outDir: join(tree.root, 'none'), jobs: 2, workerFile }, { signal: aborted.signal });
    assert.equal(none.computed, 0);
    assert.equal(none.notRun.length, 5);
    assert.equal(readReport(join(tree.root, 'none')).json.status, 'cancelled');
  });
});

describe('folder report: triage marks, CSP nonce, default folder', async () => {
  const tree = makeReportTree([{ name: 'm1', kind: 'probability', seed: 31 }, { name: 'm2', kind: 'labels', seed: 33 }]);
  const plan = await planLocalFolders(tree.predictions, tree.labels);
  const out = join(tree.root, 'marked');
  await runFolderReport(plan, {
    outDir: out, workerFile, html: { nonce: 'n0Nce' },
    marks: (caseId, axis, slice) => {
      assert.equal(axis, 'k');
      if (caseId === 'm1' && slice === null) return { flagged: true, note: 'check the apex' };
      if (caseId === 'm1' && slice === 2) return { reviewed: true, flagged: false, note: 'edge, "quoted"' };
      return undefined;
    },
  });
  const { cases, slices, html } = readReport(out);

  test('the marks lookup fills reviewed / flagged / note', () => {
    const m1 = cases.find((r) => r[0] === 'm1')!;
    assert.deepEqual(m1.slice(-3), ['', 'true', 'check the apex']);
    const s2 = slices.find((r) => r[0] === 'm1' && r[2] === '2')!;
    assert.deepEqual(s2.slice(-3), ['true', 'false', 'edge, "quoted"']);
    assert.deepEqual(slices.find((r) => r[0] === 'm2')!.slice(-3), ['', '', '']);
  });

  test('the nonce is on the style and script tags', () => {
    assert.match(html, /<style nonce="n0Nce">/);
    assert.match(html, /<script nonce="n0Nce">/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.doesNotMatch(html, /\sstyle="/, 'no inline style attributes (a strict CSP blocks them)');
    assertSelfContained(html);
  });

  test('default report folder: next to the predictions, named after them', () => {
    assert.equal(defaultReportDir('/data/ds/predictions'), '/data/ds/mask-inspector-report-predictions');
    assert.equal(defaultReportDir('/data/ds/predictions/'), '/data/ds/mask-inspector-report-predictions');
  });
});

describe('case pool: a worker that dies with its case', () => {
  test('the case is recorded as failed, a fresh worker computes the rest', async () => {
    const tree = makeReportTree(['w1', 'boom', 'w3'].map((name, i) => ({ name, kind: 'probability' as const, seed: 50 + i })));
    // A worker that exits on the case named "boom" and otherwise is the real case worker.
    const crashing = join(tree.root, 'crashingWorker.js');
    writeFileSync(crashing, `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (job) => { if (job.pair.case === 'boom') process.exit(3); });
require(${JSON.stringify(workerFile)});
`);
    const plan = await planLocalFolders(tree.predictions, tree.labels);
    const outcomes: { case: string; status: string; message?: string }[] = [];
    const result = await runCases(plan.pairs, reportSettingsOf(plan, {}).caseOptions, {
      jobs: 1, workerFile: crashing,
      onCase: (o) => { outcomes.push({ case: o.case, status: o.status, ...(o.status === 'failed' ? { message: o.error.message } : {}) }); },
    });
    assert.equal(result.done, 3);
    assert.equal(result.failed, 1);
    assert.equal(result.cancelled, false);
    assert.deepEqual(outcomes.map((o) => `${o.case}:${o.status}`), ['boom:failed', 'w1:done', 'w3:done']);
    assert.match(outcomes[0]!.message!, /worker computing this case crashed: .*exited \(code 3\)/);
  });

  test('a missing worker bundle is refused before anything runs', async () => {
    const tree = makeReportTree([{ name: 'x', kind: 'probability', seed: 1 }]);
    const plan = await planLocalFolders(tree.predictions, tree.labels);
    await assert.rejects(runCases(plan.pairs, reportSettingsOf(plan, {}).caseOptions, { workerFile: join(tree.root, 'nope.js') }), /bundle is missing/);
  });
});
