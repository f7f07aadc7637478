/**
 * `npm start`'s first run, as a new user meets it: VS Code's server opens the sample folder with
 * the extension loaded for development and the sample prediction passed as the file to open
 * (exactly the URL scripts/start.mjs prints). Nothing is clicked. The prediction must end up in
 * the Mask Inspector editor (a webview drawing the pair), not in VS Code's text editor ("The file
 * is not displayed in the text editor because it is either binary…"), which is what happened
 * while the workbench opened the file before the development extension registered its editor.
 *
 * Needs the VS Code server (npm run setup:test-env) and chromium; MASK_INSPECTOR_SKIP_BROWSER=1 skips.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { launchChromium } from '../integration/harness/browser';
import { freePort, startServer, workbenchUrl } from '../integration/harness/vscodeServer';
import { REPO_ROOT, SCREENSHOT_DIR, SKIP_BROWSER } from './browserHarness';

const SAMPLE = join(REPO_ROOT, 'sample');
const PREDICTION = join(SAMPLE, 'predictions', 'liver_001.nii.gz');

/** The frame of the Mask Inspector webview once it has drawn the slice and computed the losses. */
async function editorFrame(page: Page, until: number): Promise<Frame | undefined> {
  while (Date.now() < until) {
    for (const frame of page.frames()) {
      // A string, not a function: this file compiles without the DOM library.
      const drawn = await frame.evaluate(`(() => {
        const app = document.getElementById('app');
        return app !== null && app.getAttribute('aria-busy') !== 'true' && document.querySelector('canvas') !== null
          && !/Loading slice|Computing/.test(document.body.innerText);
      })()`).catch(() => false);
      if (drawn) return frame;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

test('npm start: the sample prediction opens in Mask Inspector with nothing clicked', { skip: SKIP_BROWSER, timeout: 240_000 }, async () => {
  const runsDir = join(REPO_ROOT, '.vscode-test', 'runs');
  mkdirSync(runsDir, { recursive: true });
  const dataDir = mkdtempSync(join(runsDir, 'first-run-'));
  const server = await startServer({ repo: REPO_ROOT, port: await freePort(), dataDir, testDriver: false });
  const browser = await launchChromium();
  let ok = false;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbenchUrl(server.origin, { folder: SAMPLE, extensionDevelopmentPath: REPO_ROOT, openFile: PREDICTION }),
      { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const frame = await editorFrame(page, Date.now() + 120_000);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'first-run.png') }).catch(() => undefined);
    const binaryNotice = await page.getByText('is not displayed in the text editor', { exact: false }).count();
    assert.equal(binaryNotice, 0, 'the prediction is (also) open in the text editor as a binary file');
    assert.ok(frame, 'no Mask Inspector webview drew the sample pair within 120 s (screenshot test-results/e2e/first-run.png)');
    const tabs = await page.locator('.tabs-container .tab').allInnerTexts();
    assert.deepEqual(tabs.map((t) => t.trim()).filter((t) => t.includes('liver_001')).length, 1,
      `expected one tab for liver_001.nii.gz, got: ${JSON.stringify(tabs)}`);
    ok = true;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    if (ok) rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a single click on a mask in the Explorer opens it with its best partner, no quick pick', { skip: SKIP_BROWSER, timeout: 240_000 }, async () => {
  // A label with two prediction folders: two candidates, which a pinned open would ask about.
  const workspace = mkdtempSync(join(tmpdir(), 'mask-inspector-click-'));
  for (const [from, to] of [['labelsTr/liver_001.nii.gz', 'labels/case.nii.gz'], ['predictions/liver_001.nii.gz', 'pred_unet/case.nii.gz'],
    ['predictions/liver_002.nii.gz', 'pred_swin/case.nii.gz']]) {
    mkdirSync(join(workspace, to, '..'), { recursive: true });
    copyFileSync(join(SAMPLE, from), join(workspace, to));
  }
  const runsDir = join(REPO_ROOT, '.vscode-test', 'runs');
  mkdirSync(runsDir, { recursive: true });
  const dataDir = mkdtempSync(join(runsDir, 'click-'));
  const server = await startServer({ repo: REPO_ROOT, port: await freePort(), dataDir, testDriver: false });
  const browser = await launchChromium();
  let ok = false;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbenchUrl(server.origin, { folder: workspace, extensionDevelopmentPath: REPO_ROOT }), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const explorer = page.locator('.explorer-folders-view');
    await explorer.locator('.monaco-list-row[aria-label="labels"]').click({ timeout: 60_000 });
    await explorer.locator('.monaco-list-row[aria-label="case.nii.gz"]').click({ timeout: 30_000 });
    // While the pair opens, the quick pick must never come up.
    let pickSeen = false;
    const watch = setInterval(() => {
      void page.locator('.quick-input-widget').isVisible().then((v) => { if (v) pickSeen = true; }, () => undefined);
    }, 200);
    const frame = await editorFrame(page, Date.now() + 120_000);
    clearInterval(watch);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'single-click.png') }).catch(() => undefined);
    assert.equal(pickSeen || await page.locator('.quick-input-widget').isVisible(), false, 'a partner quick pick came up for a preview open');
    assert.ok(frame, 'the clicked mask was not drawn in Mask Inspector within 120 s (screenshot test-results/e2e/single-click.png)');
    const header = await frame.evaluate('document.body.innerText') as string;
    assert.match(header, /pred_(unet|swin)\/case\.nii\.gz/, 'compared with the best prediction');
    // VS Code draws a preview tab's title in italics (the label gets the class `italic`).
    assert.equal(await page.locator('.tabs-container .tab .italic').count(), 1, 'opened as a preview tab');
    ok = true;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    if (ok) rmSync(dataDir, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
});
