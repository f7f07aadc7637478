/**
 * report.html in chromium: opened from disk (file://) nothing leaves the page — every request is
 * the file itself or a data: URI —, the case table sorts by a click on a column, and the triage
 * marks embedded by the writer show. Then the same page as the extension's webview gets it
 * (reportHtmlForWebview: CSP with a nonce) under a stand-in acquireVsCodeApi: no CSP violation,
 * sorting still works, it says `ready`, applies posted marks, and a click posts `openCase`.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { reportHtmlForWebview } from '../../src/core/report/reportWebview';
import { planLocalFolders, runFolderReport } from '../../src/report/runFolderReport';
import { makeReportTree } from '../unit/helpers/reportTree';
import { REPO_ROOT, SKIP_BROWSER } from './browserHarness';

const skip = SKIP_BROWSER ? 'MASK_INSPECTOR_SKIP_BROWSER=1' : false;
const CHROMIUM = process.env['MASK_INSPECTOR_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

interface Watched {
  readonly page: Page;
  readonly requests: string[];
  readonly problems: string[];
}

/** The values of the cases table's column `header` (data-v), top to bottom. */
function columnValues(page: Page, header: string): Promise<(number | null)[]> {
  return page.evaluate(`(() => {
    const heads = Array.from(document.querySelectorAll('#cases thead tr:last-child th'));
    const col = heads.findIndex((h) => h.textContent === ${JSON.stringify(header)});
    return Array.from(document.querySelectorAll('#cases tbody tr')).map((r) => {
      const v = r.children[col] && r.children[col].getAttribute('data-v');
      return v === null || v === '' || v === undefined ? null : Number(v);
    });
  })()`) as Promise<(number | null)[]>;
}

async function clickHeader(page: Page, header: string): Promise<void> {
  await page.locator('#cases thead tr:last-child th', { hasText: new RegExp(`^${header}$`) }).first().click();
}

function assertSorted(values: readonly (number | null)[], direction: 'asc' | 'desc', what: string): void {
  const numbers = values.filter((v): v is number => v !== null);
  assert.ok(numbers.length >= 2, `${what}: enough rows to sort`);
  for (let i = 1; i < numbers.length; i++) {
    assert.ok(direction === 'asc' ? numbers[i - 1]! <= numbers[i]! : numbers[i - 1]! >= numbers[i]!, `${what}: ${numbers.join(', ')}`);
  }
  const firstNull = values.indexOf(null);
  if (firstNull >= 0) assert.ok(values.slice(firstNull).every((v) => v === null), `${what}: empty cells last`);
}

