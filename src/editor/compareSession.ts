/**
 * One compare editor panel: the webview's page, and the answers to its messages. The webview
 * says `ready` (again after every reload of a hidden tab); the host then posts `init` once the
 * document's pair is ready. Slice and loss requests go to the document's worker; answers for a
 * pair the webview no longer shows (before a swap, a new kind…) are dropped.
 */
import * as vscode from 'vscode';
import type { Axis } from '../core/analysis/result';
import { sliceSize, type EditorAction, type HostMessage, type PairInfo, type TriageCommand, type ViewState, type WebviewMessage } from '../core/protocol';
import type { PairSummary } from '../worker/sessionMessages';
import { Disposable, isDisposedError } from './dispose';
import type { MarksStore } from './marksStore';
import type { MaskDocument } from './maskDocument';
import { SessionError, SessionWorkerGoneError } from './sessionWorkerClient';
import { readSettings, reportSettingsProblems, type EditorSettings } from './settings';
import { viewAt, type SliceTarget } from './sliceTarget';
import type { TestProbe } from './testProbe';
import { parseWebviewMessage, viewWithComputedLoss } from './webviewMessages';
import { readConventionSettings } from './conventionSettings';
import { createNonce, renderEditorHtml } from './webviewHtml';

export interface SessionServices {
  readonly extensionUri: vscode.Uri;
  readonly marks: MarksStore;
  readonly log: vscode.LogOutputChannel;
  readonly probe: TestProbe | null;
}

/** Palette commands run by the editor's own buttons, with the document's URI as argument. */
const ACTION_COMMANDS: { readonly [A in EditorAction]: string } = {
  swap: 'maskInspector.swap', choosePartner: 'maskInspector.choosePartner', openUnderlay: 'maskInspector.openUnderlay',
  openAnother: 'maskInspector.openMask',
  // VS Code's own "Reopen Editor With…" (text, hex, image…) for the active editor: this one.
  reopenWith: 'workbench.action.reopenWithEditor',
  versusRoles: 'maskInspector.versusRoles',
};

export function pairInfo(pair: PairSummary): PairInfo {
  const { generation: _generation, timings: _timings, ...info } = pair;
  return info;
}

function defaultView(pair: PairSummary, settings: EditorSettings): ViewState {
  const axis = settings.defaultAxis;
  return {
    axis, index: Math.floor(sliceSize(pair.shape, axis).count / 2), zoom: 1, panX: 0, panY: 0,
    loss: settings.defaultLoss, label: pair.labels[0] ?? 'foreground',
  };
}

const AXIS_INDEX = { i: 0, j: 1, k: 2 } as const;

export class CompareSession extends Disposable {
  private webviewReady = false;
  /** Generation of the pair the webview was last initialised with; null before the first init. */
  private shownGeneration: number | null = null;
  private _view: ViewState | null = null;
  private _currentLoss: number | null = null;
  /** A slice to show with the next init (revealSlice); cleared once posted. */
  private pendingReveal: SliceTarget | null = null;
  /** Loss computations in flight; the "Computing…" status shows while there is one. */
  private lossesInFlight = 0;
  private readonly _onDidChangeView = this._register(new vscode.EventEmitter<void>());
  /** The slice, loss or marks shown changed (for the status bar). */
  readonly onDidChangeView = this._onDidChangeView.event;

