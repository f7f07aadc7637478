/**
 * Triage marks (reviewed / flagged / note per slice) and the last view of each pair, kept in
 * workspaceState so they survive closing the editor and restarting VS Code. A pair is keyed by
 * its two workspace-relative paths in sorted order, so Swap keeps the marks.
 */
import * as vscode from 'vscode';
import type { Axis } from '../core/analysis/result';
import type { SetMarkMessage, SliceMark, ViewState } from '../core/protocol';
import { Disposable, toDisposable } from './dispose';

const KEY_PREFIX = 'maskInspector.pair:';
/** Navigation posts a view per key press; storage needs it only now and then. */
const VIEW_WRITE_DELAY_MS = 1000;

interface PairRecord {
  readonly marks: readonly SliceMark[];
  readonly view?: ViewState;
}

export function pairKey(prediction: vscode.Uri, label: vscode.Uri | null): string {
  const paths = [prediction, label].filter((u): u is vscode.Uri => u !== null).map(relativeName).sort();
  return KEY_PREFIX + paths.join('|');
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
  /** Fires with the pair key whose marks changed, so every editor of that pair can update. */
  readonly onDidChangeMarks = this._onDidChangeMarks.event;
  private readonly pendingViews = new Map<string, ViewState>();
  private viewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly memento: vscode.Memento) {
    super();
    // Closing the window disposes the extension: write the views still waiting.
    this._register(toDisposable(() => { void this.flushViews(); }));
  }

  marks(key: string): readonly SliceMark[] {
    return cleanMarks(this.memento.get<PairRecord>(key)?.marks);
  }

  view(key: string): ViewState | null {
    return this.pendingViews.get(key) ?? this.memento.get<PairRecord>(key)?.view ?? null;
  }

  async setMark(key: string, change: Omit<SetMarkMessage, 'type'>): Promise<readonly SliceMark[]> {
    const marks = this.marks(key);
    const previous = marks.find((m) => m.axis === change.axis && m.index === change.index);
    const note = change.note ?? previous?.note;
    const next: SliceMark = {
      axis: change.axis, index: change.index,
      reviewed: change.reviewed ?? previous?.reviewed ?? false,
      flagged: change.flagged ?? previous?.flagged ?? false,
      ...(note ? { note } : {}),
    };
    const others = marks.filter((m) => m !== previous);
    // A slice with nothing marked is not stored: the list stays as long as the review work.
    const updated = next.reviewed || next.flagged || next.note ? [...others, next] : others;
    updated.sort((a, b) => a.axis.localeCompare(b.axis) || a.index - b.index);
    await this.memento.update(key, { ...this.memento.get<PairRecord>(key), marks: updated } satisfies PairRecord);
    this._onDidChangeMarks.fire(key);
    return updated;
  }

  rememberView(key: string, view: ViewState): void {
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
      await this.memento.update(key, { marks: this.marks(key), ...this.memento.get<PairRecord>(key), view } satisfies PairRecord);
    }
  }
}
