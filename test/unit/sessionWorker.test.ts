/**
 * The session worker (dist/worker.js) in a real worker_thread, driven through the same client the
 * extension host uses: its losses must equal comparePair's, its slices gatherSlice's, and every
 * failure must name the file and leave the open pair usable.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { comparePair } from '../../src/core/analysis/compare';
import { preparePair } from '../../src/core/analysis/inputs';
import type { Axis, CompareResult } from '../../src/core/analysis/result';
import { gatherSlice, sliceGeometry } from '../../src/core/analysis/slicing';
import { readVolume } from '../../src/core/io/readVolume';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { isDisposedError } from '../../src/editor/dispose';
import { SessionError, SessionWorkerClient, type OpenOptions } from '../../src/editor/sessionWorkerClient';
import type { FilePayload, LossesReply } from '../../src/worker/sessionMessages';
import { FIXTURES_DIR, REPO_ROOT } from './helpers/ioTestUtils';
import { gzip, writeNifti } from './helpers/niftiWriter';

const WORKER = resolve(REPO_ROOT, 'dist/worker.js');
const AXES: readonly Axis[] = ['k', 'j', 'i'];

function payload(file: string): FilePayload {
  const bytes = readFileSync(resolve(FIXTURES_DIR, 'files', file));
  // An exact, unshared ArrayBuffer: Node's small-file Buffers are slices of a shared pool.
  return { name: file, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}

function volume(file: string) {
  return readVolume(readFileSync(resolve(FIXTURES_DIR, 'files', file)), file);
}

function options(prediction: string, label: string | null, jobs = 2): OpenOptions {
  return {
    prediction: payload(prediction), label: label === null ? null : payload(label), underlay: null,
    kind: 'auto', maxVoxels: 1e9, params: DEFAULT_LOSS_PARAMS, jobs, precomputeAxis: 'k',
  };
}

/** Same rows, same numbers (relative 1e-12: ranges merged across threads may round differently). */
function assertSameLosses(actual: LossesReply, expected: CompareResult): void {
  const close = (a: unknown, b: unknown, path: string): void => {
    if (typeof a === 'number' && typeof b === 'number') {
      assert.ok(a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${path}: ${a} ≠ ${b}`);
    } else if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
      assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${path}: keys`);
      for (const k of Object.keys(b)) close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    } else {
      assert.equal(a, b, path);
    }
  };
  close(actual.labels, expected.labels, 'labels');
  close(actual.multiclass, expected.multiclass ?? null, 'multiclass');
}

test('the worker bundle exists (npm run build)', () => {
  assert.ok(existsSync(WORKER), `${WORKER} is missing: run npm run build`);
});

for (const jobs of [1, 2]) {
  test(`losses equal comparePair on every axis (prob_f32 vs labels_u8, ${jobs} job${jobs > 1 ? 's' : ''})`, async () => {
    const client = new SessionWorkerClient(WORKER);
    try {
      const pair = await client.open(options('prob_f32.nii.gz', 'labels_u8.nii.gz', jobs));
      assert.deepEqual(pair.shape, [9, 8, 5]);
      assert.equal(pair.predictionKind, 'probability');
      assert.equal(pair.labelName, 'labels_u8.nii.gz');
      for (const axis of AXES) {
        const expected = comparePair(volume('prob_f32.nii.gz'), volume('labels_u8.nii.gz'), { kind: 'auto', axis, params: DEFAULT_LOSS_PARAMS, metrics: 'none' });
        const reply = await client.losses(axis);
        assert.equal(reply.axis, axis);
        assert.equal(reply.generation, pair.generation);
        assert.deepEqual(pair.labels, expected.labels.map((l) => l.label));
        assertSameLosses(reply, expected);
      }
    } finally {
      client.dispose();
    }
  });
}

