/**
 * Label names (io/labelNames.ts) and pairing across formats: nnU-Net dataset.json (v2 and v1
 * forms, beside or above the label folder, file_ending), .seg.nrrd segment names, the setting,
 * and the CLI showing them (table and JSON labels[].name); detached headers joined for the editor.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { posix, resolve } from 'node:path';
import { test } from 'node:test';
import { listFolderPlan, planFolderPairs } from '../../src/core/analysis/folderPairing';
import { reportSettingsOf } from '../../src/report/runFolderReport';
import type { ListDirectory } from '../../src/core/analysis/pairing';
import { attachDataFile, detachedDataFile } from '../../src/core/io/detached';
import {
  findDatasetJson, labelNamesFor, parseDatasetJson, parseLabelNamesArg, parseLabelNamesSetting, withLabelNames,
} from '../../src/core/io/labelNames';
import { readVolume, readVolumeFile } from '../../src/core/io/readVolume';
import { REPO_ROOT } from './helpers/ioTestUtils';

const FORMATS = resolve(REPO_ROOT, 'test/fixtures-formats');

test('dataset.json: nnU-Net v2 name → value, v1/MSD value → name, regions skipped, file_ending', () => {
  const v2 = parseDatasetJson(JSON.stringify({ labels: { background: 0, liver: 1, tumour: 2, whole: [1, 2] }, file_ending: '.nrrd' }), 'd.json')!;
  assert.deepEqual([...v2.names], [[0, 'background'], [1, 'liver'], [2, 'tumour']]);
  assert.equal(v2.fileEnding, '.nrrd');
  const v1 = parseDatasetJson(JSON.stringify({ labels: { 0: 'background', 1: 'spleen' } }), 'd.json')!;
  assert.deepEqual([...v1.names], [[0, 'background'], [1, 'spleen']]);
  assert.equal(parseDatasetJson('not json', 'd.json'), null);
});

test('dataset.json is found in the label folder, else the folder above it', async () => {
  const files = new Map([['/d/Dataset001/dataset.json', JSON.stringify({ labels: { background: 0, liver: 1 } })]]);
  const read = async (p: string) => files.get(p) ?? null;
  assert.equal((await findDatasetJson('/d/Dataset001/labelsTr', read))?.path, '/d/Dataset001/dataset.json');
  files.set('/d/Dataset001/labelsTr/dataset.json', JSON.stringify({ labels: { background: 0, kidney: 1 } }));
  assert.equal((await findDatasetJson('/d/Dataset001/labelsTr', read))?.names.get(1), 'kidney');
  assert.equal(await findDatasetJson('/elsewhere/labels', read), null);
});

test('names: the file\'s segments first, then dataset.json, then the setting', () => {
  const seg = readVolumeFile(resolve(FORMATS, 'label.seg.nrrd'));
  const names = labelNamesFor(seg, new Map([[1, 'from dataset'], [3, 'vessel']]), parseLabelNamesSetting({ 3: 'ignored', 4: 'cyst', x: 'bad' }));
  assert.deepEqual([...names].sort((a, b) => a[0] - b[0]), [[1, 'liver'], [2, 'tumour'], [3, 'vessel'], [4, 'cyst']]);
  const named = withLabelNames({ labels: [{ label: 1, volume: 0 }, { label: 'foreground' as const, volume: 1 }, { label: 7, volume: 2 }] }, names);
  assert.deepEqual(named.labels, [{ label: 1, name: 'liver', volume: 0 }, { label: 'foreground', volume: 1 }, { label: 7, volume: 2 }]);
  assert.deepEqual(Object.keys(named.labels[0]!), ['label', 'name', 'volume']);
});

test('folder pairing: predictions pair by case id whatever their extension; file_ending picks label files', async () => {
  const labels = { dir: '/D/labelsTr', entries: ['a.nrrd', 'b.nrrd', 'c.nii.gz', 'notes.txt'].map((name) => ({ name, isDirectory: false })) };
  const preds = { dir: '/D/pred', entries: ['a.nii.gz', 'b.mha', 'c.npy', 'c.nii.gz', 'd.seg.nrrd'].map((name) => ({ name, isDirectory: false })) };
  const plan = planFolderPairs(preds, labels, 'nnunet', undefined, undefined, '.nrrd');
  assert.deepEqual(plan.pairs.map((p) => [p.case, posix.basename(p.prediction), posix.basename(p.label)]), [['a', 'a.nii.gz', 'a.nrrd'], ['b', 'b.mha', 'b.nrrd']]);
  assert.deepEqual(plan.ignored.map((f) => [f.name, /file_ending|end with \.nrrd/.test(f.reason) ? 'ending' : /NumPy/.test(f.reason) ? 'numpy' : 'other']).sort(),
    [['c.nii.gz', 'ending'], ['c.npy', 'numpy'], ['notes.txt', 'other']]);
  assert.deepEqual(plan.unmatchedPredictions.map((u) => u.name).sort(), ['c.nii.gz', 'd.seg.nrrd']);
  // listFolderPlan reads dataset.json above labelsTr: its file_ending and names reach the plan.
  const entries = new Map([['/D/labelsTr', labels.entries], ['/D/pred', preds.entries], ['/D', [{ name: 'dataset.json', isDirectory: false }]]]);
  const list: ListDirectory = async (dir) => entries.get(dir) ?? null;
  const read = async (p: string) => (p === '/D/dataset.json' ? JSON.stringify({ labels: { background: 0, liver: 1 }, file_ending: '.nrrd' }) : null);
  const listed = await listFolderPlan('/D/pred', '/D/labelsTr', list, 'auto', undefined, undefined, read);
  assert.equal(listed.pairs.length, 2);
  assert.deepEqual(listed.dataset, { path: '/D/dataset.json', labelNames: { 0: 'background', 1: 'liver' }, fileEnding: '.nrrd' });
});

test('detached headers joined with their data file read like the header read from disk', () => {
  for (const header of ['label_detached.nhdr', 'label_mhd.mhd']) {
    const bytes = readFileSync(resolve(FORMATS, header));
    const dataName = detachedDataFile(bytes)!;
    assert.equal(dataName, header.replace(/\.\w+$/, '.raw'));
    const joined = attachDataFile(bytes, readFileSync(resolve(FORMATS, dataName)));
    assert.equal(detachedDataFile(joined), null);
    const fromDisk = readVolumeFile(resolve(FORMATS, header));
    assert.deepEqual({ ...readVolume(joined, fromDisk.source) }, { ...fromDisk });
  }
  assert.equal(detachedDataFile(readFileSync(resolve(FORMATS, 'label.nrrd'))), null);
});

test('CLI: label names from dataset.json above the label folder in the table and JSON labels[].name', () => {
  const cli = resolve(REPO_ROOT, 'dist/cli.js');
  const root = mkdtempSync(resolve(tmpdir(), 'mi-names-'));
  try {
    mkdirSync(resolve(root, 'labelsTr'));
    mkdirSync(resolve(root, 'pred'));
    copyFileSync(resolve(FORMATS, 'label.nrrd'), resolve(root, 'labelsTr/case1.nrrd'));
    copyFileSync(resolve(FORMATS, 'pred.nii.gz'), resolve(root, 'pred/case1.nii.gz'));
    writeFileSync(resolve(root, 'dataset.json'), JSON.stringify({ labels: { background: 0, liver: 1, tumour: 2 }, file_ending: '.nrrd' }));
    const json = spawnSync(process.execPath, [cli, 'compare', resolve(root, 'pred/case1.nii.gz'), resolve(root, 'labelsTr/case1.nrrd'), '--format', 'json'], { encoding: 'utf8' });
    assert.equal(json.status, 0, json.stderr);
    const result = JSON.parse(json.stdout) as { labels: { label: number | string; name?: string }[] };
    assert.deepEqual(result.labels.map((l) => l.label), ['foreground']); // one probability map: no per-label name
    const seg = spawnSync(process.execPath, [cli, 'compare', resolve(FORMATS, 'label.seg.nrrd'), resolve(root, 'labelsTr/case1.nrrd'), '--format', 'json'], { encoding: 'utf8' });
    assert.equal(seg.status, 0, seg.stderr);
    assert.deepEqual((JSON.parse(seg.stdout) as { labels: { label: number; name?: string }[] }).labels.map((l) => [l.label, l.name]), [[1, 'liver'], [2, 'tumour']]);
    const table = spawnSync(process.execPath, [cli, 'compare', resolve(FORMATS, 'label.seg.nrrd'), resolve(root, 'labelsTr/case1.nrrd')], { encoding: 'utf8' });
    assert.match(table.stdout, /^label 1 \(liver\): /m);
    assert.match(table.stdout, /^label 2 \(tumour\): /m);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('CLI --npz-array picks the named array of an .npz; without it the first is read', () => {
  const cli = resolve(REPO_ROOT, 'dist/cli.js');
  const args = ['compare', resolve(FORMATS, 'pred_stored.npz'), resolve(FORMATS, 'label.nii.gz'), '--format', 'json', '--metrics', 'none'];
  const first = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  assert.notEqual(first.status, 0);
  assert.match(first.stderr, /is 2×2×1 but label/);
  const named = spawnSync(process.execPath, [cli, ...args, '--npz-array', 'prob'], { encoding: 'utf8' });
  assert.equal(named.status, 0, named.stderr);
  assert.match(named.stderr, /no geometry \(NumPy\)/);
});

test('folder report: .seg.nrrd predictions against .nrrd labels, names from dataset.json in JSON, HTML and the plan', () => {
  const cli = resolve(REPO_ROOT, 'dist/cli.js');
  const root = mkdtempSync(resolve(tmpdir(), 'mi-report-names-'));
  try {
    mkdirSync(resolve(root, 'Dataset001/labelsTr'), { recursive: true });
    mkdirSync(resolve(root, 'Dataset001/pred'));
    for (const c of ['case1', 'case2']) {
      copyFileSync(resolve(FORMATS, 'label.nrrd'), resolve(root, `Dataset001/labelsTr/${c}.nrrd`));
      copyFileSync(resolve(FORMATS, 'label.mha'), resolve(root, `Dataset001/pred/${c}.mha`));
    }
    copyFileSync(resolve(FORMATS, 'label.nii.gz'), resolve(root, 'Dataset001/labelsTr/stray.nii.gz'));
    writeFileSync(resolve(root, 'Dataset001/dataset.json'), JSON.stringify({ labels: { background: 0, liver: 1, tumour: 2 }, file_ending: '.nrrd' }));
    const out = resolve(root, 'report');
    const r = spawnSync(process.execPath, [cli, 'report', resolve(root, 'Dataset001/pred'), resolve(root, 'Dataset001/labelsTr'), '--out', out, '--jobs', '1'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(readFileSync(resolve(out, 'report.json'), 'utf8')) as { cases: { case: string; result: { labels: { label: number; name?: string }[] } }[] };
    assert.deepEqual(report.cases.map((c) => c.case), ['case1', 'case2']);
    for (const c of report.cases) assert.deepEqual(c.result.labels.map((l) => [l.label, l.name]), [[1, 'liver'], [2, 'tumour']]);
    const html = readFileSync(resolve(out, 'report.html'), 'utf8');
    assert.match(html, /<td class="t">1 liver<\/td>/);
    assert.match(html, /<td class="t">2 tumour<\/td>/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('report options: the maskInspector.labels.names setting fills in what dataset.json does not name', () => {
  const plan = planFolderPairs({ dir: '/p', entries: [] }, { dir: '/l', entries: [] });
  const withDataset = { ...plan, dataset: { path: '/dataset.json', labelNames: { 1: 'liver' } } };
  const { caseOptions } = reportSettingsOf(withDataset, { labelNames: { 1: 'setting liver', 3: 'vessel' } });
  assert.deepEqual(caseOptions.labelNames, { 1: 'liver', 3: 'vessel' });
  assert.equal(reportSettingsOf(plan, {}).caseOptions.labelNames, undefined);
});

test('CLI --label-names: "1=liver,2=tumour" or JSON; a .seg.nrrd\'s own names still come first; bad text is a usage error', () => {
  assert.deepEqual(parseLabelNamesArg('1=liver, 2 = tumour'), { 1: 'liver', 2: 'tumour' });
  assert.deepEqual(parseLabelNamesArg('{"3": "vessel"}'), { 3: 'vessel' });
  assert.equal(parseLabelNamesArg('liver'), null);
  const cli = resolve(REPO_ROOT, 'dist/cli.js');
  const run = (label: string, ...extra: string[]) => spawnSync(process.execPath,
    [cli, 'compare', resolve(FORMATS, 'label.mha'), resolve(FORMATS, label), '--format', 'json', '--metrics', 'none', ...extra], { encoding: 'utf8' });
  const plain = run('label.nrrd', '--label-names', '1=organ,2=lesion');
  assert.equal(plain.status, 0, plain.stderr);
  assert.deepEqual((JSON.parse(plain.stdout) as { labels: { name?: string }[] }).labels.map((l) => l.name), ['organ', 'lesion']);
  const seg = run('label.seg.nrrd', '--label-names', '1=organ,2=lesion');
  assert.deepEqual((JSON.parse(seg.stdout) as { labels: { name?: string }[] }).labels.map((l) => l.name), ['liver', 'tumour']);
  const bad = run('label.nrrd', '--label-names', 'liver');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--label-names takes names like 1=liver,2=tumour/);
});
