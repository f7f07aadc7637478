/** Reads `maskInspector.losses.conventions` and `.parameters` (checked in core: conventionRange.ts). */
import * as vscode from 'vscode';
import { conventionSettingsFromConfig, type ConventionSettings } from '../core/analysis/conventionRange';

const SECTION = 'maskInspector';

export function readConventionSettings(scope?: vscode.Uri): { settings: ConventionSettings; problems: string[] } {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return conventionSettingsFromConfig(config.get<unknown>('losses.conventions'), config.get<unknown>('losses.parameters'));
}
