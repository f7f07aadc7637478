/** Mask Inspector: Choose Partner… — the file to compare the open mask with (prediction or label). */
import * as vscode from 'vscode';
import { MASK_FILE_FILTERS } from './compareMasks';
import { showCommandError, targetSession, type CommandContext } from './commandContext';

export const CHOOSE_PARTNER = 'maskInspector.choosePartner';

export function registerChoosePartner(ctx: CommandContext): vscode.Disposable {
  // (editor URI?, file?): the editor's buttons pass the first; scripts and tests may pass the file too.
  return vscode.commands.registerCommand(CHOOSE_PARTNER, async (arg?: unknown, file?: unknown) => {
    const session = targetSession(ctx, arg);
    if (session === undefined) return;
    const uri = session.document.uri;
    const picked = file instanceof vscode.Uri ? [file] : await vscode.window.showOpenDialog({
      title: `Mask Inspector: choose the mask to compare with ${vscode.workspace.asRelativePath(uri)}`,
      openLabel: 'Compare',
      defaultUri: vscode.Uri.joinPath(uri, '..'),
      canSelectMany: false,
      filters: MASK_FILE_FILTERS,
    });
    if (picked === undefined || picked.length === 0 || session.isDisposed) return;
    try {
      await session.document.setPartner(picked[0]!);
    } catch (error) {
      showCommandError(ctx, 'use the chosen partner', error, session);
    }
  });
}
