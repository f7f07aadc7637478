/**
 * The editor's decoder (src/worker/decodeFiles.ts): inflating straight into shared memory and
 * scanning on the way must give exactly what readVolume + scanValues/distinctIntegers give —
 * the same Volume, the same error message for a bad file, the same scans — and the page toucher
 * must never change a byte.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { preparePair } from '../../src/core/analysis/inputs';
import { distinctIntegers, scanValues, scanVolumeValues, ValueScanner, type VolumeValues } from '../../src/core/analysis/valueScan';
import { readVolume } from '../../src/core/io/readVolume';
import type { Volume, VoxelArray } from '../../src/core/io/volume';
import { decodeIntoShared, PageToucher, type PlannedBuffer } from '../../src/worker/decodeFiles';
import { FIXTURES_DIR, seededRandom } from './helpers/ioTestUtils';
import { gzip, writeNifti, type NiftiSpec, type WriterDtype } from './helpers/niftiWriter';

const MAX_VOXELS = 1e9;

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(FIXTURES_DIR, 'files', name)));
}

function bytesOf(data: VoxelArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function assertSameVolume(actual: Volume, expected: Volume, what: string): void {
  const { data: a, ...aMeta } = actual;
  const { data: e, ...eMeta } = expected;
  assert.deepEqual(aMeta, eMeta, `${what}: metadata`);
  assert.equal(a.constructor, e.constructor, `${what}: element type`);
  assert.equal(a.length, e.length, `${what}: length`);
  assert.ok(Buffer.from(bytesOf(a)).equals(Buffer.from(bytesOf(e))), `${what}: voxel bytes`);
  assert.ok(a.buffer instanceof SharedArrayBuffer, `${what}: voxels in shared memory`);
}

function expectedValues(data: VoxelArray): { scan: ReturnType<typeof scanValues>; distinct: number[] | null } {
  const scan = scanValues(data);
  return { scan, distinct: scan.allIntegers && scan.nonFinite === 0 ? distinctIntegers(data, scan) : null };
}

function assertSameValues(actual: VolumeValues | null, data: VoxelArray, what: string): void {
  assert.ok(actual !== null, `${what}: scanned`);
  const expected = expectedValues(data);
  assert.deepEqual(actual.scan, expected.scan, `${what}: scan`);
  // The scanner may leave `distinct` unknown (null) only where preparePair never asks for it.
  if (actual.distinct !== null || expected.distinct === null) assert.deepEqual(actual.distinct, expected.distinct, `${what}: distinct values`);
}

/**
 * Both succeed with the same volume, or both fail with the same message. Returns the volume, and
 * whether it was inflated into the announced buffer (the fast path) rather than read by readVolume.
 */
async function assertLikeReadVolume(bytes: Uint8Array, what: string, maxVoxels = MAX_VOXELS): Promise<{ volume: Volume; inPlace: boolean } | null> {
  let expected: Volume | Error;
  try {
    expected = readVolume(bytes, what, { maxVoxels });
  } catch (error) {
    expected = error as Error;
  }
  let actual: { volume: Volume; values: VolumeValues | null } | Error;
  let planned: SharedArrayBuffer | null = null;
  try {
    actual = await decodeIntoShared(bytes, what, { maxVoxels, scan: true, onPlanned: (p) => { planned = p.buffer; } });
  } catch (error) {
    actual = error as Error;
  }
  if (expected instanceof Error) {
    assert.ok(actual instanceof Error, `${what}: readVolume refuses it (${expected.message}), decodeIntoShared must too`);
    assert.equal(actual.name, expected.name, what);
    assert.equal(actual.message, expected.message, what);
    return null;
  }
  assert.ok(!(actual instanceof Error), `${what}: readVolume reads it, decodeIntoShared failed: ${actual instanceof Error ? actual.message : ''}`);
  assertSameVolume(actual.volume, expected, what);
  assertSameValues(actual.values, actual.volume.data, what);
  return { volume: actual.volume, inPlace: planned !== null && actual.volume.data.buffer === planned };
}

test('every fixture file decodes into shared memory exactly as readVolume reads it, with readVolume\'s scans', async () => {
  const files = readdirSync(resolve(FIXTURES_DIR, 'files'));
  assert.ok(files.length >= 8);
  for (const name of files) await assertLikeReadVolume(fixture(name), name);
});