  constructor(readonly panel: vscode.WebviewPanel, readonly document: MaskDocument, private readonly services: SessionServices) {
    super();
    const webview = panel.webview;
    const dist = vscode.Uri.joinPath(services.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(services.extensionUri, 'media');
    webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    webview.html = renderEditorHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUris: [webview.asWebviewUri(vscode.Uri.joinPath(media, 'editor.css')).toString()],
      // One source on desktop, "'self' https://*.vscode-cdn.net" on VS Code's server: both taken as they are.
      cspSource: webview.cspSource,
      nonce: createNonce(),
    });
    this._register(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this._register(document.onDidChangeState(() => this.sendPair()));
    this._register(document.onDidChangeStatus((text) => this.post({ type: 'status', text })));
    this._register(services.marks.onDidChangeMarks((key) => {
      const state = this.document.state;
      if (state.kind === 'ready' && state.key === key) this.post({ type: 'marks', marks: services.marks.marks(key) });
    }));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      // The overlay travels with init: send it again so colours and style apply at once.
      // The metric settings travel with init too; the webview then asks for losses and metrics again.
      if (!['maskInspector.overlay', 'maskInspector.metrics', 'maskInspector.surfaceDiceToleranceMm'].some((s) => e.affectsConfiguration(s, document.uri))) return;
      reportSettingsProblems(readSettings(document.uri));
      this.sendPair();
    }));
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  get view(): ViewState | null { return this._view; }
  get currentLoss(): number | null { return this._currentLoss; }

  get markOfCurrentSlice(): { reviewed: boolean; flagged: boolean } | null {
    const state = this.document.state;
    if (this._view === null || state.kind !== 'ready') return null;
    const { axis, index } = this._view;
    return this.services.marks.marks(state.key).find((m) => m.axis === axis && m.index === index) ?? null;
  }

  /** An error to show in the editor's banner until the next init (the caller also notifies). */
  showError(text: string): void {
    this.post({ type: 'error', message: text });
  }

  /**
   * Shows `target` (sliceTarget.ts): the webview is initialised again on that slice, now if it is
   * ready, else with its first init.
   */
  revealSlice(target: SliceTarget): void {
    this.pendingReveal = target;
    if (this.webviewReady && this.document.state.kind === 'ready') this.sendPair();
  }

  /** A palette command or keybinding for this editor. */
  postCommand(command: TriageCommand): void {
    this.post({ type: 'command', command });
  }

  private post(message: HostMessage): void {
    if (this.isDisposed || !this.webviewReady) return;
    const probe = this.services.probe;
    if (probe) {
      probe.posted(this.document.uri.toString(), message);
      if (message.type === 'init') probe.mark(this.document.uri.toString(), 'init');
      if (message.type === 'losses' || message.type === 'metrics') probe.mark(this.document.uri.toString(), `${message.type}:${message.axis}`);
    }
    // A hidden tab has no page: the message is dropped, and the page sends `ready` again when shown.
    this.panel.webview.postMessage(message).then(undefined, (error: unknown) => {
      // Only when the panel went away between our dispose check and the post: nothing to show it to.
      this.services.log.trace(`${this.document.uri.path}: ${message.type} not delivered: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** init (or error) for the document's current state; nothing until the webview is ready. */
  private sendPair(): void {
    if (!this.webviewReady) return;
    // A big pair is shown from its preview while it decodes; its init with the prepared pair follows.
    const preview = this.document.preview;
    const state = preview ?? this.document.state;
    if (state.kind === 'loading') {
      this.post({ type: 'status', text: this.document.status ?? 'Opening…' });
    } else if (state.kind === 'failed') {
      this.post({ type: 'failed', file: state.file, message: state.message });
    } else {
      const settings = readSettings(this.document.uri);
      const remembered = this.services.marks.view(state.key);
      const base = viewWithComputedLoss(remembered !== null && this.shownGeneration === null ? remembered : this._view ?? remembered ?? defaultView(state.pair, settings),
        readConventionSettings(this.document.uri).settings.conventions, settings.defaultLoss);
      const view = this.pendingReveal === null ? base : viewAt(base, this.pendingReveal, state.pair);
      this.pendingReveal = null;
      // Kept for the prepared pair's init, which may come before the webview reports its view.
      if (preview !== null) this._view = view;
      this.shownGeneration = state.pair.generation;
      this.post({ type: 'init', pair: pairInfo(state.pair), overlay: settings.overlay, state: view, marks: this.services.marks.marks(state.key), metrics: settings.metrics });
      if (this.document.status !== null) this.post({ type: 'status', text: this.document.status });
    }
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (typeof parsed === 'string') {
      this.services.log.warn(`${this.document.uri.path}: ignored a webview message: ${parsed}`);
      return;
    }
    this.services.probe?.received(this.document.uri.toString(), parsed);
    void this.handle(parsed).catch((error: unknown) => this.reportFailure(error));
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        this.services.probe?.mark(this.document.uri.toString(), 'ready');
        return this.sendPair();
      case 'requestSlice': return this.answerSlice(message.requestId, message.axis, message.index);
      case 'requestLosses': return this.computeLosses(message.axis);
      case 'setKind':
        try {
          await this.document.setKind(message.kind);
        } catch (error) {
          // The webview already shows the new kind: initialise it again with the pair as it is.
          this.sendPair();
          throw error;
        }
        return;
      case 'setMark': {
        const state = this.document.state;
        if (state.kind !== 'ready') return;
        // Against the pair's real shape: a mark beyond the last slice is refused, not written.
        const slices = state.pair.shape[AXIS_INDEX[message.axis]];
        if (message.index >= slices) {
          this.services.log.warn(`${this.document.uri.path}: ignored a mark on slice ${message.index} of axis ${message.axis}, which has ${slices} slices`);
          return;
        }
        const { type: _type, ...change } = message;
        await this.services.marks.setMark(state.key, change);
        return;
      }
      case 'stateChanged': {
        this._view = message.state;
        this._currentLoss = message.currentLoss;
        const state = this.document.state;
        if (state.kind === 'ready') this.services.marks.rememberView(state.key, message.state);
        this._onDidChangeView.fire();
        return;
      }
      case 'action':
        await vscode.commands.executeCommand(ACTION_COMMANDS[message.action], this.document.uri);
        return;
      case 'log': {
        const text = `webview ${this.document.uri.path}: ${message.message}`;
        if (message.level === 'error') this.services.log.error(text);
        else if (message.level === 'warn') this.services.log.warn(text);
        else this.services.log.info(text);
        return;
      }
    }
  }

  private async answerSlice(requestId: number, axis: Axis, index: number): Promise<void> {
    const asked = performance.now();
    try {
      const versus = this.document.versus;
      const [slice, sliceB] = await Promise.all([this.document.slice(axis, index), versus?.slice(axis, index)]);
      if (this.isDisposed || slice.generation !== this.shownGeneration) return; // for a pair no longer shown
      const { prediction, label, labelType, underlay, width, height } = slice;
      // Three-way mode: B's values ride along (the label is the same file: A's copy is sent once).
      const b = sliceB === undefined ? {} : { predictionB: sliceB.prediction };
      this.post({ type: 'slice', requestId, axis, index, width, height, prediction, label, labelType, underlay, ...b });
      this.services.probe?.mark(this.document.uri.toString(), 'slice', performance.now() - asked);
    } catch (error) {
      if (isDisposedError(error) || this.isDisposed) return;
      // Shown in the slice's place by the webview; a slice error is no reason for a notification.
      this.post({ type: 'sliceError', requestId, message: error instanceof Error ? error.message : String(error) });
    }
  }

  /** The losses of `axis`; a failure (a computing thread that died…) is shown with a Retry. */
  private computeLosses(axis: Axis): Promise<void> {
    return this.answerLosses(axis).catch((error: unknown) => this.reportFailure(error, () => { void this.computeLosses(axis); }));
  }

  private async answerLosses(axis: Axis): Promise<void> {
    const state = this.document.state;
    if (state.kind !== 'ready' || state.uris.label === null) return; // nothing to compare: the webview says so itself
    this.lossesInFlight++;
    this.post({ type: 'status', text: `Computing the losses of every slice along ${axis}…` });
    try {
      const versus = this.document.versus;
      const [losses, lossesB] = await Promise.all([this.document.losses(axis), versus?.losses(axis)]);
      if (this.isDisposed || losses.generation !== this.shownGeneration) return;
      // B first: the webview redraws on A's message and then has both.
      if (lossesB !== undefined) this.post({ type: 'losses', side: 'b', axis, labels: lossesB.labels, multiclass: lossesB.multiclass });
      this.post({ type: 'losses', axis, labels: losses.labels, multiclass: losses.multiclass });
      void this.answerMetrics(axis).catch((error: unknown) => this.reportFailure(error, () => { void this.computeLosses(axis); }));
    } finally {
      if (--this.lossesInFlight === 0) this.post({ type: 'status', text: this.document.status });
    }
  }

  /** The evaluation metrics of `axis`, posted after its losses (the worker starts them only then). */
  private async answerMetrics(axis: Axis): Promise<void> {
    const settings = readSettings(this.document.uri).metrics;
    if (settings.level === 'none') return;
    this.lossesInFlight++;
    this.post({ type: 'status', text: `Computing the evaluation metrics along ${axis}…` });
    try {
      const versus = this.document.versus;
      const [metrics, metricsB] = await Promise.all([this.document.metrics(axis, settings), versus?.metrics(axis, settings)]);
      if (this.isDisposed || metrics.generation !== this.shownGeneration) return;
      if (metricsB !== undefined) this.post({ type: 'metrics', side: 'b', axis, settings: metricsB.settings, labels: metricsB.labels });
      this.post({ type: 'metrics', axis, settings: metrics.settings, labels: metrics.labels });
    } finally {
      if (--this.lossesInFlight === 0) this.post({ type: 'status', text: this.document.status });
    }
  }

  /** Errors a person can act on go to a notification (and the editor); internal ones to the log too. */
  private reportFailure(error: unknown, retry?: () => void): void {
    if (isDisposedError(error) || this.isDisposed) return;
    const message = error instanceof Error ? error.message : String(error);
    const file = error instanceof SessionError ? error.file : null;
    const text = file ? `${file}: ${message}` : message;
    this.services.log.error(`${this.document.uri.path}: ${text}`);
    // A dead session worker: its document opens the pair again now (the panel is initialised anew)
    // or offers Retry, once for all the requests that failed with it.
    const workerGone = error instanceof SessionWorkerGoneError;
    if (workerGone && this.document.isRebuilding) return;
    // In the editor too (until the next init), where the person is looking.
    this.post({ type: 'error', message: text });
    if (workerGone) return;
    if (retry === undefined) {
      void vscode.window.showErrorMessage(`Mask Inspector: ${text}`);
      return;
    }
    void vscode.window.showErrorMessage(`Mask Inspector: ${text}`, 'Retry').then((choice) => {
      if (choice === 'Retry' && !this.isDisposed) retry();
    });
  }
}
