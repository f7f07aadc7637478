/**
 * Speed: moving to a cached 512×512 slice (with label and underlay) must take < 30 ms in the
 * webview, measured from the key press to the display canvas's pixels being readable; and the
 * slice table stays small in the DOM with 1000 slices.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SliceRow } from '../../src/core/analysis/result';
import { Harness, SKIP_BROWSER } from './browserHarness';
import { init, row } from './e2eFixtures';
import { call, eventually, finish } from './pageHelpers';

const skip = SKIP_BROWSER ? 'MASK_INSPECTOR_SKIP_BROWSER=1' : false;
const SIZE = 512;
const SLICES = 1000;
const START = 500;
const BUDGET_MS = 30;

/**
 * Runs in the page (see FakeHost.generateInPage): a disc whose radius changes with the slice,
 * a slightly shifted soft predicted disc, and a CT-like ramp underneath.
 */
const GENERATE_SLICE = `window.__mi.generateSlice = (axis, index) => {
  const size = ${SIZE};
  const prediction = new Float32Array(size * size), label = new Int32Array(size * size), underlay = new Float32Array(size * size);
  const radius = 60 + (index % 40);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const n = y * size + x;
    label[n] = Math.hypot(x - 256, y - 256) < radius ? 1 : 0;
    prediction[n] = 1 / (1 + Math.exp((Math.hypot(x - 266, y - 250) - radius) / 4));
    underlay[n] = -1000 + (x + y) * 2;
  }
  return { width: size, height: size, prediction: prediction.buffer, label: label.buffer, underlay: underlay.buffer };
};`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('compare editor webview: speed', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });

  test(`next slice of ${SIZE}×${SIZE} from the cache in < ${BUDGET_MS} ms; ${SLICES}-slice table stays virtual`, async (t) => {
    const editor = await harness.open({ extraScript: GENERATE_SLICE });
    const { page, host } = editor;
    host.generateInPage = true;
    const rows: SliceRow[] = Array.from({ length: SLICES }, (_, i) => row(i, ((i * 7919) % 1000) / 1000, i % 10 === 0, i % 13));
    host.losses.set('k', { type: 'losses', axis: 'k', multiclass: null, labels: [{ label: 1, volume: rows[1]!.losses, slices: rows }] });
    await host.post(init({ state: { axis: 'k', index: START, zoom: 1, panX: 0, panY: 0, loss: 'dice', label: 1 }, marks: [] },
      { shape: [SIZE, SIZE, SLICES], spacing: [0.8, 0.8, 2.5], underlayName: 'ct.nii.gz', warnings: [] }));
    await eventually(async () => assert.deepEqual(await call(page, 'nativeSize'), [SIZE, SIZE]), 15000);
    // Warm up: visit both neighbours so that 499…502 are all decoded and cached before timing.
    const slicePresent = async (): Promise<void> => assert.equal(await page.evaluate('document.querySelector(".mi-slice-message").hidden'), true);
    await eventually(slicePresent, 15000);
    for (const key of ['ArrowRight', 'ArrowLeft', 'ArrowLeft', 'ArrowRight']) {
      await page.keyboard.press(key);
      await eventually(slicePresent, 15000);
    }
    await eventually(async () => assert.equal(host.of('requestSlice').length, 5), 15000); // 500, 501, 502, 499, 498
    await page.waitForTimeout(500);

    const timings: number[] = [];
    for (let n = 0; n < 20; n++) {
      const { ms, cached } = await call(page, 'timeKey', n % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
      assert.ok(cached, `move ${n} hit a slice that was not cached`);
      timings.push(ms);
    }
    const sortTime = await call(page, 'timeClick', 'th[data-key="dice"] button');
    const worstTime = (await call(page, 'timeKey', 'w')).ms;
    const domRows = await call(page, 'domRows');
    const report = `render of a cached ${SIZE}×${SIZE} slice (label + underlay, fill overlay): median ${median(timings).toFixed(1)} ms, ` +
      `max ${Math.max(...timings).toFixed(1)} ms over ${timings.length} moves; sort ${SLICES} rows ${sortTime.toFixed(1)} ms; ` +
      `W over ${SLICES} slices ${worstTime.toFixed(1)} ms (slice not cached: request only); table rows in DOM: ${domRows}`;
    t.diagnostic(report);
    console.log(report);
    assert.ok(median(timings) < BUDGET_MS, report);
    assert.ok(domRows < 80, `the table keeps only the visible rows in the DOM (${domRows})`);
    const worst = rows.filter((r) => !r.empty).reduce((a, b) => (b.losses.dice > a.losses.dice ? b : a));
    await eventually(async () => assert.equal(host.last('stateChanged')?.state.index, worst.index, 'W went to the worst non-empty slice'));
    await finish(editor, 'performance-512');
  });
});