/** Volumes of several inflate steps (the decoder works in 256 KiB steps), every dtype and layout. */
const LARGE: readonly { name: string; spec: NiftiSpec; gz: boolean }[] = (() => {
  const shape = [64, 48, 37];
  const n = shape[0]! * shape[1]! * shape[2]!;
  const random = seededRandom(7);
  const labels = Array.from({ length: n }, (_, i) => (Math.floor(i / 5000) % 4) * (i % 3 === 0 ? 1 : 0));
  const probabilities = Array.from({ length: n }, () => random());
  const signed = Array.from({ length: n }, (_, i) => (i % 7) - 3);
  const dtypes: WriterDtype[] = ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'];
  const list: { name: string; spec: NiftiSpec; gz: boolean }[] = [];
  for (const dtype of dtypes) {
    const values = dtype.startsWith('float') ? probabilities : dtype.startsWith('int') ? signed : labels;
    list.push({ name: `${dtype}.nii.gz`, spec: { shape, dtype, values }, gz: true });
    list.push({ name: `${dtype}.nii`, spec: { shape, dtype, values }, gz: false });
  }
  list.push({ name: 'float32 big-endian.nii.gz', spec: { shape, dtype: 'float32', values: probabilities, littleEndian: false }, gz: true });
  list.push({ name: 'int16 big-endian.nii.gz', spec: { shape, dtype: 'int16', values: signed, littleEndian: false }, gz: true });
  list.push({ name: 'uint8 slope 1/255.nii.gz', spec: { shape, dtype: 'uint8', values: labels.map((v) => v * 60), slope: 1 / 255 }, gz: true });
  list.push({ name: 'float32 NIfTI-2.nii.gz', spec: { shape, dtype: 'float32', values: probabilities, version: 2 }, gz: true });
  list.push({ name: 'float32 vox_offset 353.nii.gz', spec: { shape, dtype: 'float32', values: probabilities, voxOffset: 353 }, gz: true });
  list.push({ name: 'float32 4D.nii.gz', spec: { shape: [32, 24, 20, 3], dtype: 'float32', values: probabilities.slice(0, 32 * 24 * 20 * 3) }, gz: true });
  const withNaN = probabilities.slice();
  withNaN[123_456] = NaN;
  withNaN[5] = Infinity;
  list.push({ name: 'float32 with NaN.nii.gz', spec: { shape, dtype: 'float32', values: withNaN }, gz: true });
  list.push({ name: 'float32 integers.nii.gz', spec: { shape, dtype: 'float32', values: labels.map((v, i) => (i === 99 ? -0 : v)) }, gz: true });
  return list;
})();

test('larger volumes of every dtype and layout (.nii.gz and .nii) decode and scan exactly as readVolume + scanValues', async () => {
  for (const { name, spec, gz } of LARGE) {
    const raw = writeNifti(spec);
    const read = await assertLikeReadVolume(gz ? gzip(raw) : raw, name);
    // Only scaling, byte swapping or a misaligned vox_offset need a converted copy.
    const converted = spec.littleEndian === false || spec.slope !== undefined || spec.voxOffset === 353;
    assert.equal(read?.inPlace, !converted || spec.dtype === 'uint8' && spec.littleEndian === false, `${name}: decoded in place`);
  }
});

test('the voxels are inflated into the planned buffer itself, announced before it is filled', async () => {
  const bytes = gzip(writeNifti({ shape: [64, 64, 40], dtype: 'float32', values: Array.from({ length: 64 * 64 * 40 }, (_, i) => (i % 1000) / 1000) }));
  let planned: PlannedBuffer | null = null;
  let progressAtPlan = -1;
  const { volume } = await decodeIntoShared(bytes, 'p.nii.gz', {
    maxVoxels: MAX_VOXELS, scan: true,
    onPlanned: (p) => { planned = p; progressAtPlan = Atomics.load(p.progress, 0); },
  });
  assert.ok(planned !== null, 'onPlanned was called');
  const p = planned as PlannedBuffer;
  assert.equal(progressAtPlan, 0, 'announced before anything was written');
  assert.equal(volume.data.buffer, p.buffer, 'the volume views the announced buffer: no second copy');
  assert.equal(volume.data.byteOffset, 352);
  assert.equal(Atomics.load(p.progress, 1), 1, 'marked done');
  assert.equal(Atomics.load(p.progress, 0), Math.floor(p.buffer.byteLength / 1024));
});

