/**
 * Mask Inspector: Loss Report… — a folder of predictions against a folder of labels
 * (src/report/runFolderReport.ts, the engine `mask-inspector report` uses). The host only
 * orchestrates: pairing is listed here, every case is computed in worker threads
 * (dist/caseWorker.js).
 *
 * 1. The folders: from the palette a quick pick of guesses from the workspace layout (nnU-Net
 *    labelsTr/labelsTs and a predictions-like folder sharing case names), or "Browse…"; from the
 *    Explorer's folder menu the clicked folder is the predictions.
 * 2. The plan (pairs, every unmatched prediction and label by name, with the reason) goes to the
 *    "Mask Inspector" output; a modal shows the summary with "Run".
 * 3. A cancellable progress notification counts the cases; cancelling keeps the finished ones
 *    (the report says which were not run). A failing case is logged and the run goes on.
 * 4. The report folder (setting maskInspector.report.outputFolder; default next to the
 *    predictions) becomes the latest report: the cases view shows it and report.html opens in a
 *    panel. Its CSV columns reviewed/flagged/note and the page's marks come from the triage file.
 *
 * Scripts and tests skip every dialog with one argument:
 * `{ predictionDir, labelDir, outDir?, pairing?, jobs?, open?, cancelAfterCases? }` (paths or
 * URIs); the command then resolves to a LossReportResult.
 */
import { basename, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { describePlan, FOLDER_PAIRING_OPTIONS, type FolderPairingOption, type FolderPlan } from '../core/analysis/folderPairing';
import { guessReportFolders, type FolderGuess, type MaskFolder } from '../core/report/reportFolders';
import { marksLookupFor, reportMarksFor, type LatestReport } from '../editor/latestReport';
import { relativeName } from '../editor/marksStore';
import type { ReportPanel } from '../editor/reportPanel';
import { readSettings, SECTION } from '../editor/settings';
import { readConventionSettings } from '../editor/conventionSettings';
import type { TriageStore } from '../editor/triageStore';
import { defaultReportDir, planLocalFolders, planLocalVersusFolders, runFolderReport, type FolderReportOutcome } from '../report/runFolderReport';
import { capThreads, mostCaseThreads, type ThreadChoice } from '../worker/threadBudget';
import { describeVersus } from '../report/describeVersus';
import type { VersusPlan } from '../core/analysis/versusPairing';

export const LOSS_REPORT = 'maskInspector.lossReport';
export const OPEN_REPORT = 'maskInspector.openReport';

export interface ReportContext {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly latest: LatestReport;
  readonly triage: TriageStore;
  readonly panel: ReportPanel;
}

export interface LossReportArgs {
  readonly predictionDir: string | vscode.Uri;
  readonly labelDir: string | vscode.Uri;
  readonly outDir?: string | vscode.Uri;
  readonly pairing?: FolderPairingOption;
  readonly jobs?: number;
  /** Open report.html in a panel when done (default true). */
  readonly open?: boolean;
  /** Cancel once this many cases finished (tests of cancelling). */
  readonly cancelAfterCases?: number;
  /** A second model's prediction folder: a two-prediction report (issue #12). */
  readonly versusDir?: string | vscode.Uri;
}

export interface LossReportResult {
  readonly reportDir: string;
  readonly json: string;
  readonly pairs: number;
  readonly computed: number;
  readonly failed: number;
  readonly cancelled: boolean;
  readonly notRun: readonly string[];
}

const MASK_GLOB = '**/*.{nii,nii.gz,NII,NII.GZ,png,PNG}';
const SCAN_EXCLUDE = '**/{node_modules,.git,.vscode-test,.mask-inspector}/**';
const SCAN_LIMIT = 5000;
/** Lines of unmatched files the confirmation shows; the rest are in the output channel. */
const MODAL_LINES = 12;

function toFileUri(value: string | vscode.Uri): vscode.Uri {
  if (value instanceof vscode.Uri) return value;
  if (isAbsolute(value)) return vscode.Uri.file(value);
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, value) : vscode.Uri.file(value);
}

