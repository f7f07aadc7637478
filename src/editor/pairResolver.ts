/**
 * Pairing in the editor: the pure rules of core/analysis/pairing.ts over vscode.workspace.fs
 * (so it works in Remote, WSL and virtual workspaces), with a quick pick when several files fit
 * and the person opened the mask for good (double click, Enter): a single click in the Explorer
 * opens a preview, which takes the best candidate without asking (pairing.ts automaticPartner).
 */
import * as vscode from 'vscode';
import {
  automaticPartner, findPartners, findUnderlay, guessRoles, type DirEntry, type ListDirectory, type PartnerCandidate,
} from '../core/analysis/pairing';
import { relativeName } from './marksStore';
import type { EditorSettings } from './settings';

export interface PairUris {
  readonly prediction: vscode.Uri;
  /** Null: the mask is shown alone. */
  readonly label: vscode.Uri | null;
  readonly underlay: vscode.Uri | null;
  /** Three-way mode: prediction B, compared with the same label (`prediction` is A). */
  readonly versus?: vscode.Uri;
}

/** Lists folders of the mask's own file system; a folder that cannot be read just yields nothing. */
export function workspaceLister(base: vscode.Uri): ListDirectory {
  return async (dir) => {
    try {
      const entries = await vscode.workspace.fs.readDirectory(base.with({ path: dir }));
      return entries.map(([name, type]): DirEntry => ({ name, isDirectory: (type & vscode.FileType.Directory) !== 0 }));
    } catch {
      // Missing or unreadable folders are normal here (most guessed locations do not exist).
      return null;
    }
  };
}

export async function findUnderlayFor(prediction: vscode.Uri, label: vscode.Uri | null, settings: EditorSettings): Promise<vscode.Uri | null> {
  const masks = label ? [label.path, prediction.path] : [prediction.path];
  const path = await findUnderlay(masks, workspaceLister(prediction), settings.underlayPatterns, settings.pairingRules);
  return path === null ? null : prediction.with({ path });
}

/** Two masks chosen by the user: which is the prediction comes from their names. */
export async function pairOf(a: vscode.Uri, b: vscode.Uri, settings: EditorSettings): Promise<PairUris> {
  const roles = guessRoles(a.path, b.path, settings.pairingRules);
  const prediction = roles.prediction === a.path ? a : b;
  const label = prediction === a ? b : a;
  return { prediction, label, underlay: await findUnderlayFor(prediction, label, settings) };
}

function pairFromCandidate(mask: vscode.Uri, candidate: PartnerCandidate): { prediction: vscode.Uri; label: vscode.Uri } {
  const partner = mask.with({ path: candidate.path });
  return candidate.role === 'label' ? { prediction: mask, label: partner } : { prediction: partner, label: mask };
}

interface CandidateItem extends vscode.QuickPickItem {
  readonly candidate: PartnerCandidate | null;
}

async function pickCandidate(mask: vscode.Uri, candidates: readonly PartnerCandidate[]): Promise<PartnerCandidate | null> {
  const items: CandidateItem[] = candidates.map((c) => ({
    label: relativeName(mask.with({ path: c.path })),
    description: `as ${c.role} — ${c.reason}`,
    candidate: c,
  }));
  items.push({ label: 'Show this mask alone', description: 'choose a partner later', candidate: null });
  const picked = await vscode.window.showQuickPick(items, {
    title: `Mask Inspector: several files could pair with ${relativeName(mask)}`,
    placeHolder: 'Choose the file to compare with (Escape: the first one)',
    // Clicking elsewhere closes it (the first candidate is taken): it must not linger over
    // whatever the person does next.
    ignoreFocusOut: false,
  });
  return picked === undefined ? candidates[0] ?? null : picked.candidate;
}

/**
 * True unless the mask is open in a pinned tab. A preview (single click) never asks; neither
 * does an editor whose tab cannot be found (opened by a command or a test): asking is only for
 * the person who just opened the mask on purpose.
 */
export function openedAsPreview(mask: vscode.Uri): boolean {
  const key = mask.toString();
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === key);
  return tabs.length === 0 || tabs.every((t) => t.isPreview);
}

/**
 * The pair to show for a mask opened on its own: its partner by folder layout or suffix, asking
 * when several fit; the mask alone when none does (the editor then offers "Choose partner…").
 */
export async function resolvePairFor(mask: vscode.Uri, settings: EditorSettings): Promise<PairUris> {
  const candidates = await findPartners(mask.path, workspaceLister(mask), settings.pairingRules);
  const automatic = automaticPartner(mask.path, candidates, { preview: openedAsPreview(mask) });
  const chosen = automatic ?? (candidates.length > 1 ? await pickCandidate(mask, candidates) : null);
  const { prediction, label } = chosen ? pairFromCandidate(mask, chosen) : { prediction: mask, label: null };
  return { prediction, label, underlay: await findUnderlayFor(prediction, label, settings) };
}
