/**
 * Moving around: the chart, the triage keys and host commands, marks, the table's sorting,
 * the axis switch, stale replies, restoring the view, and the host's status/error messages.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TriageCommand, WebviewMessage } from '../../src/core/protocol';
import { Harness, SKIP_BROWSER, type EditorPage } from './browserHarness';
import { init, KNOWN_SLICE, knownVolume, lossesFor, OVERLAY, SHAPE, WORST_FIRST_K } from './e2eFixtures';
import { assertColour, blended, call, openOverflow, choose, eventually, finish, pixel } from './pageHelpers';

const skip = SKIP_BROWSER ? 'MASK_INSPECTOR_SKIP_BROWSER=1' : false;

type Of<T extends WebviewMessage['type']> = Extract<WebviewMessage, { type: T }>;

describe('compare editor webview: navigation and triage', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });

  async function openKnown(options: { savedState?: unknown; autoReply?: boolean; withState?: boolean } = {}): Promise<EditorPage> {
    const editor = await harness.open({ savedState: options.savedState });
    editor.host.volume = knownVolume();
    editor.host.autoReply = options.autoReply ?? true;
    for (const [axis, count] of [['k', SHAPE[2]], ['j', SHAPE[1]], ['i', SHAPE[0]]] as const) editor.host.losses.set(axis, lossesFor(axis, count));
    await editor.host.post(options.withState === false ? init({ state: null }) : init());
    if (editor.host.autoReply && options.withState !== false) await eventually(async () => assert.equal(await call(editor.page, 'currentRow'), KNOWN_SLICE));
    return editor;
  }

  /** Runs `act` and returns the stateChanged that follows it. */
  async function stateAfter(editor: EditorPage, act: () => Promise<unknown>): Promise<Of<'stateChanged'>> {
    editor.host.clear();
    await act();
    return await editor.host.waitFor((m) => m.type === 'stateChanged', 'stateChanged') as Of<'stateChanged'>;
  }

  test('a click on the chart goes to that slice (requesting it unless cached)', async () => {
    const editor = await openKnown();
    const { page, host } = editor;
    const at4 = await call(page, 'chartPoint', 4, SHAPE[2]);
    const changed = await stateAfter(editor, () => page.mouse.click(at4.x, at4.y));
    assert.equal(changed.state.index, 4);
    assert.equal(changed.currentLoss, 0.5);
    assert.ok(host.of('requestSlice').some((m) => m.axis === 'k' && m.index === 4), 'slice 4 was not prefetched, so it is requested');
    await eventually(async () => assertColour(await pixel(page, 3, 3), blended(0, OVERLAY.tpColor, 1), 'slice 4 drawn'));
    const at3 = await call(page, 'chartPoint', 3, SHAPE[2]);
    const back = await stateAfter(editor, () => page.mouse.click(at3.x, at3.y));
    assert.equal(back.state.index, 3);
    assert.ok(!host.of('requestSlice').some((m) => m.index === 3), 'slice 3 comes from the cache');
    assert.equal(await call(page, 'currentRow'), 3, 'table follows');
    await finish(editor, 'chart-click');
  });

  test('keys ← → W N P R F', async () => {
    const editor = await openKnown();
    const { page, host } = editor;
    const indexAfter = async (key: string): Promise<number> => (await stateAfter(editor, () => page.keyboard.press(key))).state.index;
    assert.equal(await indexAfter('ArrowRight'), 3);
    assert.equal(await indexAfter('ArrowLeft'), 2);
    assert.equal(await indexAfter('w'), WORST_FIRST_K[0]);
    assert.equal(await indexAfter('n'), WORST_FIRST_K[1]);
    assert.equal(await indexAfter('n'), WORST_FIRST_K[2]);
    assert.equal(await indexAfter('p'), WORST_FIRST_K[1]);
    host.clear();
    await page.keyboard.press('r');
    await page.keyboard.press('f');
    await page.keyboard.press('r');
    await eventually(async () => assert.deepEqual(host.of('setMark').map(({ index, reviewed, flagged }) => ({ index, reviewed, flagged })), [
      { index: 1, reviewed: true, flagged: undefined },
      { index: 1, reviewed: undefined, flagged: true },
      { index: 1, reviewed: false, flagged: undefined },
    ]));
    assert.ok(host.of('setMark').every((m) => m.axis === 'k'));
    await eventually(async () => assert.match((await call(page, 'text', '#mi-row-1')) ?? '', /⚑/));
    await finish(editor, 'triage-keys');
  });

  test('host command messages run the same actions', async () => {
    const editor = await openKnown();
    const { host } = editor;
    const indexAfter = async (command: TriageCommand): Promise<number> =>
      (await stateAfter(editor, () => host.post({ type: 'command', command }))).state.index;
    assert.equal(await indexAfter('worst'), 3);
    assert.equal(await indexAfter('nextWorst'), 1);
    assert.equal(await indexAfter('nextSlice'), 2);
    assert.equal(await indexAfter('previousSlice'), 1);
    assert.equal(await indexAfter('previousWorst'), 3);
    host.clear();
    await host.post({ type: 'command', command: 'markReviewed' }); // slice 3 is reviewed since init
    await host.post({ type: 'command', command: 'flag' });
    await eventually(async () => assert.deepEqual(host.of('setMark').map(({ index, reviewed, flagged }) => ({ index, reviewed, flagged })), [
      { index: 3, reviewed: false, flagged: undefined },
      { index: 3, reviewed: undefined, flagged: true },
    ]));
    await finish(editor, 'host-commands');
  });

  test('marks from init and from marks messages show in the table', async () => {
    const editor = await openKnown();
    const { page, host } = editor;
    assert.match((await call(page, 'text', '#mi-row-3')) ?? '', /✓/);
    await host.post({ type: 'marks', marks: [{ axis: 'k', index: 4, reviewed: true, flagged: true }, { axis: 'j', index: 3, reviewed: true, flagged: false }] });
    await eventually(async () => assert.match((await call(page, 'text', '#mi-row-4')) ?? '', /✓⚑/));
    assert.doesNotMatch((await call(page, 'text', '#mi-row-3')) ?? '', /✓/, 'marks are replaced, not merged');
    await finish(editor, 'marks');
  });

  test('the table sorts by any column and a row click goes to that slice', async () => {
    const editor = await openKnown();
    const { page } = editor;
    assert.deepEqual(await call(page, 'tableOrder'), [0, 1, 2, 3, 4]);
    await page.locator('th[data-key="fp"] button').click();
    assert.deepEqual(await call(page, 'tableOrder'), [1, 3, 4, 2, 0], 'FP descending');
    assert.equal(await page.locator('th[data-key="fp"]').getAttribute('aria-sort'), 'descending');
    await page.locator('th[data-key="fp"] button').click();
    assert.deepEqual(await call(page, 'tableOrder'), [0, 2, 4, 3, 1], 'FP ascending');
    await page.locator('th[data-key="dice"] button').click();
    assert.deepEqual(await call(page, 'tableOrder'), WORST_FIRST_K, 'Dice descending');
    const changed = await stateAfter(editor, () => page.locator('#mi-row-4').click());
    assert.equal(changed.state.index, 4);
    await eventually(async () => assert.equal(await call(page, 'currentRow'), 4));
    await finish(editor, 'table-sort');
  });

  test('switching axis requests that axis\'s losses and slice counts follow', async () => {
    const editor = await openKnown();
    const { page, host } = editor;
    const changed = await stateAfter(editor, () => choose(page, 'mi-axis', 'i'));
    assert.deepEqual([changed.state.axis, changed.state.index], ['i', 4]);
    assert.deepEqual(host.of('requestLosses').map((m) => m.axis), ['i']);
    await eventually(async () => assert.equal((await call(page, 'tableOrder')).length, SHAPE[0]));
    assert.equal(await call(page, 'text', '.mi-slice-text'), 'Slice 5 / 8', 'slices read from 1, as in the status bar');
    const back = await stateAfter(editor, () => choose(page, 'mi-axis', 'k'));
    assert.deepEqual([back.state.axis, back.state.index], ['k', KNOWN_SLICE], 'the axis remembers its slice');
    assert.equal(host.of('requestLosses').length, 0, 'k losses are already known');
    await finish(editor, 'axis-switch');
  });

  test('stale slice replies are cached, not drawn; replies from before a new init are ignored', async () => {
    const editor = await openKnown({ autoReply: false });
    const { page, host } = editor;
    const first = await host.waitFor((m) => m.type === 'requestSlice', 'first request') as Of<'requestSlice'>;
    host.clear();
    await page.keyboard.press('ArrowRight');
    const second = await host.waitFor((m) => m.type === 'requestSlice', 'second request') as Of<'requestSlice'>;
    assert.ok(second.requestId > first.requestId, 'request ids increase');
    await host.postSlice(second.requestId, 'k', second.index);
    await eventually(async () => assertColour(await pixel(page, 3, 3), blended(0, OVERLAY.tpColor, 1), 'slice 3 drawn'));
    await host.postSlice(first.requestId, 'k', first.index);
    await host.postSlice(9999, 'k', 0);
    await page.waitForTimeout(100);
    assertColour(await pixel(page, 1, 1), [0, 0, 0], 'slice 2 arrived late and is not drawn over slice 3');
    // After a new init the old pending requests are void.
    const pending = host.of('requestSlice').filter((m) => m.requestId !== second.requestId);
    host.clear();
    await host.post(init({ state: { axis: 'k', index: 0, zoom: 1, panX: 0, panY: 0, loss: 'dice', label: 1 } }));
    await host.waitFor((m) => m.type === 'requestSlice' && m.index === 0, 'request for slice 0');
    for (const old of pending) await host.postSlice(old.requestId, 'k', old.index);
    await page.waitForTimeout(100);
    assert.equal(await call(page, 'text', '.mi-slice-message'), 'Loading slice 1…');
    await finish(editor, 'stale-replies');
  });

  test('restores the view from getState when init carries none', async () => {
    const saved = { axis: 'k', index: 4, zoom: 2, panX: 10, panY: -5, loss: 'iou', label: 1 };
    const editor = await openKnown({ savedState: saved, withState: false });
    const { host } = editor;
    const changed = await host.waitFor((m) => m.type === 'stateChanged', 'stateChanged') as Of<'stateChanged'>;
    assert.deepEqual(changed.state, saved);
    assert.equal(host.of('requestSlice')[0]?.index, 4);
    await eventually(async () => assert.equal(host.last('stateChanged')?.currentLoss, lossesFor('k', 5).labels[0]!.slices[4]!.losses.iou));
    assert.deepEqual(await editor.page.evaluate('window.__mi.savedState'), { ...saved, ui: { tableSort: { key: 'index', descending: false }, layout: 'one' } },
      'setState keeps the view, and the page\'s own table sort and layout');
    await finish(editor, 'restore-state');
  });

  test('status, error and sliceError messages are shown; buttons post actions; kind override', async () => {
    const editor = await openKnown({ autoReply: false });
    const { page, host } = editor;
    const request = await host.waitFor((m) => m.type === 'requestSlice', 'request') as Of<'requestSlice'>;
    await host.post({ type: 'status', text: 'Computing losses for axis k…' });
    await eventually(async () => assert.equal(await page.locator('.mi-status').isVisible(), true));
    assert.equal(await call(page, 'text', '.mi-status-text'), 'Computing losses for axis k…');
    await host.post({ type: 'sliceError', requestId: request.requestId, message: 'gzip stream ended early' });
    await eventually(async () => assert.match((await call(page, 'text', '.mi-slice-message')) ?? '', /gzip stream ended early/));
    await host.post({ type: 'error', message: 'case01_label.nii.gz: shape 8×6×4 differs from 8×6×5' });
    await eventually(async () => assert.match((await call(page, 'text', '.mi-banner')) ?? '', /differs from/));
    await editor.screenshot('messages-shown');
    await host.post({ type: 'status', text: null });
    await eventually(async () => assert.equal(await page.locator('.mi-status').isVisible(), false));
    host.clear();
    await openOverflow(page);
    await page.getByText('Swap', { exact: true }).click();
    await openOverflow(page);
    await page.getByText('Open underlay image…').click();
    await choose(page, 'mi-kind', 'logits');
    await eventually(async () => assert.deepEqual(host.received.filter((m) => m.type !== 'stateChanged' && m.type !== 'requestSlice'), [
      { type: 'action', action: 'swap' }, { type: 'action', action: 'openUnderlay' },
      { type: 'setKind', kind: 'logits' }, { type: 'requestLosses', axis: 'k' },
    ]));
    await finish(editor, 'messages');
  });

  test('wheel zoom and drag pan end in a stateChanged with the new zoom and pan', async () => {
    const editor = await openKnown();
    const { page } = editor;
    const centre = await call(page, 'canvasPoint', 4, 3);
    await page.mouse.move(centre.x, centre.y);
    const zoomed = await stateAfter(editor, () => page.mouse.wheel(0, -300));
    assert.ok(zoomed.state.zoom > 1.2, `zoom ${zoomed.state.zoom}`);
    const panned = await stateAfter(editor, async () => {
      await page.mouse.down();
      await page.mouse.move(centre.x + 40, centre.y + 20, { steps: 4 });
      await page.mouse.up();
    });
    assert.ok(Math.abs(panned.state.panX - zoomed.state.panX - 40) < 1 && Math.abs(panned.state.panY - zoomed.state.panY - 20) < 1,
      `pan moved by (${panned.state.panX - zoomed.state.panX}, ${panned.state.panY - zoomed.state.panY})`);
    await finish(editor, 'zoom-pan');
  });
});
