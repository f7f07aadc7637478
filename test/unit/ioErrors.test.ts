import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { readVolume, readVolumeFile } from '../../src/core/io/readVolume';
import { VolumeReadError } from '../../src/core/io/volume';
import type { ReadOptions } from '../../src/core/io/volume';
import { DATATYPE, gzip, writeNifti } from './helpers/niftiWriter';
import { FIXTURES_DIR, fixPngCrcs, pngBytes, pngChunks } from './helpers/ioTestUtils';

/** A name that must never show up in a message (callers print `error: <file>: <message>`). */
const NAME = 'SENTINEL_NAME_42.nii.gz';

function expectReadError(run: () => unknown, pattern: RegExp): string {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof VolumeReadError, `expected a VolumeReadError, got ${String(caught)}`);
  const message = caught.message;
  assert.match(message, pattern);
  assert.ok(!message.includes('SENTINEL_NAME_42'), `message names the file: ${message}`);
  assert.ok(!message.includes('\n'), `message is one line: ${message}`);
  assert.doesNotMatch(message, /\bat .+:\d+:\d+/, 'no stack trace');
  return message;
}

function read(bytes: Uint8Array, options?: ReadOptions): () => unknown {
  return () => readVolume(bytes, NAME, options);
}

const fixture = (name: string): Uint8Array => readFileSync(resolve(FIXTURES_DIR, 'files', name));

test('empty file', () => {
  expectReadError(read(new Uint8Array(0)), /file is empty/);
});

