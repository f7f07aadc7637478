/**
 * `mask-inspector compare PRED_A LABEL --versus PRED_B` (issue #12) in a child process: the JSON
 * contract (A's result, B's under `versus`, `difference` = B − A in the shape of `labels`, null
 * where either side is null), CSV/table, and exit codes and errors as for a single comparison.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS, LOSS_IDS } from '../../src/core/kernels/lossIds';
import { repoRoot } from './helpers/fixtures';
import { gzip, writeNifti } from './helpers/niftiWriter';
import { parseCsv } from './helpers/reportTree';

const cli = join(repoRoot, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'mask-inspector-versus-'));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// 6 × 5 × 4 label map, labels 1 and 2. A: the label itself (perfect) except slice 3; B: errors on
// slices 1–2, and on slice 0 predicts nothing where the label is empty.
const shape = [6, 5, 4] as const;
const n = shape[0] * shape[1] * shape[2];
const at = (x: number, y: number, z: number) => x + shape[0] * (y + shape[1] * z);
const label = new Uint8Array(n);
for (let z = 1; z < 4; z++) for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) label[at(x, y, z)] = 1;
label[at(5, 4, 2)] = 2;
label[at(5, 3, 2)] = 2;
const a = label.slice();
a[at(0, 0, 3)] = 1;
a[at(1, 1, 3)] = 0;
const b = label.slice();
b[at(2, 2, 1)] = 0;
b[at(3, 3, 1)] = 0;
b[at(0, 4, 2)] = 1;
b[at(5, 4, 2)] = 0;
function nii(name: string, values: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, gzip(writeNifti({ shape, dtype: 'uint8', values })));
  return path;
}
const labelPath = nii('label.nii.gz', label);
const aPath = nii('a.nii.gz', a);
const bPath = nii('b.nii.gz', b);

type Row = Record<string, unknown>;
/** B − A computed here from two independent single comparisons. */
function expectedDiff(x: Row | undefined, y: Row | undefined): Row {
  const out: Row = {};
  for (const k of Object.keys(x ?? {})) {
    const u = x?.[k], v = y?.[k];
    if (typeof u !== 'number' && u !== null) continue;
    out[k] = typeof u === 'number' && typeof v === 'number' ? v - u : null;
  }
  return out;
}

