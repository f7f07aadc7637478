/**
 * The CLI inflates the label on a range worker while its own thread inflates the prediction
 * (streamCompare.ts inflateOn → rangeWorker → inflateScan.ts inflateAndScan). Decoding that way
 * must give exactly what decoding on this thread gives — the same Volume, the same scans, the
 * same error for a damaged file — and a worker that fails must only mean inflating here.
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { VolumeValues } from '../../src/core/analysis/valueScan';
import type { Volume } from '../../src/core/io/volume';
import { decodeIntoShared, type InflateElsewhere } from '../../src/worker/decodeFiles';
import { inflateOn } from '../../src/worker/streamCompare';
import { repoRoot } from './helpers/fixtures';
import { seededRandom } from './helpers/ioTestUtils';
import { gzip, writeNifti, type WriterDtype } from './helpers/niftiWriter';

const worker = new Worker(join(repoRoot, 'dist', 'rangeWorker.js'));
after(() => worker.terminate());

type Outcome = { volume: Volume; values: VolumeValues | null } | { error: string };

async function decode(bytes: Uint8Array, name: string, inflateElsewhere?: InflateElsewhere): Promise<Outcome> {
  try {
    return await decodeIntoShared(bytes, name, { maxVoxels: 1e9, scan: true, ...(inflateElsewhere ? { inflateElsewhere } : {}) });
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

function comparable(outcome: Outcome): unknown {
  if ('error' in outcome) return outcome;
  const { data, ...meta } = outcome.volume;
  return { meta, type: data.constructor.name, shared: data.buffer instanceof SharedArrayBuffer, voxels: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'), values: outcome.values };
}

const shape = [64, 48, 37];
const n = shape[0]! * shape[1]! * shape[2]!;
const random = seededRandom(3);
const probabilities = Array.from({ length: n }, () => random());
const labels = Array.from({ length: n }, (_, i) => (Math.floor(i / 5000) % 4) * (i % 3 === 0 ? 1 : 0));

const files: [string, Uint8Array][] = [];
for (const dtype of ['uint8', 'int8', 'int16', 'uint16', 'int32', 'float32', 'float64'] as WriterDtype[]) {
  files.push([`${dtype}.nii.gz`, gzip(writeNifti({ shape, dtype, values: dtype.startsWith('float') ? probabilities : labels }))]);
}
const withNaN = probabilities.slice();
withNaN[70_000] = NaN;
withNaN[70_001] = NaN;
files.push(['float32 with NaN.nii.gz', gzip(writeNifti({ shape, dtype: 'float32', values: withNaN }))]);
files.push(['int16 big-endian.nii.gz', gzip(writeNifti({ shape, dtype: 'int16', values: labels, littleEndian: false }))]);
files.push(['uint8 slope.nii.gz', gzip(writeNifti({ shape, dtype: 'uint8', values: labels, slope: 0.5 }))]);
const good = files[0]![1];
files.push(['truncated.nii.gz', good.subarray(0, Math.floor(good.length / 2))]);
files.push(['corrupt (CRC).nii.gz', (() => { const b = Uint8Array.from(good); b[Math.floor(b.length * 0.6)]! ^= 0x55; return b; })()]);
files.push(['data after the stream.nii.gz', Buffer.concat([good, gzip(new Uint8Array(100).fill(1))])]);

test('inflating on a range worker gives exactly the volume, scan and error of inflating here', async () => {
  let scannedThere = 0;
  const onWorker = inflateOn(worker);
  const counting: InflateElsewhere = async (gz, buffer, span, trailing) => {
    const result = await onWorker(gz, buffer, span, trailing);
    if (result.values !== null) scannedThere++;
    return result;
  };
  for (const [name, bytes] of files) {
    const here = await decode(bytes, name);
    const there = await decode(bytes, name, counting);
    assert.deepEqual(comparable(there), comparable(here), name);
  }
  // Every file but the big-endian, the scaled and the three damaged ones is scanned on the worker.
  assert.equal(scannedThere, files.length - 5, 'the worker inflated and scanned the files it could');
  const label = await decode(files[0]![1], 'uint8.nii.gz');
  assert.ok(!('error' in label), 'the uint8 file reads');
  assert.deepEqual(label.values?.distinct, [0, 1, 2, 3], 'the scan found the labels');
});

test('a worker that fails leaves the file to be inflated here, with the same result', async () => {
  const failing: InflateElsewhere = () => Promise.reject(new Error('the worker thread exited'));
  for (const [name, bytes] of files) assert.deepEqual(comparable(await decode(bytes, name, failing)), comparable(await decode(bytes, name)), name);
});
