/**
 * Guesses which folders of a workspace a loss report compares, for the quick pick of
 * "Mask Inspector: Loss Report…". Pure: the caller lists the folders holding mask files.
 *
 * A label folder is one named like labels (`labelsTr`, `labelsTs`, `label*`, `gt`,
 * `ground_truth*`, `masks`… — the pairing rules' folder names); an image folder (`imagesTr`,
 * `images*`, `imgs`) is never a candidate. Any other folder sharing case names with a label
 * folder is a prediction candidate; those named like predictions (`pred*`, `inference*`,
 * `output*`…) come first, then by cases in common, then siblings of the label folder.
 */
import { posix } from 'node:path';
import { caseKey, DEFAULT_PAIRING_RULES, type PairingRule } from '../analysis/pairing';
import { globMatch } from '../glob';

export interface MaskFolder {
  /** POSIX path of the folder. */
  readonly path: string;
  /** Names of the mask files in it. */
  readonly files: readonly string[];
}

export interface FolderGuess {
  readonly prediction: string;
  readonly label: string;
  /** Case names both folders hold. */
  readonly shared: number;
  readonly predictionFiles: number;
  readonly labelFiles: number;
  readonly predictionNamed: boolean;
}


const IMAGE_FOLDER = /^(images?(t[rs])?|imgs?)$/i;

function folderPatterns(rules: readonly PairingRule[], role: 'prediction' | 'label'): string[] {
  return rules.filter((r) => r.type === 'folder').flatMap((r) => {
    const v: string | readonly string[] = r[role];
    return typeof v === 'string' ? [v] : [...v];
  });
}

export function guessReportFolders(folders: readonly MaskFolder[], rules: readonly PairingRule[] = DEFAULT_PAIRING_RULES): FolderGuess[] {
  const labelPatterns = folderPatterns(rules, 'label');
  const predictionPatterns = folderPatterns(rules, 'prediction');
  const named = (path: string, patterns: string[]) => patterns.some((p) => globMatch(p, posix.basename(path)));
  const cases = new Map(folders.map((f) => [f.path, new Set(f.files.map((n) => caseKey(n, rules)).filter((k): k is string => k !== null))]));
  const labels = folders.filter((f) => named(f.path, labelPatterns) && !IMAGE_FOLDER.test(posix.basename(f.path)));
  const out: FolderGuess[] = [];
  for (const l of labels) {
    const lc = cases.get(l.path)!;
    for (const p of folders) {
      if (p.path === l.path || IMAGE_FOLDER.test(posix.basename(p.path)) || labels.includes(p)) continue;
      let shared = 0;
      for (const k of cases.get(p.path)!) if (lc.has(k)) shared++;
      if (shared === 0) continue;
      out.push({
        prediction: p.path, label: l.path, shared, predictionFiles: p.files.length, labelFiles: l.files.length,
        predictionNamed: named(p.path, predictionPatterns),
      });
    }
  }
  const sibling = (g: FolderGuess) => posix.dirname(g.prediction) === posix.dirname(g.label);
  out.sort((a, b) => Number(b.predictionNamed) - Number(a.predictionNamed) || b.shared - a.shared ||
    Number(sibling(b)) - Number(sibling(a)) || (a.prediction < b.prediction ? -1 : a.prediction > b.prediction ? 1 : 0) ||
    (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return out;
}
