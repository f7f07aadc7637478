/**
 * Triage across a report, and from the cases view and the report page:
 *
 * - Mask Inspector: Next Unreviewed Worst Slice — over every case of the latest report, the worst
 *   slice by the cases view's sort loss (or metric) that is not marked reviewed; opens it.
 * - Mask Inspector: Export Triage (CSV) — prediction,label,axis,slice,reviewed,flagged,note.
 * - Mask Inspector: Edit Slice Note… — the note of the active compare editor's current slice.
 * - maskInspector.cases.* — the cases view's (and the report page's context menu's) actions on
 *   a slice `{ case, axis, slice }` or a case `{ case }` of the latest report: open, toggle
 *   reviewed, toggle flag, edit the note; and "Sort by…", "Refresh".
 */
import * as vscode from 'vscode';
import type { Axis } from '../core/analysis/result';
import { triageCsv } from '../core/analysis/triage';
import type { LabelKey } from '../core/protocol';
import { isLossId, nextUnreviewedSlice, worstSlicesOf, type IndexedCase } from '../core/report/reportIndex';
import type { CasesView } from '../editor/casesView';
import { casePair, type LatestReport } from '../editor/latestReport';
import { pairRefOfKey } from '../editor/marksStore';
import type { TriageStore } from '../editor/triageStore';
import { COMPARE_MASKS } from './compareMasks';
import { COMPARE_TWO_PREDICTIONS } from './compareTwoPredictions';
import { targetSession, type CommandContext } from './commandContext';
import { LOSS_REPORT } from './lossReport';

export const NEXT_UNREVIEWED_WORST_SLICE = 'maskInspector.nextUnreviewedWorstSlice';
export const EXPORT_TRIAGE = 'maskInspector.exportTriage';
export const EDIT_SLICE_NOTE = 'maskInspector.editSliceNote';
export const CASES_OPEN = 'maskInspector.cases.open';
export const CASES_TOGGLE_REVIEWED = 'maskInspector.cases.toggleReviewed';
export const CASES_TOGGLE_FLAG = 'maskInspector.cases.toggleFlag';
export const CASES_EDIT_NOTE = 'maskInspector.cases.editNote';
export const CASES_SORT_BY = 'maskInspector.cases.sortBy';
export const CASES_REFRESH = 'maskInspector.cases.refresh';

export interface TriageContext extends CommandContext {
  readonly latest: LatestReport;
  readonly triage: TriageStore;
  readonly cases: CasesView;
}

interface SliceRef {
  readonly c: IndexedCase;
  readonly axis: Axis;
  readonly slice: number;
  readonly labelValue?: LabelKey;
}

const NOTE_MAX = 2000;

/** `{ case, axis?, slice?, labelValue? }` (a tree node, the report page's context, a script) → a slice of the latest report. */
function sliceRef(ctx: TriageContext, arg: unknown, worstIfNoSlice: boolean): SliceRef | undefined {
  const a = (typeof arg === 'object' && arg !== null ? arg : {}) as Record<string, unknown>;
  const index = ctx.latest.index;
  const c = typeof a['case'] === 'string' ? ctx.latest.findCase(a['case']) : undefined;
  if (index === null || c === undefined) {
    void vscode.window.showInformationMessage('Mask Inspector: that case is not in the latest loss report (run the report again?).');
    return undefined;
  }
  const axis: Axis = a['axis'] === 'i' || a['axis'] === 'j' || a['axis'] === 'k' ? a['axis'] : index.axis;
  const labelValue = typeof a['labelValue'] === 'number' || a['labelValue'] === 'foreground' ? a['labelValue'] as LabelKey : undefined;
  if (typeof a['slice'] === 'number' && Number.isInteger(a['slice']) && a['slice'] >= 0) {
    return { c, axis, slice: a['slice'], ...(labelValue !== undefined ? { labelValue } : {}) };
  }
  if (!worstIfNoSlice) return undefined;
  if (c.status !== 'done') {
    void vscode.window.showWarningMessage(`Mask Inspector: case ${c.case} ${c.status === 'failed' ? `failed: ${c.error ?? ''}` : 'was not run'}`);
    return undefined;
  }
  const worst = worstSlicesOf(c, ctx.cases.sortBy, 1)[0];
  return { c, axis: index.axis, slice: worst?.slice ?? 0, ...(worst ? { labelValue: worst.label } : {}) };
}

