/**
 * The CLI's pipelined compare (src/worker/streamCompare.ts) gives exactly what reading both files
 * and comparing on one thread gives (comparePair over readVolumeFile), whatever the threads and
 * the slab size: slabs computed while the prediction still inflates, a provisional kind that the
 * whole file overturns (the slabs are recomputed), errors found late in the file, other axes,
 * every metric, and files the fast path does not take.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { CompareOptions } from '../../src/core/analysis/compare';
import { DEFAULT_MAX_VOXELS } from '../../src/core/io/volume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { compareFiles } from '../../src/worker/streamCompare';
import { repoRoot } from './helpers/fixtures';
import { failsAsThePlainPath, plainCompare } from './helpers/comparePaths';
import { gzip, writeNifti } from './helpers/niftiWriter';

const workerFile = join(repoRoot, 'dist', 'rangeWorker.js');
const dir = mkdtempSync(join(tmpdir(), 'mi-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const dims: [number, number, number] = [64, 48, 96];
const n = dims[0] * dims[1] * dims[2];
const plane = dims[0] * dims[1];
const spacing = [0.8, 0.8, 1.5];
const pixdim = [1, ...spacing, 1];
const srow = [0.8, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 1.5, 0];

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) / 2147483647);
}

/** A ball label and a smooth, noisy probability around a shifted ball; `hardBelow` slices hold only 0/1. */
function pairValues(seed: number, hardBelow = 0): { label: Uint8Array; probability: Float32Array } {
  const rand = random(seed);
  const label = new Uint8Array(n);
  const probability = new Float32Array(n);
  for (let z = 0; z < dims[2]; z++) {
    for (let y = 0; y < dims[1]; y++) {
      for (let x = 0; x < dims[0]; x++) {
        const i = x + dims[0] * (y + dims[1] * z);
        const r = Math.hypot((x - 30) / 20, (y - 24) / 16, (z - 50) / 30);
        label[i] = r <= 1 ? (r < 0.4 ? 2 : 1) : 0;
        const rp = Math.hypot((x - 32) / 21, (y - 24) / 16, (z - 52) / 31);
        const p = 1 / (1 + Math.exp((rp - 1) * 12 + (rand() - 0.5)));
        probability[i] = z < hardBelow ? (p >= 0.5 ? 1 : 0) : p;
      }
    }
  }
  return { label, probability };
}

function write(name: string, dtype: 'float32' | 'uint8', values: Float32Array | Uint8Array, compress = true): string {
  const path = join(dir, name);
  const bytes = writeNifti({ shape: dims, dtype, values, pixdim, srow });
  writeFileSync(path, compress ? gzip(bytes) : bytes);
  return path;
}

const plain = plainCompare;

const base: CompareOptions = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none' };

describe('pipelined compare (CLI)', () => {
  const soft = pairValues(3);
  const pred = write('pred.nii.gz', 'float32', soft.probability);
  const label = write('label.nii.gz', 'uint8', soft.label);

  test('equals the one-thread comparison for 1, 2 and 3 threads and small slabs, losses only and every metric', async () => {
    for (const metrics of ['none', 'all'] as const) {
      const options = { ...base, metrics };
      const expected = plain(pred, label, options);
      for (const jobs of [1, 2, 3]) {
        for (const slab of [plane * 5, plane * 64, 1 << 21]) {
          const got = await compareFiles(pred, label, options, DEFAULT_MAX_VOXELS, jobs, workerFile, slab);
          assert.deepStrictEqual(got, expected, `${metrics}, ${jobs} jobs, slabs of ${slab / plane} slices`);
        }
      }
    }
  });

  test('along j and i, uncompressed files, and a hard uint8 prediction', async () => {
    const hard = write('hard.nii', 'uint8', Uint8Array.from(soft.probability, (p) => (p >= 0.5 ? 1 : 0)), false);
    const labelNii = write('label.nii', 'uint8', soft.label, false);
    for (const [p, l, axis] of [[pred, label, 'j'], [pred, label, 'i'], [hard, labelNii, 'k'], [pred, labelNii, 'k']] as const) {
      const options = { ...base, axis, metrics: 'overlap' as const };
      const got = await compareFiles(p, l, options, DEFAULT_MAX_VOXELS, 2, workerFile, plane * 4);
      assert.deepStrictEqual(got, plain(p, l, options), `${p} ${l} along ${axis}`);
    }
  });

  test('a kind guessed from the first slices and overturned by the rest: the slabs are recomputed', async () => {
    // The first 60 slices hold only 0 and 1 (a label map so far); the rest are probabilities.
    const mixed = write('mixed.nii.gz', 'float32', pairValues(5, 60).probability);
    const expected = plain(mixed, label, base);
    assert.equal(expected.predictionKind, 'probability');
    const got = await compareFiles(mixed, label, base, DEFAULT_MAX_VOXELS, 2, workerFile, plane * 2);
    assert.deepStrictEqual(got, expected);
  });

  test('a NaN late in the prediction fails as the plain path does, naming the file and the voxel', async () => {
    const values = pairValues(7).probability;
    values[plane * 90 + 5] = NaN;
    const bad = write('nan.nii.gz', 'float32', values);
    await failsAsThePlainPath(bad, label, base, /\(5, 0, 90\)/, plane * 2);
  });

  test('a missing or damaged file: the plain reader\'s error', async () => {
    const broken = join(dir, 'broken.nii.gz');
    writeFileSync(broken, gzip(new Uint8Array(100)).subarray(0, 30));
    for (const [p, l] of [[join(dir, 'missing.nii.gz'), label], [pred, broken], [dir, label]]) {
      await failsAsThePlainPath(p, l, base, /./);
    }
  });
});
