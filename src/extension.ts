/**
 * Mask Inspector's extension host entry: wiring only. The compare editor, its commands and the
 * status bar entry; every registration goes to context.subscriptions. Decoding and computing
 * happen in worker threads (dist/worker.js), never on this thread.
 */
import { availableParallelism } from 'node:os';
import * as vscode from 'vscode';
import { registerChoosePartner } from './commands/choosePartner';
import type { CommandContext } from './commands/commandContext';
import { registerCompareMasks } from './commands/compareMasks';
import { registerFlagSlice } from './commands/flagSlice';
import { registerMarkSliceReviewed } from './commands/markSliceReviewed';
import { registerNextWorstSlice } from './commands/nextWorstSlice';
import { registerOpenUnderlay } from './commands/openUnderlay';
import { registerPreviousWorstSlice } from './commands/previousWorstSlice';
import { registerSwap } from './commands/swap';
import { registerTestMessages } from './commands/testMessages';
import { registerWorstSlice } from './commands/worstSlice';
import { CompareEditorProvider } from './editor/compareEditorProvider';
import { MarksStore } from './editor/marksStore';
import { LossStatusBar } from './editor/statusBar';
import { TestProbe } from './editor/testProbe';

export function activate(context: vscode.ExtensionContext): void {
  const testMode = context.extensionMode === vscode.ExtensionMode.Test || process.env['MASK_INSPECTOR_TEST'] === '1';
  const log = vscode.window.createOutputChannel('Mask Inspector', { log: true });
  const marks = new MarksStore(context.workspaceState);
  const probe = testMode ? new TestProbe() : null;
  const provider = new CompareEditorProvider(
    { extensionUri: context.extensionUri, marks, log, probe },
    {
      workerFile: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
      // The loss threads; the session worker itself stays free to answer slice requests.
      jobs: Math.max(1, availableParallelism()),
      log,
      rememberedView: (key) => marks.view(key),
    },
  );
  const ctx: CommandContext = { provider, log };
  context.subscriptions.push(
    log,
    marks,
    provider,
    new LossStatusBar(provider.onDidChangeActiveSession, marks),
    registerCompareMasks(ctx),
    registerSwap(ctx),
    registerChoosePartner(ctx),
    registerOpenUnderlay(ctx),
    registerNextWorstSlice(ctx),
    registerPreviousWorstSlice(ctx),
    registerWorstSlice(ctx),
    registerMarkSliceReviewed(ctx),
    registerFlagSlice(ctx),
  );
  if (probe !== null) context.subscriptions.push(registerTestMessages(provider, probe));
}

export function deactivate(): void {
  // Everything is in context.subscriptions; workers end with their documents.
}
