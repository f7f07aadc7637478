/**
 * The mask-inspector CLI end to end (dist/cli.js in a child process): exit codes, the one-line
 * errors of the bad inputs, warnings, the JSON contract, CSV, and that inputs stay untouched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS, LOSS_IDS } from '../../src/core/kernels/lossIds';
import { fixturesDir, repoRoot } from './helpers/fixtures';
import { gzip, writeNifti } from './helpers/niftiWriter';

const cli = join(repoRoot, 'dist', 'cli.js');
const files = join(fixturesDir, 'files');
const tmp = mkdtempSync(join(tmpdir(), 'mask-inspector-cli-'));
after(() => { /* temp files are left for inspection on failure; the OS cleans tmp */ });

function run(...args: string[]): { code: number; stdout: string; stderr: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

const label = join(files, 'labels_u8.nii.gz');
const prob = join(files, 'prob_f32.nii.gz');

/** Asserts exit 1 and exactly one stderr line `error: <file>: <what>` matching `what`. */
function expectInputError(result: ReturnType<typeof run>, path: string, what: RegExp): void {
  assert.equal(result.code, 1, `exit code (stderr: ${result.stderr})`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${result.stderr}`);
  assert.ok(lines[0]!.startsWith(`error: ${path}: `), lines[0]);
  assert.match(lines[0]!, what);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(result.ms < 1000 + 400, `took ${result.ms.toFixed(0)} ms (process start included)`);
}

describe('mask-inspector compare: bad input is one clear line, exit 1', () => {
  const shape = [9, 8, 5];
  test('empty file', () => {
    const path = file('empty.nii', '');
    expectInputError(run('compare', path, label), path, /empty/);
  });
  test('text renamed .nii', () => {
    const path = file('notes.nii', 'these are my notes, not an image\n');
    expectInputError(run('compare', path, label), path, /neither NIfTI nor PNG.*text/);
  });
  test('truncated .nii.gz', () => {
    const whole = readFileSync(prob);
    const path = file('truncated.nii.gz', whole.subarray(0, Math.floor(whole.length / 2)));
    expectInputError(run('compare', path, label), path, /truncated|corrupt/);
  });
  test('header dims exceed the data', () => {
    const path = file('short.nii', writeNifti({ shape: [64, 64, 64], dtype: 'float32', writeVoxels: 100 }));
    expectInputError(run('compare', path, label), path, /declares .* but the file holds only/);
  });
  test('a 30000³ header fails fast, naming the limit', () => {
    const path = file('huge.nii', writeNifti({ shape: [30000, 30000, 30000], dtype: 'uint8', writeVoxels: 10 }));
    const r = run('compare', path, label);
    expectInputError(r, path, /limit/);
  });
  test('unknown datatype', () => {
    const path = file('complex.nii', writeNifti({ shape, dtype: 'float32', datatypeCode: 32 }));
    expectInputError(run('compare', path, label), path, /datatype/);
  });
  test('NaN and Inf in the prediction: count and first voxel', () => {
    const values = new Float32Array(9 * 8 * 5).fill(0.5);
    values[3 + 9 * (2 + 8 * 1)] = NaN; // voxel (3, 2, 1)
    values[100] = Infinity;
    const path = file('nan.nii.gz', gzip(writeNifti({ shape, dtype: 'float32', values })));
    expectInputError(run('compare', path, label), path, /2 NaN or infinite values, the first at voxel \(3, 2, 1\)/);
  });
  test('different shapes name both shapes', () => {
    const path = file('other-shape.nii', writeNifti({ shape: [9, 8, 6], dtype: 'float32', values: new Float32Array(9 * 8 * 6).fill(0.2) }));
    expectInputError(run('compare', path, label), path, /9×8×6 but label .* is 9×8×5/);
  });
  test('label map with non-integer values', () => {
    expectInputError(run('compare', label, prob), prob, /label map holds non-integer values/);
  });
  test('missing file', () => {
    const path = join(tmp, 'nope.nii.gz');
    expectInputError(run('compare', path, label), path, /no such file/);
  });
});

describe('mask-inspector compare: usage errors exit 2', () => {
  for (const args of [[], ['compare', prob], ['compare', prob, label, '--axis', 'x'], ['frobnicate'], ['compare', prob, label, '--bogus']]) {
    test(args.join(' ') || '(no arguments)', () => {
      const r = run(...args);
      assert.equal(r.code, 2);
      assert.match(r.stderr + r.stdout, /usage: mask-inspector compare PRED LABEL/);
    });
  }
  test('--help exits 0', () => assert.equal(run('compare', '--help').code, 0));
});

describe('mask-inspector compare: output', () => {
  test('JSON contract: fields, labels, slices, warnings; same numbers as the engine', () => {
    const r = run('compare', prob, label, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(json).sort(), ['axis', 'label', 'labels', 'metricSettings', 'prediction', 'predictionKind', 'shape', 'spacing', 'warnings']);
    assert.equal(json.prediction, prob);
    assert.deepEqual(json.shape, [9, 8, 5]);
    assert.equal(json.axis, 'k');
    assert.equal(json.predictionKind, 'probability');
    assert.ok(json.warnings.some((w: string) => /spacing differs/.test(w)), 'spacing warning in JSON');
    assert.match(r.stderr, /^warning: voxel spacing differs/m, 'spacing warning on stderr');
    assert.equal(json.labels[0].label, 'foreground');
    assert.deepEqual(Object.keys(json.labels[0].volume), [...LOSS_IDS]);
    const slice = json.labels[0].slices[2];
    assert.deepEqual(Object.keys(slice), ['index', 'labelVoxels', 'predictedVoxels', 'tp', 'fp', 'fn', 'empty', 'losses', 'metrics']);
    const engine = comparePair(readVolumeFile(prob), readVolumeFile(label), { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS });
    assert.deepEqual(json.labels, JSON.parse(JSON.stringify(engine.labels)));
  });
  test('multiclass block for label-map predictions; --axis and --kind honoured', () => {
    const r = run('compare', join(files, 'labels_i16_be.nii'), label, '--format', 'json', '--axis', 'j', '--jobs', '2');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.predictionKind, 'labels');
    assert.equal(json.axis, 'j');
    assert.deepEqual(json.labels.map((l: { label: number }) => l.label), [1, 2]);
    assert.equal(json.labels[0].slices.length, 8);
    assert.deepEqual(json.multiclass.classes, [0, 1, 2]);
    assert.equal(json.multiclass.slices.length, 8);
    const forced = JSON.parse(run('compare', prob, label, '--format', 'json', '--kind', 'logits').stdout);
    assert.equal(forced.predictionKind, 'logits');
  });
  test('CSV: a header and one row per label × slice plus a volume row', () => {
    const r = run('compare', prob, label, '--format', 'csv');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines[0]!.startsWith(['label', 'slice', 'labelVoxels', 'predictedVoxels', 'tp', 'fp', 'fn', 'empty', ...LOSS_IDS, 'lovaszSoftmax'].join(',') + ',metrics.dice,'), lines[0]);
    assert.equal(lines.length, 1 + 5 + 1);
    assert.match(lines[6]!, /^foreground,volume,/);
  });
  test('table: readable volume row and slices', () => {
    const r = run('compare', prob, label);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /kind probability/);
    assert.match(r.stdout, /^\s*volume\s+0\.\d{4}/m);
  });
  test('table: losses read "Dice loss" (never a bare "dice"), slices numbered from 1 like the editor', () => {
    const table = run('compare', prob, label).stdout;
    const json = JSON.parse(run('compare', prob, label, '--format', 'json').stdout) as { labels: { slices: { index: number; empty: boolean }[] }[] };
    const lines = table.split('\n');
    const head = lines.findIndex((l) => /^\s*slice\s+label\s+pred/.test(l));
    assert.ok(head > 0, table);
    // Two-line headings: the loss's name over "loss", column by column.
    const over = lines[head - 1]!, under = lines[head]!;
    const column = (word: string) => { const at = over.indexOf(word); return under.slice(at, at + word.length + 6); };
    assert.match(over, /Dice\s+BCE\+Dice\s+IoU\s+Focal\s+Focal\/voxel\s+Tversky\s+Focal Tversky\s+Lovász hinge\s+Combo$/);
    assert.match(column('Dice'), /loss/);
    assert.doesNotMatch(table, /\b(focalPx|fTversky|bceDice|lovasz)\b/);
    assert.match(table, /\* = 5 worst by Dice loss/);
    // The first listed slice is the first non-empty one of the JSON, shown as index + 1.
    const firstIndex = json.labels[0]!.slices.find((s) => !s.empty)!.index;
    const firstRow = lines[head + 2]!.trim().split(/\s+/)[0]!.replace('*', '');
    assert.equal(Number(firstRow), firstIndex + 1);
  });
  test('inputs are never written', () => {
    const hash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    const before = [hash(prob), hash(label)];
    for (const format of ['table', 'json', 'csv']) run('compare', prob, label, '--format', format);
    assert.deepEqual([hash(prob), hash(label)], before);
  });
});
