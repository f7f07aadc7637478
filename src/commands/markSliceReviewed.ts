/** Mask Inspector: Toggle Slice Reviewed — kept per pair in the workspace (marksStore.ts). */
import type * as vscode from 'vscode';
import { registerTriageCommand, type CommandContext } from './commandContext';

export const MARK_SLICE_REVIEWED = 'maskInspector.markSliceReviewed';

export function registerMarkSliceReviewed(ctx: CommandContext): vscode.Disposable {
  return registerTriageCommand(ctx, MARK_SLICE_REVIEWED, 'markReviewed');
}
