/**
 * Mask Inspector: Compare Two Predictions — three masks (predictions A and B and their label)
 * chosen in the Explorer (the menu entry shows for a multiple selection; the command checks for
 * exactly three) or, from the palette, in a file dialog. Which is the label comes from the names
 * (core/analysis/versusRoles.ts); "Choose Roles…" (maskInspector.versusRoles) and Swap (A ↔ B)
 * fix a wrong guess. Scripts and the paired report pass `{ predictionA, predictionB, label, axis?, slice? }`
 * (URIs or absolute paths) instead: those roles, opened at that slice.
 */
import * as vscode from 'vscode';
import { splitMaskName } from '../core/analysis/pairing';
import { allVersusRoles, guessVersusRoles, type VersusRoles } from '../core/analysis/versusRoles';
import { relativeName } from '../editor/marksStore';
import { findUnderlayFor } from '../editor/pairResolver';
import { readSettings } from '../editor/settings';
import { parseOpenAtSlice, toUri, type SliceTarget } from '../editor/sliceTarget';
import { MASK_FILE_FILTERS } from './compareMasks';
import { showCommandError, targetSession, type CommandContext } from './commandContext';

export const COMPARE_TWO_PREDICTIONS = 'maskInspector.compareTwoPredictions';
export const VERSUS_ROLES = 'maskInspector.versusRoles';

/**
 * `{ predictionA, predictionB, label, axis?, slice?, labelValue?, loss? }` (URIs or absolute
 * paths, as the paired report has them; the slice as for Compare Masks, sliceTarget.ts), or null
 * when `arg` is something else.
 */
function explicitRoles(arg: unknown): { a: vscode.Uri; b: vscode.Uri; label: vscode.Uri; target: SliceTarget | null } | null {
  if (typeof arg !== 'object' || arg === null || arg instanceof vscode.Uri || Array.isArray(arg)) return null;
  const o = arg as Record<string, unknown>;
  const b = toUri(o['predictionB']);
  const parsed = parseOpenAtSlice({ ...o, prediction: o['predictionA'] });
  return b === null || parsed === null ? null : { a: parsed.prediction, b, label: parsed.label, target: parsed.target };
}

async function open(ctx: CommandContext, a: vscode.Uri, b: vscode.Uri, label: vscode.Uri, at?: SliceTarget): Promise<void> {
  const underlay = await findUnderlayFor(a, label, readSettings(a));
  await ctx.provider.openVersus({ prediction: a, versus: b, label, underlay }, at);
}

export function registerCompareTwoPredictions(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand(COMPARE_TWO_PREDICTIONS, async (clicked?: unknown, selected?: unknown) => {
    try {
      const explicit = explicitRoles(clicked);
      if (explicit !== null) return await open(ctx, explicit.a, explicit.b, explicit.label, explicit.target ?? undefined);
      let files = Array.isArray(selected) && selected.every((u) => u instanceof vscode.Uri) && selected.length > 0
        ? selected as vscode.Uri[]
        : clicked instanceof vscode.Uri ? [clicked] : [];
      if (files.length === 0) {
        const picked = await vscode.window.showOpenDialog({
          title: 'Mask Inspector: choose two predictions and their label (three files)', openLabel: 'Compare',
          canSelectMany: true, canSelectFiles: true, canSelectFolders: false, filters: MASK_FILE_FILTERS,
          ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
        });
        files = picked ?? [];
        if (files.length === 0) return; // cancelled
      }
      if (files.length !== 3) {
        void vscode.window.showErrorMessage(
          `Mask Inspector: Compare Two Predictions takes exactly three files, predictions A and B and their label; ${files.length} were selected.`);
        return;
      }
      const wrong = files.find((f) => splitMaskName(f.path.slice(f.path.lastIndexOf('/') + 1)) === null);
      if (wrong) {
        void vscode.window.showErrorMessage(`Mask Inspector: ${relativeName(wrong)} is not a mask file; choose .nii, .nii.gz, .nrrd, .mha, .npy or .png files.`);
        return;
      }
      const byPath = new Map(files.map((f) => [f.path, f]));
      const roles = guessVersusRoles([files[0]!.path, files[1]!.path, files[2]!.path], readSettings(files[0]).pairingRules);
      await open(ctx, byPath.get(roles.predictionA)!, byPath.get(roles.predictionB)!, byPath.get(roles.label)!);
    } catch (error) {
      showCommandError(ctx, 'compare the two predictions', error);
    }
  });
}

/** "Choose Roles…" of a three-way editor: which file is the label, which is A. */
export function registerVersusRoles(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand(VERSUS_ROLES, async (arg?: unknown) => {
    const session = targetSession(ctx, arg);
    if (session === undefined) return;
    const state = session.document.state;
    if (state.kind !== 'ready' || state.uris.versus === undefined || state.uris.label === null) {
      void vscode.window.showInformationMessage('Mask Inspector: Choose Roles is for an editor comparing two predictions (Compare Two Predictions).');
      return;
    }
    const { prediction, versus, label } = state.uris;
    const byPath = new Map([prediction, versus, label].map((u) => [u.path, u]));
    const name = (path: string): string => relativeName(byPath.get(path)!);
    const items = allVersusRoles({ predictionA: prediction.path, predictionB: versus.path, label: label.path }).map((roles: VersusRoles, n) => ({
      label: `label ${name(roles.label)}`, description: `A ${name(roles.predictionA)} · B ${name(roles.predictionB)}${n === 0 ? ' (current)' : ''}`, roles,
    }));
    const picked = await vscode.window.showQuickPick(items, { title: 'Mask Inspector: which file is the label, which prediction is A?' });
    if (picked === undefined || picked === items[0]) return;
    try {
      const { predictionA, predictionB, label: chosenLabel } = picked.roles;
      await open(ctx, byPath.get(predictionA)!, byPath.get(predictionB)!, byPath.get(chosenLabel)!);
    } catch (error) {
      showCommandError(ctx, 'change the roles', error, session);
    }
  });
}
