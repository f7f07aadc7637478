/**
 * The custom editor `maskInspector.compare` ("Mask Inspector") for .nii, .nii.gz, .seg.nrrd, and as an
 * option .png, .nrrd, .nhdr, .mha, .mhd, .npy, .npz, .dcm (DICOM-SEG).
 * Read-only: it never writes the masks. Keeps track of open documents (one worker each) and of
 * the active editor, which palette commands and the status bar act on.
 */
import { escapeHtml } from '../core/escape';
import * as vscode from 'vscode';
import { CompareSession, type SessionServices } from './compareSession';
import { Disposable } from './dispose';
import { MaskDocument, type DocumentDeps } from './maskDocument';
import type { PairUris } from './pairResolver';
import type { SliceTarget } from './sliceTarget';

export const VIEW_TYPE = 'maskInspector.compare';
/**
 * The same editor for PNG. VS Code sets a custom editor's priority per viewType, not per file
 * pattern, and a PNG must not open in Mask Inspector by default (it is "Open With…" only).
 */
export const PNG_VIEW_TYPE = 'maskInspector.comparePng';
/** The same editor for NRRD, MetaImage and NumPy files ("Open With…"; a .seg.nrrd opens in VIEW_TYPE by default). */
export const OTHER_VIEW_TYPE = 'maskInspector.compareOther';

export class CompareEditorProvider extends Disposable implements vscode.CustomReadonlyEditorProvider<MaskDocument> {
  private readonly documents = new Map<string, MaskDocument>();
  private readonly sessions = new Set<CompareSession>();
  /** Pairs chosen explicitly (Compare Masks), waiting for VS Code to ask for their document. */
  private readonly explicitPairs = new Map<string, PairUris>();
  /** Slices to show in editors not resolved yet (openPair's `at`), by document URI. */
  private readonly pendingTargets = new Map<string, SliceTarget>();
  private _active: CompareSession | undefined;
  private readonly _onDidChangeActiveSession = this._register(new vscode.EventEmitter<CompareSession | undefined>());
  readonly onDidChangeActiveSession = this._onDidChangeActiveSession.event;

  constructor(private readonly services: SessionServices, private readonly documentDeps: DocumentDeps) {
    super();
    for (const viewType of [VIEW_TYPE, PNG_VIEW_TYPE, OTHER_VIEW_TYPE]) {
      this._register(vscode.window.registerCustomEditorProvider(viewType, this, {
        // A split shows the same pair; both panels share the document's worker.
        supportsMultipleEditorsPerDocument: true,
        // Hidden tabs release their page; the webview posts `ready` again and gets `init` back.
        webviewOptions: { retainContextWhenHidden: false },
      }));
    }
  }

  get activeSession(): CompareSession | undefined {
    return this._active;
  }

  /** The editor a command is for: the one showing `uri` if given (active first), else the active one. */
  sessionFor(uri?: vscode.Uri): CompareSession | undefined {
    if (uri === undefined) return this._active;
    const key = uri.toString();
    if (this._active?.document.uri.toString() === key) return this._active;
    return [...this.sessions].find((s) => s.document.uri.toString() === key);
  }

  openCustomDocument(uri: vscode.Uri): MaskDocument {
    const key = uri.toString();
    const explicit = this.explicitPairs.get(key) ?? null;
    this.explicitPairs.delete(key);
    this.services.probe?.mark(key, 'open');
    const document = new MaskDocument(uri, this.documentDeps, explicit);
    this.documents.set(key, document);
    const listener = document.onDidDispose(() => {
      listener.dispose();
      if (this.documents.get(key) === document) this.documents.delete(key);
    });
    return document;
  }

  resolveCustomEditor(document: MaskDocument, panel: vscode.WebviewPanel): void {
    let session: CompareSession;
    try {
      session = new CompareSession(panel, document, this.services);
    } catch (error) {
      // Without this the tab stays blank and the reason only reaches the developer console.
      const message = error instanceof Error ? error.message : String(error);
      this.services.log.error(`the compare editor for ${document.uri.path} could not start: ${message}`);
      panel.webview.html = `<!DOCTYPE html><html><body><p>Mask Inspector could not start this editor (${escapeHtml(message)}). ` +
        'See the "Mask Inspector" output channel, and report it if it persists.</p></body></html>';
      void vscode.window.showErrorMessage(`Mask Inspector could not start the compare editor: ${message}`);
      return;
    }
    this.sessions.add(session);
    const target = this.pendingTargets.get(document.uri.toString());
    if (target !== undefined) {
      this.pendingTargets.delete(document.uri.toString());
      session.revealSlice(target);
    }
    const viewState = panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) this.setActive(session);
      else if (this._active === session) this.setActive(undefined);
    });
    const disposed = panel.onDidDispose(() => {
      viewState.dispose();
      disposed.dispose();
      this.sessions.delete(session);
      if (this._active === session) this.setActive(undefined);
    });
    if (panel.active) this.setActive(session);
  }

  /**
   * Opens (or reveals) the compare editor for an explicit pair. An editor already open on the
   * prediction takes the new label as its partner. `at`: the slice to show (sliceTarget.ts).
   */
  async openPair(pair: PairUris, at?: SliceTarget): Promise<void> {
    const existing = await this.openExplicit(pair);
    const state = existing?.state;
    if (existing && pair.label && !(state?.kind === 'ready' && state.uris.label?.toString() === pair.label.toString())) {
      await existing.setPartner(pair.label);
    }
    this.revealAt(pair.prediction, at);
  }

  /**
   * Opens the editor on `pair.prediction` with `pair` as its files (a document VS Code resolves now
   * takes them from explicitPairs); returns the document that was already open, if any.
   */
  private async openExplicit(pair: PairUris): Promise<MaskDocument | undefined> {
    const key = pair.prediction.toString();
    const existing = this.documents.get(key);
    if (existing === undefined) this.explicitPairs.set(key, pair);
    try {
      // An explicit viewType opens any file, whatever the editor's file patterns (PNG included).
      await vscode.commands.executeCommand('vscode.openWith', pair.prediction, VIEW_TYPE);
    } finally {
      this.explicitPairs.delete(key);
    }
    return existing;
  }

  /** Shows slice `at`: an editor that already existed now; a new one when VS Code resolves it. */
  private revealAt(prediction: vscode.Uri, at: SliceTarget | undefined): void {
    if (at === undefined) return;
    const session = this.sessionFor(prediction);
    if (session !== undefined) session.revealSlice(at);
    else this.pendingTargets.set(prediction.toString(), at);
  }

  /**
   * Opens (or reveals) the three-way editor: `pair.prediction` is A, `pair.versus` B. It lives on
   * A's document; an editor already open on A switches to the three files.
   */
  async openVersus(pair: PairUris & { versus: vscode.Uri }, at?: SliceTarget): Promise<void> {
    const existing = await this.openExplicit(pair);
    const state = existing?.state;
    const same = state?.kind === 'ready' && state.uris.versus?.toString() === pair.versus.toString() && state.uris.label?.toString() === pair.label?.toString();
    if (existing && !same) await existing.reopen(pair);
    this.revealAt(pair.prediction, at);
  }


  private setActive(session: CompareSession | undefined): void {
    if (this._active === session) return;
    this._active = session;
    this._onDidChangeActiveSession.fire(session);
  }
}
