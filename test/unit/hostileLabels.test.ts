/**
 * Issue #9, "label values size arrays": memory and time follow the labels present (dense
 * remapping), with a documented cap on distinct labels; in a report such a case fails alone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MAX_DISTINCT_LABELS } from '../../src/core/analysis/inputs';
import { repoRoot } from './helpers/fixtures';
import { writeNifti } from './helpers/niftiWriter';
import { makeReportTree } from './helpers/reportTree';

const cli = join(repoRoot, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'mask-inspector-labels-'));

/** Runs the CLI under a 600 MB heap cap, so an allocation sized by a label value fails the test. */
function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--max-old-space-size=600', cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A 8×8×8 map: background, a block of 1, and a block of `big`. */
function labelMap(name: string, dtype: 'int32' | 'float64', big: number): string {
  const values = new Float64Array(512);
  for (let i = 0; i < 512; i++) values[i] = i % 8 < 3 ? 0 : i % 8 < 6 ? 1 : big;
  const path = join(tmp, name);
  writeFileSync(path, writeNifti({ shape: [8, 8, 8], dtype, values }));
  return path;
}

describe('label values: dense classes, capped count', () => {
  test('int32 labels {0, 1, 2e9}: three classes, small JSON, exit 0', () => {
    const label = labelMap('big-int.nii', 'int32', 2e9);
    const pred = labelMap('big-int-pred.nii', 'int32', 2e9); // the same values, another file
    const r = run('compare', pred, label, '--format', 'json', '--metrics', 'overlap');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.length < 2_000_000, `JSON is ${r.stdout.length} bytes`);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.labels.map((l: { label: number }) => l.label), [1, 2e9]);
    assert.deepEqual(json.multiclass.classes, [0, 1, 2e9]);
    // Prediction == label: a perfect Lovasz-Softmax.
    assert.equal(json.multiclass.volume.lovaszSoftmax, 0);
  });
  test('float64 labels {0, 1, 1e20}: computed, not "Invalid typed array length"', () => {
    const label = labelMap('big-float.nii', 'float64', 1e20);
    const pred = labelMap('big-float-pred.nii', 'float64', 1);
    const r = run('compare', pred, label, '--format', 'json', '--metrics', 'none');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.multiclass.classes, [0, 1, 1e20]);
    const big = json.labels.find((l: { label: number }) => l.label === 1e20);
    // Label 1e20 (128 voxels) is entirely missed: spec dice 1 − (2·0 + 1) / (0 + 128 + 1).
    assert.equal(big.volume.dice, 1 - 1 / 129);
  });
  test(`more than ${MAX_DISTINCT_LABELS} distinct labels: one "error: <file>: …" line, exit 1`, () => {
    const values = Int32Array.from({ length: 32 * 32 * 32 }, (_, i) => i); // 32768 labels
    const path = join(tmp, 'many.nii');
    writeFileSync(path, writeNifti({ shape: [32, 32, 32], dtype: 'int32', values }));
    const pred = join(tmp, 'few.nii');
    writeFileSync(pred, writeNifti({ shape: [32, 32, 32], dtype: 'uint8', values: new Uint8Array(32 ** 3) }));
    const r = run('compare', pred, path);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0]!.startsWith(`error: ${path}: `), lines[0]);
    assert.match(lines[0]!, new RegExp(`label map holds more than ${MAX_DISTINCT_LABELS} distinct label values`));
  });
  test('in a report, such a case fails alone and the report is written', () => {
    const tree = makeReportTree([{ name: 'a1', kind: 'labels', seed: 1 }, { name: 'a2', kind: 'labels', seed: 2 }]);
    const values = Int32Array.from({ length: 12 * 10 * 6 }, (_, i) => i);
    writeFileSync(join(tree.labels, 'a2.nii.gz'), writeNifti({ shape: [12, 10, 6], dtype: 'int32', values }));
    const out = join(tree.root, 'out');
    const r = run('report', tree.predictions, tree.labels, '--out', out, '--jobs', '1');
    assert.equal(r.code, 1, r.stderr);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(json.counts.computed, 1);
    assert.equal(json.counts.failed, 1);
    const failed = json.cases.find((c: { status: string }) => c.status === 'failed');
    assert.match(JSON.stringify(failed), /distinct label values/);
  });
});