function isArgs(value: unknown): value is LossReportArgs {
  if (typeof value !== 'object' || value === null || value instanceof vscode.Uri) return false;
  const v = value as Record<string, unknown>;
  const pathLike = (x: unknown) => typeof x === 'string' || x instanceof vscode.Uri;
  return pathLike(v['predictionDir']) && pathLike(v['labelDir']);
}

/** Folders of the workspace that hold mask files, by their file-system path. */
async function maskFolders(): Promise<MaskFolder[]> {
  const files = await vscode.workspace.findFiles(MASK_GLOB, SCAN_EXCLUDE, SCAN_LIMIT);
  const byFolder = new Map<string, string[]>();
  for (const f of files) {
    if (f.scheme !== 'file') continue;
    const dir = vscode.Uri.joinPath(f, '..').path;
    byFolder.set(dir, [...(byFolder.get(dir) ?? []), f.path.slice(f.path.lastIndexOf('/') + 1)]);
  }
  return [...byFolder].map(([path, names]) => ({ path, files: names }));
}

interface FolderItem extends vscode.QuickPickItem {
  readonly guess?: FolderGuess;
  readonly browse?: true;
}

async function browseFolder(title: string, near?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title, openLabel: 'Choose', canSelectFiles: false, canSelectFolders: true, canSelectMany: false,
    ...(near ?? vscode.workspace.workspaceFolders?.[0]?.uri ? { defaultUri: near ?? vscode.workspace.workspaceFolders![0]!.uri } : {}),
  });
  return picked?.[0];
}

/** The two folders, asked for; undefined when the person cancelled. */
async function pickFolders(prediction: vscode.Uri | undefined): Promise<{ prediction: vscode.Uri; label: vscode.Uri } | undefined> {
  const rules = readSettings(prediction).pairingRules;
  let guesses = guessReportFolders(await maskFolders(), rules);
  if (prediction) guesses = guesses.filter((g) => g.prediction === prediction.path);
  const asUri = (path: string) => vscode.Uri.file(path);
  if (guesses.length > 0) {
    const items: FolderItem[] = guesses.map((g) => ({
      label: `$(folder) ${relativeName(asUri(g.prediction))}  ↔  ${relativeName(asUri(g.label))}`,
      description: `${g.shared} case${g.shared === 1 ? '' : 's'} in common`,
      detail: `predictions ${relativeName(asUri(g.prediction))} (${g.predictionFiles} files) · labels ${relativeName(asUri(g.label))} (${g.labelFiles} files)`,
      guess: g,
    }));
    items.push({ label: '$(folder-opened) Browse…', description: prediction ? 'choose the label folder' : 'choose the prediction and label folders', browse: true });
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Mask Inspector: Loss Report — which predictions against which labels?',
      placeHolder: 'Prediction folder ↔ label folder', matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true,
    });
    if (picked === undefined) return undefined;
    if (picked.guess) return { prediction: asUri(picked.guess.prediction), label: asUri(picked.guess.label) };
  }
  const pred = prediction ?? await browseFolder('Mask Inspector: Loss Report — choose the folder of predictions');
  if (pred === undefined) return undefined;
  const label = await browseFolder(`Mask Inspector: Loss Report — choose the folder of labels for ${relativeName(pred)}`, vscode.Uri.joinPath(pred, '..'));
  return label === undefined ? undefined : { prediction: pred, label };
}

