/**
 * Pairs a folder of predictions with a folder of labels for the folder report (issue #4).
 * Pure: the caller supplies the two directory listings, so the CLI (node:fs), the extension
 * host (vscode.workspace.fs) and node:test drive the same rules. Nothing is skipped silently:
 * every mask file of either folder ends up in a pair or in an `unmatched` list with a reason,
 * and every other file in `ignored`.
 *
 * Modes:
 *   nnunet  labels CASE.nii.gz ↔ predictions CASE.nii.gz (images CASE_0000.nii.gz): same stem,
 *           .nii and .nii.gz interchangeable; a prediction named like an nnU-Net image channel
 *           (CASE_0000) is pointed out as such.
 *   name    the very same file name in both folders.
 *   suffix  the editor's suffix rules (pairing.ts DEFAULT_PAIRING_RULES): case_pred ↔ case_gt,
 *           case_pred ↔ case; works with both roles in one folder.
 *   auto    the mode that pairs the most files (ties: nnunet, then name, then suffix).
 */
import { posix } from 'node:path';
import { findDatasetJson, labelNamesObject, type ReadText } from '../io/labelNames';
import {
  DEFAULT_PAIRING_RULES, findUnderlay, maskNameParts, type DirEntry, type ListDirectory, type PairingRule,
} from './pairing';

export const FOLDER_PAIRING_MODES = ['nnunet', 'name', 'suffix'] as const;
export type FolderPairingMode = (typeof FOLDER_PAIRING_MODES)[number];
export type FolderPairingOption = FolderPairingMode | 'auto';
export const FOLDER_PAIRING_OPTIONS: readonly FolderPairingOption[] = ['auto', ...FOLDER_PAIRING_MODES];

export interface FolderListing {
  readonly dir: string;
  readonly entries: readonly DirEntry[];
}

export interface CasePair {
  /** Case id: unique within a plan, the key of every report row. */
  readonly case: string;
  readonly prediction: string;
  readonly label: string;
  /** Underlay image (nnU-Net imagesTr/CASE_0000…), when listFolderPlan found one; else null. */
  readonly image: string | null;
}

export interface PlanFile {
  readonly name: string;
  readonly path: string;
  /** Why the file is not in a pair (unmatched) or not read at all (ignored). */
  readonly reason: string;
}

export interface FolderPlan {
  readonly requested: FolderPairingOption;
  /** The mode used (auto resolved). */
  readonly mode: FolderPairingMode;
  readonly predictionDir: string;
  readonly labelDir: string;
  /** In case-id order. */
  readonly pairs: readonly CasePair[];
  readonly unmatchedPredictions: readonly PlanFile[];
  readonly unmatchedLabels: readonly PlanFile[];
  /** Files that are not masks (e.g. nnU-Net's plans.json, dataset.json, .npz probabilities). */
  readonly ignored: readonly PlanFile[];
  /** Pairs each mode would make; auto picks the largest. */
  readonly pairsByMode: { readonly [M in FolderPairingMode]: number };
  /** nnU-Net dataset.json found beside or above the label folder (label names, file_ending), or absent. */
  readonly dataset?: PlanDataset;
}

/** What the plan took from dataset.json (plain JSON: the report writes it). */
export interface PlanDataset {
  readonly path: string;
  /** Label value → name, e.g. {"1": "liver"}. */
  readonly labelNames: Readonly<Record<string, string>>;
  readonly fileEnding?: string;
}

export type JoinPath = (dir: string, name: string) => string;

interface Candidate {
  readonly name: string;
  readonly key: string;
  /** Lower sorts first among files with the same key. */
  readonly ext: string;
}

interface SideResult {
  readonly candidates: Candidate[];
  readonly rejected: { name: string; reason: string }[];
}

interface ModeResult {
  readonly pairs: { key: string; prediction: string; label: string }[];
  readonly unmatchedPredictions: { name: string; reason: string }[];
  readonly unmatchedLabels: { name: string; reason: string }[];
}

const NNUNET_CHANNEL = /_(\d{4})$/;

function maskFiles(entries: readonly DirEntry[]): string[] {
  return entries.filter((e) => !e.isDirectory && e.notSegmentation !== true && maskNameParts(e.name) !== null).map((e) => e.name).sort();
}

/**
 * DICOM files that are not segmentations (DirEntry.notSegmentation), as one ignored entry per
 * folder: an image series is hundreds of slices, and listing each (or pairing it as a case) says
 * nothing more than "this folder holds a DICOM series".
 */