test('multi-label prediction: per-label rows and the Lovasz-Softmax equal comparePair', async () => {
  const client = new SessionWorkerClient(WORKER);
  try {
    await client.open(options('labels_u16.nii.gz', 'labels_u8.nii.gz'));
    const expected = comparePair(volume('labels_u16.nii.gz'), volume('labels_u8.nii.gz'), { kind: 'auto', axis: 'j', params: DEFAULT_LOSS_PARAMS, metrics: 'none' });
    assertSameLosses(await client.losses('j'), expected);
  } finally {
    client.dispose();
  }
});

test('slice bytes equal gatherSlice: Float32 prediction, label in the smallest type that holds it, exact-size buffers', async () => {
  const client = new SessionWorkerClient(WORKER);
  try {
    await client.open(options('prob_f32.nii.gz', 'labels_u8.nii.gz'));
    const pair = preparePair(volume('prob_f32.nii.gz'), volume('labels_u8.nii.gz'), 'auto');
    const dims = pair.prediction.dims;
    for (const axis of AXES) {
      const { width, height, count } = sliceGeometry(dims, axis);
      for (const index of [0, Math.floor(count / 2), count - 1]) {
        const slice = await client.slice(axis, index);
        assert.deepEqual([slice.axis, slice.index, slice.width, slice.height], [axis, index, width, height]);
        const expectedPred = new Float32Array(width * height);
        gatherSlice(pair.prediction.data, dims, axis, index, 0, expectedPred);
        const expectedLabel = new Int32Array(width * height);
        gatherSlice(pair.label.data, dims, axis, index, 0, expectedLabel);
        assert.equal(slice.prediction.byteLength, width * height * 4);
        assert.deepEqual(new Float32Array(slice.prediction), expectedPred, `${axis}:${index} prediction`);
        assert.equal(slice.labelType, 'uint8', 'a uint8 label map travels as Uint8Array');
        assert.equal(slice.label!.byteLength, width * height);
        assert.deepEqual(Int32Array.from(new Uint8Array(slice.label!)), expectedLabel, `${axis}:${index} label`);
        assert.equal(slice.underlay, null);
      }
    }
  } finally {
    client.dispose();
  }
});

test('label slices travel in the smallest type holding every label value: uint16 up to 65535, int32 for negative labels', async () => {
  const client = new SessionWorkerClient(WORKER);
  try {
    await client.open(options('labels_u8.nii.gz', 'labels_u16.nii.gz'));
    const label16 = volume('labels_u16.nii.gz');
    const expected = new Int32Array(9 * 5);
    for (const [axis, index] of [['k', 2], ['j', 7], ['i', 0]] as const) {
      const slice = await client.slice(axis, index);
      assert.equal(slice.labelType, 'uint16');
      const { width, height } = sliceGeometry(label16.dims, axis);
      const want = new Int32Array(width * height);
      gatherSlice(label16.data, label16.dims, axis, index, 0, want);
      assert.deepEqual(Int32Array.from(new Uint16Array(slice.label!)), want, `${axis}:${index}`);
    }
    const values = Array.from({ length: 9 * 8 * 5 }, (_, i) => (i % 3) - 1);
    const negative: FilePayload = { name: 'negative.nii.gz', bytes: new Uint8Array(gzip(writeNifti({ shape: [9, 8, 5], dtype: 'int16', values }))).buffer };
    await client.replace('label', negative);
    const slice = await client.slice('j', 4);
    assert.equal(slice.labelType, 'int32');
    gatherSlice(Int16Array.from(values), [9, 8, 5], 'j', 4, 0, expected);
    assert.deepEqual(new Int32Array(slice.label!), expected);
  } finally {
    client.dispose();
  }
});

