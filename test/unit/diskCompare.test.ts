/**
 * `compare` reads uncompressed files from disk straight into shared memory (decodeFiles.ts
 * decodeNiftiFileIntoShared; readVolumeFile with ReadOptions.sharedMemory): the Volume, its
 * values' scan and every number equal the plain path's (readInputFile then comparePair) for every
 * format and cross-format pair in test/fixtures-formats and for raw NIfTI (scaled, big-endian,
 * float64), with one thread and two; a file that is short or not a mask fails in the plain
 * reader's words.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import type { CompareOptions } from '../../src/core/analysis/compare';
import { scanVolumeValues } from '../../src/core/analysis/valueScan';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { reverseAxesFromReader } from '../../src/core/io/transpose';
import { DEFAULT_MAX_VOXELS } from '../../src/core/io/volume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { decodeIntoShared, decodeNiftiFileIntoShared } from '../../src/worker/decodeFiles';
import { compareFiles } from '../../src/worker/streamCompare';
import { failsAsThePlainPath, plainCompare, RANGE_WORKER_FILE } from './helpers/comparePaths';
import { mhaFile, npyFile, nrrdFile, REPO_ROOT } from './helpers/ioTestUtils';
import { gzip } from './helpers/niftiWriter';

const workerFile = RANGE_WORKER_FILE;
const FORMATS = resolve(REPO_ROOT, 'test/fixtures-formats');
const FILES = resolve(REPO_ROOT, 'test/fixtures/files');
const dir = mkdtempSync(join(tmpdir(), 'mi-disk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS: CompareOptions = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'all' };

const plain = plainCompare;

test('an uncompressed NIfTI read from disk in steps equals its bytes decoded in memory (scaled, big-endian, float64)', async () => {
  for (const name of ['prob_f64.nii', 'labels_i16_be.nii']) {
    const path = join(FILES, name);
    const fromDisk = await decodeNiftiFileIntoShared(path, { maxVoxels: DEFAULT_MAX_VOXELS, scan: true });
    const inMemory = await decodeIntoShared(readFileSync(path), path, { maxVoxels: DEFAULT_MAX_VOXELS, scan: true });
    assert.ok(fromDisk !== null, name);
    assert.ok(fromDisk.volume.data.buffer instanceof SharedArrayBuffer);
    assert.deepEqual({ ...fromDisk.volume, data: null }, { ...inMemory.volume, data: null });
    assert.deepEqual(Array.from(fromDisk.volume.data), Array.from(inMemory.volume.data));
    assert.deepEqual(fromDisk.values, inMemory.values);
    assert.deepEqual(fromDisk.values, scanVolumeValues(readVolumeFile(path).data));
  }
});

test('from disk: a gzip file, another format, a folder or a short NIfTI is left to the other readers (null)', async () => {
  const short = join(dir, 'short.nii');
  const bytes = readFileSync(join(FILES, 'prob_f64.nii'));
  writeFileSync(short, bytes.subarray(0, bytes.length - 8));
  const gz = join(dir, 'prob.nii.gz');
  writeFileSync(gz, gzip(bytes));
  for (const path of [gz, join(FORMATS, 'pred.nrrd'), join(FORMATS, 'label_c.npy'), dir, short, join(dir, 'missing.nii')]) {
    assert.equal(await decodeNiftiFileIntoShared(path, { maxVoxels: DEFAULT_MAX_VOXELS, scan: true }), null, path);
  }
});

test('readVolumeFile with sharedMemory: an uncompressed NRRD, MetaImage or .npy (C or Fortran order) is in shared memory, the same Volume', () => {
  // Over the size below which a reader copies instead of viewing (64 KB); a 3D probability.
  const dims = [40, 30, 20];
  const values = Float32Array.from({ length: 40 * 30 * 20 }, (_, i) => (Math.sin(i) + 1) / 2);
  const bytes = new Uint8Array(values.buffer);
  const files: [string, Uint8Array, boolean][] = [
    ['p.nrrd', nrrdFile(dims, [0.5, 0.5, 2], 'float', bytes, false), true], ['p.mha', mhaFile(dims, [0.5, 0.5, 2], 'MET_FLOAT', bytes, false), true],
    ['p_c.npy', npyFile([...dims].reverse(), '<f4', false, bytes), true],
    // Fortran order: transposed on this thread alone (no helper) straight into shared memory.
    ['p_f.npy', npyFile([...dims].reverse(), '<f4', true, transposedBytes(bytes, [...dims].reverse())), true],
    ['p.gz.nrrd', nrrdFile(dims, [0.5, 0.5, 2], 'float', bytes, true), false], ['p_zlib.mha', mhaFile(dims, [0.5, 0.5, 2], 'MET_FLOAT', bytes, true), false],
  ];
  for (const [name, content, inSharedMemory] of files) {
    const path = join(dir, name);
    writeFileSync(path, content);
    const inShared = readVolumeFile(path, { sharedMemory: true });
    const own = readVolumeFile(path);
    assert.deepEqual({ ...inShared, data: null }, { ...own, data: null }, name);
    assert.deepEqual(inShared.data, values, name);
    assert.deepEqual(own.data, values, name);
    // Uncompressed: in shared memory as read; compressed: inflated as before (then copied by compare).
    assert.equal(inShared.data.buffer instanceof SharedArrayBuffer, inSharedMemory, name);
    assert.equal(own.data.buffer instanceof SharedArrayBuffer, false, name);
  }
});

/** The bytes of a Fortran-ordered file of the C-ordered array `bytes` (float32) of `shape`. */
function transposedBytes(bytes: Uint8Array, shape: readonly number[]): Uint8Array {
  const out = new Uint8Array(bytes.length);
  reverseAxesFromReader(shape, 4, out, (into, offset) => into.set(bytes.subarray(offset, offset + into.length)));
  return out;
}

