/**
 * Layouts that hold (issue #8): at 480, 1000 and 1600 px, in a dark and a light theme, header,
 * toolbar, slice, chart, table and footer do not overlap, the table can be reached and clicked,
 * and the header is at most three lines at 1000 px. Screenshots go to test-results/e2e/layout-*.png.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { Harness, SKIP_BROWSER, type EditorPage } from './browserHarness';
import { caseInit, caseLosses, caseMetrics, ellipsoidCase, type Case } from './layoutFixtures';
import { eventually, finish } from './pageHelpers';

const skip = SKIP_BROWSER ? 'MASK_INSPECTOR_SKIP_BROWSER=1' : false;

/** A few of VS Code's Light+ theme variables, set the way VS Code sets them: on <html style>. */
export const LIGHT_THEME: Readonly<Record<string, string>> = {
  '--vscode-editor-background': '#ffffff', '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#717171',
  '--vscode-editorWidget-border': '#c8c8c8', '--vscode-editorWidget-background': '#f8f8f8', '--vscode-badge-background': '#cccccc',
  '--vscode-badge-foreground': '#3b3b3b', '--vscode-list-activeSelectionBackground': '#e4e6f1', '--vscode-list-activeSelectionForeground': '#000000',
  '--vscode-list-hoverBackground': '#f0f0f0', '--vscode-textLink-foreground': '#005fb8', '--vscode-charts-blue': '#1a85ff',
  '--vscode-editor-selectionBackground': '#add6ff', '--vscode-focusBorder': '#005fb8', '--vscode-menu-background': '#ffffff',
};

export async function applyTheme(page: Page, theme: 'dark' | 'light'): Promise<void> {
  await page.evaluate(([vars, kind]) => {
    const doc = (globalThis as unknown as { document: { documentElement: { style: { setProperty(n: string, v: string): void } }; body: { className: string } } }).document;
    for (const [name, value] of Object.entries(vars)) doc.documentElement.style.setProperty(name, value);
    doc.body.className = `vscode-${kind}`;
  }, [theme === 'light' ? LIGHT_THEME : {}, theme] as const);
}

export async function openCase(harness: Harness, c: Case, width: number, height = 800): Promise<EditorPage> {
  const editor = await harness.open();
  await editor.page.setViewportSize({ width, height });
  editor.host.volume = c.volume;
  for (const axis of ['k', 'j', 'i'] as const) {
    editor.host.losses.set(axis, caseLosses(c, axis));
    editor.host.metrics.set(axis, caseMetrics(c, axis));
  }
  await editor.host.post(caseInit(c));
  await eventually(async () => {
    assert.ok(await editor.page.locator('.mi-table tbody tr[data-index]').count() > 0, 'table rows drawn');
    assert.ok(await editor.page.locator('.mi-metrics [data-metric="hd95"]').count() > 0, 'metrics in the header');
  });
  return editor;
}

interface Box { readonly name: string; readonly x: number; readonly y: number; readonly width: number; readonly height: number }

/** The page's main regions in document coordinates (the page may scroll when narrow). */
export async function regions(page: Page): Promise<Box[]> {
  return page.evaluate(`(() => {
    const scroll = document.scrollingElement.scrollTop + document.querySelector('#app').scrollTop;
    const names = [['header', '.mi-header'], ['toolbar', '.mi-toolbar'], ['slice', '.mi-viewer'], ['chart head', '.mi-panel-head'],
      ['chart', '.mi-chart'], ['table', '.mi-table'], ['footer', '.mi-footer']];
    return names.flatMap(([name, selector]) => {
      const element = document.querySelector(selector);
      const r = element === null ? null : element.getBoundingClientRect();
      return r === null || r.width === 0 || r.height === 0 ? [] : [{ name, x: r.x, y: r.y + scroll, width: r.width, height: r.height }];
    });
  })()`) as Promise<Box[]>;
}

export function assertNoOverlap(boxes: readonly Box[], what: string): void {
  for (let a = 0; a < boxes.length; a++) {
    for (let b = a + 1; b < boxes.length; b++) {
      const p = boxes[a]!, q = boxes[b]!;
      const overlapX = Math.min(p.x + p.width, q.x + q.width) - Math.max(p.x, q.x);
      const overlapY = Math.min(p.y + p.height, q.y + q.height) - Math.max(p.y, q.y);
      assert.ok(overlapX <= 1 || overlapY <= 1, `${what}: ${p.name} and ${q.name} overlap by ${overlapX.toFixed(1)} × ${overlapY.toFixed(1)} px ` +
        `(${JSON.stringify(p)} / ${JSON.stringify(q)})`);
    }
  }
}