test('damaged, truncated, over-long or lying files fail (or read) exactly as readVolume says', async () => {
  const shape = [64, 48, 37];
  const values = Array.from({ length: 64 * 48 * 37 }, (_, i) => (i % 255) / 254);
  const raw = writeNifti({ shape, dtype: 'float32', values });
  const gz = gzip(raw);
  const cases: [string, Uint8Array, number?][] = [
    ['truncated in the middle', gz.subarray(0, Math.floor(gz.length / 2))],
    ['truncated trailer', gz.subarray(0, gz.length - 3)],
    ['corrupt data (CRC)', (() => { const b = gz.slice(); b[Math.floor(b.length * 0.6)]! ^= 0x55; return b; })()],
    ['wrong ISIZE', (() => { const b = gz.slice(); b[b.length - 2]! ^= 0x10; return b; })()],
    ['trailing zeros after the stream', Buffer.concat([gz, new Uint8Array(16)])],
    ['trailing garbage after the stream', Buffer.concat([gz, new TextEncoder().encode('garbage!')])],
    ['a second gzip member with more data', Buffer.concat([gz, gzip(new Uint8Array(1000).fill(7))])],
    ['a second, empty gzip member', Buffer.concat([gz, gzip(new Uint8Array(0))])],
    ['data after the image (in the stream)', gzip(writeNifti({ shape, dtype: 'float32', values, trailingBytes: 4096 }))],
    ['header promises more than the stream holds', gzip(writeNifti({ shape, dtype: 'float32', values, writeVoxels: 50_000 }))],
    ['over the voxel limit', gz, 1000],
    ['an uncompressed file cut short', raw.subarray(0, raw.length - 100)],
    ['an uncompressed file with bytes after the image', Buffer.concat([raw, new Uint8Array(10)])],
    ['not an image', new TextEncoder().encode('hello, not an image at all')],
    ['gzip of not an image', gzip(new TextEncoder().encode('hello, not an image at all, but compressed'.repeat(30)))],
    ['empty', new Uint8Array(0)],
  ];
  for (const [what, bytes, maxVoxels] of cases) await assertLikeReadVolume(bytes, what, maxVoxels);
});

test('ValueScanner, in any pieces, equals scanValues and distinctIntegers for every dtype and odd value', () => {
  const random = seededRandom(11);
  const make: [string, () => VoxelArray][] = [
    ['uint8 labels', () => Uint8Array.from({ length: 70_000 }, (_, i) => (i >> 12) % 5)],
    ['uint8 full range', () => Uint8Array.from({ length: 70_000 }, () => Math.floor(random() * 256))],
    ['int8', () => Int8Array.from({ length: 70_000 }, () => Math.floor(random() * 256) - 128)],
    ['int16', () => Int16Array.from({ length: 70_000 }, () => Math.floor(random() * 65536) - 32768)],
    ['uint16 sparse', () => Uint16Array.from({ length: 70_000 }, (_, i) => (i % 997 === 0 ? 65535 : 3))],
    ['int32 wide range (> 2^22)', () => Int32Array.from({ length: 70_000 }, (_, i) => (i % 3 === 0 ? -(2 ** 30) : i % 5 === 0 ? 2 ** 30 : 1))],
    ['int32 many distinct (> 65536)', () => Int32Array.from({ length: 140_000 }, (_, i) => i)],
    ['uint32', () => Uint32Array.from({ length: 70_000 }, (_, i) => (i % 11 === 0 ? 2 ** 32 - 1 : 0))],
    ['float32 probabilities', () => Float32Array.from({ length: 70_000 }, () => random())],
    ['float32 integers with -0', () => Float32Array.from({ length: 70_000 }, (_, i) => (i === 0 ? -0 : i % 100 === 0 ? -0 : (i >> 10) % 3))],
    ['float64 NaN and ±Infinity', () => Float64Array.from({ length: 70_000 }, (_, i) => (i === 500 ? NaN : i === 9000 ? -Infinity : i === 9001 ? Infinity : i % 4))],
    ['float64 non-integer late', () => Float64Array.from({ length: 70_000 }, (_, i) => (i === 69_000 ? 2.5 : i % 4))],
    ['float32 all NaN', () => new Float32Array(1000).fill(NaN)],
    ['empty float32', () => new Float32Array(0)],
    // Runs of equal values (the scanners skip repeats by their bits): every NaN still counted, ±0 kept apart.
    ['float32 runs with repeated NaN, ±Infinity and ±0', () => Float32Array.from({ length: 70_000 }, (_, i) =>
      (i >= 30_000 && i < 30_010 ? NaN : i >= 40_000 && i < 40_005 ? Infinity : i >= 50_000 && i < 50_003 ? -Infinity
        : i < 20_000 ? 0.25 : i < 25_000 ? -0 : i < 26_000 ? 0 : (i >> 11) * 0.125))],
    ['float32 probabilities in runs, max late', () => Float32Array.from({ length: 70_000 }, (_, i) => (i === 69_998 ? 0.99 : i < 35_000 ? 0.0625 : 0.5))],
    ['uint8 runs at an odd offset, rare values', () => Uint8Array.from({ length: 70_003 }, (_, i) => (i === 69_001 ? 200 : i === 3 ? 7 : (i >> 13) % 3)).subarray(3)],
    ['int8 runs with negatives', () => Int8Array.from({ length: 70_000 }, (_, i) => (i === 12_345 ? -128 : i % 9000 < 4500 ? 0 : -3))],
    ['empty uint8', () => new Uint8Array(0)],
  ];
  for (const [what, build] of make) {
    const data = build();
    const expected = expectedValues(data);
    for (const pieces of [1, 2, 7, 1000]) {
      const scanner = new ValueScanner(data);
      const cuts = [0, ...Array.from({ length: pieces - 1 }, () => Math.floor(random() * (data.length + 1))).sort((a, b) => a - b), data.length];
      for (let p = 0; p + 1 < cuts.length; p++) scanner.add(cuts[p]!, cuts[p + 1]!);
      const actual = scanner.result();
      assert.deepEqual(actual.scan, expected.scan, `${what}, ${pieces} pieces: scan`);
      if (actual.distinct !== null) assert.deepEqual(actual.distinct, expected.distinct, `${what}, ${pieces} pieces: distinct`);
      else assert.ok(expected.distinct === null || expected.distinct.length > 65536, `${what}: distinct values left unknown only when not needed or too many`);
    }
    assert.deepEqual(scanVolumeValues(data).scan, expected.scan, `${what}: scanVolumeValues`);
  }
  assert.throws(() => new ValueScanner(new Uint8Array(10)).add(2, 4), /ValueScanner/, 'a gap is an internal error');
});

