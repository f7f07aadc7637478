/**
 * Label names in the compare editor webview (issue #13): PairInfo.labelNames (from a .seg.nrrd,
 * nnU-Net dataset.json or the maskInspector.labels.names setting) label the selector's options
 * and the header's volume losses; PairInfo.labelColors (a .seg.nrrd's SegmentN_Color, a DICOM-SEG's
 * RecommendedDisplayCIELabValue) put a colour swatch beside the selector and before each option.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Harness, SKIP_BROWSER } from './browserHarness';
import { init, knownVolume, lossesFor, SHAPE } from './e2eFixtures';
import { call, choose, eventually, finish } from './pageHelpers';

const skip = SKIP_BROWSER ? 'MASK_INSPECTOR_SKIP_BROWSER=1' : false;

describe('compare editor webview: label names', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });

  test('the label selector and the header show "label N · name"', async () => {
    const editor = await harness.open();
    const { host, page } = editor;
    host.volume = knownVolume();
    const oneLabel = lossesFor('k', SHAPE[2]).labels[0]!;
    host.losses.set('k', { type: 'losses', axis: 'k', labels: [oneLabel, { ...oneLabel, label: 2 }], multiclass: null });
    await host.post(init({}, { labels: [1, 2], labelNames: { 1: 'liver', 2: 'tumour' } }));
    await eventually(async () => assert.equal(await call(page, 'text', '#mi-label vscode-option[value="2"]'), 'label 2 · tumour'));
    assert.equal(await call(page, 'text', '#mi-label vscode-option[value="1"]'), 'label 1 · liver');
    // The header names the label its numbers are for (a chip beside the files since the header has two groups).
    await eventually(async () => assert.equal(await call(page, 'text', '.mi-header .mi-label-chip'), 'label 1 · liver'));
    // With room on the toolbar's line the label selector stays on it: only less needed controls
    // (the pair buttons first) go behind "⋯" (the harness page is 1280 px wide).
    await eventually(async () => assert.deepEqual(await page.evaluate(`(() => {
      const select = document.getElementById('mi-label');
      return { inMenu: document.getElementById('mi-more-controls').contains(select), visible: select.getBoundingClientRect().width > 0 };
    })()`), { inMenu: false, visible: true }));
    await finish(editor, 'label-names');
  });

  test('segment colours: a swatch beside the selector in the chosen label\'s colour, and one before each option in the list', async () => {
    const editor = await harness.open();
    const { host, page } = editor;
    host.volume = knownVolume();
    const oneLabel = lossesFor('k', SHAPE[2]).labels[0]!;
    host.losses.set('k', { type: 'losses', axis: 'k', labels: [oneLabel, { ...oneLabel, label: 2 }, { ...oneLabel, label: 3 }], multiclass: null });
    // Slicer's default liver colour (221, 130, 101) and a pure blue; label 3 has no colour.
    await host.post(init({}, { labels: [1, 2, 3], labelNames: { 1: 'liver', 2: 'tumour' }, labelColors: { 1: '#dd8265', 2: '#0000ff' } }));
    // Page-side code: the test tsconfig has no DOM types, so the page's globals are typed here.
    type Node = { hidden: boolean; nextElementSibling: { id: string } | null; shadowRoot: { querySelectorAll(s: string): ArrayLike<Node> } | null };
    type PageDom = { document: { querySelector(s: string): Node | null; getElementById(id: string): Node }; getComputedStyle(n: Node, pseudo?: string): { backgroundColor: string } };
    const swatch = () => page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as PageDom;
      const s = document.querySelector('.mi-field .mi-label-swatch');
      return s === null ? null : { hidden: s.hidden, colour: getComputedStyle(s).backgroundColor, next: s.nextElementSibling?.id };
    });
    await eventually(async () => assert.deepEqual(await swatch(), { hidden: false, colour: 'rgb(221, 130, 101)', next: 'mi-label' }));
    // The open list: each option's ::before, by its position in the list (the shadow DOM's li data-index).
    const listColours = () => page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as PageDom;
      return Array.from(document.getElementById('mi-label').shadowRoot!.querySelectorAll('li.option'))
        .map((li) => getComputedStyle(li, '::before').backgroundColor);
    });
    await eventually(async () => assert.deepEqual(await listColours(), ['rgb(221, 130, 101)', 'rgb(0, 0, 255)', 'rgba(0, 0, 0, 0)']));
    await choose(page, 'mi-label', '2');
    await eventually(async () => assert.deepEqual(await swatch(), { hidden: false, colour: 'rgb(0, 0, 255)', next: 'mi-label' }));
    await choose(page, 'mi-label', '3');
    await eventually(async () => assert.equal((await swatch())?.hidden, true));
    await finish(editor, 'label-colours');
  });
});
