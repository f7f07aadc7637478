/**
 * Test mode only (never contributed, never registered in normal use), like testMessages.ts:
 *
 * - maskInspector.test.cases — the cases view as plain data (every case and its slices).
 * - maskInspector.test.reportPanel — the report panel's state and the messages its page sent
 *   and got; with `{ simulate: message }` the message goes through the panel's own handler first
 *   (what a click on the page posts: `{ type: 'openCase', case, slice, axis }`).
 * - maskInspector.test.triage — the triage store's state, its marks as the file would hold them,
 *   and (with `{ settle: true }`, the default) after every pending read and write.
 */
import * as vscode from 'vscode';
import { serialiseTriage } from '../core/analysis/triage';
import type { CasesView } from '../editor/casesView';
import type { LatestReport } from '../editor/latestReport';
import type { ReportPanel } from '../editor/reportPanel';
import type { TriageStore } from '../editor/triageStore';

export const TEST_CASES = 'maskInspector.test.cases';
export const TEST_REPORT_PANEL = 'maskInspector.test.reportPanel';
export const TEST_TRIAGE = 'maskInspector.test.triage';

export function registerTestReport(deps: { cases: CasesView; panel: ReportPanel; triage: TriageStore; latest: LatestReport }): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(TEST_CASES, async () => {
      await deps.latest.ready;
      return deps.cases.snapshot();
    }),
    vscode.commands.registerCommand(TEST_REPORT_PANEL, async (arg?: unknown) => {
      const simulate = typeof arg === 'object' && arg !== null ? (arg as { simulate?: unknown }).simulate : undefined;
      if (simulate !== undefined) await deps.panel.receive(simulate);
      return deps.panel.probe();
    }),
    vscode.commands.registerCommand(TEST_TRIAGE, async (arg?: unknown) => {
      const settle = !(typeof arg === 'object' && arg !== null && (arg as { settle?: unknown }).settle === false);
      if (settle) await deps.triage.settled();
      return { ...deps.triage.state, text: serialiseTriage(deps.triage.all()) };
    }),
  );
}
