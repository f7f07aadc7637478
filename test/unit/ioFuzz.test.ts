/**
 * Mutation fuzzing of the readers: whatever the bytes, readVolume either returns a consistent
 * Volume within the voxel limit or throws VolumeReadError — never another error, never a hang.
 * Seeded: a failure message names the seed and case so it reproduces.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { readVolume } from '../../src/core/io/readVolume';
import { VolumeReadError, voxelCount } from '../../src/core/io/volume';
import { gzip, writeNifti } from './helpers/niftiWriter';
import type { WriterDtype } from './helpers/niftiWriter';
import { FIXTURES_DIR, fixPngCrcs, packRows, pngBytes, seededRandom } from './helpers/ioTestUtils';

const SEED = Number(process.env.IO_FUZZ_SEED ?? 20240611);
const LIMIT = 1_000_000;
const outcomes = { read: 0, rejected: 0 };
const messageKinds = new Map<string, number>();

function check(bytes: Uint8Array, label: string): void {
  let volume;
  try {
    volume = readVolume(bytes, 'fuzz.nii.gz', { maxVoxels: LIMIT });
  } catch (error) {
    if (!(error instanceof VolumeReadError)) {
      assert.fail(`seed ${SEED}, ${label}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    assert.ok(error.message.length > 0 && !error.message.includes('\n'), `seed ${SEED}, ${label}: message "${error.message}"`);
    outcomes.rejected++;
    const kind = error.message.replace(/\d+/g, 'N').slice(0, 60);
    messageKinds.set(kind, (messageKinds.get(kind) ?? 0) + 1);
    return;
  }
  const what = `seed ${SEED}, ${label}`;
  assert.ok(volume.data.length <= LIMIT, `${what}: ${volume.data.length} voxels over the limit`);
  assert.equal(volume.data.length, voxelCount(volume.dims), `${what}: data length matches dims`);
  assert.ok(volume.dims.length === 3 || volume.dims.length === 4, `${what}: dims ${volume.dims.join('×')}`);
  assert.equal(volume.affine.length, 16, what);
  assert.ok(volume.spacing.every((s) => s > 0 && Number.isFinite(s)), `${what}: spacing ${volume.spacing.join(',')}`);
  outcomes.read++;
}

const random = seededRandom(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

const NIFTI_BASES: Uint8Array[] = [];
for (const version of [1, 2] as const) {
  for (const littleEndian of [true, false]) {
    for (const dtype of ['uint8', 'int16', 'float32', 'float64'] as WriterDtype[]) {
      NIFTI_BASES.push(writeNifti({ version, littleEndian, dtype, shape: [6, 5, 4], slope: 1, sformCode: 1 }));
    }
  }
}
const FIXTURE_FILES = ['labels_u8.nii.gz', 'prob_f32.nii.gz', 'logits_f32_nifti2.nii.gz', 'labels_i16_be.nii', 'prob_f64.nii'];
for (const name of FIXTURE_FILES) {
  const bytes = readFileSync(resolve(FIXTURES_DIR, 'files', name));
  NIFTI_BASES.push(bytes[0] === 0x1f ? zlib.gunzipSync(bytes) : Uint8Array.from(bytes));
}

type Field = readonly [offset: number, size: 2 | 4 | 8, kind: 'i' | 'f'];
/** Field offsets [offset, size, kind] of the header fields the reader uses, per version. */
const FIELDS: Record<1 | 2, readonly Field[]> = {
  1: [[40, 2, 'i'], [42, 2, 'i'], [44, 2, 'i'], [46, 2, 'i'], [48, 2, 'i'], [50, 2, 'i'], [70, 2, 'i'],
    [76, 4, 'f'], [80, 4, 'f'], [108, 4, 'f'], [112, 4, 'f'], [116, 4, 'f'], [252, 2, 'i'], [254, 2, 'i'],
    [256, 4, 'f'], [264, 4, 'f']],
  2: [[16, 8, 'i'], [24, 8, 'i'], [32, 8, 'i'], [40, 8, 'i'], [48, 8, 'i'], [12, 2, 'i'], [104, 8, 'f'],
    [112, 8, 'f'], [168, 8, 'i'], [176, 8, 'f'], [184, 8, 'f'], [344, 4, 'i'], [348, 4, 'i'], [352, 8, 'f']],
};
const INTERESTING = [-1, 0, 1, 2, 3, 4, 5, 7, 8, 16, 64, 255, 256, 351, 352, 353, 540, 544, 545, 1024, 1536, 2304,
  32767, -32768, 65535, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 40, 2 ** 53, 1e6, 30000];
const INTERESTING_FLOATS = [0, -0, 1, -1, 0.5, 1e-30, 1e30, 3.4e38, NaN, Infinity, -Infinity, 352.7, 1 / 255];

function mutateField(bytes: Uint8Array, version: 1 | 2): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const le = view.getInt32(0, true) === (version === 1 ? 348 : 540);
  const [offset, size, kind] = pick(FIELDS[version]);
  const value = random() < 0.8 ? (kind === 'f' ? pick([...INTERESTING_FLOATS, ...INTERESTING]) : pick(INTERESTING))
    : (random() - 0.5) * 2 ** int(64);
  if (kind === 'f') {
    if (size === 4) view.setFloat32(offset, value, le); else view.setFloat64(offset, value, le);
  } else if (size === 2) {
    view.setInt16(offset, value, le);
  } else if (size === 4) {
    view.setInt32(offset, value, le);
  } else {
    view.setBigInt64(offset, BigInt.asIntN(64, BigInt(Number.isFinite(value) ? Math.trunc(value) : 0)), le);
  }
}