test('4D prediction: one plane per channel, channel slowest; underlay as Float32', async () => {
  const client = new SessionWorkerClient(WORKER);
  try {
    const pair = await client.open({ ...options('softmax_4d_f32.nii.gz', 'labels_u8.nii.gz'), underlay: payload('prob_f64.nii') });
    assert.equal(pair.predictionChannels, 3);
    assert.equal(pair.underlayName, 'prob_f64.nii');
    const pred = volume('softmax_4d_f32.nii.gz');
    const under = volume('prob_f64.nii');
    const slice = await client.slice('j', 3);
    const n = slice.width * slice.height;
    assert.equal(slice.prediction.byteLength, n * 3 * 4);
    for (let c = 0; c < 3; c++) {
      const plane = new Float32Array(n);
      gatherSlice(pred.data, pred.dims, 'j', 3, c, plane);
      assert.deepEqual(new Float32Array(slice.prediction, c * n * 4, n), plane, `channel ${c}`);
    }
    const expectedUnder = new Float32Array(n);
    gatherSlice(under.data, under.dims, 'j', 3, 0, expectedUnder);
    assert.deepEqual(new Float32Array(slice.underlay!), expectedUnder);
  } finally {
    client.dispose();
  }
});

test('a mask alone: slices without label, losses refused with a reason', async () => {
  const client = new SessionWorkerClient(WORKER);
  try {
    const pair = await client.open(options('labels_u8.nii.gz', null));
    assert.equal(pair.labelName, null);
    assert.equal(pair.predictionKind, 'labels');
    const slice = await client.slice('k', 0);
    assert.equal(slice.label, null);
    await assert.rejects(client.losses('k'), (e: unknown) => e instanceof SessionError && /no label/.test(e.message));
  } finally {
    client.dispose();
  }
});

test('failures name the file, and a failed change leaves the open pair working', async () => {
  const client = new SessionWorkerClient(WORKER);
  try {
    const garbage: FilePayload = { name: 'notes.nii.gz', bytes: new TextEncoder().encode('hello, not an image').buffer as ArrayBuffer };
    await assert.rejects(client.open({ ...options('prob_f32.nii.gz', 'labels_u8.nii.gz'), label: garbage }),
      (e: unknown) => e instanceof SessionError && e.file === 'notes.nii.gz' && /neither NIfTI nor PNG/.test(e.message));

    const first = await client.open(options('prob_f32.nii.gz', 'labels_u8.nii.gz'));
    // Swapping puts the float map in the label slot: refused, naming it.
    await assert.rejects(client.swap(), (e: unknown) => e instanceof SessionError && e.file === 'prob_f32.nii.gz' && /non-integer/.test(e.message));
    await assert.rejects(client.setKind('labels'),
      (e: unknown) => e instanceof SessionError && e.file === 'prob_f32.nii.gz' && /set the prediction kind to probability or logits/.test(e.message));
    await assert.rejects(client.replace('underlay', payload('gray8.png')),
      (e: unknown) => e instanceof SessionError && e.file === 'gray8.png' && /underlay image is/.test(e.message));
    await assert.rejects(client.slice('k', 99), (e: unknown) => e instanceof SessionError && e.file === null && /does not exist/.test(e.message));
    const slice = await client.slice('k', 1);
    assert.equal(slice.generation, first.generation, 'the pair from before the failed changes is still open');

    const relabelled = await client.replace('label', payload('labels_i16_be.nii'));
    assert.ok(relabelled.generation > first.generation);
    assert.equal(relabelled.labelName, 'labels_i16_be.nii');
    const kinds = await client.setKind('logits');
    assert.equal(kinds.predictionKind, 'logits');
    assert.equal(kinds.kindOption, 'logits');
  } finally {
    client.dispose();
  }
});

