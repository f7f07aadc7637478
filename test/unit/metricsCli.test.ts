/**
 * The metrics in the mask-inspector CLI (dist/cli.js in a child process): the JSON `metrics`
 * at volume and slice level with `metricSettings`, `--metrics overlap|none`, the metric
 * parameters, CSV columns, the table lines, bad values, and thread-count independence.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS, LOSS_IDS } from '../../src/core/kernels/lossIds';
import { LESION_METRIC_IDS, OVERLAP_METRIC_IDS, SURFACE_METRIC_IDS } from '../../src/core/kernels/metricIds';
import { fixturesDir, repoRoot } from './helpers/fixtures';

const cli = join(repoRoot, 'dist', 'cli.js');
const files = join(fixturesDir, 'files');
const label = join(files, 'labels_u8.nii.gz');
const prob = join(files, 'prob_f32.nii.gz');
const labelMap = join(files, 'labels_u16.nii.gz');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function json(...args: string[]) {
  const r = run('compare', ...args, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const ALL_KEYS = [...OVERLAP_METRIC_IDS, ...SURFACE_METRIC_IDS, ...LESION_METRIC_IDS, 'undefinedReasons'];

describe('mask-inspector compare: metrics', () => {
  test('JSON: `metrics` next to the volume losses and in every slice, same numbers as the engine', () => {
    const out = json(prob, label);
    assert.deepEqual(out.metricSettings, { level: 'all', threshold: 0.5, toleranceMm: 1, connectivity: 26 });
    const row = out.labels[0];
    assert.deepEqual(Object.keys(row), ['label', 'volume', 'metrics', 'slices']);
    assert.deepEqual(Object.keys(row.volume), [...LOSS_IDS], 'the volume losses are unchanged');
    assert.deepEqual(Object.keys(row.metrics), ALL_KEYS);
    for (const s of row.slices) assert.deepEqual(Object.keys(s.metrics), ALL_KEYS);
    assert.ok(row.metrics.hd95 > 0 && row.metrics.assd > 0);
    const engine = comparePair(readVolumeFile(prob), readVolumeFile(label), { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS });
    assert.deepEqual(out.labels, JSON.parse(JSON.stringify(engine.labels)));
  });
  test('--metrics none removes every metric (the JSON of before), overlap keeps only the overlap ones', () => {
    const none = json(prob, label, '--metrics', 'none');
    assert.deepEqual(Object.keys(none).sort(), ['axis', 'label', 'labels', 'prediction', 'predictionKind', 'shape', 'spacing', 'warnings']);
    assert.deepEqual(Object.keys(none.labels[0]), ['label', 'volume', 'slices']);
    assert.deepEqual(Object.keys(none.labels[0].slices[0]), ['index', 'labelVoxels', 'predictedVoxels', 'tp', 'fp', 'fn', 'empty', 'losses']);
    const overlap = json(prob, label, '--metrics', 'overlap');
    assert.equal(overlap.metricSettings.level, 'overlap');
    assert.deepEqual(Object.keys(overlap.labels[0].metrics), [...OVERLAP_METRIC_IDS, 'undefinedReasons']);
    assert.ok(overlap.labels[0].slices.every((s: { metrics: object }) => !('hd95' in s.metrics) && !('labelLesions' in s.metrics)));
    const all = json(prob, label);
    assert.deepEqual(none.labels[0].volume, all.labels[0].volume);
    for (const id of OVERLAP_METRIC_IDS) assert.equal(overlap.labels[0].metrics[id], all.labels[0].metrics[id], id);
  });
  test('--threshold, --tolerance-mm and --connectivity reach the engine', () => {
    const out = json(prob, label, '--threshold', '0.3', '--tolerance-mm', '2.5', '--connectivity', '6');
    assert.deepEqual(out.metricSettings, { level: 'all', threshold: 0.3, toleranceMm: 2.5, connectivity: 6 });
    const engine = comparePair(readVolumeFile(prob), readVolumeFile(label), {
      kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metricParams: { threshold: 0.3, toleranceMm: 2.5, connectivity: 6 },
    });
    assert.deepEqual(out.labels[0].metrics, JSON.parse(JSON.stringify(engine.labels[0]!.metrics)));
    assert.notDeepEqual(out.labels[0].metrics, json(prob, label).labels[0].metrics);
  });
  test('null metrics keep their reason in JSON, CSV and the table', () => {
    const out = json(labelMap, label);
    const missing = out.labels.find((l: { label: number }) => l.label === 1000);
    assert.equal(missing.metrics.recall, null);
    assert.equal(missing.metrics.undefinedReasons.hd95, 'label empty');
    const csv = run('compare', labelMap, label, '--format', 'csv').stdout.trimEnd().split('\n');
    const header = csv[0]!.split(',');
    assert.deepEqual(header.slice(-ALL_KEYS.length), ALL_KEYS.map((k) => `metrics.${k}`));
    const volumeRow = csv.find((l) => l.startsWith('1000,volume,'))!;
    assert.match(volumeRow, /recall: label empty; .*hd95: label empty/);
    assert.equal(volumeRow.split(',')[header.indexOf('metrics.hd95')], '', 'a null is an empty cell');
    const table = run('compare', labelMap, label).stdout;
    assert.match(table, /volume metrics \(prediction = label\): Dice 0 .*recall n\/a \(label empty\)/);
    assert.match(table, /surface: HD n\/a \(label empty\) .* lesions \(26-connected\): 0 in label, 0 detected, 0 missed, 1 false positive/);
  });
  test('the table shows the volume metrics of each label', () => {
    const table = run('compare', prob, label).stdout;
    assert.match(table, /^ {2}volume metrics \(p ≥ 0\.5\): Dice 0\.\d{4}/m);
    assert.match(table, /^ {2}surface: HD \d+\.\d\d mm {2}HD95 \d+\.\d\d mm {2}ASSD \d+\.\d\d mm {2}surface Dice \(1 mm\) 0\.\d{4}/m);
    assert.doesNotMatch(run('compare', prob, label, '--metrics', 'none').stdout, /volume metrics/);
  });
  test('bad metric options are usage errors (exit 2)', () => {
    for (const args of [['--metrics', 'some'], ['--threshold', '0'], ['--threshold', '1.5'], ['--threshold', 'half'], ['--tolerance-mm', '-1'], ['--connectivity', '8'], ['--threshold']]) {
      const r = run('compare', prob, label, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`error: ${args[0]}`));
    }
  });
  test('1 and 2 worker threads give the same metrics, on every axis', () => {
    for (const axis of ['i', 'j', 'k']) {
      assert.deepEqual(json(labelMap, label, '--axis', axis, '--jobs', '2'), json(labelMap, label, '--axis', axis, '--jobs', '1'), `axis ${axis}`);
    }
  });
});
