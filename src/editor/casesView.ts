/**
 * The "Cases" tree (view `maskInspector.cases` in the Mask Inspector activity bar container):
 * the cases of the latest loss report, worst first by the chosen loss or metric ("Sort by…"),
 * each expanding to its worst slices with their triage marks (✓ reviewed, ⚑ flagged, ✎ note).
 * A slice opens the compare editor there; the context menu toggles marks and edits the note.
 * With no report the view is empty and VS Code shows the welcome content (package.json).
 */
import * as vscode from 'vscode';
import type { Axis } from '../core/analysis/result';
import type { TriageMark } from '../core/analysis/triage';
import type { LabelKey } from '../core/protocol';
import {
  badness, isLossId, isRankable, sortCases, sortIdLabel, sortIdShort, sortIdValueText, worstSlicesOf, type IndexedCase,
} from '../core/report/reportIndex';
import { sliceNumber } from '../core/quantityNames';
import { Disposable } from './dispose';
import { casePair, type LatestReport } from './latestReport';
import type { TriageStore } from './triageStore';

export const CASES_VIEW = 'maskInspector.cases';
const SORT_KEY = 'maskInspector.cases.sortBy';
/** Slices listed under a case. */
export const SLICES_PER_CASE = 5;

export type CasesNode =
  | { readonly kind: 'case'; readonly case: string }
  | { readonly kind: 'slice'; readonly case: string; readonly axis: Axis; readonly slice: number; readonly labelValue: LabelKey; readonly value: number | null }
  | { readonly kind: 'info'; readonly text: string };

/** A serialisable tree item (the test probe reads the view through this). */
export interface CasesItemSnapshot {
  readonly id: string | undefined;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly contextValue: string | undefined;
  readonly icon: string | undefined;
  readonly command: { command: string; arguments: unknown[] } | null;
  readonly children: readonly CasesItemSnapshot[];
}

export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? v.toPrecision(4) : v.toExponential(2);
}

function markBadges(m: Pick<TriageMark, 'reviewed' | 'flagged' | 'note'> | undefined): string {
  if (m === undefined) return '';
  return `${m.reviewed ? ' ✓' : ''}${m.flagged ? ' ⚑' : ''}${m.note ? ' ✎' : ''}`;
}