test('mutated NIfTI headers (raw and gzipped) read or throw VolumeReadError', { timeout: 20_000 }, () => {
  const started = performance.now();
  for (let n = 0; n < 5000; n++) {
    const base = pick(NIFTI_BASES);
    const version = new DataView(base.buffer, base.byteOffset).getInt32(0, true) === 540
      || new DataView(base.buffer, base.byteOffset).getInt32(0, false) === 540 ? 2 : 1;
    const bytes = Uint8Array.from(base);
    const headerEnd = version === 1 ? 352 : 544;
    const flips = int(3);
    for (let f = 0; f < flips; f++) bytes[int(headerEnd)] ^= 1 << int(8);
    const fieldEdits = 1 + int(3);
    for (let f = 0; f < fieldEdits; f++) mutateField(bytes, version);
    const cut = random() < 0.2 ? bytes.subarray(0, int(bytes.length)) : bytes;
    check(cut, `nifti case ${n}`);
    check(gzip(cut), `nifti case ${n} gzipped`);
  }
  assert.ok(performance.now() - started < 15_000, 'fast enough');
});

test('truncated and corrupted gzip streams read or throw VolumeReadError', { timeout: 20_000 }, () => {
  const compressed = NIFTI_BASES.map((b) => gzip(b));
  for (let n = 0; n < 3000; n++) {
    const bytes = Uint8Array.from(pick(compressed));
    const mode = int(5);
    let input: Uint8Array = bytes;
    if (mode === 0) input = bytes.subarray(0, int(bytes.length));
    if (mode === 1) for (let f = 0; f < 1 + int(4); f++) bytes[int(bytes.length)] ^= 1 << int(8);
    if (mode === 2) for (let f = 0; f < 1 + int(2); f++) bytes[int(12)] = int(256); // gzip header flags etc.
    if (mode === 3) new DataView(bytes.buffer).setUint32(bytes.length - 4, pick([0, 1, 351, 2 ** 32 - 1, int(2 ** 32)]), true);
    if (mode === 4) input = Buffer.concat([bytes, Uint8Array.from({ length: 1 + int(64) }, () => int(256))]);
    check(input, `gzip case ${n} (mode ${mode})`);
  }
});

/** Builds a PNG from an IHDR and filtered scanlines so the fuzzer can reach past CRCs and zlib. */
function buildPng(ihdr: Uint8Array, scanlines: Uint8Array): Uint8Array {
  const chunk = (type: string, body: Uint8Array): Buffer => {
    const out = Buffer.alloc(12 + body.length);
    out.writeUInt32BE(body.length, 0);
    out.write(type, 4, 'latin1');
    out.set(body, 8);
    out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
    return out;
  };
  const signature = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(scanlines)), chunk('IEND', new Uint8Array(0))]);
}

test('mutated PNGs read or throw VolumeReadError', { timeout: 20_000 }, () => {
  const values = Array.from({ length: 11 * 7 }, (_, i) => (i * 13) % 256);
  const bases = [
    readFileSync(resolve(FIXTURES_DIR, 'files/gray8.png')),
    readFileSync(resolve(FIXTURES_DIR, 'files/gray16.png')),
    pngBytes({ width: 11, height: 7, data: Uint8Array.from({ length: 11 * 7 * 3 }, (_, i) => i), channels: 3 }),
    pngBytes({ width: 11, height: 7, data: Uint16Array.from({ length: 11 * 7 * 4 }, (_, i) => i * 99), channels: 4, depth: 16 }),
    pngBytes({ width: 11, height: 7, data: Uint8Array.from(values), channels: 1 }, { interlace: 'Adam7' }),
    pngBytes({ width: 11, height: 7, data: packRows(values, 11, 7, 1), channels: 1, depth: 1 }),
    pngBytes({ width: 11, height: 7, data: packRows(values, 11, 7, 4), channels: 1, depth: 4, palette: Array.from({ length: 16 }, (_, i) => [i, i, i]) }),
  ].map((b) => Uint8Array.from(b));
  for (let n = 0; n < 5000; n++) {
    const bytes = Uint8Array.from(pick(bases));
    const mode = int(4);
    let input: Uint8Array = bytes;
    if (mode === 0) {
      for (let f = 0; f < 1 + int(4); f++) bytes[int(bytes.length)] ^= 1 << int(8);
      if (random() < 0.7) fixPngCrcs(bytes);
    } else if (mode === 1) {
      input = bytes.subarray(0, int(bytes.length));
    } else {
      // New IHDR fields and/or damaged scanlines (filter bytes, lengths), with valid CRCs and zlib.
      const ihdr = bytes.slice(16, 29);
      const view = new DataView(ihdr.buffer);
      if (random() < 0.5) view.setUint32(int(2) * 4, pick([0, 1, 2, 6, 7, 8, 11, 12, 1000, 2 ** 31 - 1, 2 ** 32 - 1]));
      if (random() < 0.4) ihdr[8 + int(5)] = pick([0, 1, 2, 3, 4, 6, 8, 16, 255]);
      const rows = Uint8Array.from({ length: int(400) }, () => (random() < 0.3 ? int(6) : int(256)));
      input = buildPng(ihdr, rows);
    }
    check(input, `png case ${n} (mode ${mode})`);
  }
});

test('fuzzing exercised both outcomes', () => {
  assert.ok(outcomes.read > 100, `${outcomes.read} inputs were read`);
  assert.ok(outcomes.rejected > 100, `${outcomes.rejected} inputs were rejected`);
  if (process.env.IO_FUZZ_VERBOSE) console.log(outcomes, [...messageKinds].sort((a, b) => b[1] - a[1]));
});
