/**
 * What every command needs: the editor provider (to find the editor a command is for) and the
 * log, plus the one way errors reach people: a notification that names the file and says what to
 * do, the detail in the log, never a stack trace.
 */
import * as vscode from 'vscode';
import type { CompareEditorProvider } from '../editor/compareEditorProvider';
import type { CompareSession } from '../editor/compareSession';
import { isDisposedError } from '../editor/dispose';
import { SessionError } from '../editor/sessionWorkerClient';
import type { TriageCommand } from '../core/protocol';

export interface CommandContext {
  readonly provider: CompareEditorProvider;
  readonly log: vscode.LogOutputChannel;
}

/** Commands get the document's URI from the editor's buttons and menus, nothing from the palette. */
export function targetSession(ctx: CommandContext, arg: unknown): CompareSession | undefined {
  const session = ctx.provider.sessionFor(arg instanceof vscode.Uri ? arg : undefined);
  if (session === undefined) {
    void vscode.window.showInformationMessage(
      'Mask Inspector: no compare editor is active. Open a .nii, .nii.gz or .png mask, or select two masks in the Explorer and run "Compare Masks".');
  }
  return session;
}

/** `session`: the editor the command was for; it shows the error too, where the person is looking. */
export function showCommandError(ctx: CommandContext, doing: string, error: unknown, session?: CompareSession): void {
  if (isDisposedError(error)) return; // the editor was closed meanwhile: nothing left to tell
  const message = error instanceof Error ? error.message : String(error);
  const text = error instanceof SessionError && error.file !== null ? `${error.file}: ${message}` : `could not ${doing}: ${message}`;
  ctx.log.error(`${doing}: ${text}`);
  session?.showError(text);
  void vscode.window.showErrorMessage(`Mask Inspector: ${text}`);
}

/** Registers a palette command that forwards a triage command to the active compare editor. */
export function registerTriageCommand(ctx: CommandContext, id: string, command: TriageCommand): vscode.Disposable {
  return vscode.commands.registerCommand(id, (arg?: unknown) => {
    targetSession(ctx, arg)?.postCommand(command);
  });
}
