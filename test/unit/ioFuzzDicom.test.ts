/**
 * Mutation fuzzing of the DICOM-SEG reader, by the rules of ioFuzz.test.ts: whatever the bytes,
 * readVolume returns a consistent Volume within the voxel limit or throws a one-line
 * VolumeReadError — never another error, never a hang. Seeded (IO_FUZZ_SEED).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { segOnPartnerGrid } from '../../src/core/io/dicomSegGrid';
import { readVolume, readVolumeFile } from '../../src/core/io/readVolume';
import { VolumeReadError, voxelCount } from '../../src/core/io/volume';
import { REPO_ROOT, seededRandom } from './helpers/ioTestUtils';

const SEED = Number(process.env.IO_FUZZ_SEED ?? 20240611);
const LIMIT = 1_000_000;
const DIR = resolve(REPO_ROOT, 'test/fixtures-formats');
const random = seededRandom(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
const outcomes = { read: 0, rejected: 0 };
const NIFTI = readVolumeFile(resolve(DIR, 'label.nii.gz'));

function check(bytes: Uint8Array, label: string): void {
  let volume;
  try {
    volume = readVolume(bytes, 'fuzz.dcm', { maxVoxels: LIMIT });
  } catch (error) {
    if (!(error instanceof VolumeReadError)) {
      assert.fail(`seed ${SEED}, ${label}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    assert.ok(error.message.length > 0 && !error.message.includes('\n'), `seed ${SEED}, ${label}: message "${error.message}"`);
    outcomes.rejected++;
    return;
  }
  const what = `seed ${SEED}, ${label}`;
  assert.ok(volume.data.length <= LIMIT, `${what}: ${volume.data.length} voxels over the limit`);
  assert.equal(volume.data.length, voxelCount(volume.dims), `${what}: data length matches dims`);
  assert.equal(volume.dims.length, 3, what);
  assert.ok(volume.affine.every(Number.isFinite), `${what}: affine ${volume.affine.join(',')}`);
  assert.ok(volume.spacing.every((s) => s > 0 && Number.isFinite(s)), `${what}: spacing ${volume.spacing.join(',')}`);
  // Placing it on the NIfTI label's grid either works or declines (null), never throws.
  const placed = segOnPartnerGrid(volume, NIFTI);
  if (placed) assert.equal(placed.data.length, voxelCount(NIFTI.dims), what);
  outcomes.read++;
}

const BASES = ['label.seg.dcm', 'label_implicit.seg.dcm', 'label_fractional.seg.dcm', 'label_rle.seg.dcm']
  .map((name) => Uint8Array.from(readFileSync(resolve(DIR, name))));
/** Replacements for DS/IS strings: degenerate, huge, negative, unparsable. */
const NUMBERS = ['0', '-1', 'nan', '1e308', '99999', '2.5\\0', '', '0\\0\\0\\0\\0\\0', '1\\0\\0\\1\\0\\0', '3'];

test('mutated DICOM-SEG files read or throw VolumeReadError', { timeout: 60_000 }, () => {
  for (let n = 0; n < 4000; n++) {
    const base = pick(BASES);
    const mode = int(5);
    let bytes: Uint8Array;
    if (mode === 0) {
      bytes = base.subarray(0, int(base.length));
    } else if (mode === 1) {
      bytes = Uint8Array.from(base);
      for (let f = 0; f < 1 + int(4); f++) bytes[int(bytes.length)] ^= 1 << int(8);
    } else if (mode === 2) {
      // Lengths, tags, counts: overwrite 16/32-bit words with boundary values.
      bytes = Uint8Array.from(base);
      const view = new DataView(bytes.buffer);
      for (let f = 0; f < 1 + int(3); f++) {
        const at = 132 + int(bytes.length - 136);
        if (random() < 0.5) view.setUint32(at, pick([0, 1, 7, 0xffff, 0xffffffff, 0xfffee000, 0xfffee00d, 0xfffee0dd, int(2 ** 32)]), true);
        else view.setUint16(at, pick([0, 1, 2, 0xffff, 0x8000, int(2 ** 16)]), true);
      }
    } else if (mode === 3) {
      // A decimal string (spacing, orientation, position, frame count) replaced in place, padded to its length.
      const text = Buffer.from(base).toString('latin1');
      const matches = [...text.matchAll(/(?:DS|IS)([\s\S]{2})([0-9.\\ -]+)/g)];
      if (matches.length === 0) continue;
      const m = pick(matches);
      const length = m[2]!.length;
      bytes = Uint8Array.from(base);
      bytes.set(Buffer.from(pick(NUMBERS).slice(0, length).padEnd(length, ' '), 'latin1'), m.index! + 4);
    } else {
      // A run of bytes removed from the middle (lengths then point past their values).
      const at = int(base.length);
      bytes = Buffer.concat([Buffer.from(base.subarray(0, at)), Buffer.from(base.subarray(at + 1 + int(40)))]);
    }
    check(bytes, `case ${n} (mode ${mode})`);
  }
  assert.ok(outcomes.read > 50 && outcomes.rejected > 500, `read ${outcomes.read}, rejected ${outcomes.rejected}`);
});
