/**
 * maskInspector.test.lastWebviewMessages — test mode only (never contributed, never registered in
 * normal use): what each compare editor's webview posted, what the host posted to it, and the
 * state of each document, so integration tests can check numbers and flows inside VS Code.
 */
import * as vscode from 'vscode';
import type { CompareEditorProvider } from '../editor/compareEditorProvider';
import type { ProbeLog, TestProbe } from '../editor/testProbe';

export const TEST_LAST_WEBVIEW_MESSAGES = 'maskInspector.test.lastWebviewMessages';

export interface TestSnapshot {
  readonly logs: readonly ProbeLog[];
  /** URI string of the active compare editor's document, or null. */
  readonly active: string | null;
  readonly activeState: unknown;
}

export function registerTestMessages(provider: CompareEditorProvider, probe: TestProbe): vscode.Disposable {
  return vscode.commands.registerCommand(TEST_LAST_WEBVIEW_MESSAGES, (arg?: unknown): TestSnapshot => {
    const uri = arg instanceof vscode.Uri ? arg.toString() : typeof arg === 'string' ? arg : undefined;
    const active = provider.activeSession;
    const state = active?.document.state;
    return {
      logs: probe.snapshot(uri),
      active: active?.document.uri.toString() ?? null,
      activeState: state === undefined ? null : state.kind !== 'ready' ? state : {
        ...state,
        uris: { prediction: state.uris.prediction.toString(), label: state.uris.label?.toString() ?? null, underlay: state.uris.underlay?.toString() ?? null },
      },
    };
  });
}
