/**
 * Lets the suite (inside the extension host) act on the workbench page the runner drives: hover,
 * click and type inside the compare editor's webview iframe, read its DOM and pixels, resize
 * the window, double-click in the explorer, take screenshots. The suite asks with a console line
 * `MI-PAGE-ACTION {json}` (the one channel to the runner, see logLines.ts); the runner performs
 * the steps with Playwright and answers in a file under the request's `replyDir` (both run on
 * this machine). The runner sets MI_PAGE_DRIVER=1 in the server's environment so the suite knows
 * a driver is listening (the desktop launcher has none: those tests skip there).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decode as decodePng, encode as encodePng } from 'fast-png';
import type { Frame, Page } from 'playwright-core';

export const PAGE_ACTION_MARKER = 'MI-PAGE-ACTION';
export const PAGE_DRIVER_ENV = 'MI_PAGE_DRIVER';

/** Selectors and scripts run in the compare editor's webview frame; positions are relative to the element. */
export type PageStep =
  | { readonly do: 'viewport'; readonly width: number; readonly height: number }
  /** Resizes the window so that the webview's page is `width` CSS pixels wide. */
  | { readonly do: 'webviewWidth'; readonly width: number; readonly height: number }
  | { readonly do: 'eval'; readonly script: string }
  | { readonly do: 'hover'; readonly selector: string; readonly x: number; readonly y: number }
  | { readonly do: 'click'; readonly selector: string; readonly x?: number; readonly y?: number }
  | { readonly do: 'press'; readonly selector: string; readonly key: string }
  | { readonly do: 'dblclickExplorer'; readonly name: string }
  | { readonly do: 'wait'; readonly ms: number }
  | { readonly do: 'screenshot'; readonly path: string; readonly target: 'webview' | 'page' };

export interface PageRequest {
  readonly id: number;
  readonly replyDir: string;
  readonly steps: readonly PageStep[];
}

export interface PageReply {
  readonly ok: boolean;
  readonly results: readonly unknown[];
  readonly error?: string;
}

/** The request in a workbench log line, or undefined. */
export function parsePageRequest(line: string): PageRequest | undefined {
  const at = line.indexOf(`${PAGE_ACTION_MARKER} {`);
  if (at < 0) return undefined;
  try {
    const request = JSON.parse(line.slice(at + PAGE_ACTION_MARKER.length + 1)) as PageRequest;
    return typeof request.id === 'number' && typeof request.replyDir === 'string' && Array.isArray(request.steps) ? request : undefined;
  } catch {
    return undefined;
  }
}

/** The frame holding the compare editor's page (the innermost webview iframe with #app .mi-viewer). */
async function webviewFrame(page: Page): Promise<Frame> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    for (const frame of page.frames()) {
      const found = await frame.evaluate('document.querySelector("#app .mi-viewer") !== null && document.visibilityState === "visible"').catch(() => false);
      if (found === true) return frame;
    }
    if (Date.now() > deadline) throw new Error('no compare editor webview frame in the workbench');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function step(page: Page, s: PageStep): Promise<unknown> {
  switch (s.do) {
    case 'viewport': return page.setViewportSize({ width: s.width, height: s.height });
    case 'webviewWidth': {
      // The workbench around the editor (activity bar, borders) takes a fixed width: measure it.
      for (let attempt = 0; attempt < 3; attempt++) {
        const frame = await webviewFrame(page);
        const inner = await frame.evaluate('window.innerWidth') as number;
        const viewport = page.viewportSize()!;
        if (Math.abs(inner - s.width) <= 1 && viewport.height === s.height) return inner;
        await page.setViewportSize({ width: Math.max(300, viewport.width + s.width - inner), height: s.height });
        await page.waitForTimeout(400);
      }
      return (await webviewFrame(page)).evaluate('window.innerWidth');
    }
    case 'eval': return (await webviewFrame(page)).evaluate(s.script);
    case 'hover': return (await webviewFrame(page)).locator(s.selector).first().hover({ position: { x: s.x, y: s.y } });
    case 'click': return (await webviewFrame(page)).locator(s.selector).first().click(s.x === undefined ? {} : { position: { x: s.x, y: s.y ?? 0 } });
    case 'press': {
      const frame = await webviewFrame(page);
      await frame.locator(s.selector).first().focus();
      return page.keyboard.press(s.key);
    }
    case 'dblclickExplorer': {
      // The row revealInExplorer selected, if it carries the name; else the first row that does.
      const selected = page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: s.name });
      const row = await selected.count() > 0 ? selected.first() : page.locator('.explorer-folders-view .monaco-list-row', { hasText: s.name }).first();
      return row.dblclick();
    }
    case 'wait': return page.waitForTimeout(s.ms);
    case 'screenshot': {
      mkdirSync(dirname(s.path), { recursive: true });
      if (s.target === 'page') return page.screenshot({ path: s.path });
      const frame = await webviewFrame(page);
      const box = await (await frame.frameElement()).boundingBox();
      if (box === null) throw new Error('the webview iframe has no box');
      // A clipped screenshot renders the webview's out-of-process iframe without the workbench's
      // theme colours; the full page renders it as people see it, so crop that instead.
      writeFileSync(s.path, crop(await page.screenshot(), box));
      return null;
    }
  }
}

/** The part of a PNG screenshot inside `box` (CSS pixels; the runner's device pixel ratio is 1). */
function crop(png: Buffer, box: { x: number; y: number; width: number; height: number }): Uint8Array {
  const image = decodePng(png);
  const channels = image.channels;
  const x0 = Math.max(0, Math.round(box.x)), y0 = Math.max(0, Math.round(box.y));
  const width = Math.min(image.width - x0, Math.round(box.width)), height = Math.min(image.height - y0, Math.round(box.height));
  const data = new Uint8Array(width * height * channels);
  for (let row = 0; row < height; row++) {
    const from = ((y0 + row) * image.width + x0) * channels;
    data.set((image.data as Uint8Array).subarray(from, from + width * channels), row * width * channels);
  }
  return encodePng({ width, height, data, channels, depth: 8 });
}

/** Runs a request's steps in order and writes the reply (atomically: the suite polls for it). */
export async function runPageRequest(page: Page, request: PageRequest): Promise<void> {
  const results: unknown[] = [];
  let reply: PageReply;
  try {
    for (const s of request.steps) results.push(await step(page, s) ?? null);
    reply = { ok: true, results };
  } catch (error) {
    reply = { ok: false, results, error: (error as Error).message.split('\nCall log:')[0] ?? String(error) };
  }
  mkdirSync(request.replyDir, { recursive: true });
  const file = join(request.replyDir, `${request.id}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(reply));
  renameSync(`${file}.tmp`, file);
}
