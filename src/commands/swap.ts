/** Mask Inspector: Swap Prediction and Label. The marks stay: they belong to the pair, not to the roles. */
import * as vscode from 'vscode';
import { showCommandError, targetSession, type CommandContext } from './commandContext';

export const SWAP = 'maskInspector.swap';

export function registerSwap(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand(SWAP, async (arg?: unknown) => {
    const session = targetSession(ctx, arg);
    if (session === undefined) return;
    try {
      await session.document.swap();
    } catch (error) {
      showCommandError(ctx, 'swap prediction and label', error, session);
    }
  });
}
