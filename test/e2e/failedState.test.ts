/**
 * A pair that cannot be opened: the editor shows an empty state that names the file and the
 * reason, with its next steps as buttons (Choose partner…, Open another file…, Reopen With…),
 * instead of a dismissible banner over a page that then stays blank (issue #8).
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Harness, SKIP_BROWSER } from './browserHarness';
import { eventually, finish } from './pageHelpers';

const skip = SKIP_BROWSER ? 'MASK_INSPECTOR_SKIP_BROWSER=1' : false;

describe('compare editor webview: failed state', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });

  test('names the file and the reason, offers the three next steps, and hides the empty editor', async () => {
    const editor = await harness.open();
    const { page, host } = editor;
    await host.post({ type: 'failed', file: 'broken/notes.nii.gz', message: 'the file is neither NIfTI nor PNG' });
    const empty = page.locator('.mi-failed-state');
    await eventually(async () => assert.equal(await empty.isVisible(), true));
    assert.match(await empty.innerText(), /could not open broken\/notes\.nii\.gz[\s\S]*neither NIfTI nor PNG/);
    assert.deepEqual((await page.locator('.mi-failed-state vscode-button').allInnerTexts()).map((t) => t.trim()),
      ['Choose partner…', 'Open another file…', 'Reopen With…']);
    // Nothing else of the editor is on screen: no toolbar, no black slice, no banner with Dismiss.
    for (const selector of ['.mi-toolbar', '.mi-main', '.mi-banner']) {
      assert.equal(await page.locator(selector).first().isVisible(), false, `${selector} is visible`);
    }
    assert.equal(await page.locator('#app').getAttribute('aria-busy'), 'false');
    for (const [text, action] of [['Choose partner…', 'choosePartner'], ['Open another file…', 'openAnother'], ['Reopen With…', 'reopenWith']] as const) {
      await page.locator('.mi-failed-state vscode-button', { hasText: text }).click();
      await eventually(async () => assert.ok(host.received.some((m) => m.type === 'action' && m.action === action), `${action} not posted`));
    }
    await finish(editor, 'failed-state');
  });

  test('its styles touch nothing else: an empty slice\'s table row stays a table row', async () => {
    const editor = await harness.open();
    // Empty slices' rows carry .mi-empty (sliceTable.ts); the failed state once shared that class
    // and turned every such row into a flex column in the real editor.
    const display = await editor.page.evaluate(`(() => {
      const table = document.createElement('table'); table.className = 'mi-table';
      const body = table.createTBody(); const row = body.insertRow(); row.className = 'mi-empty'; row.insertCell().textContent = '1';
      document.body.append(table);
      const d = getComputedStyle(row).display; table.remove(); return d;
    })()`);
    assert.equal(display, 'table-row');
    await finish(editor, 'failed-state-rows');
  });
});