test('swap exchanges the roles of two label maps', async () => {
  const client = new SessionWorkerClient(WORKER);
  try {
    await client.open(options('labels_u16.nii.gz', 'labels_u8.nii.gz'));
    const swapped = await client.swap();
    assert.equal(swapped.predictionName, 'labels_u8.nii.gz');
    assert.equal(swapped.labelName, 'labels_u16.nii.gz');
    const expected = comparePair(volume('labels_u8.nii.gz'), volume('labels_u16.nii.gz'), { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none' });
    assertSameLosses(await client.losses('k'), expected);
  } finally {
    client.dispose();
  }
});

test('a swap while the first losses are computed: each answer carries the generation of its pair', async () => {
  const client = new SessionWorkerClient(WORKER);
  try {
    const first = await client.open(options('labels_u16.nii.gz', 'labels_u8.nii.gz'));
    const before = client.losses('k');
    const swapped = await client.swap();
    const after = await client.losses('k');
    assert.equal((await before).generation, first.generation);
    assert.equal(after.generation, swapped.generation);
    assertSameLosses(await before, comparePair(volume('labels_u16.nii.gz'), volume('labels_u8.nii.gz'), { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none' }));
    assertSameLosses(after, comparePair(volume('labels_u8.nii.gz'), volume('labels_u16.nii.gz'), { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none' }));
    // Slices keep coming while the pair changes.
    assert.equal((await client.slice('i', 4)).generation, swapped.generation);
  } finally {
    client.dispose();
  }
});

test('dispose rejects pending requests with DisposedError and refuses new ones', async () => {
  const client = new SessionWorkerClient(WORKER);
  const opening = client.open(options('prob_f32.nii.gz', 'labels_u8.nii.gz'));
  client.dispose();
  await assert.rejects(opening, isDisposedError);
  await assert.rejects(client.slice('k', 0), isDisposedError);
  assert.equal(basename(WORKER), 'worker.js');
});

/** A pair big enough to be decoded in place (≥ 64 KiB of voxels), as payloads and as readVolume reads it. */
function bigPair(pred: (i: number) => number, label: (i: number) => number, labelDtype: 'uint8' | 'uint16' = 'uint8') {
  const shape = [64, 48, 40];
  const n = 64 * 48 * 40;
  const predBytes = gzip(writeNifti({ shape, dtype: 'float32', values: Float32Array.from({ length: n }, (_, i) => pred(i)) }));
  const labelBytes = gzip(writeNifti({ shape, dtype: labelDtype, values: Array.from({ length: n }, (_, i) => label(i)) }));
  return {
    predPayload: { name: 'big_pred.nii.gz', bytes: new Uint8Array(predBytes).buffer } satisfies FilePayload,
    labelPayload: { name: 'big_label.nii.gz', bytes: new Uint8Array(labelBytes).buffer } satisfies FilePayload,
    pred: readVolume(predBytes, 'big_pred.nii.gz'),
    label: readVolume(labelBytes, 'big_label.nii.gz'),
    n,
  };
}

test('a big pair is previewed: slices answered before it is prepared equal gatherSlice, then the prepared pair with the same generation', async () => {
  const big = bigPair((i) => ((i * 7919) % 1000) / 1000, (i) => ((i >> 11) % 3 === 0 ? 1 : 0));
  const client = new SessionWorkerClient(WORKER);
  try {
    const early: Promise<Awaited<ReturnType<typeof client.slice>>>[] = [];
    let preview: import('../../src/worker/sessionMessages').PairSummary | null = null;
    const prepared = await client.open({
      ...options('prob_f32.nii.gz', 'labels_u8.nii.gz'), prediction: big.predPayload, label: big.labelPayload, previewMinVoxels: 1000,
      onPreview: (pair) => {
        preview = pair;
        // As the webview does on its first init: ask at once, be answered when the voxels are there.
        for (const [axis, index] of [['k', 20], ['k', 39], ['j', 0], ['i', 63]] as const) early.push(client.slice(axis, index));
      },
    });
    assert.ok(preview !== null, 'a preview came before the prepared pair');
    const p = preview as import('../../src/worker/sessionMessages').PairSummary;
    assert.equal(p.generation, prepared.generation, 'the preview announces the coming generation');
    assert.deepEqual({ ...p, timings: null }, { ...prepared, timings: null }, 'here the halves tell the whole story');
    for (const reply of await Promise.all(early)) {
      const { axis, index } = reply;
      assert.equal(reply.generation, prepared.generation);
      const { width, height } = sliceGeometry(big.pred.dims, axis);
      const pred = new Float32Array(width * height);
      gatherSlice(big.pred.data, big.pred.dims, axis, index, 0, pred);
      const label = new Int32Array(width * height);
      gatherSlice(big.label.data, big.label.dims, axis, index, 0, label);
      assert.deepEqual(new Float32Array(reply.prediction), pred, `${axis}:${index} prediction`);
      assert.equal(reply.labelType, 'uint8');
      assert.deepEqual(Int32Array.from(new Uint8Array(reply.label!)), label, `${axis}:${index} label`);
    }
    const expected = comparePair(big.pred, big.label, { kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none' });
    assertSameLosses(await client.losses('k'), expected);
  } finally {
    client.dispose();
  }
});

test('a preview is provisional: read from the first halves, corrected by the prepared pair', async () => {
  // The first half holds only 0 and 1 (read as labels); the second half fractions (a probability
  // map). The label's value 300 appears only in its second half (whether the preview knows it
  // depends on how far the label is decoded): label slices travel as Uint16 either way.
  const big = bigPair((i) => (i < 64 * 48 * 30 ? (i % 5 === 0 ? 1 : 0) : 0.25), (i) => (i < 64 * 48 * 30 ? i % 2 : 300), 'uint16');
  const client = new SessionWorkerClient(WORKER);
  try {
    let preview: import('../../src/worker/sessionMessages').PairSummary | null = null;
    let early: ReturnType<typeof client.slice> | null = null;
    const prepared = await client.open({
      ...options('prob_f32.nii.gz', 'labels_u8.nii.gz'), prediction: big.predPayload, label: big.labelPayload, previewMinVoxels: 1000,
      onPreview: (pair) => {
        preview = pair;
        early = client.slice('k', 39);
        early.catch(() => undefined); // awaited below; a failed assertion before must not leave it unhandled
      },
    });
    const p = preview as import('../../src/worker/sessionMessages').PairSummary | null;
    assert.ok(p !== null);
    assert.equal(p.predictionKind, 'labels');
    assert.ok(p.labels.includes(1) && p.labels.every((l) => l === 1 || l === 300), `preview labels ${JSON.stringify(p.labels)}`);
    assert.equal(prepared.predictionKind, 'probability');
    assert.deepEqual(prepared.labels, ['foreground']);
    const slice = await early!;
    assert.equal(slice.labelType, 'uint16', 'a preview sends labels in a type that holds the whole dtype');
    assert.deepEqual([...new Uint16Array(slice.label!)].slice(0, 3), [300, 300, 300]);
    assert.deepEqual(new Float32Array(slice.prediction).slice(0, 2), Float32Array.of(0.25, 0.25));
  } finally {
    client.dispose();
  }
});

test('a preview does not hide a bad file: a NaN in the second half fails the open, naming the file; no preview below the size', async () => {
  const big = bigPair((i, n = 64 * 48 * 40) => (i === n - 10 ? NaN : 0.5), () => 0);
  const client = new SessionWorkerClient(WORKER);
  try {
    let previews = 0;
    const pending: Promise<unknown>[] = [];
    await assert.rejects(client.open({
      ...options('prob_f32.nii.gz', 'labels_u8.nii.gz'), prediction: big.predPayload, label: big.labelPayload, previewMinVoxels: 1000,
      onPreview: () => { previews++; pending.push(client.slice('i', 3)); },
    }), (e: unknown) => e instanceof SessionError && e.file === 'big_pred.nii.gz' && /NaN/.test(e.message));
    assert.equal(previews, 1);
    // A slice asked of the failed preview is answered or refused, never left waiting.
    await Promise.allSettled(pending);
    let again = 0;
    const fine = bigPair(() => 0.5, () => 1);
    await client.open({
      ...options('prob_f32.nii.gz', 'labels_u8.nii.gz'), prediction: fine.predPayload, label: fine.labelPayload,
      previewMinVoxels: fine.n + 1, onPreview: () => { again++; },
    });
    assert.equal(again, 0, 'below previewMinVoxels there is no preview');
  } finally {
    client.dispose();
  }
});