test('preparePair with the decoder\'s scans gives the very pair it computes itself', async () => {
  const pairs: [string, string, ('auto' | 'labels' | 'probability' | 'logits')[]][] = [
    ['prob_f32.nii.gz', 'labels_u8.nii.gz', ['auto', 'logits', 'probability']],
    ['labels_u16.nii.gz', 'labels_u8.nii.gz', ['auto', 'labels', 'probability']],
    ['labels_u8.nii.gz', 'labels_u16.nii.gz', ['auto', 'labels']],
    ['logits_f32_nifti2.nii.gz', 'labels_u8.nii.gz', ['auto']],
    ['prob_u8_slope.nii.gz', 'labels_u8.nii.gz', ['auto']],
    ['softmax_4d_f32.nii.gz', 'labels_u8.nii.gz', ['auto']],
    ['prob_f64.nii', 'labels_i16_be.nii', ['auto']],
    ['gray8.png', 'gray16.png', ['auto', 'labels', 'probability']],
    ['gray16.png', 'gray8.png', ['auto']],
    ['prob_f32.nii.gz', 'prob_f32.nii.gz', ['auto']],
  ];
  for (const [predName, labelName, kinds] of pairs) {
    const pred = await decodeIntoShared(fixture(predName), predName, { maxVoxels: MAX_VOXELS, scan: true });
    const label = await decodeIntoShared(fixture(labelName), labelName, { maxVoxels: MAX_VOXELS, scan: true });
    for (const kind of kinds) {
      const outcome = (known: boolean) => {
        try {
          return preparePair(pred.volume, label.volume, kind, known ? { prediction: pred.values!, label: label.values! } : {});
        } catch (error) {
          return error as Error;
        }
      };
      const withScans = outcome(true);
      const without = outcome(false);
      if (without instanceof Error) {
        assert.ok(withScans instanceof Error, `${predName} vs ${labelName} (${kind}): must fail too`);
        assert.equal(withScans.message, without.message);
      } else {
        assert.deepEqual(withScans, without, `${predName} vs ${labelName} (${kind})`);
      }
    }
  }
});

test('the page toucher makes pages resident ahead of the writer without changing a byte, and stops at the end or when the writer is done', async () => {
  const size = 24 << 20;
  const buffer = new SharedArrayBuffer(size);
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < size; i += 4093) bytes[i] = (i * 31) & 0xff;
  const before = Buffer.from(bytes);
  const progress = new Int32Array(new SharedArrayBuffer(8));
  Atomics.store(progress, 0, (4 << 20) / 1024); // the writer is at 4 MiB
  const toucher = new PageToucher();
  toucher.add({ buffer, progress });
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(Buffer.from(bytes).equals(before), 'no byte changed');
  // From 4 MiB ahead of the writer to the end: 24 − 4 − 4 = 16 MiB touched.
  assert.equal(toucher.touched, 16 << 20);
  // A finished writer: nothing more is touched.
  const other = new SharedArrayBuffer(16 << 20);
  const done = new Int32Array(new SharedArrayBuffer(8));
  Atomics.store(done, 1, 1);
  toucher.add({ buffer: other, progress: done });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(toucher.touched, 16 << 20);
});