test('not NIfTI or PNG: says what it looks like and what was expected', () => {
  const text = new TextEncoder().encode('hello, this is a text file renamed .nii\n');
  const message = expectReadError(read(text), /neither NIfTI nor PNG: it looks like text \(starts with "hello, this/);
  assert.match(message, /NIfTI-1\/NIfTI-2 header .* PNG signature was expected/);
  expectReadError(read(new TextEncoder().encode('{"a": 1}')), /looks like JSON text/);
  expectReadError(read(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 0)), /looks like a JPEG image/);
  expectReadError(read(Uint8Array.of(0, 1, 2, 3, 250, 251)), /unrecognised binary data \(first bytes 00 01 02 03 fa fb\)/);
  expectReadError(read(new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\noid sha256:ab')), /git lfs pull/);
  expectReadError(read(gzip(new TextEncoder().encode('just text'))), /gzip-compressed, but the decompressed data is neither NIfTI nor PNG: it looks like text/);
  expectReadError(read(gzip(fixture('gray8.png'))), /gzip-compressed PNG/);
});

test('NIfTI look-alikes: ANALYZE 7.5, .hdr/.img pair, header cut short', () => {
  const analyze = writeNifti({ shape: [2, 2, 2], dtype: 'uint8', magic: '\0\0\0\0' });
  expectReadError(read(analyze), /ANALYZE 7\.5/);
  expectReadError(read(gzip(analyze)), /gzip-compressed, but the decompressed data has a 348-byte image header .*ANALYZE/);
  expectReadError(read(writeNifti({ version: 2, shape: [2], dtype: 'uint8', magic: 'n+3\0' })), /540-byte NIfTI-2-sized header without the magic/);
  expectReadError(read(writeNifti({ shape: [2, 2, 2], dtype: 'uint8', magic: 'ni1\0' })), /two-file NIfTI pair/);
  expectReadError(read(writeNifti({ shape: [2], dtype: 'uint8' }).subarray(0, 200)), /ends inside the NIfTI header \(200 of 348 bytes\)/);
  expectReadError(read(gzip(writeNifti({ version: 2, shape: [2], dtype: 'uint8' }).subarray(0, 300))), /ends inside the NIfTI header \(300 of 540 bytes\)/);
});

test('truncated and corrupt .nii.gz', () => {
  const whole = fixture('prob_f32.nii.gz');
  expectReadError(read(whole.subarray(0, Math.floor(whole.length / 2))), /gzip stream is truncated/);
  expectReadError(read(whole.subarray(0, whole.length - 4)), /gzip stream is truncated/);
  expectReadError(read(whole.subarray(0, 10)), /gzip stream is truncated \(only 10 bytes\)/);
  expectReadError(read(whole.subarray(0, 40)), /gzip stream is truncated \(it ends before/);
  const corrupt = Uint8Array.from(whole);
  for (let i = 200; i < 260; i++) corrupt[i] ^= 0x5a;
  expectReadError(read(corrupt), /gzip stream is (corrupt|truncated)/);
  const badCrc = Uint8Array.from(whole);
  badCrc[badCrc.length - 6] ^= 1;
  expectReadError(read(badCrc), /gzip stream is corrupt in the compressed data \(zlib: incorrect data check\)/);
});

test('header declares more data than the file holds', () => {
  const short = writeNifti({ shape: [10, 10, 10], dtype: 'float32', writeVoxels: 10 });
  expectReadError(read(short),
    /^header declares 1000 voxels of float32 \(4000 bytes after vox_offset 352\) but the file holds only 40; /);
  expectReadError(read(gzip(short)),
    /^header declares 1000 voxels of float32 \(4000 bytes after vox_offset 352\) but the decompressed file holds only 40; /);
  const farOffset = writeNifti({ shape: [4], dtype: 'uint8' });
  new DataView(farOffset.buffer).setFloat32(108, 1e6, true);
  expectReadError(read(farOffset), /4 voxels of uint8 \(4 bytes after vox_offset 1000000\) but the file holds only 0/);
});

test('voxel limit: a 30000³ header fails in milliseconds and says how to raise the limit', () => {
  for (const version of [1, 2] as const) {
    const header = writeNifti({ version, shape: [30000, 30000, 30000], dtype: 'uint8', writeVoxels: 8 });
    for (const input of [header, gzip(header)]) {
      const started = performance.now();
      const message = expectReadError(read(input), /27000000000000 voxels \(30000×30000×30000\), more than the limit of 1073741824/);
      assert.ok(performance.now() - started < 100, 'fails fast');
      assert.match(message, /maskInspector\.maxVoxels setting/);
      assert.match(message, /--max-voxels/);
    }
  }
  expectReadError(read(writeNifti({ shape: [20, 20, 20], dtype: 'uint8' }), { maxVoxels: 1000 }), /8000 voxels .* limit of 1000/);
  assert.equal(readVolume(writeNifti({ shape: [10, 10, 10], dtype: 'uint8' }), NAME, { maxVoxels: 1000 }).data.length, 1000);
  // Big-endian NIfTI-2 int64 sizes ≥ 2^31 (nifti-reader-js would read this one as negative).
  const huge = writeNifti({ version: 2, littleEndian: false, shape: [2 ** 31 + 5, 1, 1], dtype: 'uint8', writeVoxels: 1 });
  expectReadError(read(huge), /2147483653 voxels \(2147483653×1×1\), more than the limit/);
  expectReadError(read(pngBytes({ width: 50, height: 40, data: new Uint8Array(2000), channels: 1 }), { maxVoxels: 1999 }),
    /2000 pixels \(50×40\), more than the limit of 1999/);
  expectReadError(read(new Uint8Array(10), { maxVoxels: -1 }), /voxel limit must be a positive number/);
});

test('lying headers inside the limit and gzip bombs fail fast without inflating everything', () => {
  const lying = gzip(writeNifti({ shape: [1000, 1000, 1000], dtype: 'uint8', writeVoxels: 100 }));
  let started = performance.now();
  expectReadError(read(lying), /1000000000 voxels of uint8 .* but a \d+-byte gzip file can hold at most/);
  assert.ok(performance.now() - started < 100, 'fails fast');
  // Header says 8 voxels, the stream inflates to 16 MiB of zeros: capped, not inflated in full.
  const bombPayload = writeNifti({ shape: [2, 2, 2], dtype: 'uint8', trailingBytes: 16 << 20 });
  const bomb = zlib.gzipSync(bombPayload, { level: 9 });
  started = performance.now();
  expectReadError(read(bomb), /decompresses to more than the 360 B its NIfTI header accounts for; .*decompression bomb/);
  assert.ok(performance.now() - started < 1000, 'bounded work');
});

test('unsupported datatypes are named', () => {
  const withCode = (code: number): Uint8Array => writeNifti({ shape: [2, 2], dtype: 'uint8', datatypeCode: code });
  expectReadError(read(withCode(DATATYPE.int64)), /unsupported NIfTI datatype 1024 \(int64\); Mask Inspector reads uint8, int8, int16, uint16, int32, uint32, float32, float64 — /);
  expectReadError(read(withCode(DATATYPE.complex64)), /datatype 32 \(complex64\)/);
  expectReadError(read(withCode(DATATYPE.rgb24)), /datatype 128 \(rgb24\)/);
  expectReadError(read(withCode(DATATYPE.float128)), /datatype 1536 \(float128\)/);
  expectReadError(read(withCode(9999)), /datatype 9999 \(not a NIfTI datatype\)/);
});

test('negative, zero and nonsensical dimensions', () => {
  expectReadError(read(writeNifti({ shape: [4, -5, 3], dtype: 'uint8', writeVoxels: 0 })), /size of -5 along axis 2 \(dim = \[4, -5, 3\]\)/);
  expectReadError(read(writeNifti({ shape: [4, 0, 3], dtype: 'uint8' })), /size of 0 along axis 2/);
  expectReadError(read(writeNifti({ version: 2, shape: [4, 3, -1], dtype: 'uint8', writeVoxels: 0 })), /size of -1 along axis 3/);
  expectReadError(read(writeNifti({ shape: [2, 2], dim0: 0, dtype: 'uint8' })), /declares 0 dimensions \(dim\[0\]\)/);
  expectReadError(read(writeNifti({ shape: [2, 2], dim0: 9, dtype: 'uint8' })), /declares 9 dimensions/);
  expectReadError(read(writeNifti({ shape: [2, 2, 2, 2, 3], dtype: 'uint8' })), /5 dimensions \(2×2×2×2×3\)/);
});

test('damaged scaling and vox_offset fields', () => {
  expectReadError(read(writeNifti({ shape: [2], dtype: 'uint8', slope: 2, inter: NaN })), /scl_slope 2 but scl_inter NaN/);
  expectReadError(read(writeNifti({ shape: [2], dtype: 'uint8', voxOffset: NaN })), /vox_offset is NaN/);
});

test('PNG errors: truncated, corrupt, bad header, unsupported interlacing', () => {
  const png = fixture('gray8.png');
  expectReadError(read(png.subarray(0, png.length - 20)), /PNG is truncated/);
  const idat = pngChunks(png).find((c) => c.type === 'IDAT')!;
  const flipped = Uint8Array.from(png);
  flipped[idat.body + 5] ^= 0xff;
  expectReadError(read(flipped), /PNG (image data is corrupt|chunk is corrupt, its checksum does not match)/);
  const zeroWidth = Uint8Array.from(png);
  new DataView(zeroWidth.buffer).setUint32(16, 0);
  expectReadError(read(zeroWidth), /PNG declares a size of 0×12 pixels/);
  const badDepth = Uint8Array.from(png);
  badDepth[24] = 3;
  expectReadError(read(badDepth), /colour type 0 with bit depth 3/);
  const lowBit = pngBytes({ width: 9, height: 9, data: new Uint8Array(27), depth: 2, channels: 1 }, { interlace: 'Adam7' });
  expectReadError(read(lowBit), /interlaced \(Adam7\) PNGs with 2-bit samples are not supported/);
  // Image data that inflates short of what the header needs (IHDR height raised, CRCs fixed).
  const taller = Uint8Array.from(png);
  new DataView(taller.buffer).setUint32(20, 13);
  fixPngCrcs(taller);
  expectReadError(read(taller), /PNG image data (holds \d+ bytes but 7×13 pixels need \d+|is truncated)/);
  expectReadError(read(png.subarray(0, 8)), /PNG is truncated/);
});

test('readVolumeFile: file system errors name no path; files are opened read-only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'SENTINEL_NAME_42-'));
  try {
    expectReadError(() => readVolumeFile(join(dir, 'missing.nii')), /^file not found$/);
    expectReadError(() => readVolumeFile(dir), /directory/);
    const path = join(dir, 'text.nii');
    writeFileSync(path, 'not an image');
    expectReadError(() => readVolumeFile(path), /looks like text/);
    const big = join(dir, 'big.nii');
    writeFileSync(big, writeNifti({ shape: [30000, 30000, 30000], dtype: 'float32', writeVoxels: 1 }));
    expectReadError(() => readVolumeFile(big), /more than the limit/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
