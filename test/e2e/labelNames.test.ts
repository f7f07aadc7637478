/**
 * Label names in the compare editor webview (issue #13): PairInfo.labelNames (from a .seg.nrrd,
 * nnU-Net dataset.json or the maskInspector.labels.names setting) label the selector's options
 * and the header's volume losses.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Harness, SKIP_BROWSER } from './browserHarness';
import { init, knownVolume, lossesFor, SHAPE } from './e2eFixtures';
import { call, eventually, finish } from './pageHelpers';

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
    await finish(editor, 'label-names');
  });
});