/** The optional second prediction folder (issue #12); null: one model; undefined: cancelled. */
async function pickVersusFolder(prediction: vscode.Uri): Promise<vscode.Uri | null | undefined> {
  const items: (vscode.QuickPickItem & { choice: 'one' | 'browse' })[] = [
    { label: '$(graph) One model', description: `report ${relativeName(prediction)} alone`, choice: 'one' },
    { label: '$(diff) Compare with a second model…', description: 'choose a second prediction folder of the same labels: A, B and Δ, paired statistics', choice: 'browse' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Mask Inspector: Loss Report — one model, or two against the same labels?', ignoreFocusOut: true,
  });
  if (picked === undefined) return undefined;
  if (picked.choice === 'one') return null;
  return await browseFolder(`Mask Inspector: Loss Report — choose the second model's predictions (B) to compare with ${relativeName(prediction)}`,
    vscode.Uri.joinPath(prediction, '..'));
}

/** The confirmation: the plan's summary with "Run"; the full plan is in the output channel. */
async function confirmPlan(plan: FolderPlan, outDir: string): Promise<boolean> {
  const lines: string[] = [];
  const list = (title: string, files: readonly { name: string; reason: string }[]) => {
    if (files.length === 0) return;
    lines.push(`${title} (${files.length}):`);
    for (const f of files.slice(0, MODAL_LINES)) lines.push(`  ${f.name} — ${f.reason}`);
    if (files.length > MODAL_LINES) lines.push(`  … and ${files.length - MODAL_LINES} more (Output › Mask Inspector)`);
  };
  list('Unmatched predictions', plan.unmatchedPredictions);
  list('Unmatched labels', plan.unmatchedLabels);
  if (plan.ignored.length > 0) lines.push(`${plan.ignored.length} other file${plan.ignored.length === 1 ? ' is' : 's are'} not masks (listed in the output).`);
  lines.push('', `Report folder: ${outDir}`);
  const choice = await vscode.window.showInformationMessage(
    `Loss report: ${plan.pairs.length} pair${plan.pairs.length === 1 ? '' : 's'} (pairing ${plan.mode}) — ` +
    `${relativeName(vscode.Uri.file(plan.predictionDir))} against ${relativeName(vscode.Uri.file(plan.labelDir))}`,
    { modal: true, detail: lines.join('\n') }, 'Run');
  return choice === 'Run';
}

/** maskInspector.report.outputFolder: the folder the report folder goes in; '' = next to the predictions. */
function reportDirFor(predictionDir: vscode.Uri): string {
  const configured = (vscode.workspace.getConfiguration(SECTION, predictionDir).get<string>('report.outputFolder') ?? '').trim();
  if (configured === '') return defaultReportDir(predictionDir.fsPath);
  const folder = vscode.workspace.getWorkspaceFolder(predictionDir) ?? vscode.workspace.workspaceFolders?.[0];
  const parent = isAbsolute(configured) || folder === undefined ? configured : join(folder.uri.fsPath, configured);
  return join(parent, `mask-inspector-report-${basename(predictionDir.fsPath) || 'predictions'}`);
}

function reportJobs(predictionDir: vscode.Uri, requested: number | undefined): ThreadChoice {
  const jobs = requested ?? vscode.workspace.getConfiguration(SECTION, predictionDir).get<number>('report.jobs') ?? 0;
  // A workspace setting of 400 must not start 400 threads: capped at what the machine can use.
  return capThreads(Number.isInteger(jobs) && jobs > 0 ? jobs : undefined, mostCaseThreads(), `maskInspector.report.jobs ${jobs}`);
}

let running = false;

