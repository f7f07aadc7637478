/**
 * Browser harness for the webview e2e tests: serves the real page (renderEditorHtml + the
 * bundled dist/webview.js + media/) from a localhost server, stands in for acquireVsCodeApi(),
 * and runs Debian's chromium through playwright-core. One browser per test file.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createNonce, renderEditorHtml } from '../../src/editor/webviewHtml';
import type { WebviewMessage } from '../../src/core/protocol';
import { FakeHost } from './fakeHost';

/** dist-test/e2e/<file>.js → the repository root. */
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'e2e');
const CHROMIUM = process.env['MASK_INSPECTOR_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Set MASK_INSPECTOR_SKIP_BROWSER=1 to skip (not fail) where no browser can run. */
export const SKIP_BROWSER = process.env['MASK_INSPECTOR_SKIP_BROWSER'] === '1';

export interface EditorPage {
  readonly page: Page;
  readonly host: FakeHost;
  /** Console errors, page errors and CSP violations seen so far; each test ends by asserting it is empty. */
  problems(): Promise<string[]>;
  /** Console warnings: not failures, but the tests print them. */
  readonly warnings: readonly string[];
  screenshot(name: string): Promise<string>;
}

export class Harness {
  private constructor(
    private readonly server: Server, private readonly origin: string,
    private readonly context: BrowserContext, private readonly userDataDir: string,
  ) {}

  static async start(): Promise<Harness> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`chromium not found at ${CHROMIUM}: install it (apt-get install chromium), point MASK_INSPECTOR_CHROMIUM at one, ` +
        'or set MASK_INSPECTOR_SKIP_BROWSER=1 to skip the browser tests');
    }
    const bundle = join(REPO_ROOT, 'dist', 'webview.js');
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first`);
    const { server, origin } = await serve();
    const userDataDir = mkdtempSync(join(tmpdir(), 'mask-inspector-e2e-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 },
    });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    return new Harness(server, origin, context, userDataDir);
  }

  async close(): Promise<void> {
    await this.context.close();
    await new Promise<void>((done, fail) => this.server.close((error) => (error ? fail(error) : done())));
    rmSync(this.userDataDir, { recursive: true, force: true });
  }

  /**
   * Opens the editor page; `savedState` is what acquireVsCodeApi().getState() returns (a restored
   * tab); `extraScript` runs after the page script (e.g. to define `__mi.generateSlice`).
   */
  async open(options: { savedState?: unknown; extraScript?: string } = {}): Promise<EditorPage> {
    const page = await this.context.newPage();
    const host = new FakeHost(page);
    const problems: string[] = [];
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      // The tests' own pixel read-backs trigger Chromium's willReadFrequently hint; that one is ours, not the page's.
      if (message.type() === 'warning' && !message.text().includes('willReadFrequently')) warnings.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.exposeFunction('__miHostReceive', (message: WebviewMessage) => host.receive(message));
    await page.addInitScript(pageScript(options.savedState));
    if (options.extraScript !== undefined) await page.addInitScript(options.extraScript);
    await page.goto(`${this.origin}/`);
    await host.waitFor((m) => m.type === 'ready', 'ready');
    return {
      page, host, warnings,
      problems: async () => [
        ...problems,
        ...(await page.evaluate('window.__mi.violations') as string[]).map((v) => `CSP violation: ${v}`),
        ...host.received.filter((m) => m.type === 'log' && m.level === 'error').map((m) => `webview log: ${JSON.stringify(m)}`),
        ...host.errors.map((e) => `fake host: ${e}`),
      ],
      screenshot: async (name) => {
        const path = join(SCREENSHOT_DIR, `${name}.png`);
        await page.screenshot({ path });
        return path;
      },
    };
  }
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.ttf': 'font/ttf',
};

/** Serves the page at / and files under dist/ and media/; anything else is a 404 the test would see as a console error. */
async function serve(): Promise<{ server: Server; origin: string }> {
  let origin = '';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/favicon.ico') {
      // Chromium asks every page for one; a VS Code webview never does.
      response.writeHead(204).end();
      return;
    }
    if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(renderEditorHtml({
        scriptUri: `${origin}/dist/webview.js`, styleUris: [`${origin}/media/editor.css`], cspSource: origin, nonce: createNonce(),
      }));
      return;
    }
    const file = resolve(REPO_ROOT, `.${decodeURIComponent(url.pathname)}`);
    const allowed = [join(REPO_ROOT, 'dist') + sep, join(REPO_ROOT, 'media') + sep].some((dir) => file.startsWith(dir));
    if (!allowed || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin };
}

/**
 * Runs before the page's own script: the VS Code API stand-in (posted messages go to the Node
 * side's FakeHost), CSP violation capture, and small read-back helpers the tests call by name.
 */
function pageScript(savedState: unknown): string {
  return `(() => {
  const mi = { violations: [], savedState: ${JSON.stringify(savedState ?? null)} ?? undefined };
  window.__mi = mi;
  document.addEventListener('securitypolicyviolation', (e) => mi.violations.push(e.violatedDirective + ' blocked ' + e.blockedURI));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may only be called once');
    acquired = true;
    return {
      postMessage: (m) => { window.__miHostReceive(m); },
      getState: () => mi.savedState,
      setState: (s) => { mi.savedState = s; },
    };
  };
  const fromBase64 = (text) => (Uint8Array.fromBase64 ? Uint8Array.fromBase64(text) : Uint8Array.from(atob(text), (c) => c.charCodeAt(0))).buffer;
  /** Host messages arrive like VS Code's: window 'message' events; pixel fields travel as base64 here. */
  mi.post = (m) => {
    const out = { ...m };
    for (const key of ['prediction', 'label', 'underlay', 'predictionB']) if (typeof out[key] === 'string') out[key] = fromBase64(out[key]);
    window.postMessage(out, '*');
  };
  mi.pixel = (x, y) => Array.from(document.getElementById('slice-native').getContext('2d').getImageData(x, y, 1, 1).data);
  mi.nativeSize = () => { const c = document.getElementById('slice-native'); return [c.width, c.height]; };
  mi.text = (selector) => { const e = document.querySelector(selector); return e === null ? null : e.textContent; };
  mi.tableOrder = () => Array.from(document.querySelectorAll('.mi-table tbody tr[data-index]')).map((r) => Number(r.dataset.index));
  mi.currentRow = () => { const r = document.querySelector('.mi-table tbody tr.mi-current'); return r === null ? null : Number(r.dataset.index); };
  mi.chartPoint = (index, count) => {
    const c = document.querySelector('.mi-chart-canvas');
    const rect = c.getBoundingClientRect();
    const left = Number(c.dataset.plotLeft), right = Number(c.dataset.plotRight);
    return { x: rect.left + left + (index + 0.5) * (right - left) / count, y: rect.top + rect.height / 2 };
  };
  mi.canvasPoint = (column, displayRow) => {
    const display = document.querySelector('.mi-slice-canvas');
    const native = document.getElementById('slice-native');
    const rect = display.getBoundingClientRect();
    const scale = Math.min(rect.width / native.width, rect.height / native.height);
    const x0 = rect.left + rect.width / 2 - native.width * scale / 2;
    const y0 = rect.top + rect.height / 2 - native.height * scale / 2;
    return { x: x0 + (column + 0.5) * scale, y: y0 + (displayRow + 0.5) * scale };
  };
  /** Milliseconds from a key press to the slice's pixels being readable on the display canvas. */
  mi.timeKey = (key) => {
    const display = document.querySelector('.mi-slice-canvas');
    const t0 = performance.now();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    display.getContext('2d').getImageData(0, 0, 1, 1);
    const ms = performance.now() - t0;
    return { ms, cached: document.querySelector('.mi-slice-message').hidden };
  };
  /** Milliseconds a click on an element takes to be handled (synchronous work only). */
  mi.timeClick = (selector) => {
    const t0 = performance.now();
    document.querySelector(selector).click();
    return performance.now() - t0;
  };
  mi.postGenerated = (requestId, axis, index) => {
    const slice = mi.generateSlice(axis, index);
    window.postMessage({ type: 'slice', requestId, axis, index, ...slice }, '*');
  };
  mi.domRows = () => document.querySelectorAll('.mi-table tbody tr[data-index]').length;
})();`;
}
