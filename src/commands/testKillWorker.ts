/**
 * maskInspector.test.killSessionWorker — test mode only (never contributed, never registered in
 * normal use): ends the session worker of the compare editor open on the given URI, as the OS
 * would on out-of-memory, so integration tests can check that the document recovers (issue #9).
 */
import * as vscode from 'vscode';
import type { Worker } from 'node:worker_threads';
import type { CompareEditorProvider } from '../editor/compareEditorProvider';

export const TEST_KILL_SESSION_WORKER = 'maskInspector.test.killSessionWorker';

export function registerTestKillWorker(provider: CompareEditorProvider): vscode.Disposable {
  return vscode.commands.registerCommand(TEST_KILL_SESSION_WORKER, async (uri: unknown): Promise<void> => {
    const session = provider.sessionFor(uri instanceof vscode.Uri ? uri : undefined);
    if (session === undefined) throw new Error('no compare editor is open on that file');
    // The thread itself, reached past the client's privacy on purpose: no shipped code can end it.
    const { worker } = (session.document as unknown as { client: { worker: Worker } }).client;
    await worker.terminate();
  });
}
