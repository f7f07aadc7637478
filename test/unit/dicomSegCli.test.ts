/**
 * DICOM-SEG through the CLI and folder reports: a SEG file or a folder holding one compares like
 * its NIfTI twin, its segment labels name the labels, and .dcm labels pair by case id.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { posix, resolve } from 'node:path';
import { test } from 'node:test';
import { planFolderPairs } from '../../src/core/analysis/folderPairing';
import { isMaskFileName } from '../../src/core/io/readVolume';
import { REPO_ROOT } from './helpers/ioTestUtils';

const FORMATS = resolve(REPO_ROOT, 'test/fixtures-formats');
const cli = resolve(REPO_ROOT, 'dist/cli.js');
type Json = { labels: { label: number | string; name?: string }[]; warnings: string[] };
function compare(prediction: string, label: string): Json {
  const r = spawnSync(process.execPath, [cli, 'compare', prediction, label, '--format', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Json;
}
const numbersOf = (j: Json) => j.labels.map(({ name: _name, ...rest }) => rest);

test('.dcm and .seg.dcm are mask names', () => {
  for (const name of ['a.dcm', 'b.seg.dcm', 'C.DCM']) assert.equal(isMaskFileName(name), true, name);
});

test('CLI compare: a SEG file and a folder holding one give the NIfTI twin\'s numbers, named by the segment labels', () => {
  // The twin is the NIfTI label against a copy of itself (a file is never compared with itself).
  const copyDir = mkdtempSync(resolve(tmpdir(), 'mi-dicomseg-twin-'));
  copyFileSync(resolve(FORMATS, 'label.nii.gz'), resolve(copyDir, 'label.nii.gz'));
  const twin = compare(resolve(FORMATS, 'label.nii.gz'), resolve(copyDir, 'label.nii.gz'));
  rmSync(copyDir, { recursive: true, force: true });
  for (const seg of ['label.seg.dcm', 'seg_folder']) {
    const result = compare(resolve(FORMATS, 'label.nii.gz'), resolve(FORMATS, seg));
    assert.deepEqual(result.labels.map((l) => [l.label, l.name]), [[1, 'liver'], [2, 'tumour']]);
    assert.deepEqual(numbersOf(result), numbersOf(twin));
    assert.deepEqual(result.warnings, twin.warnings);
  }
  const table = spawnSync(process.execPath, [cli, 'compare', resolve(FORMATS, 'label.nii.gz'), resolve(FORMATS, 'seg_folder')], { encoding: 'utf8' });
  assert.match(table.stdout, /^label 2 \(tumour\): /m);
});

test('CLI compare: a FRACTIONAL SEG is one line on stderr naming the file', () => {
  const r = spawnSync(process.execPath, [cli, 'compare', resolve(FORMATS, 'label.nii.gz'), resolve(FORMATS, 'label_fractional.seg.dcm')], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /label_fractional\.seg\.dcm.*FRACTIONAL/);
});

test('folder pairing: .dcm labels pair with predictions by case id', () => {
  const labels = { dir: '/D/labelsTr', entries: ['a.dcm', 'b.seg.dcm'].map((name) => ({ name, isDirectory: false })) };
  const preds = { dir: '/D/pred', entries: ['a.nii.gz', 'b.nii.gz'].map((name) => ({ name, isDirectory: false })) };
  const plan = planFolderPairs(preds, labels, 'auto');
  assert.deepEqual(plan.pairs.map((p) => [p.case, posix.basename(p.prediction), posix.basename(p.label)]), [['a', 'a.nii.gz', 'a.dcm'], ['b', 'b.nii.gz', 'b.seg.dcm']]);
});

test('folder report: NIfTI predictions against DICOM-SEG labels, segment labels as names in JSON and HTML', () => {
  const root = mkdtempSync(resolve(tmpdir(), 'mi-dicomseg-'));
  try {
    mkdirSync(resolve(root, 'labels'));
    mkdirSync(resolve(root, 'pred'));
    for (const c of ['case1', 'case2']) {
      copyFileSync(resolve(FORMATS, 'label.seg.dcm'), resolve(root, `labels/${c}.dcm`));
      copyFileSync(resolve(FORMATS, 'label.nii.gz'), resolve(root, `pred/${c}.nii.gz`));
    }
    const out = resolve(root, 'report');
    const r = spawnSync(process.execPath, [cli, 'report', resolve(root, 'pred'), resolve(root, 'labels'), '--out', out, '--jobs', '1'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(readFileSync(resolve(out, 'report.json'), 'utf8')) as { cases: { case: string; result: { labels: { label: number; name?: string; losses?: unknown }[] } }[] };
    assert.deepEqual(report.cases.map((c) => c.case), ['case1', 'case2']);
    for (const c of report.cases) assert.deepEqual(c.result.labels.map((l) => [l.label, l.name]), [[1, 'liver'], [2, 'tumour']]);
    assert.match(readFileSync(resolve(out, 'report.html'), 'utf8'), /<td class="t">2 tumour<\/td>/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