function nonSegmentationDicom(listing: FolderListing, join: JoinPath): PlanFile[] {
  const names = listing.entries.filter((e) => !e.isDirectory && e.notSegmentation === true).map((e) => e.name).sort();
  if (names.length === 0) return [];
  const what = names.length === 1 ? 'a DICOM file' : `${names.length} DICOM files`;
  return [{
    name: names.length === 1 ? names[0]! : `${names[0]} … ${names[names.length - 1]} (${names.length} files)`,
    path: join(listing.dir, names[0]!),
    reason: `${what} that ${names.length === 1 ? 'is' : 'are'} not a segmentation (DICOM-SEG), e.g. the slices of a CT or MR series; ` +
      'only DICOM-SEG files are masks — convert a label series to NIfTI (dcm2niix) or export it as DICOM-SEG',
  }];
}

/** Gives each key one file (same extension as the partner preferred, else the first name); the rest are rejected. */
function matchSides(
  predictions: SideResult, labels: SideResult, sameFolderNote: string | null, role: (side: 'prediction' | 'label') => string,
): ModeResult {
  const byKey = (c: Candidate[]) => {
    const map = new Map<string, Candidate[]>();
    for (const x of c) map.set(x.key, [...(map.get(x.key) ?? []), x]);
    return map;
  };
  const preds = byKey(predictions.candidates);
  const labs = byKey(labels.candidates);
  const result: ModeResult = {
    pairs: [], unmatchedPredictions: [...predictions.rejected], unmatchedLabels: [...labels.rejected],
  };
  const pick = (list: Candidate[], partnerExt: string | null): Candidate =>
    list.find((c) => partnerExt !== null && c.ext.toLowerCase() === partnerExt.toLowerCase()) ?? list[0]!;
  for (const [key, plist] of preds) {
    const llist = labs.get(key);
    if (!llist) {
      for (const p of plist) result.unmatchedPredictions.push({ name: p.name, reason: `no ${role('label')} for case "${key}"${sameFolderNote ?? ''}` });
      continue;
    }
    const l = pick(llist, plist[0]!.ext);
    const p = pick(plist, l.ext);
    result.pairs.push({ key, prediction: p.name, label: l.name });
    for (const other of plist) if (other !== p) result.unmatchedPredictions.push({ name: other.name, reason: `case "${key}" is already paired with ${p.name}` });
    for (const other of llist) if (other !== l) result.unmatchedLabels.push({ name: other.name, reason: `case "${key}" is already paired with ${l.name}` });
  }
  for (const [key, llist] of labs) {
    if (preds.has(key)) continue;
    for (const l of llist) result.unmatchedLabels.push({ name: l.name, reason: `no ${role('prediction')} for case "${key}"${sameFolderNote ?? ''}` });
  }
  return result;
}

function planMode(
  mode: FolderPairingMode, predictionNames: string[], labelNames: string[], sameFolder: boolean, rules: readonly PairingRule[],
): ModeResult {
  if (mode === 'suffix') return planSuffix(predictionNames, labelNames, sameFolder, rules);
  if (sameFolder) {
    const reason = 'the prediction and label folders are the same: only --pairing suffix can pair files within one folder';
    return {
      pairs: [],
      unmatchedPredictions: predictionNames.map((name) => ({ name, reason })),
      unmatchedLabels: [],
    };
  }
  const role = (side: string) => (mode === 'name' ? `${side} of the same file name` : `${side} with the same name`);
  if (mode === 'name') {
    const side = (names: string[]): SideResult => ({
      candidates: names.map((name) => ({ name, key: name, ext: maskNameParts(name)!.ext })), rejected: [],
    });
    const result = matchSides(side(predictionNames), side(labelNames), null, role);
    return {
      pairs: result.pairs.map((p) => ({ ...p, key: maskNameParts(p.prediction)!.stem })),
      unmatchedPredictions: result.unmatchedPredictions.map((u) => ({ ...u, reason: `no label named ${u.name}` })),
      unmatchedLabels: result.unmatchedLabels.map((u) => ({ ...u, reason: `no prediction named ${u.name}` })),
    };
  }
  // nnunet: the stem is the case; .nii / .nii.gz / .png may differ.
  const side = (names: string[]): SideResult => ({
    candidates: names.map((name) => { const p = maskNameParts(name)!; return { name, key: p.stem, ext: p.ext }; }), rejected: [],
  });
  const result = matchSides(side(predictionNames), side(labelNames), null, role);
  const labelStems = new Set(labelNames.map((n) => maskNameParts(n)!.stem));
  return {
    ...result,
    unmatchedPredictions: result.unmatchedPredictions.map((u) => {
      const channel = NNUNET_CHANNEL.exec(maskNameParts(u.name)!.stem);
      const base = channel ? maskNameParts(u.name)!.stem.slice(0, channel.index) : null;
      return base !== null && labelStems.has(base)
        ? { ...u, reason: `named like an nnU-Net image (case "${base}", channel ${channel![1]}), not a prediction — is this the images folder?` }
        : u;
    }),
  };
}