export function registerLossReport(ctx: ReportContext): vscode.Disposable {
  const { log } = ctx;
  const showLog = (choice: string | undefined) => { if (choice === 'Show Log') log.show(true); };

  async function run(arg: unknown): Promise<LossReportResult | undefined> {
    const scripted = isArgs(arg) ? arg : null;
    let folders: { prediction: vscode.Uri; label: vscode.Uri } | undefined;
    if (scripted) folders = { prediction: toFileUri(scripted.predictionDir), label: toFileUri(scripted.labelDir) };
    else folders = await pickFolders(arg instanceof vscode.Uri ? arg : undefined);
    if (folders === undefined) return undefined;
    if (folders.prediction.scheme !== 'file' || folders.label.scheme !== 'file') {
      void vscode.window.showErrorMessage('Mask Inspector: loss reports need folders on a local (or remote) disk; virtual file systems are not supported.');
      return undefined;
    }
    const versus = scripted ? (scripted.versusDir !== undefined ? toFileUri(scripted.versusDir) : null) : await pickVersusFolder(folders.prediction);
    if (versus === undefined) return undefined;
    const settings = readSettings(folders.prediction);
    const pairing = scripted?.pairing !== undefined && FOLDER_PAIRING_OPTIONS.includes(scripted.pairing) ? scripted.pairing : 'auto';
    let plan: FolderPlan;
    try {
      plan = versus !== null
        ? await planLocalVersusFolders(folders.prediction.fsPath, folders.label.fsPath, versus.fsPath, pairing, settings.pairingRules)
        : await planLocalFolders(folders.prediction.fsPath, folders.label.fsPath, pairing, settings.pairingRules);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      log.error(`loss report: ${text}`);
      void vscode.window.showErrorMessage(`Mask Inspector: ${text}`);
      return undefined;
    }
    log.info(`loss report plan:\n${describePlan(plan)}${'planB' in plan ? describeVersus(plan as VersusPlan) : ''}`);
    if (plan.pairs.length === 0) {
      void vscode.window.showErrorMessage(
        `Mask Inspector: no prediction in ${relativeName(folders.prediction)} pairs with a label in ${relativeName(folders.label)}; ` +
        'every file and why it did not pair is in the output.', 'Show Log').then(showLog);
      return undefined;
    }
    const outDir = scripted?.outDir !== undefined ? toFileUri(scripted.outDir).fsPath : reportDirFor(folders.prediction);
    if (!scripted && !await confirmPlan(plan, outDir)) return undefined;
    if (running) {
      void vscode.window.showInformationMessage('Mask Inspector: a loss report is already running; wait for it or cancel it first.');
      return undefined;
    }
    running = true;
    let outcome: FolderReportOutcome;
    try {
      outcome = await execute(plan, outDir, scripted, folders.prediction, settings);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      log.error(`loss report: ${text}`);
      void vscode.window.showErrorMessage(`Mask Inspector: the loss report could not be written: ${text}`, 'Show Log').then(showLog);
      return undefined;
    } finally {
      running = false;
    }
    const files = outcome.files;
    log.info(`loss report: ${outcome.computed} computed, ${outcome.failed} failed, ${outcome.notRun.length} not run in ${outcome.seconds.toFixed(1)} s → ${files.dir}`);
    try {
      await ctx.latest.set(vscode.Uri.file(files.json));
      if (scripted?.open !== false) await ctx.panel.show();
    } catch (error) {
      log.error(`loss report: ${error instanceof Error ? error.message : String(error)}`);
    }
    const where = relativeName(vscode.Uri.file(files.dir));
    if (outcome.cancelled) {
      void vscode.window.showWarningMessage(
        `Mask Inspector: loss report cancelled — the ${outcome.computed + outcome.failed} finished case${outcome.computed + outcome.failed === 1 ? ' is' : 's are'} kept ` +
        `in ${where}; ${outcome.notRun.length} not run (listed in the report).`, 'Show Log').then(showLog);
    } else if (outcome.failed > 0) {
      void vscode.window.showWarningMessage(
        `Mask Inspector: ${outcome.failed} of ${plan.pairs.length} cases failed (their errors are in the report and the log); ` +
        `${outcome.computed} computed → ${where}.`, 'Show Log').then(showLog);
    } else {
      void vscode.window.showInformationMessage(`Mask Inspector: loss report of ${outcome.computed} case${outcome.computed === 1 ? '' : 's'} in ${outcome.seconds.toFixed(1)} s → ${where}.`);
    }
    return {
      reportDir: files.dir, json: files.json, pairs: plan.pairs.length, computed: outcome.computed, failed: outcome.failed,
      cancelled: outcome.cancelled, notRun: outcome.notRun,
    };
  }

  function execute(
    plan: FolderPlan, outDir: string, scripted: LossReportArgs | null, predictionDir: vscode.Uri, settings: ReturnType<typeof readSettings>,
  ): Thenable<FolderReportOutcome> {
    const choice = reportJobs(predictionDir, scripted?.jobs);
    if (choice.warning) log.warn(`loss report: ${choice.warning}`);
    const jobs = choice.threads;
    const total = plan.pairs.length;
    return vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, cancellable: true,
      title: `Mask Inspector: loss report of ${total} case${total === 1 ? '' : 's'}`,
    }, async (progress, token) => {
      const controller = new AbortController();
      const cancel = (why: string) => {
        if (controller.signal.aborted) return;
        log.info(`loss report: ${why}; the finished cases are written as a partial report`);
        progress.report({ message: 'cancelling — writing the finished cases…' });
        controller.abort();
      };
      const subscription = token.onCancellationRequested(() => cancel('cancelled'));
      log.info(`loss report: ${total} cases on ${Math.min(jobs, total)} worker thread${Math.min(jobs, total) === 1 ? '' : 's'} → ${outDir}`);
      progress.report({ message: `0/${total} cases` });
      try {
        const conventions = readConventionSettings(predictionDir);
        for (const problem of conventions.problems) log.warn(`loss report: ${problem}`);
        return await runFolderReport(plan, {
          outDir, jobs, kind: settings.kind, axis: settings.defaultAxis, maxVoxels: settings.maxVoxels,
          conventions: conventions.settings,
          workerFile: vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'caseWorker.js').fsPath,
          marks: marksLookupFor(plan.pairs, ctx.triage),
          html: { marks: reportMarksFor(plan.pairs, ctx.triage) },
          labelNames: settings.labelNames,
        }, {
          signal: controller.signal,
          onProgress: (p) => {
            const f = p.finished;
            if (f === null) return;
            if (f.status === 'failed') log.warn(`loss report: ${f.case} failed: ${f.error.file ? `${f.error.file}: ` : ''}${f.error.message}`);
            else log.info(`loss report: ${f.case} done in ${f.seconds.toFixed(1)} s (${p.done}/${p.total})`);
            if (!controller.signal.aborted) {
              progress.report({
                increment: 100 / p.total,
                message: `${p.done}/${p.total} cases${p.failed > 0 ? ` (${p.failed} failed)` : ''}${p.running.length > 0 ? ` — ${p.running.join(', ')}` : ''}`,
              });
            }
            if (__TEST_HOOKS__ && scripted?.cancelAfterCases !== undefined && p.done >= scripted.cancelAfterCases) cancel(`stopped after ${p.done} cases (cancelAfterCases)`);
          },
        });
      } finally {
        subscription.dispose();
      }
    });
  }

  return vscode.commands.registerCommand(LOSS_REPORT, run);
}

/** Mask Inspector: Open Loss Report — the latest report's page; or a report.json / report folder given or chosen. */
export function registerOpenReport(ctx: ReportContext): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_REPORT, async (arg?: unknown) => {
    try {
      let json: vscode.Uri | undefined = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? toFileUri(arg) : undefined;
      if (json === undefined && ctx.latest.index === null) {
        json = (await vscode.window.showOpenDialog({
          title: 'Mask Inspector: open a loss report (report.json)', openLabel: 'Open Report', canSelectMany: false,
          filters: { 'Loss report': ['json'] },
        }))?.[0];
        if (json === undefined) return;
      }
      if (json !== undefined) {
        if (!json.path.endsWith('.json')) json = vscode.Uri.joinPath(json, 'report.json');
        await ctx.latest.set(json);
      }
      await ctx.panel.show();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      ctx.log.error(`open report: ${text}`);
      void vscode.window.showErrorMessage(`Mask Inspector: ${text}`);
    }
  });
}
