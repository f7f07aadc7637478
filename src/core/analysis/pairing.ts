/**
 * Finds a mask's partner (prediction ↔ label) and an underlay image from file names and folder
 * layout alone. Pure: paths are POSIX strings and the caller supplies the directory listing, so
 * the editor (vscode.workspace.fs), the folder report and node:test all drive the same rules.
 *
 * Layouts recognised by default:
 *   nnU-Net      DATASET/labelsTr/case.nii.gz  ↔  DATASET/<predictions folder>/case.nii.gz
 *   folders      pred*, prediction*, inference*, output*  ↔  label*, gt, ground_truth, masks
 *   suffixes     case_pred / case_prediction / case_seg  ↔  case_label / case_gt / case_mask
 *                (a prediction suffix may carry a variant tag: case_pred8, case_pred_be, case_prediction_v2)
 *   underlay     DATASET/imagesTr/case_0000.nii.gz (nnU-Net channel 0), images/case.png, …
 */
import { posix } from 'node:path';
import { globMatch } from '../glob';

export type MaskRole = 'prediction' | 'label';

export interface DirEntry {
  readonly name: string;
  readonly isDirectory: boolean;
  /**
   * A `.dcm` file the lister looked into and found not to be a DICOM-SEG (a CT or MR slice, a
   * report): not a mask, whatever its name. Listers that do not look leave it out.
   */
  readonly notSegmentation?: boolean;
}

/** Lists a folder; null when it does not exist or cannot be read (pairing then just finds less). */
export type ListDirectory = (dir: string) => Promise<readonly DirEntry[] | null>;

/** Folder names (with `*` wildcards, any letter case) whose files play each role. */
export interface FolderRule {
  readonly type: 'folder';
  readonly prediction: readonly string[];
  readonly label: readonly string[];
}

/** File-name endings, before the extension (e.g. `_pred`), that mark each role. */
export interface SuffixRule {
  readonly type: 'suffix';
  readonly prediction: readonly string[];
  readonly label: readonly string[];
}

export type PairingRule = FolderRule | SuffixRule;

export const DEFAULT_PAIRING_RULES: readonly PairingRule[] = [
  {
    type: 'folder',
    prediction: ['pred*', 'prediction*', 'inference*', 'infer*', 'output*'],
    label: ['label*', 'gt', 'gts', 'ground_truth*', 'groundtruth*', 'masks', 'mask'],
  },
  { type: 'suffix', prediction: ['_pred', '_prediction', '_seg'], label: ['_label', '_gt', '_mask'] },
];

/**
 * Underlay locations, relative to the mask's folder. `${case}` is the file name without its
 * extension and role suffix, `${ext}` the mask's extension (.nii and .nii.gz are both tried).
 */
export const DEFAULT_UNDERLAY_PATTERNS: readonly string[] = [
  '../imagesTr/${case}_0000${ext}',
  '../imagesTs/${case}_0000${ext}',
  '../images/${case}_0000${ext}',
  '../images/${case}${ext}',
  '../imgs/${case}${ext}',
  '${case}_0000${ext}',
  '${case}_image${ext}',
  '${case}_img${ext}',
];

export interface PartnerCandidate {
  readonly path: string;
  /** The candidate's role; the mask takes the other one. */
  readonly role: MaskRole;
  /** Why it was picked, shown in the quick pick when there are several. */
  readonly reason: string;
}

/** Longest first, so case.seg.nrrd has the stem "case" (io/fileNames.ts MASK_EXTENSIONS). */
const MASK_EXTENSION = /\.(seg\.nrrd|seg\.dcm|nii\.gz|nii|png|nrrd|nhdr|mha|mhd|npy|npz|dcm)$/i;
/** Folders of images, never of masks, even when they hold a file of the same name. */
const IMAGE_FOLDER = /^(images?|imgs?)([_-]?(tr|ts|val|test|train))?$/i;

export function splitMaskName(name: string): { stem: string; ext: string } | null {
  const m = MASK_EXTENSION.exec(name);
  return m ? { stem: name.slice(0, m.index), ext: name.slice(m.index) } : null;
}

function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => globMatch(p, name));
}

function folderRules(rules: readonly PairingRule[]): FolderRule[] {
  return rules.filter((r): r is FolderRule => r.type === 'folder');
}

function suffixRules(rules: readonly PairingRule[]): SuffixRule[] {
  return rules.filter((r): r is SuffixRule => r.type === 'suffix');
}

function folderRole(folder: string, rules: readonly PairingRule[]): MaskRole | null {
  const folders = folderRules(rules);
  if (folders.some((r) => matchesAny(folder, r.label))) return 'label';
  if (folders.some((r) => matchesAny(folder, r.prediction))) return 'prediction';
  return null;
}

