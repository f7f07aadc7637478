/**
 * Mask Inspector: Open Mask… — one mask file, opened in Mask Inspector with its partner found as
 * a double click would. The failed state's "Open another file…" runs it with the editor's URI,
 * whose folder the dialog starts in.
 */
import * as vscode from 'vscode';
import { VIEW_TYPE } from '../editor/compareEditorProvider';
import { MASK_FILE_FILTERS } from './compareMasks';
import { showCommandError, type CommandContext } from './commandContext';

export const OPEN_MASK = 'maskInspector.openMask';

export function registerOpenMask(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_MASK, async (from?: unknown) => {
    const start = from instanceof vscode.Uri ? vscode.Uri.joinPath(from, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showOpenDialog({
      title: 'Mask Inspector: open a mask', openLabel: 'Open', canSelectMany: false, canSelectFiles: true, canSelectFolders: false,
      filters: MASK_FILE_FILTERS, ...(start ? { defaultUri: start } : {}),
    });
    if (picked === undefined || picked.length === 0) return;
    try {
      await vscode.commands.executeCommand('vscode.openWith', picked[0]!, VIEW_TYPE);
    } catch (error) {
      showCommandError(ctx, 'open the mask', error);
    }
  });
}