/** The table can be scrolled into view, holds rows, and a click on a row goes to its slice. */
export async function assertTableReachable(page: Page, what: string): Promise<void> {
  const row = page.locator('.mi-table tbody tr[data-index]').nth(2);
  await row.scrollIntoViewIfNeeded();
  const box = await page.locator('.mi-table').boundingBox();
  const viewport = page.viewportSize()!;
  assert.ok(box !== null && box.height >= 100, `${what}: the table is ${box?.height ?? 0} px tall`);
  const index = Number(await row.getAttribute('data-index'));
  await row.click();
  await eventually(async () => assert.equal(await page.locator('.mi-table tbody tr.mi-current').getAttribute('data-index'), String(index)));
  const rowBox = await row.boundingBox();
  assert.ok(rowBox !== null && rowBox.y >= 0 && rowBox.y + rowBox.height <= viewport.height, `${what}: the clicked row is in view`);
}

describe('compare editor webview: layouts that hold', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });
  const c = ellipsoidCase();

  test('a short editor (1000 × 480 px) scrolls instead of squeezing the slice and table', async () => {
    const editor = await openCase(harness, c, 1000, 480);
    const { page } = editor;
    const slice = await page.locator('.mi-main-plane').boundingBox();
    assert.ok(slice !== null && slice.height >= 200, `the slice is ${slice?.height} px tall`);
    assertNoOverlap(await regions(page), '1000 × 480');
    await assertTableReachable(page, '1000 × 480');
    await finish(editor, 'layout-1000x480');
  });

  for (const theme of ['dark', 'light'] as const) {
    for (const width of [480, 704, 1000, 1600]) {
      test(`${width} px, ${theme}: nothing overlaps, the table is reachable`, async () => {
        const editor = await openCase(harness, c, width);
        const { page } = editor;
        await applyTheme(page, theme);
        await page.waitForTimeout(100); // one frame for the toolbar to fit itself
        assertNoOverlap(await regions(page), `${width} px ${theme}`);
        // The toolbar is one line (plus a wrapped primary row when very narrow); nothing sticks out of the page.
        const scrollWidth = await page.evaluate('document.scrollingElement.scrollWidth') as number;
        assert.ok(scrollWidth <= width, `${width} px: the page is ${scrollWidth} px wide`);
        // The files line cuts names and geometry before it cuts "All numbers" off its end.
        const [toggle, files] = await Promise.all([page.locator('.mi-more-toggle').boundingBox(), page.locator('.mi-files').boundingBox()]);
        assert.ok(toggle !== null && files !== null && toggle.width > 0 && toggle.x + toggle.width <= files.x + files.width + 0.5,
          `${width} px: "All numbers" ends at ${toggle && toggle.x + toggle.width}, the line at ${files && files.x + files.width}`);
        if (width === 1000) {
          const lines = await page.evaluate(`(() => {
            const line = document.querySelector('.mi-files').getBoundingClientRect().height;
            return document.querySelector('.mi-header').getBoundingClientRect().height / line;
          })()`) as number;
          assert.ok(lines <= 3.4, `the header is ${lines.toFixed(1)} lines at 1000 px`);
        }
        if (width === 480) {
          assert.equal(await page.locator('.mi-toolbar.mi-collapsed').count(), 1, 'the toolbar collapsed into an overflow menu');
          await page.locator('.mi-overflow-toggle').click();
          assert.ok(await page.locator('#mi-more-controls').isVisible(), 'the overflow menu opens');
          await editor.screenshot(`layout-${width}-${theme}-menu`);
          await page.keyboard.press('Escape');
          assert.equal(await page.locator('#mi-more-controls').isVisible(), false, 'Escape closes it');
        }
        await page.evaluate('document.scrollingElement.scrollTop = 0; document.querySelector("#app").scrollTop = 0');
        await editor.screenshot(`layout-${width}-${theme}`);
        await assertTableReachable(page, `${width} px ${theme}`);
        await finish(editor, `layout-${width}-${theme}-table`);
      });
    }
  }
});
