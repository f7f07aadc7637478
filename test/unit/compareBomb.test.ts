/**
 * Issue #9 (the CLI side of "one pass"): `compare` on a .nii.gz whose gzip stream holds more than
 * its header declares (a bomb) used to fill the planned buffer, give up, and let the plain path
 * (readInputFile → gunzipSync) inflate the whole stream again — twice the time and twice the
 * memory (2.2 GB for a 1 GiB header with 2 GiB in the stream). Now the one pass's verdict is the
 * error, word for word the plain reader's, with no second inflate; when both files are bad the
 * prediction's fault is still the one named, as the plain path names it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { CompareOptions } from '../../src/core/analysis/compare';
import { InputError } from '../../src/core/analysis/inputs';
import { readInputFile } from '../../src/core/analysis/readInput';
import { DEFAULT_MAX_VOXELS } from '../../src/core/io/volume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { compareFiles } from '../../src/worker/streamCompare';
import { repoRoot } from './helpers/fixtures';
import { gzip, writeNifti } from './helpers/niftiWriter';

type Zlib = typeof import('node:zlib');
/** The zlib module object the bundle's code calls through (patched to count whole-stream inflates). */
const zlib = createRequire(__filename)('node:zlib') as Zlib;

const workerFile = join(repoRoot, 'dist', 'rangeWorker.js');
const dir = mkdtempSync(join(tmpdir(), 'mi-bomb-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MIB = 1 << 20;
const options: CompareOptions = { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none' };

/** A header declaring 1024×1024×`slices` uint8 and a stream of `streamMiB` MiB of zeros (1 MiB gzip members). */
function writeBomb(name: string, slices: number, streamMiB: number): string {
  const header = writeNifti({ shape: [1024, 1024, slices], dtype: 'uint8', writeVoxels: 0 });
  const first = zlib.gzipSync(Buffer.concat([header, Buffer.alloc(MIB)]), { level: 9 });
  const zeros = zlib.gzipSync(Buffer.alloc(MIB), { level: 9 });
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([first, ...Array.from({ length: streamMiB - 1 }, () => zeros)]));
  return path;
}

function writeLabel(name: string, slices: number): string {
  const path = join(dir, name);
  writeFileSync(path, gzip(writeNifti({ shape: [1024, 1024, slices], dtype: 'uint8', values: new Uint8Array(1024 * 1024 * slices) })));
  return path;
}

/** gunzipSync calls on the whole file of `bytes` bytes: the plain path's second inflate. */
function countWholeInflates(bytes: number): { readonly count: () => number; readonly restore: () => void } {
  const { gunzipSync } = zlib;
  let count = 0;
  const patched = zlib as { -readonly [K in keyof Zlib]: Zlib[K] };
  patched.gunzipSync = ((input: Uint8Array, opts?: import('node:zlib').ZlibOptions) => {
    if (input.length === bytes) count++;
    return gunzipSync(input, opts);
  }) as Zlib['gunzipSync'];
  return { count: () => count, restore: () => { patched.gunzipSync = gunzipSync; } };
}

function plainError(prediction: string, label: string): InputError {
  try {
    readInputFile(prediction, DEFAULT_MAX_VOXELS);
    readInputFile(label, DEFAULT_MAX_VOXELS);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('the plain reader accepted the pair');
}

test('a bomb as prediction or label: the plain reader\'s error, without inflating the stream a second time', async () => {
  const bomb = writeBomb('bomb.nii.gz', 8, 64);
  const label = writeLabel('label.nii.gz', 8);
  for (const [p, l] of [[bomb, label], [label, bomb]] as const) {
    const expected = plainError(p, l);
    assert.match(expected.message, /decompresses to more than/);
    for (const jobs of [1, 2]) {
      const counter = countWholeInflates(statSync(bomb).size);
      try {
        await assert.rejects(compareFiles(p, l, options, DEFAULT_MAX_VOXELS, jobs, workerFile),
          (error: unknown) => error instanceof InputError && error.file === expected.file && error.message === expected.message);
        assert.equal(counter.count(), 0, `jobs ${jobs}, bomb as ${p === bomb ? 'prediction' : 'label'}: no whole-stream gunzipSync`);
      } finally {
        counter.restore();
      }
    }
  }
});

test('both files bad (a missing prediction, a bomb as label): the prediction\'s fault is named, as before', async () => {
  const bomb = writeBomb('bomb-label.nii.gz', 4, 16);
  const missing = join(dir, 'missing.nii.gz');
  const expected = plainError(missing, bomb);
  assert.match(expected.message, /no such file/);
  await assert.rejects(compareFiles(missing, bomb, options, DEFAULT_MAX_VOXELS, 2, workerFile),
    (error: unknown) => error instanceof InputError && error.file === missing && error.message === expected.message);
});