/**
 * A variant tag after a prediction suffix: `_pred8`, `_pred_be`, `_prediction_v2`, `_seg-nnunet`.
 * Digits right after the suffix, or `_`/`-` and a word that starts with a letter (so `ct_seg_001`,
 * a case id, is not read as `ct` + `_seg` + a tag).
 */
const PREDICTION_TAG = '(?:\\d+|[_-][a-z][a-z0-9]*)';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The role a file name's suffix gives it, and the name without that suffix (the case key). */
function suffixRole(stem: string, rules: readonly PairingRule[]): { role: MaskRole | null; base: string; suffix: string } {
  const lower = stem.toLowerCase();
  // Longest suffix first, so `_prediction` is not read as `…_pred` + `iction`.
  const all = suffixRules(rules).flatMap((r) => [
    ...r.prediction.map((s) => ({ s, role: 'prediction' as const })),
    ...r.label.map((s) => ({ s, role: 'label' as const })),
  ]).filter(({ s }) => s.length > 0).sort((a, b) => b.s.length - a.s.length);
  // An exact ending first (`x_seg_mask` is a mask of case x_seg), then a tagged prediction.
  for (const { s, role } of all) {
    if (lower.endsWith(s.toLowerCase()) && stem.length > s.length) {
      return { role, base: stem.slice(0, stem.length - s.length), suffix: stem.slice(stem.length - s.length) };
    }
  }
  for (const { s, role } of all) {
    if (role !== 'prediction') continue;
    const m = new RegExp(`${escapeRegExp(s)}${PREDICTION_TAG}$`, 'i').exec(stem);
    if (m !== null && m.index > 0) return { role, base: stem.slice(0, m.index), suffix: stem.slice(m.index) };
  }
  return { role: null, base: stem, suffix: '' };
}

/** The case a mask belongs to: its name without extension and role suffix. */
export function caseKey(path: string, rules: readonly PairingRule[] = DEFAULT_PAIRING_RULES): string | null {
  const parts = splitMaskName(posix.basename(path));
  return parts ? suffixRole(parts.stem, rules).base : null;
}

function opposite(role: MaskRole): MaskRole {
  return role === 'prediction' ? 'label' : 'prediction';
}

/**
 * Memoises listings (pairing one mask looks at the same folder several times) and skips folders
 * that their parent's listing shows do not exist: most guessed underlay folders do not, and a
 * failed read is not free (VS Code logs every one).
 */
function cachedLister(list: ListDirectory): ListDirectory {
  const cache = new Map<string, Promise<readonly DirEntry[] | null>>();
  const cached = (dir: string) => {
    let entry = cache.get(dir);
    if (entry === undefined) {
      entry = list(dir);
      cache.set(dir, entry);
    }
    return entry;
  };
  return async (dir) => {
    const parent = posix.dirname(dir);
    if (parent !== dir && cache.has(parent)) {
      const siblings = await cached(parent);
      if (siblings !== null && !siblings.some((e) => e.isDirectory && e.name === posix.basename(dir))) return null;
    }
    return cached(dir);
  };
}

/** Mask files in `dir` of the given case: the exact file name first, else any mask extension. */
function filesOfCase(entries: readonly DirEntry[], key: string, exactName: string, rules: readonly PairingRule[]): string[] {
  const files = entries.filter((e) => !e.isDirectory && splitMaskName(e.name) !== null);
  const exact = files.filter((e) => e.name === exactName);
  if (exact.length > 0) return exact.map((e) => e.name);
  return files.filter((e) => suffixRole(splitMaskName(e.name)!.stem, rules).base === key).map((e) => e.name);
}

/**
 * Candidates for the partner of `maskPath`, best first. Empty when nothing fits; the caller
 * then shows the mask alone and offers "Choose partner…".
 */
