/**
 * Status bar entry for the active compare editor: the selected loss on the current slice, where
 * the slice is, and its triage marks. Clicking it jumps to the next worst slice.
 */
import * as vscode from 'vscode';
import { formatLoss } from '../core/format';
import { sliceSize } from '../core/protocol';
import { anyLossName, sliceLabel, slicePosition } from '../core/quantityNames';
import { LOGIT_BASED_IDS, type ConventionLossId } from '../core/kernels/conventions/conventionIds';
import type { CompareSession } from './compareSession';
import { Disposable, type IDisposable } from './dispose';
import type { MarksStore } from './marksStore';

/** '…' while the losses are computed; else the one loss format (src/core/format.ts). */
function lossText(value: number | null): string {
  return value === null ? '…' : formatLoss(value);
}

const AXIS_WORDS = { k: 'axial', j: 'coronal', i: 'sagittal' } as const;

export class LossStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('maskInspector.loss', vscode.StatusBarAlignment.Right, 100));
  private session: CompareSession | undefined;
  private sessionListener: IDisposable | undefined;

  constructor(activeSession: vscode.Event<CompareSession | undefined>, marks: MarksStore) {
    super();
    this.item.name = 'Mask Inspector: slice loss';
    this.item.command = 'maskInspector.nextWorstSlice';
    this._register(activeSession((session) => this.follow(session)));
    this._register(marks.onDidChangeMarks(() => this.update()));
    this._register({ dispose: () => this.sessionListener?.dispose() });
  }

  private follow(session: CompareSession | undefined): void {
    this.sessionListener?.dispose();
    this.session = session;
    this.sessionListener = session?.onDidChangeView(() => this.update());
    this.update();
  }

  private update(): void {
    const session = this.session;
    const view = session?.view ?? null;
    const state = session?.document.state;
    if (session === undefined || session.isDisposed || view === null || state?.kind !== 'ready') {
      this.item.hide();
      return;
    }
    const { count } = sliceSize(state.pair.shape, view.axis);
    const mark = session.markOfCurrentSlice;
    // A library loss with a logit term is substituted for a label-map prediction (issue 11): marked †.
    const loss = anyLossName(view.loss, state.pair.predictionKind === 'labels' && LOGIT_BASED_IDS.has(view.loss as ConventionLossId));
    // Slices read from 1, as in the editor (src/core/quantityNames); the axis only when there is more than one slice.
    const where = count === 1 && view.axis === 'k' ? '' : `${AXIS_WORDS[view.axis]} ${slicePosition(view.index, count)}`;
    const hasLabel = state.uris.label !== null;
    const marks = `${mark?.reviewed ? ' $(check)' : ''}${mark?.flagged ? ' $(bookmark)' : ''}`;
    this.item.text = hasLabel
      ? `$(pulse) ${loss} ${lossText(session.currentLoss)}${where ? ` · ${where}` : ''}${marks}`
      : `$(pulse) ${where}${marks}`;
    this.item.tooltip = hasLabel
      ? `Mask Inspector: ${loss} of ${sliceLabel(view.index, count).toLowerCase()} along ${view.axis} (label ${view.label})` +
        `${mark?.reviewed ? ', reviewed' : ''}${mark?.flagged ? ', flagged' : ''}. Click for the next worst slice.`
      : 'Mask Inspector: no label to compare with (use Choose Partner…).';
    this.item.show();
  }
}
