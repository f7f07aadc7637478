/**
 * Mask Inspector: Compare Masks — two masks chosen in the Explorer (exactly two selected; the menu
 * entry only shows then) or, from the palette, in file dialogs. Which one is the prediction comes
 * from their names (pairing.ts guessRoles); Swap fixes a wrong guess.
 *
 * Scripts, the report panel and the cases view pass one object instead:
 * `{ prediction, label, axis?, slice?, labelValue?, loss? }` (editor/sliceTarget.ts) — the roles
 * as given, opened at that slice.
 */
import * as vscode from 'vscode';
import { splitMaskName } from '../core/analysis/pairing';
import { relativeName } from '../editor/marksStore';
import { findUnderlayFor, pairOf, type PairUris } from '../editor/pairResolver';
import { readSettings } from '../editor/settings';
import { parseOpenAtSlice } from '../editor/sliceTarget';
import { showCommandError, type CommandContext } from './commandContext';

export const COMPARE_MASKS = 'maskInspector.compareMasks';

/** showOpenDialog filters match the last extension only, so .nii.gz needs "gz". */
export const MASK_FILE_FILTERS: { readonly [name: string]: string[] } = {
  'Masks (NIfTI, NRRD, MetaImage, NumPy, DICOM-SEG, PNG)': ['nii', 'gz', 'nrrd', 'nhdr', 'mha', 'mhd', 'npy', 'npz', 'dcm', 'png'],
  'All files': ['*'],
};

async function askForMasks(title: string, many: boolean): Promise<vscode.Uri[]> {
  const picked = await vscode.window.showOpenDialog({
    title, openLabel: 'Compare', canSelectMany: many, canSelectFiles: true, canSelectFolders: false, filters: MASK_FILE_FILTERS,
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  return picked ?? [];
}

export function registerCompareMasks(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand(COMPARE_MASKS, async (clicked?: unknown, selected?: unknown) => {
    try {
      const explicit = parseOpenAtSlice(clicked);
      if (explicit !== null) {
        const settings = readSettings(explicit.prediction);
        const pair: PairUris = {
          prediction: explicit.prediction, label: explicit.label, underlay: await findUnderlayFor(explicit.prediction, explicit.label, settings),
        };
        await ctx.provider.openPair(pair, explicit.target ?? undefined);
        return;
      }
      // Explorer: (clicked resource, all selected resources). Palette: no arguments.
      let files = Array.isArray(selected) && selected.every((u) => u instanceof vscode.Uri) && selected.length > 0
        ? selected as vscode.Uri[]
        : clicked instanceof vscode.Uri ? [clicked] : [];
      if (files.length === 0) {
        files = await askForMasks('Mask Inspector: choose a prediction and its label (two files)', true);
        if (files.length === 0) return; // cancelled
      }
      if (files.length === 1) {
        const second = await askForMasks(`Mask Inspector: choose the mask to compare with ${relativeName(files[0]!)}`, false);
        if (second.length === 0) return;
        files = [files[0]!, second[0]!];
      }
      if (files.length !== 2) {
        void vscode.window.showErrorMessage(`Mask Inspector: Compare Masks takes exactly two files, a prediction and its label; ${files.length} were selected.`);
        return;
      }
      const wrong = files.find((f) => splitMaskName(f.path.slice(f.path.lastIndexOf('/') + 1)) === null);
      if (wrong) {
        void vscode.window.showErrorMessage(`Mask Inspector: ${relativeName(wrong)} is not a mask file; choose .nii, .nii.gz or .png files.`);
        return;
      }
      const pair = await pairOf(files[0]!, files[1]!, readSettings(files[0]));
      await ctx.provider.openPair(pair);
    } catch (error) {
      showCommandError(ctx, 'compare the masks', error);
    }
  });
}
