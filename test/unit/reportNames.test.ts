/**
 * report.html speaks to people (issue #8): losses and metrics by name and unit, never by id;
 * nnU-Net's Dice and the Dice metric (the same number) shown once; loss parameters as rows,
 * not a JSON string; 1-based slice numbers in what people read, 0-based data-slice for clicks.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { htmlStart, sparklineSvg } from '../../src/core/report/reportHtml';
import type { ReportHeader, ReportSummary } from '../../src/core/report/reportModel';
import { lossParameterRows, metricSettingsText, reportGeometry, reportMetricShort, reportMetricValue } from '../../src/core/report/reportNames';

const losses = { dice: 0.1, bceDice: 0.2, iou: 0.3, focal: 0.01, focalPixel: 0.02, tversky: 0.1, focalTversky: 0.01, lovaszHinge: 0.4, combo: -0.3 };
const label = { Dice: 0.9, IoU: 0.8, losses, metrics: { dice: 0.9, iou: 0.8, labelVolumeMl: 12.5, hausdorff: 4.2 } };
const ones = { Dice: 1, IoU: 1, losses: Object.fromEntries(Object.keys(losses).map((k) => [k, 1])), metrics: { dice: 1, iou: 1, labelVolumeMl: 1, hausdorff: 1 } };
const zeros = { Dice: 0, IoU: 0, losses: Object.fromEntries(Object.keys(losses).map((k) => [k, 0])), metrics: { dice: 0, iou: 0, labelVolumeMl: 0, hausdorff: 0 } };
const summary = { mean: { 1: label }, median: { 1: label }, count: { 1: ones }, nulls: { 1: zeros }, multiclass: null } as unknown as ReportSummary;
const head = {
  tool: { name: 'mask-inspector', version: '0.1.0' }, created: '2026-12-05T00:00:00Z', status: 'complete',
  settings: {
    predictionDir: '/d/pred', labelDir: '/d/labels', pairing: { requested: 'auto', mode: 'nnunet' }, kind: 'auto', axis: 'k',
    lossParams: DEFAULT_LOSS_PARAMS, metrics: { level: 'all', threshold: 0.5, toleranceMm: 1, connectivity: 26 }, maxVoxels: 1,
    thumbnails: { perLabel: 3, size: 160 },
  },
  plan: { pairs: 1, pairsByMode: {}, unmatchedPredictions: [], unmatchedLabels: [], ignored: [] },
  counts: { planned: 1, computed: 1, failed: 0, notRun: 0 }, notRun: [], seconds: 1,
} as unknown as ReportHeader;

/** The summary of a losses-only report (`--metrics none`): no `metrics` under a label. */
function withoutMetrics(s: ReportSummary): ReportSummary {
  const strip = (tree: unknown) => Object.fromEntries(Object.entries(tree as Record<string, Record<string, unknown>>)
    .map(([l, v]) => [l, Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'metrics'))]));
  return { ...s, mean: strip(s.mean), median: strip(s.median), count: strip(s.count), nulls: strip(s.nulls) } as unknown as ReportSummary;
}

function page(metricKeys: readonly string[]): string {
  return htmlStart(head, metricKeys.length > 0 ? summary : withoutMetrics(summary), [], { metricKeys, multiclass: false });
}

test('headings and summary rows use names and units, not ids', () => {
  const html = page(['dice', 'iou', 'labelVolumeMl', 'hausdorff']);
  for (const name of ['Dice loss', 'IoU loss', 'BCE+Dice loss', 'Focal/voxel loss', 'Focal Tversky loss', 'HD (mm)', 'Label vol. (mL)', 'IoU']) {
    assert.ok(html.includes(`>${name}</th>`), `column "${name}"`);
  }
  for (const row of ['Dice loss', 'Focal loss (per voxel mean)', 'Lovász hinge loss', 'Hausdorff distance (mm)', 'Label volume (mL)', 'Dice']) {
    assert.ok(html.includes(`<td class="t">${row}</td>`), `summary row "${row}"`);
  }
  for (const id of ['>focalPixel loss<', '>metric labelVolumeMl<', '>dice<', '>n_ref<', '>labelVolumeMl<', 'metric hausdorff']) {
    assert.ok(!html.includes(id), `no internal id ${id}`);
  }
});

test('Dice is shown once: the metric when metrics were computed, nnU-Net\'s hard Dice otherwise', () => {
  const withMetrics = page(['dice', 'iou']);
  assert.equal([...withMetrics.matchAll(/<td class="t">Dice(<| \()/g)].length, 1, 'one Dice row in the summary');
  assert.equal([...withMetrics.matchAll(/>Dice<\/th>/g)].length, 1, 'one Dice column');
  const lossesOnly = page([]);
  assert.equal([...lossesOnly.matchAll(/<td class="t">Dice \(p ≥ 0\.5, nnU-Net\)<\/td>/g)].length, 1);
  assert.equal([...lossesOnly.matchAll(/>Dice<\/th>/g)].length, 1);
});

test('loss parameters are a readable table; metric settings a sentence', () => {
  const html = page(['dice']);
  assert.ok(!html.includes('{"smooth"') && !html.includes('&quot;smooth&quot;'), 'no raw JSON');
  assert.match(html, /<tr><td class="t">Tversky β \(weight of false negatives\)<\/td><td>0\.5<\/td><\/tr>/);
  assert.match(html, /<tr><td class="t">Combo ε \(probability clamp\)<\/td><td>1e-9<\/td><\/tr>/);
  assert.equal(lossParameterRows(DEFAULT_LOSS_PARAMS).length, 9);
  assert.equal(metricSettingsText({ level: 'all', threshold: 0.5, toleranceMm: 1, connectivity: 26 }),
    'all metrics · predicted at p ≥ 0.5 · surface Dice tolerance 1 mm · lesions 26-connected');
  assert.equal(metricSettingsText({ level: 'none', threshold: 0.5, toleranceMm: 1, connectivity: 26 }), 'none (losses only)');
});

test('slices are numbered from 1 where people read them (tooltips), data stays 0-based', () => {
  const svg = sparklineSvg([0.5, null, 0.9], [2]);
  assert.match(svg, /<title>slice 3: 0\.9000<\/title>/);
});

test('a report of PNG pairs is 2D in pixels: areas in px², distances in px', () => {
  const png = reportGeometry([{ prediction: 'a_pred.png', shape: [64, 48, 1] }]);
  assert.equal(reportMetricShort('labelVolumeMl', png), 'Label area (px²)');
  assert.equal(reportMetricShort('hausdorff', png), 'HD (px)');
  assert.equal(reportMetricValue('labelVolumeMl', 0.25, png), 250, '0.25 mL of 1×1×1 voxels = 250 px²');
  const nifti = reportGeometry([{ prediction: 'a.nii.gz', shape: [64, 48, 30] }, { prediction: 'b.png', shape: [64, 48, 1] }]);
  assert.equal(reportMetricShort('labelVolumeMl', nifti), 'Label vol. (mL)');
  assert.equal(reportMetricValue('labelVolumeMl', 0.25, nifti), 0.25);
  assert.equal(reportMetricShort('someFutureMetric', nifti), 'someFutureMetric');
});
