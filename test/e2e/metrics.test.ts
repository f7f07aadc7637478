/**
 * The evaluation metrics in the webview: the `metrics` message in the header strip and as table
 * columns (null cells say why), sorting a metric column, the chart's metric selection with the
 * worst-slice keys ranking Dice-like metrics lowest first, the hover readout's 2D distance to the
 * other surface, and "Show HD voxel". The metrics are the engine's own for the known volume
 * (e2eFixtures.metricsFor).
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MetricsMessage, WebviewMessage } from '../../src/core/protocol';
import { Harness, SKIP_BROWSER, type EditorPage } from './browserHarness';
import {
  FN_PIXEL, FP_PIXEL, init, KNOWN_SLICE, knownVolume, lossesFor, metricsFor, SHAPE, TN_PIXEL, TP_PIXEL, WORST_FIRST_K,
} from './e2eFixtures';
import { call, choose, eventually, finish } from './pageHelpers';

const skip = SKIP_BROWSER ? 'MASK_INSPECTOR_SKIP_BROWSER=1' : false;

type Of<T extends WebviewMessage['type']> = Extract<WebviewMessage, { type: T }>;

describe('compare editor webview: evaluation metrics', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });

  const AXES = [['k', SHAPE[2]], ['j', SHAPE[1]], ['i', SHAPE[0]]] as const;

  async function openKnown(options: { metrics?: boolean } = {}): Promise<EditorPage> {
    const editor = await harness.open();
    editor.host.volume = knownVolume();
    for (const [axis, count] of AXES) {
      editor.host.losses.set(axis, lossesFor(axis, count));
      if (options.metrics !== false) editor.host.metrics.set(axis, metricsFor(axis));
    }
    await editor.host.post(init());
    await eventually(async () => assert.equal(await call(editor.page, 'currentRow'), KNOWN_SLICE));
    if (options.metrics !== false) await eventually(async () => assert.match((await call(editor.page, 'text', '.mi-metrics')) ?? '', /Dice/));
    return editor;
  }

  async function stateAfter(editor: EditorPage, act: () => Promise<unknown>): Promise<Of<'stateChanged'>> {
    editor.host.clear();
    await act();
    return await editor.host.waitFor((m) => m.type === 'stateChanged', 'stateChanged') as Of<'stateChanged'>;
  }

  /** The text and tooltip of the table cell of slice `index` under column `key`. */
  async function cell(editor: EditorPage, index: number, key: string): Promise<{ text: string; title: string | null }> {
    return await editor.page.evaluate(`(() => {
      const keys = Array.from(document.querySelectorAll('.mi-table thead tr:not(.mi-groups) th')).map((th) => th.getAttribute('data-key'));
      const td = document.querySelectorAll('#mi-row-${index} td')[keys.indexOf(${JSON.stringify(key)})];
      return { text: td.textContent ?? '', title: td.getAttribute('title') };
    })()`) as { text: string; title: string | null };
  }

  /** The markers over the slice, in page coordinates. */
  async function markers(editor: EditorPage): Promise<{ role: string; voxel: string; x: number; y: number }[]> {
    return await editor.page.evaluate(`(() => {
      const svg = document.querySelector('.mi-markers');
      const rect = svg.getBoundingClientRect();
      return Array.from(svg.querySelectorAll('circle')).map((c) => ({
        role: c.classList.contains('mi-marker-hausdorff') ? 'hausdorff' : 'nearest',
        voxel: c.dataset.voxel ?? '',
        x: rect.left + Number(c.getAttribute('cx')), y: rect.top + Number(c.getAttribute('cy')),
      }));
    })()`) as { role: string; voxel: string; x: number; y: number }[];
  }

  test('the metrics message fills the header (3D) and the table (per slice); nulls show — with the reason', async () => {
    const editor = await openKnown();
    const { page, host } = editor;
    const header = (await call(page, 'text', '.mi-metrics')) ?? '';
    // TP 4, FP 1, FN 1 over the volume; the Hausdorff distance is 3 mm (FP (5,1,2) to label (3,3,1)).
    assert.equal(await call(page, 'text', '.mi-groups-grid .mi-group-title:nth-of-type(2)'), 'Metrics (3D)');
    // Key figures in the header row, with units on distances and volumes.
    for (const part of [/Dice 0\.8000/, /IoU 0\.6667/, /HD95 \d\.\d\d mm/, /ASSD \d\.\d\d mm/, /Label vol\. 0\.005000 mL/, /Pred\. vol\. 0\.005000 mL/, /p ≥ 0\.5/]) {
      assert.match(header, part);
    }
    // Every number behind "All numbers".
    await page.locator('.mi-more-toggle').click();
    const all = (await call(page, 'text', '.mi-all-numbers')) ?? '';
    for (const part of [/Dice loss 0\.4200/, /Dice 0\.8000/, /Precision 0\.8000/, /Recall \(sensitivity\) 0\.8000/, /Hausdorff distance 3\.00 mm/,
      /Average symmetric surface distance \d\.\d\d mm/, /Surface Dice 0\.\d{4}/, /Detected lesions \d/, /Missed lesions \d/, /False-positive lesions \d/,
      /Label volume 0\.005000 mL/, /Prediction volume 0\.005000 mL/]) {
      assert.match(all, part);
    }
    assert.equal(await page.locator('th[data-key="metric:dice"]').count(), 1, 'a Dice metric column');
    assert.deepEqual(await page.evaluate(`Array.from(document.querySelectorAll('.mi-table thead tr.mi-groups th')).map((th) => th.textContent)`),
      ['', '', 'Losses', 'Voxels', 'Metrics']);
    assert.deepEqual(await cell(editor, 2, 'metric:dice'), { text: '0.5000', title: null });
    assert.deepEqual(await cell(editor, 2, 'metric:hausdorff'), { text: '4.00', title: null }, 'slice 2: FP (5,1) is 4 mm from label (1,1)');
    assert.deepEqual(await cell(editor, 0, 'metric:dice'), { text: '—', title: 'both empty' }, 'an empty slice has no Dice');
    assert.deepEqual(await cell(editor, 1, 'metric:hausdorff'), { text: '0.00', title: null });
    await editor.screenshot('metrics-header-table');

    // A volume metric that is null shows — and says why.
    const message = metricsFor('k');
    const label = message.labels[0]!;
    const { hausdorff: _h, ...reasons } = label.volume.undefinedReasons;
    const nulled: MetricsMessage = {
      ...message,
      labels: [{ ...label, hausdorffVoxel: null, volume: { ...label.volume, hausdorff: null, undefinedReasons: { ...reasons, hausdorff: 'prediction empty' } } }],
    };
    await host.post(nulled);
    await eventually(async () => assert.match((await call(page, 'text', '.mi-all-numbers')) ?? '', /Hausdorff distance —/));
    assert.equal(await page.locator('.mi-all-numbers [data-metric="hausdorff"]').getAttribute('title'), 'Hausdorff distance: undefined (prediction empty)');
    assert.equal(await page.locator('#mi-show-hd').getAttribute('disabled'), '', 'no Hausdorff voxel to show');
    await finish(editor, 'metrics-header-null');
  });

  test('before the metrics arrive the header says so and the chart waits for a chosen metric', async () => {
    const editor = await openKnown({ metrics: false });
    const { page, host } = editor;
    await eventually(async () => assert.match((await call(page, 'text', '.mi-metrics')) ?? '', /computing for label 1…/));
    assert.equal(await page.locator('th[data-key="metric:dice"]').count(), 0);
    assert.equal(await page.locator('#mi-show-hd').getAttribute('disabled'), '');
    await choose(page, 'mi-loss', 'metric:dice');
    await eventually(async () => assert.equal(await page.locator('.mi-chart-canvas').getAttribute('aria-label'), 'Computing metrics…'));
    host.clear();
    await page.keyboard.press('w');
    await eventually(async () => assert.match((await call(page, 'text', '.mi-hint')) ?? '', /metrics are not computed yet/));
    await host.post(metricsFor('k'));
    await eventually(async () => assert.equal(await page.locator('.mi-chart-canvas').getAttribute('data-series'), 'Dice'));
    await finish(editor, 'metrics-pending');
  });

  test('a metric column sorts worst first — lowest Dice, largest distance — with nulls last either way', async () => {
    const editor = await openKnown();
    const { page } = editor;
    await page.locator('th[data-key="metric:dice"] button').click();
    assert.deepEqual(await call(page, 'tableOrder'), [2, 1, 3, 4, 0], 'Dice ascending, the empty slice (null) last');
    assert.equal(await page.locator('th[data-key="metric:dice"]').getAttribute('aria-sort'), 'ascending');
    await page.locator('th[data-key="metric:dice"] button').click();
    assert.deepEqual(await call(page, 'tableOrder'), [1, 3, 4, 2, 0], 'Dice descending, null still last');
    await page.locator('th[data-key="metric:hausdorff"] button').click();
    assert.equal(await page.locator('th[data-key="metric:hausdorff"]').getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await call(page, 'tableOrder'), [2, 1, 3, 4, 0], 'HD descending, null last');
    await finish(editor, 'metrics-table-sort');
  });

  test('the chart lists the metrics; W/N/P rank a Dice-like metric lowest first, distances highest first', async () => {
    const editor = await openKnown();
    const { page } = editor;
    const options = await page.evaluate(`Array.from(document.querySelectorAll('#mi-loss vscode-option'))
      .map((o) => [o.getAttribute('value'), o.hasAttribute('disabled')])`) as [string, boolean][];
    assert.deepEqual(options[0], ['group:losses', true]);
    const metricsHeading = options.findIndex(([value]) => value === 'group:metrics');
    assert.ok(metricsHeading > 9 && options[metricsHeading]![1], 'a Metrics heading after the nine losses');
    assert.ok(options.some(([value]) => value === 'metric:hd95') && options.some(([value]) => value === 'metric:surfaceDice'));

    const chosen = await stateAfter(editor, () => choose(page, 'mi-loss', 'metric:dice'));
    assert.equal(chosen.state.metric, 'dice');
    assert.equal(chosen.state.loss, 'dice', 'the loss stays for the status bar');
    const canvas = page.locator('.mi-chart-canvas');
    await eventually(async () => assert.equal(await canvas.getAttribute('data-series'), 'Dice'));
    assert.equal(await canvas.getAttribute('data-gaps'), '0', 'the empty slice (null Dice) is a gap');
    assert.match((await canvas.getAttribute('aria-label')) ?? '', /^Dice per slice for 5 slices; slice 3 scores 0\.5000/);
    await editor.screenshot('metrics-chart-dice');

    const indexAfter = async (key: string): Promise<number> => (await stateAfter(editor, () => page.keyboard.press(key))).state.index;
    assert.equal(await indexAfter('ArrowRight'), 3);
    assert.equal(await indexAfter('w'), 2, 'the worst slice has the lowest Dice (0.5), not the highest');
    assert.equal(await indexAfter('n'), 1, 'then the Dice-1 slices in index order');
    assert.equal(await indexAfter('n'), 3);
    assert.equal(await indexAfter('p'), 1);

    await stateAfter(editor, () => choose(page, 'mi-loss', 'metric:hausdorff'));
    await eventually(async () => assert.equal(await canvas.getAttribute('data-series'), 'Hausdorff distance (mm)'));
    assert.equal(await indexAfter('w'), 2, 'the largest Hausdorff distance');
    assert.equal(await indexAfter('n'), 1);

    const back = await stateAfter(editor, () => choose(page, 'mi-loss', 'dice'));
    assert.equal(back.state.metric, undefined, 'a loss replaces the metric');
    assert.equal(await indexAfter('w'), WORST_FIRST_K[0], 'the Dice loss ranks highest first again');
    await finish(editor, 'metrics-chart');
  });

  test('hovering a voxel shows its 2D distance to the other mask\'s surface in this slice', async () => {
    const editor = await openKnown();
    const { page } = editor;
    const hover = async (pixel: readonly [number, number]): Promise<string> => {
      const at = await call(page, 'canvasPoint', pixel[0], pixel[1]);
      await page.mouse.move(at.x, at.y);
      let text = '';
      await eventually(async () => {
        text = (await call(page, 'text', '.mi-readout')) ?? '';
        assert.match(text, new RegExp(`voxel \\(${pixel[0]}, ${pixel[1]}, ${KNOWN_SLICE}\\)`));
      });
      return text;
    };
    // Slice 2: label {(1,1), (2,4)}, prediction {(1,1), (5,1)}, 1 mm pixels.
    assert.match(await hover(FN_PIXEL), /2D distance in this slice: to prediction surface 3\.16 mm$/, 'FN (2,4) → (1,1): √10');
    await editor.screenshot('metrics-hover-fn');
    assert.match(await hover(FP_PIXEL), /2D distance in this slice: to label surface 4\.00 mm$/, 'FP (5,1) → (1,1)');
    assert.match(await hover(TP_PIXEL), /2D distance in this slice: to prediction surface 0\.00 mm, to label surface 0\.00 mm$/);
    assert.doesNotMatch(await hover(TN_PIXEL), /2D distance/, 'a voxel in neither mask');
    await finish(editor, 'metrics-hover-distance');
  });

  test('Show HD voxel goes to the slice where the Hausdorff distance is reached and rings the voxel', async () => {
    const editor = await openKnown();
    const { page, host } = editor;
    assert.equal(await page.locator('#mi-show-hd').getAttribute('disabled'), null, 'enabled once the metrics arrived');
    await stateAfter(editor, () => page.keyboard.press('ArrowRight'));
    await stateAfter(editor, () => page.keyboard.press('ArrowRight'));
    const shown = await stateAfter(editor, () => page.locator('#mi-show-hd').click());
    assert.equal(shown.state.index, KNOWN_SLICE, 'the FP voxel (5, 1, 2) is on slice k = 2');
    await eventually(async () => assert.deepEqual((await markers(editor)).map((m) => [m.role, m.voxel]), [['hausdorff', '5,1,2']]));
    const ring = (await markers(editor))[0]!;
    const at = await call(page, 'canvasPoint', 5, 1);
    assert.ok(Math.abs(ring.x - at.x) < 1 && Math.abs(ring.y - at.y) < 1, `ring at (${ring.x}, ${ring.y}), voxel centre at (${at.x}, ${at.y})`);
    assert.match((await call(page, 'text', '.mi-hint')) ?? '', /Hausdorff distance 3\.00 mm: prediction surface voxel \(5, 1, 2\) to the nearest label surface voxel \(3, 3, 1\)/);
    await editor.screenshot('metrics-hd-voxel');

    // Its nearest label voxel (3, 3, 1) is on the slice below (index 1, slice 2): the editor offers to go there.
    const partnerButton = page.locator('#mi-partner-voxel');
    assert.ok(await partnerButton.isVisible(), '"Go to partner voxel" is offered');
    assert.equal((await partnerButton.textContent())?.trim(), 'Go to partner voxel (slice 2)');
    const atPartner = await stateAfter(editor, () => partnerButton.click());
    assert.equal(atPartner.state.index, 1);
    await eventually(async () => assert.deepEqual((await markers(editor)).map((m) => [m.role, m.voxel]), [['nearest', '3,3,1']]));
    assert.equal((await partnerButton.textContent())?.trim(), 'Back to HD voxel (slice 3)');
    // The palette command does the same through the host.
    const again = await stateAfter(editor, () => host.post({ type: 'command', command: 'showHausdorffVoxel' }));
    assert.equal(again.state.index, KNOWN_SLICE);
    // Coronal: the voxel is on slice j = 1, column i = 5, row k = 2 shown upside down (k upward).
    const coronal = await stateAfter(editor, () => choose(page, 'mi-axis', 'j'));
    assert.equal(coronal.state.axis, 'j');
    // Wait for j's losses and metrics (their arrival posts a stateChanged of its own).
    await eventually(async () => {
      assert.equal((await call(page, 'tableOrder')).length, SHAPE[1]);
      assert.equal(await page.locator('th[data-key="metric:dice"]').count(), 1);
    });
    const onJ = await stateAfter(editor, () => page.locator('#mi-show-hd').click());
    assert.equal(onJ.state.index, 1);
    await eventually(async () => {
      const list = await markers(editor);
      assert.deepEqual(list.map((m) => [m.role, m.voxel]), [['hausdorff', '5,1,2']], '(3, 3, 1) is on j = 3');
      const spot = await call(page, 'canvasPoint', 5, SHAPE[2] - 1 - 2);
      assert.ok(Math.abs(list[0]!.x - spot.x) < 1 && Math.abs(list[0]!.y - spot.y) < 1, 'flipped row');
    });
    assert.equal(await page.locator('.mi-markers line').count(), 0);
    // When both voxels share the slice, a line joins them.
    const message = metricsFor('j');
    const partner: MetricsMessage = { ...message, labels: [{ ...message.labels[0]!, hausdorffVoxel: { voxel: [5, 1, 2], surface: 'prediction', nearest: [1, 1, 2], distanceMm: 4 } }] };
    await host.post(partner);
    await page.locator('#mi-show-hd').click();
    await eventually(async () => assert.deepEqual((await markers(editor)).map((m) => [m.role, m.voxel]), [['hausdorff', '5,1,2'], ['nearest', '1,1,2']]));
    assert.equal(await page.locator('.mi-markers line').count(), 1);
    await finish(editor, 'metrics-hd-voxel-coronal');
  });
});
