import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { isMaskFileName, readVolume, readVolumeFile } from '../../src/core/io/readVolume';
import type { Volume } from '../../src/core/io/volume';
import { gzip, writeNifti } from './helpers/niftiWriter';
import type { WriterDtype } from './helpers/niftiWriter';
import { FIXTURES_DIR, packRows, pngBytes, stats, voxel } from './helpers/ioTestUtils';

interface FixtureEntry {
  readonly file: string;
  readonly shape?: number[];
  readonly datatype?: string;
  readonly spacing?: number[];
  readonly affine?: number[][];
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  readonly voxels?: Record<string, number>;
  readonly width?: number;
  readonly height?: number;
  readonly bitDepth?: number;
  readonly pixels?: Record<string, number>;
}

const fixtures: FixtureEntry[] = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'files.json'), 'utf8')).files;

function assertSum(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: sum ${actual} ≠ ${expected}`);
}

for (const entry of fixtures) {
  test(`fixture ${entry.file} reads as nibabel / the raw samples say`, () => {
    const path = resolve(FIXTURES_DIR, entry.file);
    const volume = readVolumeFile(path);
    assert.deepEqual(volume, readVolume(readFileSync(path), path), 'readVolumeFile ≡ readVolume');
    const s = stats(volume);
    if (entry.width !== undefined) {
      assert.deepEqual(volume.dims, [entry.width, entry.height, 1]);
      assert.equal(volume.format, 'png');
      assert.equal(volume.bitDepth, entry.bitDepth);
      assert.equal(volume.sourceDtype, entry.bitDepth === 16 ? 'uint16' : 'uint8');
      assert.deepEqual(volume.spacing, [1, 1, 1]);
      for (const [key, expected] of Object.entries(entry.pixels ?? {})) {
        const [, x, y] = /x=(\d+),y=(\d+)/.exec(key)!.map(Number);
        assert.equal(voxel(volume, x!, y!, 0), expected, `pixel ${key}`);
      }
    } else {
      assert.deepEqual(volume.dims, entry.shape);
      // files.json uses numpy names; '>i2' is big-endian int16.
      if (entry.datatype) assert.equal(volume.sourceDtype, entry.datatype === '>i2' ? 'int16' : entry.datatype);
      if (entry.spacing) assert.deepEqual(volume.spacing, entry.spacing);
      if (entry.affine) assert.deepEqual(volume.affine, entry.affine.flat());
      for (const [key, expected] of Object.entries(entry.voxels ?? {})) {
        const [i, j, k] = key.split(',').map(Number);
        assert.equal(voxel(volume, i!, j!, k!), expected, `voxel ${key}`);
      }
      if (entry.min !== undefined) assert.equal(s.min, entry.min);
      if (entry.max !== undefined) assert.equal(s.max, entry.max);
    }
    if (entry.sum !== undefined) assertSum(s.sum, entry.sum, entry.file);
  });
}

test('fixture details: NIfTI-2 format, big-endian int16, slope makes float64', () => {
  const read = (name: string): Volume => readVolumeFile(resolve(FIXTURES_DIR, 'files', name));
  assert.equal(read('logits_f32_nifti2.nii.gz').format, 'nifti2');
  const be = read('labels_i16_be.nii');
  assert.ok(be.data instanceof Int16Array);
  assert.equal(be.sourceDtype, 'int16');
  const slope = read('prob_u8_slope.nii.gz');
  assert.ok(slope.data instanceof Float64Array);
  assert.equal(slope.scaled, true);
  assert.equal(slope.sourceDtype, 'uint8');
  const softmax = read('softmax_4d_f32.nii.gz');
  assert.deepEqual(softmax.dims, [9, 8, 5, 3]);
  for (let v = 0; v < 9 * 8 * 5; v += 7) {
    const total = [0, 1, 2].reduce((acc, c) => acc + softmax.data[v + c * 360]!, 0);
    assert.ok(Math.abs(total - 1) < 1e-5, `channels sum to 1 at voxel ${v}`);
  }
});

const DTYPE_SAMPLES: Record<WriterDtype, number[]> = {
  uint8: [0, 1, 127, 128, 255, 7],
  int8: [-128, -1, 0, 1, 127, 42],
  int16: [-32768, -2, 0, 3, 32767, 1000],
  uint16: [0, 1, 65535, 256, 32768, 9],
  int32: [-2147483648, -5, 0, 5, 2147483647, 123456],
  uint32: [0, 1, 4294967295, 2147483648, 65536, 77],
  float32: [-1.5, 0, Math.fround(0.1), Math.fround(3e38), -Math.fround(1e-30), 1],
  float64: [-1.5, 0, 0.1, 1e300, -1e-300, Math.PI],
};

for (const dtype of Object.keys(DTYPE_SAMPLES) as WriterDtype[]) {
  for (const version of [1, 2] as const) {
    for (const littleEndian of [true, false]) {
      test(`NIfTI-${version} ${dtype} ${littleEndian ? 'little' : 'big'}-endian, raw and gzipped`, () => {
        const values = DTYPE_SAMPLES[dtype];
        const bytes = writeNifti({ version, littleEndian, shape: [3, 2, 1], dtype, values });
        for (const input of [bytes, gzip(bytes)]) {
          const volume = readVolume(input, 'x.nii');
          assert.equal(volume.sourceDtype, dtype);
          assert.equal(volume.format, version === 1 ? 'nifti1' : 'nifti2');
          assert.deepEqual(volume.dims, [3, 2, 1]);
          assert.deepEqual(Array.from(volume.data), values);
          assert.equal(volume.scaled, false);
        }
      });
    }
  }
}

test('large little-endian aligned data is a zero-copy view; small, misaligned and big-endian data are copies', () => {
  const large = Array.from({ length: 20_000 }, (_, i) => i / 8);
  const alignedLarge = writeNifti({ shape: [100, 200], dtype: 'float32', values: large });
  const view = readVolume(alignedLarge, 'a.nii').data;
  assert.equal(view.buffer, alignedLarge.buffer);
  assert.equal(view.byteOffset, 352);
  assert.deepEqual(Array.from(view), large);
  const values = [1.25, -2.5, 3.75, 4, 5, 6];
  const aligned = writeNifti({ shape: [6], dtype: 'float32', values });
  const small = readVolume(aligned, 'a.nii').data;
  assert.notEqual(small.buffer, aligned.buffer, 'small data gets its own buffer');
  assert.equal(small.buffer.byteLength, 24);
  const misaligned = writeNifti({ shape: [6], dtype: 'float32', values, voxOffset: 353 });
  const volume = readVolume(misaligned, 'm.nii');
  assert.notEqual(volume.data.buffer, misaligned.buffer);
  assert.deepEqual(Array.from(volume.data), values);
  const f64 = writeNifti({ shape: [6], dtype: 'float64', values, voxOffset: 356 });
  assert.deepEqual(Array.from(readVolume(f64, 'm.nii').data), values);
  // A view of a larger buffer at an odd byteOffset: alignment is about the absolute offset.
  const shifted = new Uint8Array(aligned.length + 1);
  shifted.set(aligned, 1);
  assert.deepEqual(Array.from(readVolume(shifted.subarray(1), 's.nii').data), values);
  const big = writeNifti({ shape: [6], dtype: 'float64', values, littleEndian: false });
  const before = Uint8Array.from(big);
  assert.deepEqual(Array.from(readVolume(big, 'b.nii').data), values);
  assert.deepEqual(big, before, 'the input bytes are left untouched');
});

test('shapes: 1D and 2D pad to 3D, a 1-channel 4D is 3D, 5D with trailing 1s is accepted', () => {
  const shapeOf = (shape: number[]): readonly number[] => readVolume(writeNifti({ shape, dtype: 'uint8' }), 'x').dims;
  assert.deepEqual(shapeOf([7]), [7, 1, 1]);
  assert.deepEqual(shapeOf([4, 3]), [4, 3, 1]);
  assert.deepEqual(shapeOf([4, 3, 2, 1]), [4, 3, 2]);
  assert.deepEqual(shapeOf([4, 3, 2, 2]), [4, 3, 2, 2]);
  assert.deepEqual(shapeOf([4, 3, 2, 2, 1, 1]), [4, 3, 2, 2]);
  assert.deepEqual(shapeOf([4, 3, 1, 1, 1]), [4, 3, 1]);
  const twoD = readVolume(writeNifti({ shape: [4, 3], dtype: 'int16', values: [...Array(12).keys()] }), 'x');
  assert.equal(voxel(twoD, 3, 2, 0), 11);
});

test('scl_slope / scl_inter: applied in float64 unless slope is 0, NaN or (1, 0)', () => {
  const values = [0, 1, 2, 255];
  const read = (slope: number, inter: number, version: 1 | 2 = 1): Volume =>
    readVolume(writeNifti({ version, shape: [4], dtype: 'uint8', values, slope, inter }), 'x');
  const scaled = read(2, -1);
  assert.ok(scaled.data instanceof Float64Array);
  assert.equal(scaled.scaled, true);
  assert.deepEqual(Array.from(scaled.data), [-1, 1, 3, 509]);
  const f32Slope = read(1 / 255, 0);
  assert.equal(f32Slope.data[3], 255 * Math.fround(1 / 255));
  assert.equal(f32Slope.data[3], 1.0000000591389835);
  assert.deepEqual(Array.from(read(1 / 255, 0, 2).data), values.map((v) => v * (1 / 255)));
  assert.deepEqual(Array.from(read(1, 0.5).data), [0.5, 1.5, 2.5, 255.5]);
  for (const [slope, inter] of [[0, 5], [NaN, 5], [Infinity, 0], [1, 0]] as const) {
    const plain = read(slope, inter);
    assert.equal(plain.scaled, false, `slope ${slope} inter ${inter}`);
    assert.ok(plain.data instanceof Uint8Array);
    assert.deepEqual(Array.from(plain.data), values);
  }
});

test('spacing is |pixdim[1..3]| with 0 read as 1', () => {
  const v = readVolume(writeNifti({ shape: [2, 2, 2], dtype: 'uint8', pixdim: [1, -0.5, 0, 2.5], sformCode: 0 }), 'x');
  assert.deepEqual(v.spacing, [0.5, 1, 2.5]);
  assert.deepEqual(v.affine, [0.5, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2.5, 0, 0, 0, 0, 1], 'no sform/qform → diag(spacing)');
});

test('affine: sform wins whenever sform_code > 0, else the qform quaternion', () => {
  const srow = [0, -2, 0, 10, 3, 0, 0, -20, 0, 0, 4, 30];
  for (const version of [1, 2] as const) {
    const bySform = readVolume(writeNifti({ version, shape: [2, 2, 2], dtype: 'uint8', srow, sformCode: 1, qformCode: 2 }), 'x');
    assert.deepEqual(bySform.affine, [...srow, 0, 0, 0, 1], `NIfTI-${version}: sform even when qform_code is higher`);
    // 180° about z: (b, c, d) = (0, 0, 1), a = 0; qfac −1 flips the third column.
    const byQform = readVolume(writeNifti({
      version, shape: [2, 2, 2], dtype: 'uint8', sformCode: 0, qformCode: 1, srow,
      pixdim: [-1, 2, 3, 4], quaternion: [0, 0, 1], qoffset: [5, -6, 7],
    }), 'x');
    assert.deepEqual(byQform.affine, [-2, 0, 0, 5, 0, -3, 0, -6, 0, 0, -4, 7, 0, 0, 0, 1]);
    // 90° about z: (0, 0, sin 45°) — compare with a tolerance (float32 quaternion, nibabel long double).
    const s = Math.SQRT1_2;
    const rotated = readVolume(writeNifti({
      version, shape: [2, 2, 2], dtype: 'uint8', sformCode: 0, qformCode: 1, quaternion: [0, 0, s], pixdim: [1, 1, 2, 3],
    }), 'x');
    const expected = [0, -2, 0, 0, 1, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1];
    rotated.affine.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `affine[${i}] ${v} ≈ ${expected[i]}`));
  }
});

test('gzip: multi-member streams, trailing data, optional header fields, and content over file name', () => {
  const bytes = writeNifti({ shape: [5, 4, 3], dtype: 'int16', values: [...Array(60).keys()].map((i) => i - 30) });
  const expected = Array.from(readVolume(bytes, 'x').data);
  const twoMembers = Buffer.concat([zlib.gzipSync(bytes.subarray(0, 400)), zlib.gzipSync(bytes.subarray(400))]);
  assert.deepEqual(Array.from(readVolume(twoMembers, 'x.nii.gz').data), expected);
  const withTrailing = writeNifti({ shape: [5, 4, 3], dtype: 'int16', values: expected, trailingBytes: 1000 });
  assert.deepEqual(Array.from(readVolume(gzip(withTrailing), 'x.nii.gz').data), expected);
  // A gzip header with FNAME and FCOMMENT, as `gzip -N` and some exporters write it.
  const deflated = zlib.deflateRawSync(bytes);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(zlib.crc32(bytes), 0);
  trailer.writeUInt32LE(bytes.length, 4);
  const header = Buffer.from([0x1f, 0x8b, 8, 0x18, 0, 0, 0, 0, 0, 3]);
  const named = Buffer.concat([header, Buffer.from('image.nii\0a comment\0', 'latin1'), deflated, trailer]);
  assert.deepEqual(Array.from(readVolume(named, 'x.nii.gz').data), expected);
  // Names do not decide the format: an uncompressed file named .nii.gz, a NIfTI named .png.
  assert.deepEqual(Array.from(readVolume(bytes, 'x.nii.gz').data), expected);
  assert.equal(readVolume(gzip(bytes), 'x.png').format, 'nifti1');
});

test('isMaskFileName accepts NIfTI, PNG, NRRD, MetaImage and NumPy names in any case, nothing else', () => {
  for (const name of ['a.nii', 'A.NII', 'b.nii.gz', 'c.Nii.Gz', 'd.png', 'dir/e.PNG', 'x.y.nii', 'a.nrrd', 'a.seg.nrrd', 'a.NHDR', 'a.mha', 'a.mhd', 'a.npy', 'a.npz']) {
    assert.equal(isMaskFileName(name), true, name);
  }
  for (const name of ['a.gz', 'a.nii.bak', 'a.hdr', 'a.img', 'png', 'a.jpg', 'a.nii.gz.txt', 'a.raw', 'a.zraw', '']) {
    assert.equal(isMaskFileName(name), false, name);
  }
});

test('PNG colour types: gray, gray+alpha, RGB, RGBA take the first channel; 8 and 16 bit; Adam7', () => {
  const width = 5;
  const height = 3;
  const first = [...Array(width * height).keys()].map((i) => (i * 37) % 251);
  for (const depth of [8, 16] as const) {
    const scale = depth === 16 ? 257 : 1;
    for (const channels of [1, 2, 3, 4]) {
      const data = depth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
      first.forEach((v, p) => {
        for (let c = 0; c < channels; c++) data[p * channels + c] = c === 0 ? v * scale : (200 + c) * scale;
      });
      for (const interlace of ['null', 'Adam7'] as const) {
        const volume = readVolume(pngBytes({ width, height, data, depth, channels }, { interlace }), 'x.png');
        const what = `${channels} channel(s), ${depth} bit, ${interlace}`;
        assert.deepEqual(volume.dims, [width, height, 1], what);
        assert.equal(volume.bitDepth, depth, what);
        assert.equal(volume.sourceDtype, depth === 16 ? 'uint16' : 'uint8', what);
        assert.ok(depth === 16 ? volume.data instanceof Uint16Array : volume.data instanceof Uint8Array, what);
        assert.equal(volume.pngColorType, ['gray', 'gray-alpha', 'rgb', 'rgba'][channels - 1], what);
        assert.deepEqual(Array.from(volume.data), first.map((v) => v * scale), what);
        assert.equal(voxel(volume, 4, 2, 0), first[14]! * scale, 'x is the column, y the row');
      }
    }
  }
});

test('PNG palette images give the palette index; 1/2/4-bit gray and palette are unpacked', () => {
  const width = 7;
  const height = 3;
  const palette = [[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [9, 9, 9]];
  const indices = [...Array(width * height).keys()].map((i) => i % palette.length);
  const eightBit = readVolume(pngBytes({ width, height, data: Uint8Array.from(indices), depth: 8, channels: 1, palette }), 'p.png');
  assert.equal(eightBit.pngColorType, 'palette');
  assert.deepEqual(Array.from(eightBit.data), indices);
  for (const depth of [1, 2, 4] as const) {
    const values = [...Array(width * height).keys()].map((i) => (i * 5) % (1 << depth));
    const data = packRows(values, width, height, depth);
    const gray = readVolume(pngBytes({ width, height, data, depth, channels: 1 }), 'g.png');
    assert.equal(gray.bitDepth, depth);
    assert.equal(gray.sourceDtype, 'uint8');
    assert.deepEqual(Array.from(gray.data), values, `${depth}-bit gray`);
    const paletted = readVolume(pngBytes({ width, height, data, depth, channels: 1, palette: palette.slice(0, 1 << depth) }), 'p.png');
    assert.equal(paletted.pngColorType, 'palette');
    assert.deepEqual(Array.from(paletted.data), values, `${depth}-bit palette`);
  }
});
