/** What the compare editor's webview and host exchanged, read through the extension's test probe. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestSnapshot } from '../../../src/commands/testMessages';
import type { WebviewMessage } from '../../../src/core/protocol';

export async function snapshot(uri: vscode.Uri): Promise<{ received: WebviewMessage[]; posted: Record<string, unknown>[] }> {
  const snap = await vscode.commands.executeCommand<TestSnapshot>('maskInspector.test.lastWebviewMessages', uri.toString());
  const log = snap.logs[0];
  return { received: (log?.received ?? []) as WebviewMessage[], posted: (log?.posted ?? []) as Record<string, unknown>[] };
}

/** Polls until `find` returns something; fails with `what` and the last messages seen. */
export async function waitFor<T>(what: string, uri: vscode.Uri, find: (log: Awaited<ReturnType<typeof snapshot>>) => T | undefined, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let log = await snapshot(uri);
  for (;;) {
    const found = find(log);
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      const tail = (list: { type?: unknown }[]) => list.slice(-8).map((m) => String(m.type)).join(', ');
      assert.fail(`timed out waiting for ${what} (${uri.path}); webview posted: ${tail(log.received)}; host posted: ${tail(log.posted)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
    log = await snapshot(uri);
  }
}
