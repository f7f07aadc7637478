/** Mask Inspector: Show Hausdorff Distance Voxel — go to and mark where the volume's Hausdorff distance is reached. */
import type * as vscode from 'vscode';
import { registerTriageCommand, type CommandContext } from './commandContext';

export const SHOW_HAUSDORFF_VOXEL = 'maskInspector.showHausdorffVoxel';

export function registerShowHausdorffVoxel(ctx: CommandContext): vscode.Disposable {
  return registerTriageCommand(ctx, SHOW_HAUSDORFF_VOXEL, 'showHausdorffVoxel');
}
