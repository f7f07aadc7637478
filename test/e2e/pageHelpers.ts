/** Small typed wrappers around the page script's helpers, and the end-of-test checks. */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { EditorPage } from './browserHarness';
import type { PageGlobals } from './fakeHost';

type Mi = PageGlobals['__mi'];

/** Runs one page-script helper by name with JSON arguments. */
export async function call<K extends keyof Mi>(page: Page, name: K, ...args: unknown[]): Promise<Mi[K] extends (...a: never[]) => infer R ? R : never> {
  return page.evaluate(([n, a]) => {
    const helper = (globalThis as unknown as { __mi: Record<string, (...x: unknown[]) => unknown> }).__mi[n as string]!;
    return helper(...(a as unknown[]));
  }, [name, args] as const) as never;
}

export async function pixel(page: Page, column: number, displayRow: number): Promise<[number, number, number]> {
  const [r, g, b] = await call(page, 'pixel', column, displayRow);
  return [r!, g!, b!];
}

/** Sets a vscode-single-select the way a user's choice does: value, then a change event. */
export async function choose(page: Page, selectId: string, value: string): Promise<void> {
  await page.evaluate(([id, v]) => {
    const select = (globalThis as unknown as { document: { getElementById(i: string): { value: string; dispatchEvent(e: unknown): void } } }).document.getElementById(id);
    const EventType = (globalThis as unknown as { Event: new (type: string) => unknown }).Event;
    select.value = v;
    select.dispatchEvent(new EventType('change'));
  }, [selectId, value] as const);
}

/** Retries `check` until it stops throwing (the page renders asynchronously after a message). */
export async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** Overlay colour over a base grey after the page's rounding (the base is stored as a byte first). */
export function blended(baseGrey: number, hex: string, alpha: number): [number, number, number] {
  const base = Math.round(baseGrey);
  const channel = (at: number): number => Math.round(base * (1 - alpha) + parseInt(hex.slice(at, at + 2), 16) * alpha);
  return [channel(1), channel(3), channel(5)];
}

export function assertColour(actual: readonly number[], expected: readonly number[], what: string): void {
  const close = actual.length >= 3 && expected.every((v, i) => Math.abs(v - actual[i]!) <= 1);
  assert.ok(close, `${what}: expected rgb(${expected.join(', ')}), got rgb(${actual.slice(0, 3).join(', ')})`);
}

/** Screenshot, then: no console error, no page error, no CSP violation, no error logged to the host. */
export async function finish(editor: EditorPage, name: string): Promise<void> {
  await editor.screenshot(name);
  const problems = await editor.problems();
  for (const warning of editor.warnings) console.log(`[${name}] console warning: ${warning}`);
  await editor.page.close();
  assert.deepEqual(problems, [], 'the page reported problems');
}

/** Opens the toolbar's "⋯" overflow menu when the toolbar collapsed (narrow editors), so its controls can be clicked. */
export async function openOverflow(page: Page): Promise<void> {
  if (await page.locator('.mi-toolbar.mi-collapsed').count() === 0) return;
  if (await page.locator('.mi-toolbar.mi-overflow-open').count() === 0) await page.locator('.mi-overflow-toggle').click();
}
