/**
 * The three-way editor (two predictions against one label) in the webview: the difference map's
 * colours at planted voxels and its legend, B's own TP/FP/FN, the header's A → B (Δ), the table's
 * A/B/Δ columns, the chart's two series, and W ranking by where B loses or wins most.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LossesMessage } from '../../src/core/protocol';
import { Harness, SKIP_BROWSER, type EditorPage } from './browserHarness';
import {
  FN_PIXEL, FP_PIXEL, init, KNOWN_SLICE, knownVolume, lossesFor, OVERLAY, row, SHAPE, TN_PIXEL, TP_PIXEL, volumeIndex,
} from './e2eFixtures';
import { assertColour, blended, call, choose, eventually, finish, pixel } from './pageHelpers';

const skip = SKIP_BROWSER ? 'MASK_INSPECTOR_SKIP_BROWSER=1' : false;

/** Okabe–Ito, as docs/three-way-editor.md states them: written out here, not imported from the webview. */
const VERMILLION = [0xd5, 0x5e, 0x00] as const; // A right, B wrong (B loses)
const BLUE = [0x00, 0x72, 0xb2] as const; // B right, A wrong (B wins)
const YELLOW = [0xf0, 0xe4, 0x42] as const; // both wrong

/** An extra voxel on the known slice where A and B both predict a label voxel (both right: untinted). */
const BOTH_RIGHT_PIXEL = [0, 2] as const;

/** Dice loss of B per slice along k; A's is DICE_K = [0, 0.8, 0.3, 0.95, 0.5]. Δ = [0, +0.1, −0.2, −0.45, +0.2]. */
const DICE_B_K = [0, 0.9, 0.1, 0.5, 0.7];

function versusVolume() {
  const a = knownVolume();
  const prediction = a.prediction.slice();
  const label = a.label!.slice();
  const both = volumeIndex(BOTH_RIGHT_PIXEL[0], BOTH_RIGHT_PIXEL[1], KNOWN_SLICE);
  prediction[both] = 0.95;
  label[both] = 1;
  const predictionB = prediction.slice();
  // A: TP at TP_PIXEL, FP at FP_PIXEL, FN at FN_PIXEL. B misses the TP, drops the FP, misses the FN too.
  predictionB[volumeIndex(TP_PIXEL[0], TP_PIXEL[1], KNOWN_SLICE)] = 0.1;
  predictionB[volumeIndex(FP_PIXEL[0], FP_PIXEL[1], KNOWN_SLICE)] = 0.3;
  predictionB[volumeIndex(FN_PIXEL[0], FN_PIXEL[1], KNOWN_SLICE)] = 0.4;
  return { ...a, prediction, label, predictionB };
}

function lossesB(): LossesMessage {
  const a = lossesFor('k', SHAPE[2]);
  return {
    ...a, side: 'b',
    labels: [{ label: 1, volume: { ...a.labels[0]!.volume, dice: 0.5 }, slices: DICE_B_K.map((d, i) => row(i, d, i === 0, 0)) }],
  };
}

