/**
 * What the slice shows: TP/FP/FN colours at known voxels, TN as black or windowed underlay,
 * the coronal flip, the hover readout, a 4D prediction's channels, and a mask shown alone.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Harness, SKIP_BROWSER, type EditorPage } from './browserHarness';
import {
  FN_PIXEL, FP_PIXEL, init, KNOWN_SLICE, knownVolume, lossesFor, OVERLAY, SHAPE, TN_PIXEL, TP_PIXEL, volumeIndex,
} from './e2eFixtures';
import { assertColour, blended, call, openOverflow, choose, eventually, finish, pixel } from './pageHelpers';

const skip = SKIP_BROWSER ? 'MASK_INSPECTOR_SKIP_BROWSER=1' : false;

describe('compare editor webview: slice rendering', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });

  async function openKnown(options: { underlay?: boolean } = {}): Promise<EditorPage> {
    const editor = await harness.open();
    editor.host.volume = knownVolume(options);
    for (const [axis, count] of [['k', SHAPE[2]], ['j', SHAPE[1]], ['i', SHAPE[0]]] as const) editor.host.losses.set(axis, lossesFor(axis, count));
    await editor.host.post(init({}, options.underlay === true ? { underlayName: 'case01_ct.nii.gz' } : {}));
    await eventually(async () => assert.deepEqual(await call(editor.page, 'nativeSize'), [SHAPE[0], SHAPE[1]]));
    return editor;
  }

  test('posts ready and shows nothing numeric before init', async () => {
    const editor = await harness.open();
    assert.deepEqual(editor.host.received.map((m) => m.type), ['ready']);
    assert.equal(await call(editor.page, 'text', '.mi-volume'), '');
    assert.equal(await call(editor.page, 'text', '.mi-table tbody'), '');
    assert.equal(await editor.page.locator('#app.mi-waiting').count(), 1);
    // The web components upgraded and got their styles through adoptedStyleSheets under the strict CSP.
    const styled = await editor.page.evaluate(`['vscode-single-select', 'vscode-button', 'vscode-progress-bar'].map((tag) => {
      const element = document.querySelector(tag);
      return [tag, customElements.get(tag) !== undefined, element?.shadowRoot?.adoptedStyleSheets.length ?? 0];
    })`) as [string, boolean, number][];
    for (const [tag, defined, sheets] of styled) assert.ok(defined && sheets > 0, `${tag}: defined ${defined}, ${sheets} adopted style sheets`);
    await finish(editor, 'before-init');
  });

  test('paints TP, FP and FN voxels in the overlay colours and TN black', async () => {
    const editor = await openKnown();
    const { host, page } = editor;
    assert.ok(host.of('requestLosses').some((m) => m.axis === 'k'), 'losses requested for the axis');
    const first = host.of('requestSlice')[0]!;
    assert.deepEqual([first.axis, first.index], ['k', KNOWN_SLICE]);
    await eventually(async () => {
      const prefetched = host.of('requestSlice').map((m) => m.index).sort();
      assert.deepEqual(prefetched, [KNOWN_SLICE - 1, KNOWN_SLICE, KNOWN_SLICE + 1], 'neighbours prefetched after drawing');
    });
    // No underlay: the overlay is drawn at full colour (at the configured 0.6 on black, FN read navy and FP brown).
    assertColour(await pixel(page, ...TP_PIXEL), blended(0, OVERLAY.tpColor, 1), 'TP voxel');
    assertColour(await pixel(page, ...FP_PIXEL), blended(0, OVERLAY.fpColor, 1), 'FP voxel');
    assertColour(await pixel(page, ...FN_PIXEL), blended(0, OVERLAY.fnColor, 1), 'FN voxel');
    assertColour(await pixel(page, ...TN_PIXEL), [0, 0, 0], 'TN voxel');
    await eventually(async () => {
      const header = (await call(page, 'text', '.mi-header')) ?? '';
      assert.match(header, /case01_pred\.nii\.gz/);
      assert.match(header, /case01_label\.nii\.gz/);
      assert.match(header, /probability \(auto\)/);
      assert.match(header, /clamped to \[0, 1\]/);
      assert.match(header, /Dice loss 0\.4200/);
    });
    const changed = host.last('stateChanged')!;
    assert.equal(changed.state.index, KNOWN_SLICE);
    assert.equal(changed.currentLoss, 0.3, 'dice of slice 2');
    await finish(editor, 'overlay-fill');
  });

  test('outline mode over a windowed underlay; presets change the grey', async () => {
    const editor = await openKnown({ underlay: true });
    const { page } = editor;
    // Auto window = 1st..99th percentile of the slice: 0..700, so column c is grey 255·c/7.
    assertColour(await pixel(page, ...TN_PIXEL), [255, 255, 255], 'TN voxel at the ramp top');
    assertColour(await pixel(page, 3, 0), [109, 109, 109], 'TN voxel mid-ramp');
    await choose(page, 'mi-overlay', 'outline');
    await eventually(async () => assertColour(await pixel(page, ...TP_PIXEL), blended(255 / 7, OVERLAY.tpColor, OVERLAY.opacity), 'TP outline'));
    assertColour(await pixel(page, ...FN_PIXEL), blended((2 * 255) / 7, OVERLAY.fnColor, OVERLAY.opacity), 'FN outline');
    await choose(page, 'mi-window', 'softTissue');
    // 40/400: v maps to (v + 160)·255/400; column 0 → 102, column 7 (700) → clipped white.
    await eventually(async () => assertColour(await pixel(page, 0, 0), [102, 102, 102], 'column 0 in the soft-tissue window'));
    // Shift+drag sets a custom window: dragging right widens it, so column 0 gets lighter.
    const before = (await pixel(page, 0, 0))[0];
    const from = await call(page, 'canvasPoint', 4, 3);
    await page.keyboard.down('Shift');
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x - 60, from.y - 60, { steps: 3 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await eventually(async () => assert.notEqual((await pixel(page, 0, 0))[0], before, 'window changed by Shift+drag'));
    await eventually(async () => assert.equal(await page.evaluate('document.getElementById("mi-window").value'), 'custom'));
    await finish(editor, 'overlay-outline-underlay');
  });

  test('coronal slices are drawn with k increasing upward', async () => {
    const editor = await openKnown();
    const { host, page } = editor;
    host.clear();
    await choose(page, 'mi-axis', 'j');
    await host.waitFor((m) => m.type === 'requestLosses' && m.axis === 'j', 'requestLosses for j');
    await eventually(async () => assert.deepEqual(await call(page, 'nativeSize'), [SHAPE[0], SHAPE[2]]));
    const changed = await host.waitFor((m) => m.type === 'stateChanged' && m.state.axis === 'j', 'stateChanged on j');
    assert.equal(changed.type === 'stateChanged' && changed.state.index, 3, 'middle coronal slice');
    // Voxels (3, 3, k) for k = 1, 3, 4 are TP; k = 0 has nothing. Display row = nz − 1 − k.
    await eventually(async () => assertColour(await pixel(page, 3, SHAPE[2] - 1 - 4), blended(0, OVERLAY.tpColor, 1), 'k = 4 at the top'));
    assertColour(await pixel(page, 3, SHAPE[2] - 1 - 1), blended(0, OVERLAY.tpColor, 1), 'k = 1 near the bottom');
    assertColour(await pixel(page, 3, SHAPE[2] - 1), [0, 0, 0], 'k = 0 at the bottom is TN');
    await finish(editor, 'coronal-flip');
  });

  test('hover shows the voxel, its prediction and label values and its BCE term', async () => {
    const editor = await openKnown();
    const { page } = editor;
    const point = await call(page, 'canvasPoint', FN_PIXEL[0], FN_PIXEL[1]);
    await page.mouse.move(point.x, point.y);
    await eventually(async () => {
      const text = (await call(page, 'text', '.mi-readout')) ?? '';
      assert.match(text, /voxel \(2, 4, 2\)/);
      assert.match(text, /prediction 0\.2(000)?\b/);
      assert.match(text, /label 1/);
      assert.match(text, new RegExp(`BCE ${(-Math.log(0.2)).toPrecision(4).replace('.', '\\.')}`));
    });
    await finish(editor, 'hover-readout');
  });

  test('4D prediction: the selected label\'s channel is the prediction', async () => {
    const editor = await harness.open();
    const { host, page } = editor;
    const voxels = SHAPE[0] * SHAPE[1] * SHAPE[2];
    const prediction = new Float32Array(voxels * 3).fill(0.05);
    const label = new Int32Array(voxels);
    const a = volumeIndex(1, 1, KNOWN_SLICE);
    const b = volumeIndex(6, 4, KNOWN_SLICE);
    prediction[voxels + a] = 0.9; // channel 1 at A, labelled 1
    label[a] = 1;
    prediction[2 * voxels + b] = 0.9; // channel 2 at B, labelled 2
    label[b] = 2;
    host.volume = { shape: SHAPE, prediction, channels: 3, label, underlay: null };
    const oneLabel = lossesFor('k', SHAPE[2]).labels[0]!;
    host.losses.set('k', {
      type: 'losses', axis: 'k', labels: [oneLabel, { ...oneLabel, label: 2 }],
      multiclass: { classes: [0, 1, 2], volume: { lovaszSoftmax: 0.321 }, slices: oneLabel.slices.map((r) => ({ index: r.index, losses: { lovaszSoftmax: r.index / 10 } })) },
    });
    await host.post(init({}, { labels: [1, 2], predictionChannels: 3 }));
    await eventually(async () => assert.match((await call(page, 'text', '.mi-all-numbers')) ?? '', /Lovász softmax loss 0\.3210/));
    assert.equal(await call(page, 'text', '#mi-row-3 td:nth-child(12)'), '0.3000', 'Lovasz-Softmax column in the table');
    await eventually(async () => assertColour(await pixel(page, 1, 1), blended(0, OVERLAY.tpColor, 1), 'A for label 1'));
    assertColour(await pixel(page, 6, 4), [0, 0, 0], 'B is background for label 1');
    host.clear();
    await choose(page, 'mi-label', '2');
    await host.waitFor((m) => m.type === 'stateChanged' && m.state.label === 2, 'stateChanged with label 2');
    await eventually(async () => assertColour(await pixel(page, 6, 4), blended(0, OVERLAY.tpColor, 1), 'B for label 2'));
    assertColour(await pixel(page, 1, 1), [0, 0, 0], 'A is background for label 2');
    await finish(editor, 'prediction-4d');
  });

  test('a mask shown alone: prediction only, no losses requested, Choose partner offered', async () => {
    const editor = await harness.open();
    const { host, page } = editor;
    host.volume = { ...knownVolume(), label: null };
    await host.post(init({ marks: [] }, { labelName: null, labels: [] }));
    await eventually(async () => assertColour(await pixel(page, ...TP_PIXEL), blended(0, OVERLAY.tpColor, 1), 'predicted voxel'));
    assertColour(await pixel(page, ...FN_PIXEL), [0, 0, 0], 'p = 0.2 is not predicted');
    assert.equal(host.of('requestLosses').length, 0);
    await openOverflow(page);
    await page.getByText('Choose partner…').click();
    await host.waitFor((m) => m.type === 'action' && m.action === 'choosePartner', 'choosePartner action');
    await finish(editor, 'shown-alone');
  });
});
