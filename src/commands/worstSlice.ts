/** Mask Inspector: Go to Worst Slice — the slice with the highest selected loss. */
import type * as vscode from 'vscode';
import { registerTriageCommand, type CommandContext } from './commandContext';

export const WORST_SLICE = 'maskInspector.worstSlice';

export function registerWorstSlice(ctx: CommandContext): vscode.Disposable {
  return registerTriageCommand(ctx, WORST_SLICE, 'worst');
}
