/**
 * Mask Inspector's extension host entry: wiring only. The compare editor, its commands and the
 * status bar entry; the loss report (command, cases view, report panel) and the workspace's
 * triage file; every registration goes to context.subscriptions. Decoding and computing happen
 * in worker threads (dist/worker.js, dist/caseWorker.js), never on this thread.
 */
import { availableParallelism } from 'node:os';
import * as vscode from 'vscode';
import { registerChoosePartner } from './commands/choosePartner';
import type { CommandContext } from './commands/commandContext';
import { registerCompareMasks } from './commands/compareMasks';
import { registerCompareTwoPredictions, registerVersusRoles } from './commands/compareTwoPredictions';
import { registerFlagSlice } from './commands/flagSlice';
import { registerLossReport, registerOpenReport, type ReportContext } from './commands/lossReport';
import { registerMarkSliceReviewed } from './commands/markSliceReviewed';
import { registerNextWorstSlice } from './commands/nextWorstSlice';
import { registerOpenMask } from './commands/openMask';
import { registerOpenUnderlay } from './commands/openUnderlay';
import { registerPreviousWorstSlice } from './commands/previousWorstSlice';
import { registerShowHausdorffVoxel } from './commands/showHausdorffVoxel';
import { registerSwap } from './commands/swap';
import { registerTestMessages } from './commands/testMessages';
import { registerTestReport } from './commands/testReport';
import { registerTestKillWorker } from './commands/testKillWorker';
import { registerTriageCommands } from './commands/triageCommands';
import { registerWorstSlice } from './commands/worstSlice';
import { CasesView } from './editor/casesView';
import { CompareEditorProvider } from './editor/compareEditorProvider';
import { LatestReport } from './editor/latestReport';
import { MarksStore } from './editor/marksStore';
import { ReportPanel } from './editor/reportPanel';
import { readSettings } from './editor/settings';
import { reopenMaskTabs } from './editor/reopenTabs';
import { SessionWorkerPool } from './editor/sessionWorkerPool';
import { LossStatusBar } from './editor/statusBar';
import { TestProbe } from './editor/testProbe';
import { TriageStore } from './editor/triageStore';

export function activate(context: vscode.ExtensionContext): void {
  const testMode = context.extensionMode === vscode.ExtensionMode.Test || process.env['MASK_INSPECTOR_TEST'] === '1';
  // The one "Mask Inspector" output channel: the editor, the reports and the triage file log here.
  const log = vscode.window.createOutputChannel('Mask Inspector', { log: true });
  const triage = new TriageStore(vscode.workspace.workspaceFolders?.[0]?.uri ?? null, log);
  const marks = new MarksStore(context.workspaceState, triage);
  const probe = __TEST_HOOKS__ && testMode ? new TestProbe() : null;
  const workerFile = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
  // One session worker (and its threads) for every document, started by the first open (never here).
  const workers = new SessionWorkerPool(workerFile);
  const provider = new CompareEditorProvider(
    { extensionUri: context.extensionUri, marks, log, probe },
    {
      workerFile,
      workers,
      // The loss threads; the session worker itself stays free to answer slice requests.
      jobs: Math.max(1, availableParallelism()),
      log,
      rememberedView: (key) => marks.view(key),
    },
  );
  const ctx: CommandContext = { provider, log };
  const latest = new LatestReport(context.workspaceState, log);
  const cases = new CasesView(latest, triage, context.workspaceState, () => readSettings().defaultLoss);
  const panel = new ReportPanel(context.extensionUri, latest, triage, log, async (message) => {
    const c = latest.findCase(message.case);
    if (c === undefined) throw new Error('the case is not in the latest report');
    await vscode.commands.executeCommand('maskInspector.cases.open', {
      case: c.case, axis: message.axis, ...(message.slice !== null ? { slice: message.slice } : {}),
      ...(message.labelValue !== undefined ? { labelValue: message.labelValue } : {}),
    });
  }, testMode);
  const reportCtx: ReportContext = { extensionUri: context.extensionUri, log, latest, triage, panel };
  context.subscriptions.push(
    log,
    triage,
    marks,
    latest,
    cases,
    panel,
    provider,
    // Ends the session worker; a document closed after it ends nothing more (release after dispose terminates).
    workers,
    new LossStatusBar(provider.onDidChangeActiveSession, marks),
    registerCompareMasks(ctx),
    registerCompareTwoPredictions(ctx),
    registerVersusRoles(ctx),
    registerSwap(ctx),
    registerChoosePartner(ctx),
    registerOpenUnderlay(ctx),
    registerOpenMask(ctx),
    registerNextWorstSlice(ctx),
    registerPreviousWorstSlice(ctx),
    registerWorstSlice(ctx),
    registerMarkSliceReviewed(ctx),
    registerFlagSlice(ctx),
    registerShowHausdorffVoxel(ctx),
    registerLossReport(reportCtx),
    registerOpenReport(reportCtx),
    registerTriageCommands({ ...ctx, latest, triage, cases }),
    // After the provider is registered: masks opened at startup in the text editor move to it.
    reopenMaskTabs(log),
  );
  if (__TEST_HOOKS__ && probe !== null) context.subscriptions.push(registerTestMessages(provider, probe), registerTestReport({ cases, panel, triage, latest }), registerTestKillWorker(provider));
}

export function deactivate(): void {
  // Everything is in context.subscriptions; the session worker pool ends with them.
}
