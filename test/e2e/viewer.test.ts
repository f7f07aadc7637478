/**
 * A viewer that answers "what am I looking at" (issue #8): the hovered voxel's class and a
 * crosshair on it, orientation letters from the affine, a scale bar in mm, the zoom level, a
 * legend that matches the overlay mode (a colour bar for the heat map), the chart's current-slice
 * marker and y-range, 2D pairs described as 2D, and the table's sort and sticky column.
 * Each test failed before the change it covers.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WebviewMessage } from '../../src/core/protocol';
import { Harness, SKIP_BROWSER, type EditorPage } from './browserHarness';
import { FN_PIXEL, FP_PIXEL, init, KNOWN_SLICE, knownVolume, lossesFor, metricsFor, SHAPE, TN_PIXEL, TP_PIXEL } from './e2eFixtures';
import { caseInit, caseLosses, caseMetrics, ellipsoidCase, pngCase, type Case } from './layoutFixtures';
import { call, choose, eventually, finish } from './pageHelpers';

const skip = SKIP_BROWSER ? 'MASK_INSPECTOR_SKIP_BROWSER=1' : false;
type Of<T extends WebviewMessage['type']> = Extract<WebviewMessage, { type: T }>;

describe('compare editor webview: what am I looking at', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });

  async function openKnown(savedState?: unknown): Promise<EditorPage> {
    const editor = await harness.open(savedState === undefined ? {} : { savedState });
    editor.host.volume = knownVolume();
    for (const [axis, count] of [['k', SHAPE[2]], ['j', SHAPE[1]], ['i', SHAPE[0]]] as const) {
      editor.host.losses.set(axis, lossesFor(axis, count));
      editor.host.metrics.set(axis, metricsFor(axis));
    }
    await editor.host.post(init(savedState === undefined ? {} : { state: null }));
    await eventually(async () => assert.equal(await call(editor.page, 'currentRow'), KNOWN_SLICE));
    return editor;
  }

  async function openCase(c: Case): Promise<EditorPage> {
    const editor = await harness.open();
    editor.host.volume = c.volume;
    for (const axis of ['k', 'j', 'i'] as const) {
      if (c.volume.shape[2] === 1 && axis !== 'k') continue;
      editor.host.losses.set(axis, caseLosses(c, axis));
      editor.host.metrics.set(axis, caseMetrics(c, axis));
    }
    await editor.host.post(caseInit(c));
    await eventually(async () => assert.ok(await editor.page.locator('.mi-metrics [data-metric="dice"]').count() > 0));
    return editor;
  }

  test('hovering a voxel names its class and puts a crosshair on it', async () => {
    const editor = await openKnown();
    const { page } = editor;
    const expectations = [[TP_PIXEL, 'TP'], [FP_PIXEL, 'FP'], [FN_PIXEL, 'FN'], [TN_PIXEL, 'TN']] as const;
    for (const [pixel, voxelClass] of expectations) {
      const at = await call(page, 'canvasPoint', pixel[0], pixel[1]);
      await page.mouse.move(at.x, at.y);
      await eventually(async () => {
        assert.equal(await page.locator('.mi-readout .mi-class').getAttribute('data-class'), voxelClass);
        assert.equal(await page.locator('.mi-main-plane .mi-crosshair').getAttribute('data-voxel'), `${pixel[0]},${pixel[1]}`);
      });
      assert.match((await call(page, 'text', '.mi-readout')) ?? '', new RegExp(`^${voxelClass} \\(`));
      // The crosshair's box is centred on the voxel.
      const box = await page.evaluate(`(() => {
        const svg = document.querySelector('.mi-crosshair'), r = svg.querySelector('rect'), b = svg.getBoundingClientRect();
        return { x: b.left + Number(r.getAttribute('x')) + Number(r.getAttribute('width')) / 2, y: b.top + Number(r.getAttribute('y')) + Number(r.getAttribute('height')) / 2 };
      })()`) as { x: number; y: number };
      assert.ok(Math.abs(box.x - at.x) < 1 && Math.abs(box.y - at.y) < 1, `${voxelClass}: crosshair at (${box.x}, ${box.y}), voxel at (${at.x}, ${at.y})`);
    }
    await editor.screenshot('viewer-crosshair');
    await page.mouse.move(1, 1);
    await eventually(async () => assert.equal(await page.locator('.mi-main-plane .mi-crosshair rect').count(), 0, 'the crosshair leaves with the pointer'));
    await finish(editor, 'viewer-crosshair-done');
  });

  test('the Dice loss and the Dice metric never share a name: header, chart selector, table headings', async () => {
    const editor = await openKnown();
    const { page } = editor;
    await eventually(async () => assert.equal(await page.locator('th[data-key="metric:dice"]').count(), 1));
    assert.equal((await page.locator('th[data-key="dice"]').textContent())?.replace(/[▴▾]/g, '').trim(), 'Dice loss');
    assert.equal((await page.locator('th[data-key="metric:dice"]').textContent())?.replace(/[▴▾]/g, '').trim(), 'Dice');
    assert.equal((await page.locator('th[data-key="iou"]').textContent())?.trim(), 'IoU loss');
    assert.equal((await page.locator('th[data-key="metric:hd95"]').textContent())?.trim(), 'HD95 (mm)', 'units on distances');
    const options = await page.evaluate(`Array.from(document.querySelectorAll('#mi-loss vscode-option')).map((o) => [o.getAttribute('value'), o.textContent])`) as [string, string][];
    const text = (value: string): string | undefined => options.find(([v]) => v === value)?.[1];
    assert.equal(text('dice'), 'Dice loss');
    assert.equal(text('metric:dice'), 'Dice');
    assert.equal(text('metric:labelVolumeMl'), 'Label volume (mL)');
    assert.equal(new Set(options.map(([, t]) => t)).size, options.length, 'no two choices read the same');
    const header = (await call(page, 'text', '.mi-groups-grid')) ?? '';
    assert.match(header, /^Losses.*Dice loss \d\.\d{4}.*Metrics \(3D\)Dice \d\.\d{4}/);
    await finish(editor, 'viewer-names');
  });

  test('orientation letters follow the affine on every axis; scale bar in mm; zoom level', async () => {
    const c = ellipsoidCase(); // affine diag(−0.8, −0.8, 2.5): +i is Left, +j is Posterior, +k is Superior
    const editor = await openCase(c);
    const { page } = editor;
    const letters = async (): Promise<string[]> => page.evaluate(`['left', 'right', 'top', 'bottom'].map((w) => document.querySelector('.mi-orient-' + w).textContent)`) as Promise<string[]>;
    await eventually(async () => assert.deepEqual(await letters(), ['R', 'L', 'A', 'P'], 'axial: i to the right (L), j downward (P)'));
    // Scale bar: 1, 2 or 5 × 10ⁿ mm, as long on screen as that many mm at the fitted scale.
    const scale = await page.evaluate(`(() => {
      const bar = document.querySelector('.mi-scalebar'), canvas = document.querySelector('.mi-slice-canvas').getBoundingClientRect();
      return { text: bar.textContent, length: Number(bar.dataset.length), width: document.querySelector('.mi-scalebar-bar').getBoundingClientRect().width,
        canvasWidth: canvas.width, canvasHeight: canvas.height };
    })()`) as { text: string; length: number; width: number; canvasWidth: number; canvasHeight: number };
    const cssPerMm = Math.min(scale.canvasWidth / (48 * 0.8), scale.canvasHeight / (40 * 0.8));
    assert.equal(scale.text, `${scale.length} mm`);
    assert.ok([1, 2, 5, 10, 20, 50].includes(scale.length), `round length ${scale.length}`);
    assert.ok(Math.abs(scale.width - scale.length * cssPerMm) <= 1.5, `bar ${scale.width} px for ${scale.length} mm at ${cssPerMm.toFixed(2)} px/mm`);
    assert.equal(await call(page, 'text', '.mi-zoom'), '100 %');
    await page.locator('.mi-main-plane .mi-slice-canvas').focus();
    await page.keyboard.press('+');
    await eventually(async () => assert.equal(await call(page, 'text', '.mi-zoom'), '125 %'));
    await choose(page, 'mi-axis', 'j');
    await eventually(async () => assert.deepEqual(await letters(), ['R', 'L', 'S', 'I'], 'coronal: k upward (S)'));
    await choose(page, 'mi-axis', 'i');
    await eventually(async () => assert.deepEqual(await letters(), ['A', 'P', 'S', 'I'], 'sagittal: j to the right (P)'));
    await finish(editor, 'viewer-orientation');
  });

  test('the legend matches the overlay mode: TP/FP/FN swatches, a colour bar for the heat map', async () => {
    const editor = await openKnown();
    const { page } = editor;
    const legend = page.locator('.mi-main-plane .mi-view-legend');
    assert.match((await legend.textContent()) ?? '', /TP.*FP.*FN/);
    assert.equal(await legend.locator('.mi-colourbar').count(), 0);
    await choose(page, 'mi-overlay', 'heat');
    await eventually(async () => assert.equal(await legend.getAttribute('data-mode'), 'heat'));
    assert.equal(await legend.locator('.mi-colourbar').count(), 1, 'a colour bar of p');
    assert.doesNotMatch((await legend.textContent()) ?? '', /\bTP\b|\bFP\b/, 'no TP/FP swatches in heat-map mode');
    const gradient = await legend.locator('.mi-colourbar').evaluate((e) => (e as unknown as { style: { backgroundImage: string } }).style.backgroundImage);
    assert.match(gradient, /rgb\(68, 1, 84\).*rgb\(253, 231, 37\)/, 'viridis from p = 0 to p = 1, as the heat map paints');
    await choose(page, 'mi-overlay', 'off');
    await eventually(async () => assert.match((await legend.textContent()) ?? '', /overlay off/));
    await finish(editor, 'viewer-legend');
  });

  test('the chart marks the current slice apart from the bars, and empty slices do not set its range', async () => {
    const c = ellipsoidCase();
    const editor = await openCase(c);
    const { page } = editor;
    const canvas = page.locator('.mi-chart-canvas');
    const rows = caseLosses(c, 'k').labels[0]!.slices;
    const nonEmptyMax = Math.max(...rows.filter((r) => !r.empty).map((r) => r.losses.dice));
    assert.ok(rows.some((r) => r.empty && r.losses.dice > nonEmptyMax), 'the fixture has empty slices scoring above every real one');
    await eventually(async () => assert.equal(Number(await canvas.getAttribute('data-y-max')), nonEmptyMax));
    // The marker's column is shaded and its pointer drawn in the text colour, not the bars' blue.
    const colours = await page.evaluate(`(() => {
      const c = document.querySelector('.mi-chart-canvas'), r = c.getBoundingClientRect(), ctx = c.getContext('2d'), ratio = c.width / r.width;
      const left = Number(c.dataset.plotLeft), right = Number(c.dataset.plotRight), count = ${rows.length};
      const x = (i) => Math.round((left + (i + 0.5) * (right - left) / count) * ratio);
      const bottom = r.height - 22;
      const at = (px, py) => Array.from(ctx.getImageData(px, Math.round(py * ratio), 1, 1).data).slice(0, 3);
      return { pointer: at(x(${Math.floor(c.volume.shape[2] / 2)}), bottom + 6), bar: at(x(8), bottom - 2) };
    })()`) as { pointer: number[]; bar: number[] };
    const distance = Math.hypot(...colours.pointer.map((v, i) => v - colours.bar[i]!));
    assert.ok(distance > 100, `marker rgb(${colours.pointer}) vs bar rgb(${colours.bar})`);
    assert.match((await canvas.getAttribute('aria-label')) ?? '', /slice 13 scores/, 'slice numbers from 1');
    await finish(editor, 'viewer-chart');
  });

  test('a 2D PNG pair is described as 2D: no axis, Metrics (2D), areas in px², no one-bar chart', async () => {
    const editor = await openCase(pngCase());
    const { page } = editor;
    assert.equal(await page.locator('#mi-axis').isVisible(), false, 'no axis selector');
    assert.equal(await page.locator('.mi-chart').isVisible(), false, 'no one-bar chart');
    assert.equal(await page.locator('.mi-slice-text').isVisible(), false, 'no "Slice 1 / 1"');
    const header = (await call(page, 'text', '.mi-header')) ?? '';
    assert.match(header, /Metrics \(2D\)/);
    assert.doesNotMatch(header, /3D|mL|voxels/);
    assert.match(header, /64 × 48 pixels · pixel size unknown/);
    assert.match(header, /Label area \d+ px²/);
    assert.match(header, /HD95 \d+\.\d+ px/, 'distances in pixels when the spacing is unknown');
    // The label area is its pixel count (spacing unknown, so 1 × 1).
    const c = pngCase();
    const labelPixels = c.volume.label!.reduce((n, v) => n + (v === 1 ? 1 : 0), 0);
    const area = await page.locator('.mi-metrics [data-metric="labelVolumeMl"]').textContent();
    assert.match(area ?? '', new RegExp(`Label area ${labelPixels} px²`));
    assert.equal(await page.locator('.mi-main-plane .mi-orient-left').isVisible(), false, 'no orientation letters without a real affine');
    assert.match((await call(page, 'text', '.mi-scalebar')) ?? '', /^\d+ px$/);
    await finish(editor, 'viewer-2d');
  });

  test('the table keeps its sort when the tab is hidden and shown again', async () => {
    const editor = await openKnown();
    const { page, host } = editor;
    await page.locator('th[data-key="fp"] button').click();
    await eventually(async () => assert.equal(await page.locator('th[data-key="fp"]').getAttribute('aria-sort'), 'descending'));
    const saved = await page.evaluate('window.__mi.savedState');
    assert.deepEqual((saved as { ui: unknown }).ui, { tableSort: { key: 'fp', descending: true }, layout: 'one' });
    await host.waitFor((m) => m.type === 'stateChanged', 'stateChanged');
    await finish(editor, 'table-sort-before-hide');
    // VS Code disposes a hidden webview's page; showing the tab loads it again with getState().
    const shown = await openKnown(saved);
    await eventually(async () => assert.equal(await shown.page.locator('th[data-key="fp"]').getAttribute('aria-sort'), 'descending'));
    assert.deepEqual(await call(shown.page, 'tableOrder'), [1, 3, 4, 2, 0], 'FP descending, as before');
    await finish(shown, 'table-sort-after-show');
  });

  test('scrolled right, the slice column covers only itself and the group headings stay readable', async () => {
    const editor = await openKnown();
    const { page } = editor;
    await page.setViewportSize({ width: 1000, height: 700 });
    const geometry = async (): Promise<{ stickyGroup: number; sliceColumn: number; visibleGroups: string[] }> => page.evaluate(`(() => {
      const table = document.querySelector('.mi-table'), t = table.getBoundingClientRect();
      const firstGroup = document.querySelector('.mi-table thead tr.mi-groups th').getBoundingClientRect();
      const firstColumn = document.querySelector('.mi-table thead tr:not(.mi-groups) th').getBoundingClientRect();
      const visibleGroups = Array.from(document.querySelectorAll('.mi-group-name')).filter((s) => {
        const r = s.getBoundingClientRect();
        return s.textContent !== '' && r.width > 0 && r.left >= firstColumn.right - 1 && r.right <= t.right + 1;
      }).map((s) => s.textContent);
      return { stickyGroup: firstGroup.width, sliceColumn: firstColumn.width, visibleGroups };
    })()`) as unknown as { stickyGroup: number; sliceColumn: number; visibleGroups: string[] };
    const before = await geometry();
    assert.ok(Math.abs(before.stickyGroup - before.sliceColumn) < 1, `the sticky group cell is ${before.stickyGroup} px, the slice column ${before.sliceColumn} px`);
    for (const scroll of [300, 700, 100000]) {
      await page.evaluate(`document.querySelector('.mi-table').scrollLeft = ${scroll}`);
      const g = await geometry();
      assert.ok(g.visibleGroups.length > 0, `scrolled to ${scroll}: a group heading is in view`);
    }
    await editor.screenshot('table-scrolled-right');
    await finish(editor, 'table-sticky');
  });
});

describe('compare editor webview: three linked planes', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });

  test('axial + coronal + sagittal side by side; a click in one moves the others; the chart follows the main axis', async () => {
    const c = ellipsoidCase();
    const [nx, ny, nz] = c.volume.shape;
    const editor = await harness.open();
    const { page, host } = editor;
    await page.setViewportSize({ width: 1600, height: 900 });
    host.volume = c.volume;
    for (const axis of ['k', 'j', 'i'] as const) {
      host.losses.set(axis, caseLosses(c, axis));
      host.metrics.set(axis, caseMetrics(c, axis));
    }
    await host.post(caseInit(c));
    await eventually(async () => assert.ok(await page.locator('.mi-table tbody tr[data-index]').count() > 0));
    await choose(page, 'mi-layout', 'three');
    const views = page.locator('.mi-planes .mi-viewer');
    await eventually(async () => assert.equal(await page.locator('.mi-planes .mi-viewer:visible').count(), 3));
    // The side planes show the slices through the cursor: the volume's centre, and the main slice along k.
    const k0 = Math.floor(nz / 2);
    await eventually(async () => {
      const captions = await page.evaluate(`Array.from(document.querySelectorAll('.mi-plane-caption')).map((e) => e.textContent)`) as string[];
      assert.deepEqual(captions, [`Axial ${k0 + 1} / ${nz}`, `Coronal ${ny / 2 + 1} / ${ny}`, `Sagittal ${nx / 2 + 1} / ${nx}`]);
    });
    const requested = host.of('requestSlice').map((m) => `${m.axis}:${m.index}`);
    assert.ok(requested.includes(`j:${ny / 2}`) && requested.includes(`i:${nx / 2}`), `side slices requested: ${requested.join(' ')}`);
    await eventually(async () => assert.equal(await views.nth(1).locator('.mi-crosshair').getAttribute('data-voxel'), `${nx / 2},${nz - 1 - k0}`,
      'coronal crosshair at (i, k) of the cursor, k upward'));
    // Click in the coronal plane at voxel i = 10, k = 5: the axial view goes to k = 5, the sagittal to i = 10.
    const point = await views.nth(1).locator('.mi-slice-canvas').evaluate((canvas, [column, row]) => {
      const [x, y, sx, sy] = ((canvas as unknown as { dataset: { place: string } }).dataset.place).split(',').map(Number) as [number, number, number, number];
      return { x: x + (column! + 0.5) * sx, y: y + (row! + 0.5) * sy };
    }, [10, nz - 1 - 5] as const);
    host.clear();
    await views.nth(1).locator('.mi-slice-canvas').click({ position: point });
    const moved = await host.waitFor((m) => m.type === 'stateChanged', 'stateChanged') as Of<'stateChanged'>;
    assert.deepEqual([moved.state.axis, moved.state.index], ['k', 5]);
    await eventually(async () => {
      const captions = await page.evaluate(`Array.from(document.querySelectorAll('.mi-plane-caption')).map((e) => e.textContent)`) as string[];
      assert.equal(captions[0], `Axial 6 / ${nz}`);
      assert.equal(captions[2], `Sagittal 11 / ${nx}`);
      assert.equal(await views.nth(0).locator('.mi-crosshair').getAttribute('data-voxel'), `10,${ny / 2}`, 'axial crosshair at (i, j)');
    });
    assert.equal(await page.locator('.mi-table tbody tr.mi-current').getAttribute('data-index'), '5', 'the chart and table follow the main axis');
    assert.deepEqual((await page.evaluate('window.__mi.savedState') as { ui: { layout: string } }).ui.layout, 'three', 'the layout is kept with the view');
    await editor.screenshot('three-planes');
    await choose(page, 'mi-layout', 'one');
    await eventually(async () => assert.equal(await page.locator('.mi-planes .mi-viewer:visible').count(), 1));
    await finish(editor, 'three-planes-back-to-one');
  });
});

export type { Of };