describe('compare editor webview: two predictions against one label', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });

  async function openVersus(): Promise<EditorPage> {
    const editor = await harness.open();
    editor.host.volume = versusVolume();
    editor.host.losses.set('k', lossesFor('k', SHAPE[2]));
    editor.host.lossesB.set('k', lossesB());
    await editor.host.post(init({}, {
      predictionName: 'case01_modelA.nii.gz',
      versus: { predictionName: 'case01_modelB.nii.gz', predictionKind: 'probability', predictionChannels: 1, warnings: [] },
    }));
    await eventually(async () => assert.deepEqual(await call(editor.page, 'nativeSize'), [SHAPE[0], SHAPE[1]]));
    return editor;
  }

  test('the difference map paints A-right/B-wrong vermillion, B-right/A-wrong blue, both wrong yellow; its legend says so', async () => {
    const editor = await openVersus();
    const { page } = editor;
    // Opens on the difference map; no underlay: full colour.
    await eventually(async () => assertColour(await pixel(page, ...TP_PIXEL), VERMILLION, 'A TP, B FN: B loses'));
    assertColour(await pixel(page, ...FP_PIXEL), BLUE, 'A FP, B TN: B wins');
    assertColour(await pixel(page, ...FN_PIXEL), YELLOW, 'A FN, B FN: both wrong');
    assertColour(await pixel(page, ...BOTH_RIGHT_PIXEL), [0, 0, 0], 'both TP: untinted');
    assertColour(await pixel(page, ...TN_PIXEL), [0, 0, 0], 'both TN: untinted');
    const legend = await page.evaluate(`Array.from(document.querySelectorAll('[aria-label="Overlay legend"] .mi-legend-item')).map((item) => [
      item.textContent.trim(), getComputedStyle(item.querySelector('.mi-swatch')).backgroundColor])`) as [string, string][];
    assert.deepEqual(legend, [
      ['A right, B wrong', `rgb(${VERMILLION.join(', ')})`],
      ['B right, A wrong', `rgb(${BLUE.join(', ')})`],
      ['both wrong', `rgb(${YELLOW.join(', ')})`],
    ]);
    // A's and B's own TP/FP/FN at the same voxels.
    await choose(page, 'mi-overlay', 'fill');
    await eventually(async () => assertColour(await pixel(page, ...TP_PIXEL), blended(0, OVERLAY.tpColor, 1), 'A: TP'));
    assertColour(await pixel(page, ...FP_PIXEL), blended(0, OVERLAY.fpColor, 1), 'A: FP');
    await choose(page, 'mi-overlay', 'fillB');
    await eventually(async () => assertColour(await pixel(page, ...TP_PIXEL), blended(0, OVERLAY.fnColor, 1), 'B: FN'));
    assertColour(await pixel(page, ...FP_PIXEL), [0, 0, 0], 'B: TN');
    assertColour(await pixel(page, ...BOTH_RIGHT_PIXEL), blended(0, OVERLAY.tpColor, 1), 'B: TP');
    assert.match(await call(page, 'text', '[aria-label="Overlay legend"]') ?? '', /B TP.*B FP.*B FN/);
    await finish(editor, 'versus-difference');
  });

  test('header, table and chart show A, B and B − A; W goes where B loses most, or wins most', async () => {
    const editor = await openVersus();
    const { page } = editor;
    await eventually(async () => {
      const header = (await call(page, 'text', '.mi-header')) ?? '';
      assert.match(header, /A case01_modelA\.nii\.gz/);
      assert.match(header, /B case01_modelB\.nii\.gz/);
      // Volume Dice loss: A 0.42, B 0.5.
      assert.match(header, /Dice loss 0\.4200 → 0\.5000 Δ \+0\.0800/);
    });
    const headings = await page.evaluate(`Array.from(document.querySelectorAll('.mi-table thead tr:last-child th')).slice(0, 5).map((th) => th.textContent.trim())`) as string[];
    assert.deepEqual(headings.slice(2, 5).map((h) => h.replace(/[▲▼↑↓\s]+$/u, '')), ['A', 'B', 'Δ']);
    const cells = await page.evaluate(`Array.from(document.querySelectorAll('.mi-table tbody tr[data-index="4"] td')).slice(2, 5).map((td) => td.textContent.trim())`) as string[];
    assert.deepEqual(cells, ['0.5000', '0.7000', '+0.2000']);
    const lines = await page.evaluate(`document.querySelector('.mi-chart-canvas').dataset.lines`) as string;
    assert.equal(lines, 'A: Dice loss,B: Dice loss');
    assert.equal(await call(page, 'text', '.mi-chart-key'), '—— A: Dice loss   - - - B: Dice loss   ▮ bars: Dice loss, B − A');
    // Dice loss Δ = B − A: [0, +0.1, −0.2, −0.45, +0.2]: B loses most on slice 4 (index), wins most on slice 3.
    await page.keyboard.press('w');
    await eventually(async () => assert.equal(editor.host.last('stateChanged')?.state.index, 4));
    await page.keyboard.press('n');
    await eventually(async () => assert.equal(editor.host.last('stateChanged')?.state.index, 1));
    await choose(page, 'mi-versus-rank', 'wins');
    await page.keyboard.press('w');
    await eventually(async () => assert.equal(editor.host.last('stateChanged')?.state.index, 3));
    await page.keyboard.press('n');
    await eventually(async () => assert.equal(editor.host.last('stateChanged')?.state.index, 2));
    await finish(editor, 'versus-panels');
  });
});