export async function findPartners(
  maskPath: string, listDirectory: ListDirectory, rules: readonly PairingRule[] = DEFAULT_PAIRING_RULES,
): Promise<PartnerCandidate[]> {
  const list = cachedLister(listDirectory);
  const name = posix.basename(maskPath);
  const parts = splitMaskName(name);
  if (parts === null) return [];
  const dir = posix.dirname(maskPath);
  const { role: ownSuffixRole, base } = suffixRole(parts.stem, rules);
  const folder = posix.basename(dir);
  const ownFolderRole = folderRole(folder, rules);
  // The mask's own role, when its name or folder says it: the suffix wins (pairs/x_label is a label).
  const ownRole = ownSuffixRole ?? ownFolderRole;
  const found: PartnerCandidate[] = [];
  const add = (c: PartnerCandidate) => {
    if (c.path === maskPath || found.some((f) => f.path === c.path)) return;
    // Never a label against a label (or two predictions).
    if (ownRole !== null && c.role === ownRole) return;
    // A file named as a label (x_label, x_gt) is never taken as the prediction, whatever its folder.
    const candidateParts = splitMaskName(posix.basename(c.path));
    const candidateSuffixRole = candidateParts ? suffixRole(candidateParts.stem, rules).role : null;
    if (candidateSuffixRole !== null && candidateSuffixRole !== c.role) return;
    found.push(c);
  };

  // First, suffix pairs in the same folder (the strongest evidence: someone named them as a
  // pair): case_pred ↔ case_gt, or case_pred ↔ case.
  const entries = await list(dir);
  if (entries !== null) {
    const files = entries.filter((e) => !e.isDirectory && splitMaskName(e.name) !== null);
    const suffixed: PartnerCandidate[] = [];
    const plain: PartnerCandidate[] = [];
    for (const file of files) {
      const other = splitMaskName(file.name)!;
      const s = suffixRole(other.stem, rules);
      if (s.base.toLowerCase() !== base.toLowerCase() || file.name === name) continue;
      const path = posix.join(dir, file.name);
      if (s.role !== null && s.role !== ownSuffixRole) {
        suffixed.push({ path, role: s.role, reason: `suffix ${s.suffix}` });
      } else if (s.role === null && ownSuffixRole !== null) {
        plain.push({ path, role: opposite(ownSuffixRole), reason: `same name without ${parts.stem.slice(base.length)}` });
      }
    }
    for (const c of suffixed.length > 0 ? suffixed : plain) add(c);
  }

  // Then the same file (case) in a sibling folder: nnU-Net labelsTr vs a predictions folder, pred/ vs gt/.
  const parent = posix.dirname(dir);
  const siblings = parent !== dir ? (await list(parent))?.filter((e) => e.isDirectory && e.name !== folder) ?? [] : [];
  const preferred: PartnerCandidate[] = [];
  const fallback: PartnerCandidate[] = [];
  for (const sibling of siblings) {
    if (IMAGE_FOLDER.test(sibling.name)) continue;
    const siblingRole = folderRole(sibling.name, rules);
    // Two folders of the same role are two predictions (or two labels), not a pair.
    if (siblingRole !== null && siblingRole === ownRole) continue;
    // From a label, any other folder holding the case may be predictions (nnU-Net names them
    // after the trainer); from elsewhere, only a folder that looks like labels qualifies.
    if (ownRole !== 'label' && siblingRole !== 'label') continue;
    const siblingEntries = await list(posix.join(parent, sibling.name));
    if (siblingEntries === null) continue;
    for (const file of filesOfCase(siblingEntries, base, name, rules)) {
      const role: MaskRole = siblingRole ?? opposite(ownRole ?? 'prediction');
      const candidate = { path: posix.join(parent, sibling.name, file), role, reason: `same case in ${sibling.name}/` };
      (siblingRole !== null ? preferred : fallback).push(candidate);
    }
  }
  for (const c of preferred.length > 0 ? preferred : fallback) add(c);
  return found;
}

/**
 * The candidate to open without asking, or null when the person should choose. Same-folder
 * suffix partners are the strongest evidence and are taken when there is exactly one; a single
 * candidate is taken; a preview (single click in the Explorer) never asks: it takes the best
 * candidate, and "Choose Partner…" stays one click away.
 */
export function automaticPartner(
  maskPath: string, candidates: readonly PartnerCandidate[], opts: { readonly preview: boolean },
): PartnerCandidate | null {
  if (candidates.length === 0) return null;
  if (candidates.length === 1 || opts.preview) return candidates[0]!;
  const sameFolder = candidates.filter((c) => posix.dirname(c.path) === posix.dirname(maskPath));
  return sameFolder.length === 1 ? sameFolder[0]! : null;
}

/** How strongly a path's folder and name say "prediction" (positive) or "label" (negative). */
function predictionScore(path: string, rules: readonly PairingRule[]): number {
  let score = 0;
  const role = folderRole(posix.basename(posix.dirname(path)), rules);
  if (role === 'prediction') score++;
  if (role === 'label') score--;
  const parts = splitMaskName(posix.basename(path));
  const suffix = parts ? suffixRole(parts.stem, rules).role : null;
  if (suffix === 'prediction') score++;
  if (suffix === 'label') score--;
  return score;
}

/**
 * Which of two masks is the prediction, from their names. Without evidence either way the
 * given order stands (a = prediction) and `confident` is false; the user can swap.
 */
