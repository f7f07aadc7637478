/**
 * Issue #9, "nothing misleads": a PNG probability map gets no false clamping warning; an unusable
 * pixdim is said (distances in an assumed unit); a negative vox_offset and a palette PNG without
 * PLTE are refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { preparePair } from '../../src/core/analysis/inputs';
import { readVolume } from '../../src/core/io/readVolume';
import { VolumeReadError } from '../../src/core/io/volume';
import { fixPngCrcs, pngBytes, pngChunks } from './helpers/ioTestUtils';
import { repoRoot } from './helpers/fixtures';
import { writeNifti } from './helpers/niftiWriter';

const cli = join(repoRoot, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'mask-inspector-mislead-'));

describe('warnings that tell the truth', () => {
  test('a PNG probability map (values 20…230) is scaled to [0, 1] with no "outside [0, 1]; clamped" warning', () => {
    const w = 16, h = 16;
    const probs = Uint8Array.from({ length: w * h }, (_, i) => 20 + (i % 211));
    const labels = Uint8Array.from({ length: w * h }, (_, i) => (i % 211 > 100 ? 255 : 0));
    const pred = readVolume(pngBytes({ width: w, height: h, data: probs, channels: 1, depth: 8 }), 'p.png');
    const label = readVolume(pngBytes({ width: w, height: h, data: labels, channels: 1, depth: 8 }), 'l.png');
    const pair = preparePair(pred, label, 'probability');
    assert.equal(pair.kind, 'probability');
    assert.equal(pair.clampProbability, false);
    assert.deepEqual(pair.warnings.filter((x) => /outside \[0, 1\]/.test(x)), []);
  });
  test('pixdim NaN, 0 or Inf: a warning that distances use an assumed spacing, in JSON and on stderr', () => {
    for (const bad of [NaN, 0, Infinity]) {
      const path = join(tmp, `pixdim-${bad}.nii`);
      const values = Uint8Array.from({ length: 8 * 8 * 4 }, (_, i) => (i % 8 < 4 ? 1 : 0));
      writeFileSync(path, writeNifti({ shape: [8, 8, 4], dtype: 'uint8', values, pixdim: [1, 0.5, bad, 2, 1] }));
      const label = join(tmp, `label-${bad}.nii`);
      writeFileSync(label, writeNifti({ shape: [8, 8, 4], dtype: 'uint8', values, pixdim: [1, 0.5, bad, 2, 1] }));
      const r = spawnSync(process.execPath, [cli, 'compare', path, label, '--format', 'json'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const json = JSON.parse(r.stdout);
      const warning = json.warnings.find((x: string) => /assumed spacing/.test(x));
      assert.ok(warning, `pixdim ${bad}: ${JSON.stringify(json.warnings)}`);
      assert.match(warning, /along j /);
      assert.match(r.stderr, /^warning: .*assumed spacing/m);
      const table = spawnSync(process.execPath, [cli, 'compare', path, label], { encoding: 'utf8' });
      assert.match(table.stderr, /assumed spacing/, 'the table run says it too');
    }
  });
});

describe('headers that are refused', () => {
  test('a negative vox_offset', () => {
    const bytes = writeNifti({ shape: [4, 4, 4], dtype: 'uint8', voxOffset: -16 });
    assert.throws(() => readVolume(bytes, 'neg.nii'), (e: unknown) => e instanceof VolumeReadError && /vox_offset is -16/.test(e.message));
  });
  test('a palette PNG without a PLTE chunk', () => {
    const png = Uint8Array.from(pngBytes({ width: 4, height: 4, data: new Uint8Array(16), channels: 1, depth: 8 }));
    const ihdr = pngChunks(png).find((c) => c.type === 'IHDR')!;
    png[ihdr.body + 9] = 3; // colour type 3 (palette), 8-bit: a valid combination, but no PLTE follows
    fixPngCrcs(png);
    assert.throws(() => readVolume(png, 'nopalette.png'), (e: unknown) => e instanceof VolumeReadError && /no PLTE chunk/.test(e.message));
  });
});

describe('one file is not a pair', () => {
  test('compare X X, or through a symlink: error naming the label, exit 1', async () => {
    const { symlinkSync } = await import('node:fs');
    const path = join(tmp, 'self.nii');
    writeFileSync(path, writeNifti({ shape: [4, 4, 2], dtype: 'uint8', values: new Uint8Array(32).fill(1) }));
    const link = join(tmp, 'self-link.nii');
    symlinkSync(path, link);
    for (const other of [path, link]) {
      const r = spawnSync(process.execPath, [cli, 'compare', path, other], { encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.equal(r.stderr, `error: ${other}: is the prediction file itself (${path}); compare a prediction with its label\n`);
    }
  });
  test('report with LABEL_DIR a symlink to PRED_DIR pairs nothing with itself (not Dice 1, exit 0)', async () => {
    const { symlinkSync } = await import('node:fs');
    const { makeReportTree } = await import('./helpers/reportTree');
    const tree = makeReportTree([{ name: 'a', kind: 'probability', seed: 1 }]);
    const link = join(tree.root, 'labels-link');
    symlinkSync(tree.predictions, link);
    const r = spawnSync(process.execPath, [cli, 'report', tree.predictions, link, '--out', join(tree.root, 'out')], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /the prediction and label folders are the same/);
  });
});
