/** Mask Inspector: Previous Worst Slice — back up the worst-first ranking. */
import type * as vscode from 'vscode';
import { registerTriageCommand, type CommandContext } from './commandContext';

export const PREVIOUS_WORST_SLICE = 'maskInspector.previousWorstSlice';

export function registerPreviousWorstSlice(ctx: CommandContext): vscode.Disposable {
  return registerTriageCommand(ctx, PREVIOUS_WORST_SLICE, 'previousWorst');
}