function planSuffix(predictionNames: string[], labelNames: string[], sameFolder: boolean, rules: readonly PairingRule[]): ModeResult {
  const pred: SideResult = { candidates: [], rejected: [] };
  const lab: SideResult = { candidates: [], rejected: [] };
  if (sameFolder) {
    // One folder: the suffix decides the role; a name without one is a label (case_pred ↔ case).
    for (const name of predictionNames) {
      const p = maskNameParts(name, rules)!;
      (p.role === 'prediction' ? pred : lab).candidates.push({ name, key: p.base, ext: p.ext });
    }
  } else {
    for (const name of predictionNames) {
      const p = maskNameParts(name, rules)!;
      if (p.role === 'label') pred.rejected.push({ name, reason: `its suffix ${p.suffix} marks a label, but it is in the prediction folder` });
      else pred.candidates.push({ name, key: p.base, ext: p.ext });
    }
    for (const name of labelNames) {
      const p = maskNameParts(name, rules)!;
      if (p.role === 'prediction') lab.rejected.push({ name, reason: `its suffix ${p.suffix} marks a prediction, but it is in the label folder` });
      else lab.candidates.push({ name, key: p.base, ext: p.ext });
    }
  }
  const result = matchSides(pred, lab, null, (side) => `${side} with the same case name`);
  if (!sameFolder) return result;
  // In one folder a "label" without a partner may just be an unrelated file; say which role it was given.
  return {
    ...result,
    unmatchedLabels: result.unmatchedLabels.map((u) => ({ ...u, reason: `${u.reason} (read as a label: its name has no prediction suffix)` })),
  };
}

/**
 * The plan for pairing `predictions` with `labels` (their listings) in `option` mode.
 * Paths are `join(dir, name)` (POSIX by default; the CLI passes node:path's join).
 */
export function planFolderPairs(
  predictions: FolderListing, labels: FolderListing, option: FolderPairingOption = 'auto',
  rules: readonly PairingRule[] = DEFAULT_PAIRING_RULES, join: JoinPath = posix.join, labelFileEnding?: string,
): FolderPlan {
  const sameFolder = predictions.dir === labels.dir;
  // nnU-Net saves CASE.npz (softmax, --save_probabilities) beside CASE.nii.gz: the mask is the
  // prediction; a NumPy file is one only when it is the case's sole file.
  const allPredictionNames = maskFiles(predictions.entries);
  const stemOf = (n: string) => maskNameParts(n)!.stem;
  const nonNumpyStems = new Set(allPredictionNames.filter((n) => !/\.np[yz]$/i.test(n)).map(stemOf));
  const numpyBesideMask = allPredictionNames.filter((n) => /\.np[yz]$/i.test(n) && nonNumpyStems.has(stemOf(n)));
  const predictionNames = allPredictionNames.filter((n) => !numpyBesideMask.includes(n));
  let labelNames = sameFolder ? predictionNames : maskFiles(labels.entries);
  // nnU-Net's dataset.json says how label files end; other mask files in labelsTr are not labels.
  const endingIgnored: PlanFile[] = [];
  if (labelFileEnding !== undefined && !sameFolder) {
    const ending = labelFileEnding.toLowerCase();
    endingIgnored.push(...labelNames.filter((n) => !n.toLowerCase().endsWith(ending))
      .map((name) => ({ name, path: join(labels.dir, name), reason: `dataset.json says label files end with ${labelFileEnding}` })));
    labelNames = labelNames.filter((n) => n.toLowerCase().endsWith(ending));
  }
  const results = Object.fromEntries(FOLDER_PAIRING_MODES.map((m) => [m, planMode(m, predictionNames, labelNames, sameFolder, rules)])) as
    Record<FolderPairingMode, ModeResult>;
  const pairsByMode = Object.fromEntries(FOLDER_PAIRING_MODES.map((m) => [m, results[m].pairs.length])) as Record<FolderPairingMode, number>;
  const mode = option !== 'auto' ? option
    : FOLDER_PAIRING_MODES.reduce((best, m) => (pairsByMode[m] > pairsByMode[best] ? m : best), FOLDER_PAIRING_MODES[0]);
  const chosen = results[mode];
  const ignored: PlanFile[] = [...endingIgnored, ...numpyBesideMask.map((name) => ({
    name, path: join(predictions.dir, name), reason: 'NumPy array beside a mask of the same case (nnU-Net probabilities); the mask is compared',
  }))];
  const listIgnored = (listing: FolderListing) => {
    for (const e of [...listing.entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory) continue;
      if (maskNameParts(e.name) === null) ignored.push({ name: e.name, path: join(listing.dir, e.name), reason: 'not a mask file (.nii, .nii.gz, .png, .nrrd, .nhdr, .mha, .mhd, .npy, .npz, .dcm)' });
    }
  };
  listIgnored(predictions);
  ignored.push(...nonSegmentationDicom(predictions, join));
  if (!sameFolder) {
    listIgnored(labels);
    ignored.push(...nonSegmentationDicom(labels, join));
  }
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  // Case ids must be unique (name mode may pair a.nii and a.nii.gz separately): colliding ones take the file name.
  const keyCount = new Map<string, number>();
  for (const p of chosen.pairs) keyCount.set(p.key, (keyCount.get(p.key) ?? 0) + 1);
  const pairs = chosen.pairs
    .map((p) => ({ case: keyCount.get(p.key)! > 1 ? p.prediction : p.key, prediction: join(predictions.dir, p.prediction), label: join(labels.dir, p.label), image: null }))
    .sort((a, b) => (a.case < b.case ? -1 : a.case > b.case ? 1 : 0));
  return {
    requested: option, mode, predictionDir: predictions.dir, labelDir: labels.dir, pairs,
    unmatchedPredictions: chosen.unmatchedPredictions.sort(byName).map((u) => ({ ...u, path: join(predictions.dir, u.name) })),
    unmatchedLabels: chosen.unmatchedLabels.sort(byName).map((u) => ({ ...u, path: join(labels.dir, u.name) })),
    ignored, pairsByMode,
  };
}