async function openSlice(ctx: TriageContext, ref: SliceRef): Promise<void> {
  const sortBy = ctx.cases.sortBy;
  // A two-prediction report's case: the three-way editor (A, B and the label).
  const versus = ref.c.predictionB !== undefined && ref.c.predictionB !== '' ? { predictionA: ref.c.prediction, predictionB: ref.c.predictionB } : null;
  await vscode.commands.executeCommand(versus === null ? COMPARE_MASKS : COMPARE_TWO_PREDICTIONS, {
    ...(versus ?? { prediction: ref.c.prediction }), label: ref.c.label, axis: ref.axis, slice: ref.slice,
    ...(ref.labelValue !== undefined ? { labelValue: ref.labelValue } : {}),
    ...(isLossId(sortBy) ? { loss: sortBy } : {}),
  });
}

async function askNote(current: string | undefined, where: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `Mask Inspector: note for ${where}`,
    prompt: 'Saved in .mask-inspector/triage.json with the reviewed and flagged marks. Leave empty to remove the note.',
    value: current ?? '', placeHolder: 'e.g. FP on the kidney; label misses the tip',
    validateInput: (v) => (v.length > NOTE_MAX ? `at most ${NOTE_MAX} characters` : undefined),
  });
}

function toggle(ctx: TriageContext, field: 'reviewed' | 'flagged') {
  return async (arg?: unknown): Promise<void> => {
    const ref = sliceRef(ctx, arg, false);
    if (ref === undefined) return;
    const pair = casePair(ref.c);
    const current = ctx.triage.mark(pair, ref.axis, ref.slice)?.[field] === true;
    await ctx.triage.setMark(pair, { axis: ref.axis, slice: ref.slice, [field]: !current });
  };
}

