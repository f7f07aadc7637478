/** The webview's pure helpers, without a browser: ranking, pixel maths, colours, slice requests, restored state. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { SliceRow } from '../../src/core/analysis/result';
import { LOSS_IDS, type Losses } from '../../src/core/kernels/lossIds';
import type { PairInfo, RequestSliceMessage, SliceMessage } from '../../src/core/protocol';
import { heatColor, paintSlice, parseHexColor, type PaintSettings } from '../../webview/overlayColouring';
import { SliceCache } from '../../webview/sliceCache';
import { badness, formatMetric, metricIdsOf } from '../../webview/metricInfo';
import { bceTerm, decodeSlice, distanceText, pixelOfVoxel, pixelSpacing, probabilities, surfaceDistances, truthMask, voxelOf } from '../../webview/sliceData';
import { normaliseViewState } from '../../webview/state';
import { rankByBadness, rankSlices, stepInRanking } from '../../webview/triage';
import { percentileWindow } from '../../webview/windowLevel';

function row(index: number, dice: number, empty = false): SliceRow {
  const losses = Object.fromEntries(LOSS_IDS.map((id) => [id, dice])) as unknown as Losses;
  return { index, empty, labelVoxels: 0, predictedVoxels: 0, tp: 0, fp: 0, fn: 0, losses };
}

function sliceMessage(width: number, height: number, prediction: number[], label: number[] | null, channels = 1): SliceMessage {
  assert.equal(prediction.length, width * height * channels);
  return {
    type: 'slice', requestId: 1, axis: 'k', index: 0, width, height,
    prediction: new Float32Array(prediction).buffer, label: label === null ? null : new Int32Array(label).buffer, underlay: null,
  };
}

test('ranking: non-empty slices first, worst first, ties by index, NaN last', () => {
  const rows = [row(0, 0.2, true), row(1, 0.5), row(2, 0.9), row(3, 0.5), row(4, Number.NaN), row(5, 0.99, true)];
  const ranking = rankSlices(rows, 'dice');
  assert.deepEqual(ranking, [2, 1, 3, 4, 5, 0]);
  assert.equal(stepInRanking(ranking, 1, 1), 3);
  assert.equal(stepInRanking(ranking, 1, -1), 2);
  assert.equal(stepInRanking(ranking, 2, -1), undefined, 'nothing is worse than the worst');
  assert.equal(stepInRanking([2, 1], 7, 1), 2, 'from outside the ranking, next starts at the worst');
});

test('probabilities per kind, the selected label, 4D channels, truth masks', () => {
  const labels = decodeSlice(sliceMessage(3, 1, [0, 2, 3], [0, 2, 1]), 1);
  assert.deepEqual([...probabilities(labels, 'labels', 2)], [0, 1, 0]);
  assert.deepEqual([...probabilities(labels, 'labels', 'foreground')], [0, 1, 1]);
  assert.deepEqual([...truthMask(labels, 1)!], [0, 0, 1]);
  assert.deepEqual([...truthMask(labels, 'foreground')!], [0, 1, 1]);
  const logits = decodeSlice(sliceMessage(2, 1, [0, -100], null), 1);
  assert.deepEqual([...probabilities(logits, 'logits', 1)].map((p) => +p.toFixed(6)), [0.5, 0]);
  assert.equal(truthMask(logits, 1), null);
  const probability = decodeSlice(sliceMessage(2, 1, [-0.1, 1.2], null), 1);
  assert.deepEqual([...probabilities(probability, 'probability', 1)], [0, 1], 'clamped to [0, 1]');
  // Channels 0..2 of a 2-pixel slice, channel slowest.
  const fourD = decodeSlice(sliceMessage(2, 1, [0.7, 0.1, 0.2, 0.3, 0.1, 0.6], [0, 2], 3), 3);
  assert.deepEqual([...probabilities(fourD, 'probability', 2)].map((p) => +p.toFixed(6)), [0.1, 0.6]);
  assert.deepEqual([...probabilities(fourD, 'probability', 'foreground')].map((p) => +p.toFixed(6)), [0.3, 0.9]);
  assert.throws(() => decodeSlice(sliceMessage(2, 1, [0, 0], null), 3), /expected 24/);
});

test('BCE term is clamped like torch; voxel mapping and pixel spacing per axis', () => {
  assert.equal(bceTerm(0.2, 1), -Math.log(0.2));
  assert.equal(bceTerm(0, 1), 100);
  assert.equal(bceTerm(1, 0), 100);
  assert.equal(bceTerm(1, 1), -0);
  assert.deepEqual(voxelOf('k', 7, 1, 2), [1, 2, 7]);
  assert.deepEqual(voxelOf('j', 7, 1, 2), [1, 7, 2]);
  assert.deepEqual(voxelOf('i', 7, 1, 2), [7, 1, 2]);
  assert.deepEqual(pixelSpacing('k', [0.5, 0.7, 3]), [0.5, 0.7]);
  assert.deepEqual(pixelSpacing('j', [0.5, 0.7, 3]), [0.5, 3]);
  assert.deepEqual(pixelSpacing('i', [0.5, 0.7, 3]), [0.7, 3]);
});

test('paint: TP/FP/FN fill colours over black, rows flipped for coronal/sagittal', () => {
  const settings: PaintSettings = {
    mode: 'fill', tp: parseHexColor('#00ff00'), fp: parseHexColor('#ff0000'), fn: parseHexColor('#0000ff'),
    opacity: 1, threshold: 0.5, window: { level: 0.5, width: 1 },
  };
  const input = {
    width: 2, height: 2, probabilities: new Float32Array([0.9, 0.9, 0.1, 0.1]), truth: new Uint8Array([1, 0, 1, 0]),
    underlay: null, flipRows: false,
  };
  const out = new Uint8ClampedArray(16);
  paintSlice(out, input, settings);
  const pixels = (data: Uint8ClampedArray): number[][] => [0, 1, 2, 3].map((p) => [...data.slice(p * 4, p * 4 + 4)]);
  assert.deepEqual(pixels(out), [[0, 255, 0, 255], [255, 0, 0, 255], [0, 0, 255, 255], [0, 0, 0, 255]]);
  paintSlice(out, { ...input, flipRows: true }, settings);
  assert.deepEqual(pixels(out), [[0, 0, 255, 255], [0, 0, 0, 255], [0, 255, 0, 255], [255, 0, 0, 255]]);
  paintSlice(out, { ...input, truth: null }, settings);
  assert.deepEqual(pixels(out).map((p) => p[1]), [255, 255, 0, 0], 'alone: predicted pixels take the TP colour');
  paintSlice(out, { ...input, underlay: new Float32Array([0, 0, 0, 50]) }, { ...settings, mode: 'off', window: { level: 50, width: 100 } });
  assert.deepEqual(pixels(out).map((p) => p[0]), [0, 0, 0, 128], 'window 0..100: 50 is mid-grey');
  paintSlice(out, input, { ...settings, mode: 'heat' });
  assert.deepEqual(pixels(out)[1], [...heatColor(0.9).map(Math.round), 255], 'heat map: p = 0.9 in viridis, unlabelled');
  assert.deepEqual(pixels(out)[0], [0, 0, 255, 255], 'heat map: label outlined in the FN colour');
  assert.deepEqual(pixels(out)[3], [...heatColor(0.1).map(Math.round), 255]);
  assert.throws(() => parseHexColor('red'), /#rrggbb/);
});

test('percentile window spans the 1st to 99th percentile', () => {
  const values = new Float32Array(1000).map((_, i) => i);
  const window = percentileWindow(values);
  assert.deepEqual([window.level - window.width / 2, window.level + window.width / 2], [10, 989]);
  assert.deepEqual(percentileWindow(new Float32Array([5, 5])), { level: 5, width: 1 });
});

test('slice cache: increasing ids, no duplicate requests, stale and mismatched replies', () => {
  const posted: RequestSliceMessage[] = [];
  const cache = new SliceCache((m) => posted.push(m));
  cache.request('k', 3);
  cache.request('k', 3);
  cache.request('k', 4);
  assert.deepEqual(posted.map((m) => [m.requestId, m.index]), [[1, 3], [2, 4]]);
  const reply = (requestId: number, index: number): SliceMessage => ({ ...sliceMessage(1, 1, [0.5], null), requestId, index });
  assert.equal(cache.accept(reply(99, 3), (m) => decodeSlice(m, 1)).kind, 'stale');
  assert.equal(cache.accept(reply(1, 3), (m) => decodeSlice(m, 1)).kind, 'slice');
  assert.equal(cache.accept(reply(1, 3), (m) => decodeSlice(m, 1)).kind, 'stale', 'a second reply to one request');
  assert.equal(cache.accept(reply(2, 5), (m) => decodeSlice(m, 1)).kind, 'error', 'answer for another slice');
  assert.ok(cache.get('k', 3));
  cache.clear();
  assert.equal(cache.get('k', 3), undefined);
});

test('a restored view state is checked field by field', () => {
  const pair: PairInfo = {
    predictionName: 'p', labelName: 'l', underlayName: null, shape: [4, 5, 6], spacing: [1, 1, 1], predictionKind: 'probability',
    kindOption: 'auto', labels: [1, 2], predictionChannels: 1, warnings: [],
  };
  assert.deepEqual(normaliseViewState({ axis: 'j', index: 99, zoom: 1000, panX: 'x', loss: 'nope', label: 2 }, pair),
    { axis: 'j', index: 4, zoom: 64, panX: 0, panY: 0, loss: 'dice', label: 2 });
  assert.deepEqual(normaliseViewState(undefined, pair), { axis: 'k', index: 3, zoom: 1, panX: 0, panY: 0, loss: 'dice', label: 1 });
});

test('slice labels arrive as Uint8, Uint16 or Int32 (labelType; Int32 when absent) and give the same truth masks', () => {
  const values = [0, 2, 1, 2, 0, 1];
  const base = sliceMessage(3, 2, [0.1, 0.9, 0.4, 0.8, 0.2, 0.6], values);
  const masks = (['uint8', 'uint16', 'int32', undefined] as const).map((labelType) => {
    const Type = labelType === 'uint8' ? Uint8Array : labelType === 'uint16' ? Uint16Array : Int32Array;
    const message: SliceMessage = { ...base, label: new Type(values).buffer, ...(labelType ? { labelType } : {}) };
    const slice = decodeSlice(message, 1);
    assert.equal(slice.label?.constructor, Type, `${labelType ?? 'absent'}: decoded as ${Type.name}`);
    assert.deepEqual([...slice.label!], values);
    return [...truthMask(slice, 2)!];
  });
  for (const mask of masks) assert.deepEqual(mask, [0, 1, 0, 1, 0, 0]);
  // A buffer of the wrong size for its declared type is refused with the sizes.
  assert.throws(() => decodeSlice({ ...base, label: new Uint8Array(values).buffer, labelType: 'uint16' }, 1), /label has 6 bytes, expected 12/);
});

test('metrics in the webview: worse means worse whichever way a metric points; nulls rank last', () => {
  const slices = [null, 1, 0.5, 1, 0.8].map((dice) => ({ dice, hausdorff: dice === null ? null : (1 - dice) * 10 }));
  const rows = [row(0, 0, true), row(1, 0), row(2, 0), row(3, 0), row(4, 0)];
  assert.deepEqual(rankByBadness(rows, (r) => badness('dice', slices[r.index]!.dice)), [2, 4, 1, 3, 0], 'Dice: lowest first');
  assert.deepEqual(rankByBadness(rows, (r) => badness('hausdorff', slices[r.index]!.hausdorff)), [2, 4, 1, 3, 0], 'HD: highest first');
  assert.deepEqual(rankByBadness(rows, (r) => badness('relativeVolumeDifference', [null, -0.5, 0.2, 0, 0.3][r.index]!)), [1, 4, 2, 3, 0], 'RVD: furthest from 0 first');
  assert.ok(Number.isNaN(badness('dice', null)));
  assert.equal(formatMetric('dice', null), '—');
  assert.equal(formatMetric('hd95', 3.14159), '3.14');
  assert.equal(formatMetric('hausdorff', 12.44), '12.4');
  assert.equal(formatMetric('labelVolumeMl', 0.005), '0.005000');
  assert.equal(formatMetric('relativeVolumeDifference', 0.0403), '+0.0403');
  assert.equal(formatMetric('missedLesions', 2), '2');
  assert.deepEqual(metricIdsOf('overlap'), ['dice', 'iou', 'precision', 'recall', 'specificity', 'labelVolumeMl', 'predictionVolumeMl', 'relativeVolumeDifference']);
  assert.equal(metricIdsOf('all').length, 16);
  assert.deepEqual(metricIdsOf('none'), []);
});

test('a restored view keeps its chart metric only when the level computes it', () => {
  const pair: PairInfo = {
    predictionName: 'p', labelName: 'l', underlayName: null, shape: [4, 5, 6], spacing: [1, 1, 1], predictionKind: 'probability',
    kindOption: 'auto', labels: [1], predictionChannels: 1, warnings: [],
  };
  const saved = { axis: 'k', index: 2, zoom: 1, panX: 0, panY: 0, loss: 'iou', label: 1, metric: 'hd95' };
  assert.equal(normaliseViewState(saved, pair, 'all').metric, 'hd95');
  assert.equal('metric' in normaliseViewState(saved, pair, 'overlap'), false, 'HD95 is not computed at level overlap');
  assert.equal('metric' in normaliseViewState({ ...saved, metric: 'nope' }, pair, 'all'), false);
});

test('hover: the voxel ↔ pixel mapping round-trips and the 2D distances name the other surface', () => {
  for (const axis of ['i', 'j', 'k'] as const) {
    const { index, column, row } = pixelOfVoxel(axis, [3, 4, 5]);
    assert.deepEqual(voxelOf(axis, index, column, row), [3, 4, 5], axis);
  }
  // 4×3 slice, 0.5 × 2 mm pixels: label {(0,0), (1,0)}, prediction p ≥ 0.5 at {(1,0), (3,2)}.
  const slice = decodeSlice(sliceMessage(4, 3, [0.1, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.7], [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 1);
  const d = surfaceDistances(slice, 'probability', 1, 0.5, [0.5, 2])!;
  assert.equal(distanceText(d, 0), '2D distance in this slice: to prediction surface 0.50 mm', 'FN (0,0) → (1,0): one 0.5 mm pixel');
  assert.equal(distanceText(d, 1), '2D distance in this slice: to prediction surface 0.00 mm, to label surface 0.00 mm', 'TP');
  assert.equal(distanceText(d, 11), `2D distance in this slice: to label surface ${(Math.hypot(2 * 0.5, 2 * 2)).toFixed(2)} mm`, 'FP (3,2) → (1,0)');
  assert.equal(distanceText(d, 5), null, 'in neither mask');
  const noPrediction = surfaceDistances(slice, 'probability', 1, 0.95, [0.5, 2])!;
  assert.equal(distanceText(noPrediction, 0), '2D distance in this slice: no prediction in this slice');
  assert.equal(surfaceDistances(decodeSlice(sliceMessage(2, 1, [0, 1], null), 1), 'probability', 1, 0.5, [1, 1]), null, 'shown alone');
});
