/** Mask Inspector: Toggle Slice Flag — marks a slice to come back to. */
import type * as vscode from 'vscode';
import { registerTriageCommand, type CommandContext } from './commandContext';

export const FLAG_SLICE = 'maskInspector.flagSlice';

export function registerFlagSlice(ctx: CommandContext): vscode.Disposable {
  return registerTriageCommand(ctx, FLAG_SLICE, 'flag');
}
