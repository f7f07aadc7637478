/**
 * Mutation fuzzing of the NRRD, MetaImage, .npy and .npz readers, by the rules of ioFuzz.test.ts:
 * whatever the bytes, readVolume returns a consistent Volume within the voxel limit or throws a
 * one-line VolumeReadError — never another error, never a hang. Seeded (IO_FUZZ_SEED).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { readVolume } from '../../src/core/io/readVolume';
import { VolumeReadError, voxelCount } from '../../src/core/io/volume';
import { REPO_ROOT, seededRandom } from './helpers/ioTestUtils';

const SEED = Number(process.env.IO_FUZZ_SEED ?? 20240611);
const LIMIT = 1_000_000;
const DIR = resolve(REPO_ROOT, 'test/fixtures-formats');
const outcomes = { read: 0, rejected: 0 };
const random = seededRandom(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
const DATA_FILE = readFileSync(resolve(DIR, 'label_detached.raw'));

function check(bytes: Uint8Array, label: string): void {
  let volume;
  try {
    volume = readVolume(bytes, 'fuzz', { maxVoxels: LIMIT, readDataFile: () => Uint8Array.from(DATA_FILE.subarray(0, int(DATA_FILE.length + 50))) });
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
  assert.ok(volume.dims.length === 3 || volume.dims.length === 4, `${what}: dims ${volume.dims.join('×')}`);
  assert.equal(volume.affine.length, 16, what);
  assert.ok(volume.affine.every(Number.isFinite), `${what}: affine ${volume.affine.join(',')}`);
  assert.ok(volume.spacing.every((s) => s > 0 && Number.isFinite(s)), `${what}: spacing ${volume.spacing.join(',')}`);
  outcomes.read++;
}

const file = (name: string) => Uint8Array.from(readFileSync(resolve(DIR, name)));
const TEXT_BASES = ['label.nrrd', 'pred_be.nrrd', 'label.seg.nrrd', 'label_layers.seg.nrrd', 'label_detached.nhdr', 'label.mha', 'pred.mha',
  'pred_zlib.mha', 'label_mhd.mhd'].map(file);
const VALUES = ['', '-1', '0', '1', '2', '3', '4', '5', '7', '1e9', '4294967296', 'NaN', 'nan', 'inf', '-0', '1.5', 'x', '(1,0,0)',
  '(nan,0,0) (0,1,0) (0,0,1)', 'none (1,0,0) (0,1,0) (0,0,1)', '(1,0) (0,1)', 'gzip', 'raw', 'bzip2', 'ascii', 'hex', 'big', 'little',
  'LOCAL', 'LIST', 'x%d 1 3 1', '../secret', '/etc/passwd', 'True', 'False', 'MET_UCHAR', 'MET_DOUBLE', 'MET_LONG_LONG', 'MET_OTHER',
  'unsigned char', 'double', 'int64', 'block', '7 6 5', '7 6 5 2', '1000 1000 1000', '0 6 5', '2 7 6 5', 'list domain domain domain',
  '1 0 0 0 1 0 0 0 1', '0.8 0.9', 'right-anterior-superior', 'left-anterior-superior', 'scanner-xyz'];

/** Text headers: change a field's value, drop or duplicate a line, flip bytes, truncate. */
function mutateText(base: Uint8Array): Uint8Array {
  const text = Buffer.from(base).toString('latin1');
  const split = text.search(/\n\n|ElementDataFile[^\n]*\n/);
  const headerEnd = split < 0 ? text.length : text.indexOf('\n', split + 1) + 1;
  let lines = text.slice(0, headerEnd).split('\n');
  const body = base.subarray(headerEnd);
  for (let e = 0; e < 1 + int(3); e++) {
    const i = 1 + int(Math.max(1, lines.length - 2));
    const mode = int(4);
    const line = lines[i] ?? '';
    const sep = line.includes(':=') ? ':=' : line.includes(': ') ? ': ' : ' = ';
    if (mode <= 1 && line.includes(sep)) lines[i] = `${line.slice(0, line.indexOf(sep))}${sep}${pick(VALUES)}`;
    else if (mode === 2) lines = lines.filter((_, n) => n !== i);
    else lines.splice(i, 0, line);
  }
  let bytes = Buffer.concat([Buffer.from(lines.join('\n'), 'latin1'), body]);
  if (random() < 0.2) bytes = Buffer.from(bytes.subarray(0, int(bytes.length)));
  if (random() < 0.2) for (let f = 0; f < 1 + int(3); f++) bytes[int(bytes.length)] ^= 1 << int(8);
  return Uint8Array.from(bytes);
}

