/**
 * The suite's side of the page driver (../harness/pageDriver.ts): asks the runner to act on the
 * workbench page — inside the compare editor's webview iframe — and waits for its answer.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAGE_ACTION_MARKER, PAGE_DRIVER_ENV, type PageReply, type PageStep } from '../harness/pageDriver';

export const hasPageDriver = (): boolean => process.env[PAGE_DRIVER_ENV] === '1';

let replyDir: string | undefined;
let nextId = 0;

/** Runs the steps in the workbench page; resolves with each step's result, rejects with the runner's error. */
export async function onPage(steps: readonly PageStep[], timeoutMs = 30_000): Promise<unknown[]> {
  replyDir ??= mkdtempSync(join(tmpdir(), 'mi-page-'));
  const id = ++nextId;
  console.log(`${PAGE_ACTION_MARKER} ${JSON.stringify({ id, replyDir, steps })}`);
  const file = join(replyDir, `${id}.json`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the page driver did not answer within ${timeoutMs} ms (steps: ${steps.map((s) => s.do).join(', ')})`);
    await new Promise((r) => setTimeout(r, 30));
  }
  const reply = JSON.parse(readFileSync(file, 'utf8')) as PageReply;
  rmSync(file, { force: true });
  if (!reply.ok) throw new Error(`page driver: ${reply.error}`);
  return [...reply.results];
}

/** Evaluates an expression in the compare editor's webview page. */
export async function inWebview<T>(script: string): Promise<T> {
  return (await onPage([{ do: 'eval', script }]))[0] as T;
}