export function registerTriageCommands(ctx: TriageContext): vscode.Disposable {
  const subscriptions = [
    vscode.commands.registerCommand(NEXT_UNREVIEWED_WORST_SLICE, async () => {
      const index = ctx.latest.index;
      if (index === null) {
        const run = await vscode.window.showInformationMessage('Mask Inspector: there is no loss report yet to rank slices across cases.', 'Run a Loss Report');
        if (run) await vscode.commands.executeCommand(LOSS_REPORT);
        return;
      }
      const sortBy = ctx.cases.sortBy;
      const next = nextUnreviewedSlice(index, sortBy, (c, axis, slice) => ctx.triage.mark(casePair(c), axis, slice)?.reviewed === true);
      if (next === null) {
        void vscode.window.showInformationMessage('Mask Inspector: every non-empty slice of the latest report is reviewed.');
        return;
      }
      await openSlice(ctx, { c: next.case, axis: index.axis, slice: next.slice, labelValue: next.label });
      if (!ctx.cases.treeView.visible) return; // select it in the view only when the view is shown
      try {
        await ctx.cases.treeView.reveal({ kind: 'slice', case: next.case.case, axis: index.axis, slice: next.slice, labelValue: next.label, value: next.value },
          { select: true, focus: false });
      } catch {
        // The slice is not among the case's listed worst slices (they were all reviewed): nothing to select.
      }
    }),

    vscode.commands.registerCommand(EXPORT_TRIAGE, async (arg?: unknown) => {
      await ctx.triage.settled();
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = arg instanceof vscode.Uri ? arg : await vscode.window.showSaveDialog({
        title: 'Mask Inspector: export the triage marks as CSV', saveLabel: 'Export',
        filters: { CSV: ['csv'] }, ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'triage.csv') } : {}),
      });
      if (target === undefined) return;
      const data = ctx.triage.all();
      try {
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(triageCsv(data)));
      } catch (error) {
        void vscode.window.showErrorMessage(`Mask Inspector: could not write ${target.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      let rows = 0;
      for (const p of data.values()) rows += p.marks.length;
      ctx.log.info(`triage exported: ${rows} marked slices → ${target.fsPath}`);
      if (!(arg instanceof vscode.Uri)) void vscode.window.showInformationMessage(`Mask Inspector: ${rows} marked slice${rows === 1 ? '' : 's'} exported to ${vscode.workspace.asRelativePath(target)}.`);
    }),

    // (editor URI?, note?): a script or test may pass the note to skip the input box.
    vscode.commands.registerCommand(EDIT_SLICE_NOTE, async (arg?: unknown, note?: unknown) => {
      const session = targetSession(ctx, arg);
      if (session === undefined) return;
      const state = session.document.state;
      const view = session.view;
      if (state.kind !== 'ready' || view === null) {
        void vscode.window.showInformationMessage('Mask Inspector: wait until the pair is shown, then edit the note.');
        return;
      }
      const pair = pairRefOfKey(state.key);
      const current = ctx.triage.mark(pair, view.axis, view.index)?.note;
      const text = typeof note === 'string' ? note : await askNote(current, `slice ${view.index} along ${view.axis}`);
      if (text === undefined) return;
      await ctx.triage.setMark(pair, { axis: view.axis, slice: view.index, note: text });
    }),

    vscode.commands.registerCommand(CASES_OPEN, async (arg?: unknown) => {
      const ref = sliceRef(ctx, arg, true);
      if (ref !== undefined) await openSlice(ctx, ref);
    }),
    vscode.commands.registerCommand(CASES_TOGGLE_REVIEWED, toggle(ctx, 'reviewed')),
    vscode.commands.registerCommand(CASES_TOGGLE_FLAG, toggle(ctx, 'flagged')),
    // (slice, note?): a script or test may pass the note.
    vscode.commands.registerCommand(CASES_EDIT_NOTE, async (arg?: unknown, note?: unknown) => {
      const ref = sliceRef(ctx, arg, false);
      if (ref === undefined) return;
      const pair = casePair(ref.c);
      const text = typeof note === 'string' ? note
        : await askNote(ctx.triage.mark(pair, ref.axis, ref.slice)?.note, `${ref.c.case}, slice ${ref.slice} along ${ref.axis}`);
      if (text === undefined) return;
      await ctx.triage.setMark(pair, { axis: ref.axis, slice: ref.slice, note: text });
    }),
    vscode.commands.registerCommand(CASES_SORT_BY, async (arg?: unknown) => {
      const choices = ctx.cases.sortChoices();
      if (choices.length === 0) {
        void vscode.window.showInformationMessage('Mask Inspector: run a loss report first; its cases can then be sorted.');
        return;
      }
      let id = typeof arg === 'string' && choices.some((c) => c.id === arg) ? arg : undefined;
      if (id === undefined) {
        const current = ctx.cases.sortBy;
        const items: (vscode.QuickPickItem & { id?: string })[] = [
          { label: 'Losses', kind: vscode.QuickPickItemKind.Separator },
          ...choices.filter((c) => c.isLoss).map((c) => ({ label: c.label, description: c.id === current ? 'current' : '', id: c.id })),
        ];
        const metrics = choices.filter((c) => !c.isLoss);
        if (metrics.length > 0) {
          items.push({ label: 'Metrics', kind: vscode.QuickPickItemKind.Separator },
            ...metrics.map((c) => ({ label: c.label, description: c.id === current ? 'current' : '', id: c.id })));
        }
        const picked = await vscode.window.showQuickPick(items, { title: 'Mask Inspector: sort cases and slices by', placeHolder: 'Worst first' });
        id = picked?.id;
      }
      if (id !== undefined) await ctx.cases.setSortBy(id);
    }),
    vscode.commands.registerCommand(CASES_REFRESH, () => ctx.latest.reload()),
  ];
  return vscode.Disposable.from(...subscriptions);
}