/**
 * Lists both folders with `list` and plans the pairs; each pair's `image` is its underlay by the
 * editor's rules (findUnderlay: nnU-Net imagesTr/CASE_0000…). Throws an Error naming a folder
 * that cannot be listed. POSIX paths (the extension host's URI paths; the CLI on Linux/macOS).
 */
export async function listFolderPlan(
  predictionDir: string, labelDir: string, list: ListDirectory, option: FolderPairingOption = 'auto',
  rules: readonly PairingRule[] = DEFAULT_PAIRING_RULES, join: JoinPath = posix.join, readText?: ReadText,
): Promise<FolderPlan> {
  const cache = new Map<string, Promise<readonly DirEntry[] | null>>();
  const cached: ListDirectory = (dir) => {
    let entry = cache.get(dir);
    if (entry === undefined) cache.set(dir, entry = list(dir));
    return entry;
  };
  const [predictions, labels] = await Promise.all([cached(predictionDir), cached(labelDir)]);
  if (predictions === null) throw new Error(`${predictionDir}: cannot list this folder (does it exist?)`);
  if (labels === null) throw new Error(`${labelDir}: cannot list this folder (does it exist?)`);
  const dataset = readText ? await findDatasetJson(labelDir, readText) : null;
  const plan = planFolderPairs({ dir: predictionDir, entries: predictions }, { dir: labelDir, entries: labels }, option, rules, join, dataset?.fileEnding);
  const pairs: CasePair[] = [];
  for (const pair of plan.pairs) {
    pairs.push({ ...pair, image: await findUnderlay([pair.label, pair.prediction], cached, undefined, rules) });
  }
  if (dataset === null) return { ...plan, pairs };
  const planDataset: PlanDataset = {
    path: dataset.path, labelNames: labelNamesObject(dataset.names) ?? {}, ...(dataset.fileEnding ? { fileEnding: dataset.fileEnding } : {}),
  };
  return { ...plan, pairs, dataset: planDataset };
}

/** The plan as text, for a terminal or a log: pairs count, then every unmatched and ignored file by name. */
export function describePlan(plan: FolderPlan): string {
  const lines: string[] = [];
  const modes = FOLDER_PAIRING_MODES.map((m) => `${m} ${plan.pairsByMode[m]}`).join(', ');
  lines.push(`pairing ${plan.mode}${plan.requested === 'auto' ? ' (auto)' : ''}: ${plan.pairs.length} pair${plan.pairs.length === 1 ? '' : 's'} ` +
    `(pairs per mode: ${modes})`);
  lines.push(`  predictions ${plan.predictionDir}`);
  lines.push(`  labels      ${plan.labelDir}`);
  const list = (title: string, files: readonly PlanFile[]) => {
    if (files.length === 0) return;
    lines.push(`${title} (${files.length}):`);
    for (const f of files) lines.push(`  ${f.name}: ${f.reason}`);
  };
  list('unmatched predictions', plan.unmatchedPredictions);
  list('unmatched labels', plan.unmatchedLabels);
  list('ignored files', plan.ignored);
  return lines.join('\n') + '\n';
}
