/**
 * What the compare editor keeps per pair: the triage marks (reviewed / flagged / note per slice)
 * in the workspace's `.mask-inspector/triage.json` (triageStore.ts: shared through git, picked up
 * live when it changes on disk), and the last view of each pair in workspaceState (per person,
 * per machine). A document's key (pairKey) names its two workspace-relative paths in role order;
 * marks and views ignore the order, so Swap keeps both. Marks kept in workspaceState by earlier
 * versions are moved into the triage file once.
 */
import * as vscode from 'vscode';
import { canonicalKey, parseTriageKey, type PairRef, type TriageMark } from '../core/analysis/triage';
import type { Axis } from '../core/analysis/result';
import type { SetMarkMessage, SliceMark, ViewState } from '../core/protocol';
import { Disposable, toDisposable } from './dispose';
import type { TriageStore } from './triageStore';

const KEY_PREFIX = 'maskInspector.pair:';
/** Set once the workspaceState marks of earlier versions are in the triage file. */
const MIGRATED_KEY = 'maskInspector.marksMovedToTriageFile';
/** Navigation posts a view per key press; storage needs it only now and then. */
const VIEW_WRITE_DELAY_MS = 1000;

interface PairRecord {
  /** Earlier versions' marks (moved to the triage file, then dropped). */
  readonly marks?: readonly SliceMark[];
  readonly view?: ViewState;
}

/** A document's pair key: its workspace-relative prediction and label paths, in role order. */
export function pairKey(prediction: vscode.Uri, label: vscode.Uri | null): string {
  return JSON.stringify([relativeName(prediction), label === null ? null : relativeName(label)]);
}

/** The pair a key (pairKey) names. */
export function pairRefOfKey(key: string): PairRef {
  const [prediction, label] = JSON.parse(key) as [string, string | null];
  return { prediction, label };
}

/** The pair of a prediction and label given as URIs (reports, the cases view). */
export function pairRefOf(prediction: vscode.Uri, label: vscode.Uri | null): PairRef {
  return { prediction: relativeName(prediction), label: label === null ? null : relativeName(label) };
}

/** workspaceState key of a pair's view: the two paths sorted (the format earlier versions used too). */
function viewKey(key: string): string {
  return KEY_PREFIX + canonicalKey(pairRefOfKey(key));
}

export function toSliceMark(m: TriageMark): SliceMark {
  return { axis: m.axis, index: m.slice, reviewed: m.reviewed, flagged: m.flagged, ...(m.note !== undefined ? { note: m.note } : {}) };
}

/** The path shown to people and used in keys: workspace-relative when inside a folder. */
export function relativeName(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, vscode.workspace.workspaceFolders !== undefined && vscode.workspace.workspaceFolders.length > 1);
}

function isAxis(v: unknown): v is Axis {
  return v === 'i' || v === 'j' || v === 'k';
}

/** Stored data may come from an older version or a hand edit: keep only well-formed marks. */
function cleanMarks(value: unknown): SliceMark[] {
  if (!Array.isArray(value)) return [];
  return value.filter((m): m is SliceMark => typeof m === 'object' && m !== null && isAxis(m.axis) &&
    Number.isInteger(m.index) && m.index >= 0 && typeof m.reviewed === 'boolean' && typeof m.flagged === 'boolean');
}

export class MarksStore extends Disposable {
  private readonly _onDidChangeMarks = this._register(new vscode.EventEmitter<string>());
  /**
   * Fires with the pair key (pairKey, both role orders) whose marks changed — in an editor, the
   * cases view, the report, or on disk — so every editor of that pair can update.
   */
  readonly onDidChangeMarks = this._onDidChangeMarks.event;
  private readonly pendingViews = new Map<string, ViewState>();
  private viewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly memento: vscode.Memento, readonly triage: TriageStore) {
    super();
    // Closing the window disposes the extension: write the views still waiting.
    this._register(toDisposable(() => { void this.flushViews(); }));
    this._register(triage.onDidChange((pairs) => {
      for (const p of pairs) {
        this._onDidChangeMarks.fire(JSON.stringify([p.prediction, p.label]));
        if (p.label !== null) this._onDidChangeMarks.fire(JSON.stringify([p.label, p.prediction]));
      }
    }));
    void this.moveLegacyMarks();
  }

  marks(key: string): readonly SliceMark[] {
    return this.triage.marks(pairRefOfKey(key)).map(toSliceMark);
  }

  view(key: string): ViewState | null {
    const stored = viewKey(key);
    return this.pendingViews.get(stored) ?? this.memento.get<PairRecord>(stored)?.view ?? null;
  }

  /** Changes a slice's mark (an empty note removes the note); resolves once the triage file is written. */
  async setMark(key: string, change: Omit<SetMarkMessage, 'type'>): Promise<readonly SliceMark[]> {
    const { index, ...rest } = change;
    await this.triage.setMark(pairRefOfKey(key), { ...rest, slice: index });
    return this.marks(key);
  }

  rememberView(key: string, view: ViewState): void {
    key = viewKey(key);
    this.pendingViews.set(key, view);
    if (this.viewTimer === undefined && !this.isDisposed) {
      this.viewTimer = setTimeout(() => { void this.flushViews(); }, VIEW_WRITE_DELAY_MS);
    }
  }

  private async flushViews(): Promise<void> {
    if (this.viewTimer !== undefined) clearTimeout(this.viewTimer);
    this.viewTimer = undefined;
    const views = [...this.pendingViews];
    this.pendingViews.clear();
    for (const [key, view] of views) {
      await this.memento.update(key, { ...this.memento.get<PairRecord>(key), view } satisfies PairRecord);
    }
  }

  /** Once per workspace: marks earlier versions kept in workspaceState go into the triage file. */
  private async moveLegacyMarks(): Promise<void> {
    if (this.memento.get<boolean>(MIGRATED_KEY) === true || this.triage.file === null) return;
    const entries: { key: string; pair: PairRef; marks: TriageMark[] }[] = [];
    for (const key of this.memento.keys()) {
      if (!key.startsWith(KEY_PREFIX)) continue;
      const marks = cleanMarks(this.memento.get<PairRecord>(key)?.marks);
      const pair = parseTriageKey(key.slice(KEY_PREFIX.length));
      if (marks.length === 0 || pair === null) continue;
      entries.push({ key, pair, marks: marks.map((m) => ({ axis: m.axis, slice: m.index, reviewed: m.reviewed, flagged: m.flagged, ...(m.note ? { note: m.note } : {}) })) });
    }
    if (entries.length > 0 && !await this.triage.importMarks(entries)) return; // the file cannot be read: try next time
    for (const { key } of entries) {
      const { marks: _marks, ...rest } = this.memento.get<PairRecord>(key) ?? {};
      await this.memento.update(key, rest);
    }
    await this.memento.update(MIGRATED_KEY, true);
  }
}