describe('report.html in chromium', { skip }, () => {
  let context: BrowserContext;
  let dir: string;
  let html: string;
  let userDataDir: string;

  before(async () => {
    const tree = makeReportTree([
      { name: 'case_a', kind: 'probability', seed: 3 },
      { name: 'case_b', kind: 'labels', seed: 5 },
      { name: 'case_c', kind: 'probability', seed: 7 },
      { name: 'case_d', kind: 'truncated', seed: 9 },
      { name: 'case_e', kind: 'probability', seed: 13 },
    ], 'mask-inspector-e2e-report-');
    dir = join(tree.root, 'report');
    const plan = await planLocalFolders(tree.predictions, tree.labels);
    await runFolderReport(plan, {
      outDir: dir, jobs: 2, workerFile: join(REPO_ROOT, 'dist', 'caseWorker.js'),
      html: { marks: [{ case: 'case_a', axis: 'k', slice: 1, reviewed: true, flagged: false }, { case: 'case_a', axis: 'k', slice: 2, reviewed: false, flagged: true, note: 'look' }] },
    });
    html = readFileSync(join(dir, 'report.html'), 'utf8');
    userDataDir = mkdtempSync(join(tmpdir(), 'mask-inspector-e2e-report-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  async function open(file: string, initScript?: string): Promise<Watched> {
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.addInitScript(`window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`);
    if (initScript) await page.addInitScript(initScript);
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, requests, problems };
  }

  async function violations(page: Page): Promise<string[]> {
    return page.evaluate('window.__violations') as Promise<string[]>;
  }

  test('from disk: no request leaves the page, the table sorts, marks show', async () => {
    const { page, requests, problems } = await open(join(dir, 'report.html'));
    const thumbnails = await page.locator('img[data-case]').count();
    assert.ok(thumbnails >= 3, `thumbnails drawn (${thumbnails})`);
    const foreign = requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'only file: and data: requests');
    const broken = await page.evaluate(`Array.from(document.images).filter((i) => !i.src.startsWith('data:image/png') || !i.complete || i.naturalWidth === 0).length`);
    assert.equal(broken, 0, 'every thumbnail is a data: URI that decoded');

    await clickHeader(page, 'Dice loss');
    assertSorted(await columnValues(page, 'Dice loss'), 'asc', 'Dice loss ascending');
    await clickHeader(page, 'Dice loss');
    assertSorted(await columnValues(page, 'Dice loss'), 'desc', 'Dice loss descending');
    await clickHeader(page, 'Label voxels');
    assertSorted(await columnValues(page, 'Label voxels'), 'asc', 'n_ref ascending');
    const cases = await page.evaluate(`Array.from(document.querySelectorAll('#cases tbody tr')).map((r) => r.getAttribute('data-case'))`) as string[];
    assert.equal(new Set(cases).size, 5, 'every case is still there, the failed one included');

    const badges = await page.evaluate(`document.querySelector('#cases tbody tr[data-case="case_a"] td').getAttribute('data-marks')`);
    assert.equal(badges, '✓1 ⚑1 ✎1');
    await page.locator('#cases thead tr:last-child th', { hasText: /^Case$/ }).click();
    const order = await page.evaluate(`Array.from(document.querySelectorAll('#cases tbody tr')).map((r) => r.getAttribute('data-case'))`) as string[];
    assert.deepEqual(order, [...order].sort(), 'the badge does not disturb sorting by case');
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('as the webview gets it: CSP holds, ready / marks / openCase messages', async () => {
    const file = join(dir, 'report-webview.html');
    writeFileSync(file, reportHtmlForWebview(html, 'TeStNoNcE123'));
    const stub = `window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => undefined });`;
    const { page, requests, problems } = await open(file, stub);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), []);
    assert.deepEqual(await violations(page), [], 'the nonce lets the page\'s own style and script run, nothing else is needed');
    const posted = () => page.evaluate('window.__posted') as Promise<Record<string, unknown>[]>;
    assert.deepEqual(await posted(), [{ type: 'ready' }]);

    // Sorting still works: the script ran under the policy.
    await clickHeader(page, 'Dice loss');
    assertSorted(await columnValues(page, 'Dice loss'), 'asc', 'Dice loss ascending under the CSP');
    // The page's style applied (a nonce-less style would not): headers get the sort arrow.
    const arrow = await page.evaluate(`getComputedStyle(document.querySelector('th.asc'), '::after').content`);
    assert.equal(arrow, '" ▲"');

    // Marks posted by the host replace the embedded ones.
    const img = page.locator('img[data-case="case_b"]').first();
    const slice = Number(await img.getAttribute('data-slice'));
    await page.evaluate(`window.postMessage({ type: 'marks', marks: [{ case: 'case_b', axis: 'k', slice: ${slice}, reviewed: true, flagged: false, note: 'ok' }] }, '*')`);
    await page.waitForFunction(`document.querySelector('img[data-case="case_b"][data-slice="${slice}"]').classList.contains('mi-reviewed')`);
    assert.match(await img.getAttribute('title') ?? '', /reviewed · note: ok$/);
    assert.equal(await page.evaluate(`document.querySelector('#cases tbody tr[data-case="case_a"] td').getAttribute('data-marks')`), null, 'case_a has no mark any more');
    const context = JSON.parse(await img.getAttribute('data-vscode-context') ?? '{}') as Record<string, unknown>;
    assert.deepEqual(context, { webviewSection: 'slice', preventDefaultContextMenuItems: true, case: 'case_b', slice, axis: 'k' });

    await img.click();
    const clicked = (await posted()).at(-1)!;
    assert.deepEqual(clicked, { type: 'openCase', case: 'case_b', slice, axis: 'k', label: (await page.evaluate(`document.querySelector('img[data-case="case_b"]').closest('tr').getAttribute('data-label')`)) });
    assert.deepEqual(problems, []);
    await page.close();
  });

  /** What VS Code's webview adds to every page (its default style and the theme's body class and colours). */
  const VSCODE_WEBVIEW = (theme: 'vscode-dark' | 'vscode-light', bg: string, fg: string) => `
    window.acquireVsCodeApi = () => ({ postMessage: () => undefined, getState: () => undefined, setState: () => undefined });
    document.addEventListener('DOMContentLoaded', () => {
      document.body.classList.add('${theme}');
      document.documentElement.style.setProperty('--vscode-editor-background', '${bg}');
      document.documentElement.style.setProperty('--vscode-editor-foreground', '${fg}');
      const style = document.createElement('style');
      style.setAttribute('nonce', 'ThEmEnOnCe1'); // VS Code puts it in place outside the page's CSP; here it needs the nonce
      style.textContent = 'img, video { max-width: 100%; max-height: 100%; }';
      document.head.prepend(style);
    });`;

  test('in VS Code: the theme\'s colours, thumbnails at their aspect, the sparkline in its own cell', async () => {
    const file = join(dir, 'report-theme.html');
    writeFileSync(file, reportHtmlForWebview(html, 'ThEmEnOnCe1'));
    for (const [theme, bg, fg] of [['vscode-dark', 'rgb(31, 31, 31)', 'rgb(204, 204, 204)'], ['vscode-light', 'rgb(255, 255, 254)', 'rgb(59, 59, 59)']] as const) {
      const { page, problems } = await open(file, VSCODE_WEBVIEW(theme, bg, fg));
      // A narrow panel: the case table is wider than the page.
      await page.setViewportSize({ width: 700, height: 800 });
      const colours = await page.evaluate(`[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]`);
      assert.deepEqual(colours, [bg, fg], `${theme}: the page takes the editor's colours`);
      const boxes = await page.evaluate(`Array.from(document.querySelectorAll('#cases tbody tr[data-label]')).map((row) => {
        const imgs = Array.from(row.querySelectorAll('td.thumbs img')).map((i) => { const r = i.getBoundingClientRect(); return { w: i.clientWidth, h: i.clientHeight, nw: i.naturalWidth, nh: i.naturalHeight, right: r.right, left: r.left }; });
        const spark = row.querySelector('td.spark svg');
        const s = spark ? spark.getBoundingClientRect() : null;
        return { imgs, spark: s ? { left: s.left, right: s.right } : null };
      })`) as { imgs: { w: number; h: number; nw: number; nh: number; right: number; left: number }[]; spark: { left: number; right: number } | null }[];
      assert.ok(boxes.some((b) => b.imgs.length > 0), 'thumbnails drawn');
      for (const row of boxes) {
        for (const img of row.imgs) {
          // clientWidth/Height: the image without its border (1 px, or 2 px when marked).
          assert.ok(Math.abs(img.w / img.h - img.nw / img.nh) < 0.02, `${theme}: thumbnail ${img.w}×${img.h} drawn at the aspect of ${img.nw}×${img.nh}`);
          assert.equal(img.w, img.nw, `${theme}: thumbnail at its own width`);
        }
        const rightmost = Math.max(...row.imgs.map((i) => i.right));
        if (row.spark && row.imgs.length > 0) assert.ok(row.spark.left >= rightmost, `${theme}: sparkline (${row.spark.left}) starts after the thumbnails (${rightmost})`);
      }
      assert.deepEqual(problems, []);
      await page.close();
    }
  });

  test('in a browser: prefers-color-scheme picks a dark or light page', async () => {
    for (const [scheme, dark] of [['dark', true], ['light', false]] as const) {
      const p = await context.newPage();
      await p.emulateMedia({ colorScheme: scheme });
      await p.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
      const bg = await p.evaluate(`getComputedStyle(document.body).backgroundColor`) as string;
      const [r, g, b] = bg.match(/\d+/g)!.map(Number) as [number, number, number];
      assert.equal((r + g + b) / 3 < 128, dark, `${scheme}: background ${bg}`);
      await p.close();
    }
  });
});