test('mutated NRRD and MetaImage headers read or throw VolumeReadError', { timeout: 30_000 }, () => {
  for (let n = 0; n < 4000; n++) check(mutateText(pick(TEXT_BASES)), `text case ${n}`);
});

const NPY_BASES = ['label_c.npy', 'label_f.npy', 'pred_c.npy', 'pred_f_be.npy'].map(file);
const NPY_VALUES = ["'descr': '<f8'", "'descr': '|b1'", "'descr': '<c8'", "'descr': [('a', '<f4')]", "'descr': '>i8'", "'descr': '<f2'",
  "'fortran_order': True", "'fortran_order': False", "'shape': ()", "'shape': (7,)", "'shape': (7, 6, 5, 1)", "'shape': (0, 6, 5)",
  "'shape': (7, 6, 5, 2)", "'shape': (100000, 100000, 5)", "'shape': (-7, 6, 5)", "'shape': (7, 6)", "'shape': (7L, 6, 5)"];

test('mutated .npy and .npz files read or throw VolumeReadError', { timeout: 30_000 }, () => {
  for (let n = 0; n < 3000; n++) {
    const base = Buffer.from(pick(NPY_BASES));
    let bytes: Buffer;
    const mode = int(4);
    if (mode <= 1) {
      const text = base.toString('latin1');
      const swap = pick(NPY_VALUES);
      const key = swap.slice(0, swap.indexOf(':'));
      const re = new RegExp(`${key}:\\s*(\\([^)]*\\)|'[^']*'|True|False)`);
      bytes = Buffer.from(text.replace(re, swap), 'latin1');
    } else if (mode === 2) {
      bytes = Buffer.from(base);
      for (let f = 0; f < 1 + int(3); f++) bytes[int(Math.min(bytes.length, 140))] ^= 1 << int(8);
    } else {
      bytes = base.subarray(0, int(base.length));
    }
    check(bytes, `npy case ${n} (mode ${mode})`);
    if (n % 3 === 0) check(zipOf(bytes, random() < 0.5), `npz case ${n}`);
  }
  const npz = [file('label_deflated.npz'), file('pred_stored.npz')];
  for (let n = 0; n < 2000; n++) {
    const bytes = Uint8Array.from(pick(npz));
    if (random() < 0.3) check(bytes.subarray(0, int(bytes.length)), `npz cut ${n}`);
    const view = new DataView(bytes.buffer);
    for (let f = 0; f < 1 + int(3); f++) {
      const at = int(bytes.length - 4);
      if (random() < 0.5) bytes[at] ^= 1 << int(8);
      else view.setUint32(at, pick([0, 1, 0xffff, 0xffffffff, 2 ** 31, int(2 ** 32)]), true);
    }
    check(bytes, `npz case ${n}`);
  }
});

/** A one-member zip (stored or deflated) around `member`, as numpy.savez writes it. */
function zipOf(member: Uint8Array, deflate: boolean): Uint8Array {
  const name = Buffer.from('arr_0.npy');
  const data = deflate ? zlib.deflateRawSync(member) : Buffer.from(member);
  const crc = zlib.crc32(member);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(deflate ? 8 : 0, 8);
  local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(member.length, 22); local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(deflate ? 8 : 0, 10);
  central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20); central.writeUInt32LE(member.length, 24); central.writeUInt16LE(name.length, 28);
  const dirOffset = 30 + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12); end.writeUInt32LE(dirOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

test('format fuzzing exercised both outcomes', () => {
  if (process.env.IO_FUZZ_VERBOSE) console.log(outcomes);
  assert.ok(outcomes.read > 100, `${outcomes.read} inputs were read`);
  assert.ok(outcomes.rejected > 100, `${outcomes.rejected} inputs were rejected`);
});