export class CasesView extends Disposable implements vscode.TreeDataProvider<CasesNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<CasesNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  readonly treeView: vscode.TreeView<CasesNode>;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly latest: LatestReport, private readonly triage: TriageStore, private readonly memento: vscode.Memento,
    private readonly defaultSort: () => string,
  ) {
    super();
    this.treeView = this._register(vscode.window.createTreeView(CASES_VIEW, { treeDataProvider: this, showCollapseAll: true }));
    this._register(latest.onDidChange(() => this.refresh()));
    // Marks change one click at a time, or a whole file at once (git pull): redraw once per burst.
    this._register(triage.onDidChange(() => {
      if (this.refreshTimer !== undefined) return;
      this.refreshTimer = setTimeout(() => { this.refreshTimer = undefined; this.refresh(); }, 50);
    }));
    this._register({ dispose: () => { if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer); } });
    this.refresh();
  }

  /** The id cases and slices are ranked by: a loss id or `metrics.<id>`. */
  get sortBy(): string {
    const ids = this.latest.index?.sortIds;
    const chosen = this.memento.get<string>(SORT_KEY) ?? this.defaultSort();
    // A choice an older version offered ("worst by label volume") falls back to the default.
    return ids === undefined || (ids.includes(chosen) && isRankable(chosen)) ? chosen : this.defaultSort();
  }

  async setSortBy(id: string): Promise<void> {
    await this.memento.update(SORT_KEY, id);
    this.refresh();
  }

  refresh(): void {
    const index = this.latest.index;
    this.treeView.description = index ? `worst by ${sortIdShort(this.sortBy)}` : undefined;
    const problem = this.latest.problem;
    this.treeView.message = problem !== null ? `The last report cannot be shown: ${problem}`
      : index === null ? undefined
      : index.status === 'cancelled' ? `Cancelled run: ${index.counts.notRun} of ${index.counts.planned} cases not computed.`
      : index.counts.failed > 0 ? `${index.counts.failed} of ${index.counts.planned} cases failed.` : undefined;
    this._onDidChangeTreeData.fire(undefined);
  }

  getChildren(node?: CasesNode): CasesNode[] {
    const index = this.latest.index;
    if (index === null) return [];
    if (node === undefined) return sortCases(index.cases, this.sortBy).map((c) => ({ kind: 'case', case: c.case }));
    if (node.kind !== 'case') return [];
    const c = this.latest.findCase(node.case);
    if (c === undefined || c.status !== 'done') return [];
    const ranked = worstSlicesOf(c, this.sortBy, SLICES_PER_CASE);
    if (ranked.length === 0) return [{ kind: 'info', text: 'no non-empty slice' }];
    return ranked.map((r) => ({ kind: 'slice', case: c.case, axis: index.axis, slice: r.slice, labelValue: r.label, value: r.value }));
  }

  getParent(node: CasesNode): CasesNode | undefined {
    return node.kind === 'slice' ? { kind: 'case', case: node.case } : undefined;
  }

  getTreeItem(node: CasesNode): vscode.TreeItem {
    if (node.kind === 'info') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.contextValue = 'info';
      return item;
    }
    const c = this.latest.findCase(node.case);
    if (c === undefined) return new vscode.TreeItem(node.case);
    return node.kind === 'case' ? this.caseItem(c) : this.sliceItem(c, node);
  }

  private caseItem(c: IndexedCase): vscode.TreeItem {
    const id = this.sortBy;
    const item = new vscode.TreeItem(c.case, c.status === 'done' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `case:${c.case}`;
    const marks = this.triage.marks(casePair(c));
    const reviewed = marks.filter((m) => m.reviewed).length;
    const flagged = marks.filter((m) => m.flagged).length;
    const noted = marks.filter((m) => m.note).length;
    const badges = `${reviewed ? ` ✓${reviewed}` : ''}${flagged ? ` ⚑${flagged}` : ''}${noted ? ` ✎${noted}` : ''}`;
    if (c.status !== 'done') {
      item.description = c.status === 'failed' ? 'failed' : 'not run';
      item.tooltip = c.error ?? c.status;
      item.iconPath = new vscode.ThemeIcon(c.status === 'failed' ? 'error' : 'circle-slash');
      item.contextValue = `case-${c.status}`;
      return item;
    }
    const worst = c.labels.map((l) => l.volume[id] ?? null).filter((v): v is number => v !== null)
      .sort((a, b) => badness(id, b) - badness(id, a))[0];
    item.description = `${sortIdValueText(id, worst, formatValue)}${badges}`;
    const shown = worstSlicesOf(c, id, SLICES_PER_CASE);
    const allReviewed = shown.length > 0 && shown.every((r) => marks.some((m) => m.axis === this.latest.index!.axis && m.slice === r.slice && m.reviewed));
    item.iconPath = new vscode.ThemeIcon(flagged > 0 ? 'bookmark' : allReviewed ? 'pass' : 'circle-large-outline');
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${escapeMd(c.case)}** — ${escapeMd(sortIdValueText(id, worst, formatValue))} (volume, worst label)\n\n`);
    tooltip.appendMarkdown(`${reviewed} slice${reviewed === 1 ? '' : 's'} reviewed, ${flagged} flagged, ${noted} with a note\n\n`);
    tooltip.appendMarkdown(`prediction \`${c.prediction}\`  \nlabel \`${c.label}\``);
    item.tooltip = tooltip;
    item.contextValue = 'case';
    return item;
  }

  private sliceItem(c: IndexedCase, node: Extract<CasesNode, { kind: 'slice' }>): vscode.TreeItem {
    const multi = c.labels.length > 1;
    const name = c.labels.find((l) => l.label === node.labelValue)?.name;
    const labelText = `label ${node.labelValue}${name !== undefined ? ` ${name}` : ''}`;
    // Slices are numbered from 1 where people read them (quantityNames.ts); `slice` stays the 0-based index.
    const item = new vscode.TreeItem(`Slice ${sliceNumber(node.slice)}${multi ? ` · ${labelText}` : ''}`, vscode.TreeItemCollapsibleState.None);
    item.id = `slice:${c.case}:${node.axis}:${node.slice}`;
    const mark = this.triage.mark(casePair(c), node.axis, node.slice);
    item.description = `${sortIdValueText(this.sortBy, node.value, formatValue)}${markBadges(mark)}${mark?.note ? ` ${mark.note}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(mark?.flagged ? 'bookmark' : mark?.reviewed ? 'check' : 'debug-stackframe-dot');
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${escapeMd(c.case)}**, slice ${sliceNumber(node.slice)} along ${node.axis}${multi ? `, ${labelText}` : ''}: ` +
      `${escapeMd(sortIdValueText(this.sortBy, node.value, formatValue))}\n\n`);
    tooltip.appendMarkdown(mark ? `${mark.reviewed ? 'reviewed' : 'not reviewed'}${mark.flagged ? ', flagged' : ''}` : 'not reviewed');
    if (mark?.note) tooltip.appendMarkdown(`\n\nNote: ${escapeMd(mark.note)}`);
    item.tooltip = tooltip;
    item.contextValue = `slice${mark?.reviewed ? ' reviewed' : ''}${mark?.flagged ? ' flagged' : ''}${mark?.note ? ' noted' : ''}`;
    item.command = {
      command: 'maskInspector.cases.open', title: 'Open in Compare Editor',
      arguments: [{ case: c.case, axis: node.axis, slice: node.slice, labelValue: node.labelValue }],
    };
    return item;
  }

  /** The whole tree as plain data (test probe), children of every case resolved. */
  snapshot(): { sortBy: string; description: string | undefined; message: string | undefined; items: CasesItemSnapshot[] } {
    const snap = (node: CasesNode): CasesItemSnapshot => {
      const item = this.getTreeItem(node);
      const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip ?? '';
      return {
        id: item.id, label: typeof item.label === 'string' ? item.label : item.label?.label ?? '',
        description: typeof item.description === 'string' ? item.description : '', tooltip,
        contextValue: item.contextValue, icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
        command: item.command ? { command: item.command.command, arguments: item.command.arguments ?? [] } : null,
        children: this.getChildren(node).map(snap),
      };
    };
    return { sortBy: this.sortBy, description: this.treeView.description, message: this.treeView.message, items: this.getChildren().map(snap) };
  }

  /** Sort ids for the "Sort by…" pick: losses first, then the report's per-slice metrics. */
  sortChoices(): { id: string; label: string; isLoss: boolean }[] {
    return (this.latest.index?.sortIds ?? []).filter(isRankable).map((id) => ({ id, label: sortIdLabel(id), isLoss: isLossId(id) }));
  }
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