describe('compare --versus: the JSON contract', () => {
  const r = run('compare', aPath, labelPath, '--versus', bPath, '--format', 'json');
  const options = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS } as const;
  const engineA = JSON.parse(JSON.stringify(comparePair(readVolumeFile(aPath), readVolumeFile(labelPath), options)));
  const engineB = JSON.parse(JSON.stringify(comparePair(readVolumeFile(bPath), readVolumeFile(labelPath), options)));

  test('exit 0; A at the top level, B under versus, both as a single compare', () => {
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.prediction, aPath);
    assert.equal(json.versus.prediction, bPath);
    assert.equal(json.versus.label, labelPath);
    assert.deepEqual(json.labels, engineA.labels);
    assert.deepEqual(json.versus.labels, engineB.labels);
    assert.deepEqual(json.multiclass, engineA.multiclass);
    assert.deepEqual(json.versus.multiclass, engineB.multiclass);
  });

  test('difference has the shape of labels, each value B − A', () => {
    const d = JSON.parse(r.stdout).difference;
    assert.deepEqual(d.labels.map((l: Row) => l.label), [1, 2]);
    for (const [li, dl] of d.labels.entries()) {
      const la = engineA.labels[li], lb = engineB.labels[li];
      assert.deepEqual(Object.keys(dl.volume), [...LOSS_IDS]);
      assert.deepEqual(dl.volume, expectedDiff(la.volume, lb.volume));
      assert.deepEqual(dl.metrics, expectedDiff(la.metrics, lb.metrics));
      assert.equal(dl.slices.length, shape[2]);
      for (const [si, s] of dl.slices.entries()) {
        assert.equal(s.index, si);
        assert.deepEqual(s.losses, expectedDiff(la.slices[si].losses, lb.slices[si].losses));
        assert.deepEqual(s.metrics, expectedDiff(la.slices[si].metrics, lb.slices[si].metrics));
      }
    }
  });

  test('planted values: label 1 Dice is 1 for A on slice 1, B loses two voxels there; nulls stay null', () => {
    const d = JSON.parse(r.stdout).difference;
    // Slice 1, label 1: 9 label voxels; A perfect (Dice 1); B finds 7 (Dice 14/16).
    assert.ok(Math.abs(d.labels[0].slices[1].metrics.dice - (14 / 16 - 1)) < 1e-12);
    // Slice 0 is empty in the label and both predictions: Dice undefined on both sides → null.
    assert.equal(d.labels[0].slices[0].metrics.dice, null);
    // Label 2 on slice 3: absent in the label, A and B: hd95 null.
    assert.equal(d.labels[1].slices[3].metrics.hd95, null);
    // Lovasz-Softmax difference for the label maps.
    assert.ok(Math.abs(d.multiclass.volume.lovaszSoftmax - (engineB.multiclass.volume.lovaszSoftmax - engineA.multiclass.volume.lovaszSoftmax)) < 1e-15);
  });

  test('A versus itself: every defined difference is 0', () => {
    const self = JSON.parse(run('compare', aPath, labelPath, '--versus', aPath, '--format', 'json').stdout);
    for (const l of self.difference.labels) {
      for (const v of Object.values(l.volume)) assert.equal(v, 0);
      for (const v of Object.values(l.metrics)) assert.ok(v === 0 || v === null);
    }
  });
});

describe('compare --versus: CSV and table', () => {
  test('CSV: model column A, B, B-A; the B-A volume row holds the difference', () => {
    const r = run('compare', aPath, labelPath, '--versus', bPath, '--format', 'csv', '--metrics', 'overlap');
    assert.equal(r.code, 0, r.stderr);
    const rows = parseCsv(r.stdout);
    const header = rows[0]!;
    assert.equal(header[0], 'model');
    assert.deepEqual(new Set(rows.slice(1).map((x) => x[0])), new Set(['A', 'B', 'B-A']));
    const col = (name: string) => header.indexOf(name);
    const volume = (model: string, l: string) => rows.find((x) => x[0] === model && x[1] === l && x[2] === 'volume')!;
    const delta = Number(volume('B-A', '1')[col('dice')]);
    assert.ok(Math.abs(delta - (Number(volume('B', '1')[col('dice')]) - Number(volume('A', '1')[col('dice')]))) < 1e-12);
  });
  test('table: A, B and Δ columns per label', () => {
    const r = run('compare', aPath, labelPath, '--versus', bPath);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /prediction B +.*b\.nii\.gz/);
    assert.match(r.stdout, /quantity +A +B +Δ \(B − A\)/);
  });
});

describe('compare --versus: errors as today', () => {
  test('--versus without a file: usage error, exit 2', () => {
    const r = run('compare', aPath, labelPath, '--versus');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: --versus takes a second prediction file/);
  });
  test('a bad B file: one `error: <B>: …` line, exit 1', () => {
    const bad = join(tmp, 'bad.nii');
    writeFileSync(bad, 'not an image\n');
    const r = run('compare', aPath, labelPath, '--versus', bad);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.startsWith(`error: ${bad}: `), r.stderr);
  });
  test('B of another shape: names B, exit 1', () => {
    const other = join(tmp, 'other.nii.gz');
    writeFileSync(other, gzip(writeNifti({ shape: [6, 5, 3], dtype: 'uint8', values: new Uint8Array(90) })));
    const r = run('compare', aPath, labelPath, '--versus', other);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.startsWith(`error: ${other}: `), r.stderr);
  });
});