export function guessRoles(
  a: string, b: string, rules: readonly PairingRule[] = DEFAULT_PAIRING_RULES,
): { prediction: string; label: string; confident: boolean } {
  // A file named as a label (x_label, x_gt) is never the prediction when the other one is not.
  const la = suffixOf(a, rules) === 'label', lb = suffixOf(b, rules) === 'label';
  if (la !== lb) return la ? { prediction: b, label: a, confident: true } : { prediction: a, label: b, confident: true };
  const sa = predictionScore(a, rules), sb = predictionScore(b, rules);
  if (sb > sa) return { prediction: b, label: a, confident: true };
  return { prediction: a, label: b, confident: sa > sb };
}

function suffixOf(path: string, rules: readonly PairingRule[]): MaskRole | null {
  const parts = splitMaskName(posix.basename(path));
  return parts ? suffixRole(parts.stem, rules).role : null;
}

function niftiVariants(path: string): string[] {
  if (/\.nii\.gz$/i.test(path)) return [path, path.slice(0, -3)];
  if (/\.nii$/i.test(path)) return [path, `${path}.gz`];
  return [path];
}

/**
 * The image to show under the masks: the first pattern (DEFAULT_UNDERLAY_PATTERNS or the
 * setting) that names an existing file, tried for each mask in turn. Null when none does.
 */
export async function findUnderlay(
  maskPaths: readonly string[], listDirectory: ListDirectory,
  patterns: readonly string[] = DEFAULT_UNDERLAY_PATTERNS, rules: readonly PairingRule[] = DEFAULT_PAIRING_RULES,
): Promise<string | null> {
  const list = cachedLister(listDirectory);
  for (const mask of maskPaths) {
    const parts = splitMaskName(posix.basename(mask));
    if (parts === null) continue;
    const key = suffixRole(parts.stem, rules).base;
    for (const pattern of patterns) {
      const relative = pattern.replaceAll('${case}', key).replaceAll('${ext}', parts.ext).replaceAll('${name}', posix.basename(mask));
      const target = posix.normalize(posix.isAbsolute(relative) ? relative : posix.join(posix.dirname(mask), relative));
      for (const path of niftiVariants(target)) {
        if (maskPaths.includes(path)) continue;
        await list(posix.dirname(posix.dirname(path))); // lets the lister skip a folder that is not there
        const entries = await list(posix.dirname(path));
        if (entries?.some((e) => !e.isDirectory && e.name === posix.basename(path))) return path;
      }
    }
  }
  return null;
}

/**
 * Reads the `maskInspector.pairing.rules` setting. Invalid entries are skipped and described in
 * `problems` (for a warning that names the entry); valid ones come before the defaults.
 */
export function parsePairingRules(value: unknown): { rules: PairingRule[]; problems: string[] } {
  const problems: string[] = [];
  const rules: PairingRule[] = [];
  if (value === undefined || value === null) return { rules: [...DEFAULT_PAIRING_RULES], problems };
  if (!Array.isArray(value)) {
    return { rules: [...DEFAULT_PAIRING_RULES], problems: ['must be a list of rules like {"type": "suffix", "prediction": "_pred", "label": "_gt"}'] };
  }
  const names = (v: unknown): string[] | null =>
    typeof v === 'string' && v.length > 0 ? [v]
      : Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.length > 0) ? (v as string[]) : null;
  value.forEach((entry: unknown, i) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const prediction = names(e['prediction']), label = names(e['label']);
    if (e['type'] !== 'folder' && e['type'] !== 'suffix') {
      problems.push(`entry ${i + 1}: "type" must be "folder" or "suffix"`);
    } else if (prediction === null || label === null) {
      problems.push(`entry ${i + 1}: "prediction" and "label" must each be a non-empty name or list of names`);
    } else {
      rules.push({ type: e['type'], prediction, label });
    }
  });
  return { rules: [...rules, ...DEFAULT_PAIRING_RULES], problems };
}

/**
 * The parts of a mask file name under `rules` (added for the folder report, folderPairing.ts):
 * extension, stem, case key (stem without role suffix), the suffix and the role it gives.
 * Null when the name is not a mask file (.nii, .nii.gz, .png, .nrrd, .nhdr, .mha, .mhd, .npy, .npz, .dcm).
 */
export function maskNameParts(
  name: string, rules: readonly PairingRule[] = DEFAULT_PAIRING_RULES,
): { stem: string; ext: string; base: string; suffix: string; role: MaskRole | null } | null {
  const parts = splitMaskName(name);
  return parts ? { ...parts, ...suffixRole(parts.stem, rules) } : null;
}
