/**
 * Shared by report.test.ts and triage.test.ts: the sample tree in the test workspace, the loss
 * report command driven with arguments, and the test-only probes (maskInspector.test.*) that
 * read the cases view, the report panel, the triage store and the compare editors' messages.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LossReportResult } from '../../../src/commands/lossReport';
import type { TestSnapshot } from '../../../src/commands/testMessages';
import type { InitMessage } from '../../../src/core/protocol';
import type { CasesItemSnapshot } from '../../../src/editor/casesView';
import type { ReportPanelProbe } from '../../../src/editor/reportPanel';
import type { TriageStoreState } from '../../../src/editor/triageStore';

export const EXTENSION_ID = 'mask-inspector.mask-inspector';

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration run must open a workspace folder');
  return folder.uri;
}

export const file = (relative: string): vscode.Uri => vscode.Uri.joinPath(workspaceRoot(), relative);

/** Copies the repository's sample/ (nnU-Net tree: predictions, labelsTr, imagesTr) into the workspace. */
export async function copySample(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  await extension.activate();
  const sample = vscode.Uri.joinPath(extension.extensionUri, 'sample');
  try {
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(sample, 'predictions', 'liver_001.nii.gz'));
  } catch {
    assert.fail('sample/ is missing in the repository: run `npm run sample` first');
  }
  for (const dir of ['predictions', 'labelsTr', 'imagesTr']) {
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(sample, dir), file(`sample/${dir}`), { overwrite: true });
  }
}

export async function runReport(args: Record<string, unknown>): Promise<LossReportResult> {
  const result = await vscode.commands.executeCommand<LossReportResult | undefined>('maskInspector.lossReport', args);
  assert.ok(result, 'the loss report command returned nothing (it failed or was refused: see the Mask Inspector log above)');
  return result;
}

export interface CasesSnapshot {
  readonly sortBy: string;
  readonly description: string | undefined;
  readonly message: string | undefined;
  readonly items: readonly CasesItemSnapshot[];
}

export const cases = (): Thenable<CasesSnapshot> => vscode.commands.executeCommand<CasesSnapshot>('maskInspector.test.cases');
export const reportPanel = (simulate?: unknown): Thenable<ReportPanelProbe> =>
  vscode.commands.executeCommand<ReportPanelProbe>('maskInspector.test.reportPanel', simulate === undefined ? undefined : { simulate });
export const triageState = (settle = true): Thenable<TriageStoreState & { text: string }> =>
  vscode.commands.executeCommand('maskInspector.test.triage', { settle });

/** Polls `find` until it returns something other than undefined. */
export async function until<T>(what: string, find: () => Promise<T | undefined> | T | undefined, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const found = await find();
      if (found !== undefined) return found;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function editorLog(uri: vscode.Uri): Promise<{ received: Record<string, unknown>[]; posted: Record<string, unknown>[] }> {
  const snap = await vscode.commands.executeCommand<TestSnapshot>('maskInspector.test.lastWebviewMessages', uri.toString());
  const log = snap.logs[0];
  return { received: (log?.received ?? []) as unknown as Record<string, unknown>[], posted: (log?.posted ?? []) as unknown as Record<string, unknown>[] };
}

/** The `n`th init (0-based) the compare editor of `uri` was sent. */
export function nthInit(uri: vscode.Uri, n: number): Promise<InitMessage> {
  return until(`init #${n + 1} of ${uri.path}`, async () => (await editorLog(uri)).posted.filter((m) => m['type'] === 'init')[n] as unknown as InitMessage | undefined);
}

export async function initCount(uri: vscode.Uri): Promise<number> {
  return (await editorLog(uri)).posted.filter((m) => m['type'] === 'init').length;
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The slice children of a case item, as `{ case, axis, slice, labelValue }` arguments. */
export function sliceArgs(item: CasesItemSnapshot): { case: string; axis: 'i' | 'j' | 'k'; slice: number; labelValue: number | 'foreground' }[] {
  return item.children.filter((c) => c.command !== null).map((c) => c.command!.arguments[0] as never);
}
