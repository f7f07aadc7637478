/**
 * Which files the first-run fix (src/editor/reopenTabs.ts) may move from VS Code's text editor
 * into Mask Inspector. Pure, so the rule is unit-tested without VS Code.
 *
 * Only the patterns where Mask Inspector is the *default* editor (package.json
 * `customEditors[maskInspector.compare]`): a PNG opens as an image unless the user asks for
 * Mask Inspector, so a PNG tab is never moved. A user association
 * (`workbench.editorAssociations`) for the file that names another editor wins.
 */

import { pathGlobMatch } from './glob';

/** File-name patterns of the default editor, as in package.json. */
export const DEFAULT_EDITOR_PATTERNS: readonly string[] = ['*.nii', '*.nii.gz'];

/** `*.nii.gz`-style glob (`*`, `**` and `?`), against the base name or, with a `/`, the path; linear time (src/core/glob.ts). */
function matches(glob: string, path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return pathGlobMatch(glob, glob.includes('/') ? path : name);
}

/**
 * True when `path` (a file's path, `/`-separated) opened in the text editor should be shown in
 * `viewType` instead: its name matches a default pattern, and no user association names another
 * editor for it.
 */
export function belongsInMaskInspector(path: string, viewType: string,
  associations: Readonly<Record<string, unknown>> = {}): boolean {
  if (!DEFAULT_EDITOR_PATTERNS.some((p) => matches(p, path))) return false;
  for (const [glob, editor] of Object.entries(associations)) {
    if (typeof editor === 'string' && editor !== viewType && matches(glob, path)) return false;
  }
  return true;
}