const PAIRS: [string, string][] = [
  ['pred.nii.gz', 'label.nrrd'], ['pred.nii.gz', 'label.mha'], ['pred.nrrd', 'label.nii.gz'], ['pred.mha', 'label.seg.nrrd'],
  ['pred_zlib.mha', 'label_detached.nhdr'], ['pred_be.nrrd', 'label_mhd.mhd'], ['pred.nii.gz', 'label_layers.seg.nrrd'],
  ['pred_c.npy', 'label.nii.gz'], ['pred.nii.gz', 'label_f.npy'], ['pred_c.npy', 'label_deflated.npz'], ['pred_f_be.npy', 'label_c.npy'],
  ['pred.mha', 'label.seg.dcm'], ['pred.nrrd', 'seg_folder'], ['pred.nii.gz', 'label_shifted.mha'], ['pred.nrrd', 'label_flipped.nrrd'],
];

test("compare on every format pair read from disk: the plain path's result, with one thread and two", async () => {
  for (const [p, l] of PAIRS) {
    const pred = join(FORMATS, p);
    const label = join(FORMATS, l);
    const expected = plain(pred, label, OPTIONS);
    for (const jobs of [1, 2]) {
      assert.deepStrictEqual(await compareFiles(pred, label, OPTIONS, DEFAULT_MAX_VOXELS, jobs, workerFile), expected, `${p} vs ${l}, ${jobs} jobs`);
    }
  }
});

test("compare on uncompressed NIfTI pairs (read from disk, slabs computed as they come in): the plain path's result", async () => {
  const pairs: [string, string][] = [['prob_f64.nii', 'labels_i16_be.nii'], ['labels_i16_be.nii', 'labels_u8.nii.gz'], ['prob_f32.nii.gz', 'labels_i16_be.nii']];
  for (const [p, l] of pairs) {
    const pred = join(FILES, p);
    const label = join(FILES, l);
    for (const axis of ['k', 'i'] as const) {
      const options = { ...OPTIONS, axis };
      const expected = plain(pred, label, options);
      for (const jobs of [1, 2, 3]) {
        assert.deepStrictEqual(await compareFiles(pred, label, options, DEFAULT_MAX_VOXELS, jobs, workerFile, 1 << 12), expected, `${p} vs ${l} along ${axis}, ${jobs} jobs`);
      }
    }
  }
});

test("a short raw NIfTI or a file that is no mask, read from disk: the plain reader's error, naming the file", async () => {
  const bytes = readFileSync(join(FILES, 'prob_f64.nii'));
  const short = join(dir, 'short-pred.nii');
  writeFileSync(short, bytes.subarray(0, bytes.length - 100));
  const text = join(dir, 'notes.nrrd');
  writeFileSync(text, 'not a mask\n');
  const label = join(FILES, 'labels_u8.nii.gz');
  for (const [p, l] of [[short, label], [text, label], [join(FILES, 'prob_f64.nii'), text]]) await failsAsThePlainPath(p!, l!, OPTIONS, /./);
});
