/** Mask Inspector: Next Worst Slice — the slice ranked just below the current one by the selected loss. */
import type * as vscode from 'vscode';
import { registerTriageCommand, type CommandContext } from './commandContext';

export const NEXT_WORST_SLICE = 'maskInspector.nextWorstSlice';

export function registerNextWorstSlice(ctx: CommandContext): vscode.Disposable {
  return registerTriageCommand(ctx, NEXT_WORST_SLICE, 'nextWorst');
}
