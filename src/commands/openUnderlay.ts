/** Mask Inspector: Open Underlay Image… — the CT/MR (or photo) the masks were drawn on, shown beneath them. */
import * as vscode from 'vscode';
import { MASK_FILE_FILTERS } from './compareMasks';
import { showCommandError, targetSession, type CommandContext } from './commandContext';

export const OPEN_UNDERLAY = 'maskInspector.openUnderlay';

export function registerOpenUnderlay(ctx: CommandContext): vscode.Disposable {
  // (editor URI?, file?): the editor's buttons pass the first; scripts and tests may pass the file too.
  return vscode.commands.registerCommand(OPEN_UNDERLAY, async (arg?: unknown, file?: unknown) => {
    const session = targetSession(ctx, arg);
    if (session === undefined) return;
    const picked = file instanceof vscode.Uri ? [file] : await vscode.window.showOpenDialog({
      title: 'Mask Inspector: choose the image to show under the masks',
      openLabel: 'Show as Underlay',
      defaultUri: vscode.Uri.joinPath(session.document.uri, '..', '..'),
      canSelectMany: false,
      filters: MASK_FILE_FILTERS,
    });
    if (picked === undefined || picked.length === 0 || session.isDisposed) return;
    try {
      await session.document.setUnderlay(picked[0]!);
    } catch (error) {
      showCommandError(ctx, 'show the underlay image', error, session);
    }
  });
}
