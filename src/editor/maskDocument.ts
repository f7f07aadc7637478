/**
 * One opened mask: which files form its pair, and the session worker holding them decoded. All
 * editors (panels) of the document share it. Loading starts as soon as VS Code asks for the
 * document, in parallel with the webview starting up.
 */
import * as vscode from 'vscode';
import { guessRoles } from '../core/analysis/pairing';
import type { Axis, PredictionKindOption } from '../core/analysis/result';
import { DEFAULT_LOSS_PARAMS } from '../core/kernels/lossIds';
import type { ViewState } from '../core/protocol';
import type { MetricSettings } from '../core/kernels/metricIds';
import { attachDataFile, checkDataFileName, detachedDataFile } from '../core/io/detached';
import { findDatasetJson, labelNamesFor, labelNamesObject, parseLabelNamesSetting, type LabelNames, type ReadText } from '../core/io/labelNames';
import type { FilePayload, LossesReply, MetricsReply, PairSummary, SliceReply } from '../worker/sessionMessages';
import { Disposable, DisposedError } from './dispose';
import { pairKey, relativeName } from './marksStore';
import { findUnderlayFor, resolvePairFor, type PairUris } from './pairResolver';
import { SessionError, SessionWorkerClient, SessionWorkerGoneError, transferableBytes } from './sessionWorkerClient';
import type { SessionWorkerPool } from './sessionWorkerPool';
import { readConventionSettings } from './conventionSettings';
import { NOT_REGULAR } from '../core/io/readVolume';
import { readSettings, reportSettingsProblems } from './settings';

export type DocumentState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly pair: PairSummary; readonly uris: PairUris; readonly key: string }
  | { readonly kind: 'failed'; readonly file: string | null; readonly message: string };

export interface DocumentDeps {
  readonly workerFile: string;
  /** The host's shared session workers (extension.ts); without it each document starts its own. */
  readonly workers?: SessionWorkerPool;
  readonly jobs: number;
  readonly log: vscode.LogOutputChannel;
  /** The view a pair was last left in (marksStore), to start computing the losses of its axis early. */
  readonly rememberedView: (key: string) => ViewState | null;
}

/** A file the host could not read, as a SessionError naming it. */
async function readBytes(uri: vscode.Uri): Promise<FilePayload> {
  const name = relativeName(uri);
  try {
    // A FIFO or device is never read (it can block the read forever): stat says what it is first.
    const { type } = await vscode.workspace.fs.stat(uri);
    if ((type & vscode.FileType.Directory) !== 0) throw new SessionError(name, 'this is a folder, not a mask file');
    if ((type & vscode.FileType.File) === 0) throw new SessionError(name, NOT_REGULAR);
    return { name, bytes: transferableBytes(await withDataFile(uri, name, await vscode.workspace.fs.readFile(uri))) };
  } catch (error) {
    if (error instanceof SessionError) throw error;
    const code = error instanceof vscode.FileSystemError ? error.code : '';
    const what = code === 'FileNotFound' ? 'the file was not found; it may have been moved or deleted'
      : code === 'NoPermissions' ? 'permission denied: the file cannot be read'
      : code === 'FileIsADirectory' ? 'this is a folder, not a mask file'
      : `the file cannot be read (${error instanceof Error ? error.message : String(error)})`;
    throw new SessionError(name, what);
  }
}

/** A detached header (.nhdr, .mhd) joined with the data file it names, beside it; other files as they are. */
async function withDataFile(uri: vscode.Uri, name: string, bytes: Uint8Array): Promise<Uint8Array> {
  let dataName: string | null;
  try {
    dataName = detachedDataFile(bytes);
    if (dataName === null) return bytes;
    dataName = checkDataFileName(dataName);
  } catch (error) {
    throw new SessionError(name, error instanceof Error ? error.message : String(error));
  }
  const dataUri = vscode.Uri.joinPath(uri, '..', dataName);
  try {
    return attachDataFile(bytes, await vscode.workspace.fs.readFile(dataUri));
  } catch (error) {
    throw new SessionError(name, `its data file "${dataName}" cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * A prediction with at least this many voxels (256×256×256) is previewed while it decodes: the
 * editor shows its first slice once half of it is decoded (OpenRequest.previewMinVoxels).
 */
const PREVIEW_MIN_VOXELS = 1 << 24;

export class MaskDocument extends Disposable implements vscode.CustomDocument {
  private readonly client: SessionWorkerClient;
  /**
   * Three-way mode: a second worker holding prediction B with the same label (no underlay), so
   * B's numbers are exactly a second comparison of the label (docs/three-way-editor.md).
   */
  private versusClient: SessionWorkerClient | null = null;
  private _state: DocumentState = { kind: 'loading' };
  private _preview: Extract<DocumentState, { kind: 'ready' }> | null = null;
  private _status: string | null = 'Opening…';
  private readonly _onDidChangeState = this._register(new vscode.EventEmitter<DocumentState>());
  /** The pair is ready, changed (swap, partner, kind…), or failed to open. */
  readonly onDidChangeState = this._onDidChangeState.event;
  private readonly _onDidChangeStatus = this._register(new vscode.EventEmitter<string | null>());
  /** What is being done (reading, decoding); null when done. */
  readonly onDidChangeStatus = this._onDidChangeStatus.event;
  private readonly openedAt = performance.now();
  private readonly _onDidDispose = new vscode.EventEmitter<void>();
  /** VS Code disposes the document when its last editor closes. */
  readonly onDidDispose = this._onDidDispose.event;

  /** The first dead worker is replaced without asking (workerDied); later ones after Retry. */
  private autoRebuilt = false;
  /**
   * A death not acted on yet: both clients of a three-way document use the one shared worker and
   * hear of its death one after the other; a death during a rebuild is acted on when it ends.
   */
  private death: SessionWorkerGoneError | null = null;
  /** A rebuild after a worker died, while it runs: requests wait for it (the fresh worker holds no pair yet). */
  private rebuilding: Promise<void> | null = null;

  constructor(readonly uri: vscode.Uri, private readonly deps: DocumentDeps, private readonly explicit: PairUris | null) {
    super();
    this.client = this._register(this.newClient(relativeName(uri)));
    void this.serial(() => this.load(explicit));
  }

  private newClient(name: string): SessionWorkerClient {
    return new SessionWorkerClient(this.deps.workers ?? this.deps.workerFile, `the Mask Inspector worker for ${name}`, (error) => this.workerDied(error));
  }

  /**
   * A session worker of this document died (out of memory, a crash), and the pair it held with it.
   * The first time, the document rebuilds at once: a fresh worker from the pool, the files read and
   * decoded again with the same kind, the panels re-initialised on the slice and axis they showed.
   * After that (or when that rebuild dies too) the error is shown with Retry, which rebuilds again.
   */
  private workerDied(error: SessionWorkerGoneError): void {
    if (this.isDisposed) return;
    this.deps.log.error(`${relativeName(this.uri)}: ${error.message}`);
    const pending = this.death !== null;
    this.death = error;
    // Acted on once: after every client heard of it (a microtask later), or when the rebuild in progress ends.
    if (!pending && this.rebuilding === null) queueMicrotask(() => this.actOnDeath());
  }

  private actOnDeath(): void {
    const error = this.death;
    this.death = null;
    if (error === null || this.isDisposed) return;
    if (!this.autoRebuilt) {
      this.autoRebuilt = true;
      this.deps.log.info(`${relativeName(this.uri)}: opening the pair again in a new worker`);
      void this.rebuild();
      return;
    }
    void vscode.window.showErrorMessage(`Mask Inspector: ${error.message}`, 'Retry').then((choice) => {
      if (choice === 'Retry' && !this.isDisposed) void this.rebuild();
    });
  }

  /** Fresh workers for dead ones, and the pair shown (or, before one was, the document's) opened in them again. */
  rebuild(): Promise<void> {
    this.rebuilding ??= this.serial(async () => {
      const dead = [this.client, this.versusClient].filter((c): c is SessionWorkerClient => c !== null && c.isDead);
      if (dead.length === 0 || this.isDisposed) return;
      for (const client of dead) client.revive();
      const state = this._state;
      await (state.kind === 'ready' ? this.load(state.uris, state.pair.kindOption) : this.load(this.explicit));
    }).finally(() => {
      this.rebuilding = null;
      // The fresh worker died too (while the pair was opened again, or since): Retry.
      this.actOnDeath();
    });
    return this.rebuilding;
  }

  /** True while a dead worker is being replaced and the pair opened again. */
  get isRebuilding(): boolean {
    return this.rebuilding !== null || (this.death !== null && !this.autoRebuilt);
  }

  /** Runs a request once a rebuild in progress is done (or failed: the request then reports the state). */
  private afterRebuild<T>(request: () => Promise<T>): Promise<T> {
    const rebuilding = this.rebuilding;
    return rebuilding === null ? request() : rebuilding.then(request, request);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this._onDidDispose.fire();
    this._onDidDispose.dispose();
  }

  get state(): DocumentState {
    return this._state;
  }

  get status(): string | null {
    return this._status;
  }

  /**
   * While the first pair loads: that pair as far as it is decoded (its kind and labels provisional,
   * its slices answered as they are decoded), to show before it is ready; null otherwise. Losses,
   * marks and commands wait for `state` to be ready. onDidChangeState fires when it appears.
   */
  get preview(): Extract<DocumentState, { kind: 'ready' }> | null {
    return this._state.kind === 'loading' ? this._preview : null;
  }

  private setState(state: DocumentState): void {
    if (this.isDisposed) return;
    this._state = state.kind === 'ready' ? { ...state, pair: this.named(state.pair, state.uris.label) } : state;
    this._preview = null;
    this._onDidChangeState.fire(state);
  }

  /** dataset.json label names by folder (a mask's folder), filled by open() before a pair is shown. */
  private readonly datasetNames = new Map<string, LabelNames | null>();

  /** Looks for nnU-Net's dataset.json beside or above `mask` (io/labelNames.ts findDatasetJson), once per folder. */
  private async loadDatasetNames(mask: vscode.Uri | null): Promise<void> {
    if (mask === null) return;
    const dir = vscode.Uri.joinPath(mask, '..');
    if (this.datasetNames.has(dir.toString())) return;
    const read: ReadText = async (path) => {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(dir.with({ path })));
      } catch {
        return null; // no dataset.json there: no names from it
      }
    };
    this.datasetNames.set(dir.toString(), (await findDatasetJson(dir.path, read))?.names ?? null);
  }

  /** The pair with every label name known: the label file's segments (from the worker), dataset.json, the setting. */
  private named(pair: PairSummary, label: vscode.Uri | null): PairSummary {
    const dataset = label === null ? null : this.datasetNames.get(vscode.Uri.joinPath(label, '..').toString()) ?? null;
    const names = labelNamesFor(null, dataset, parseLabelNamesSetting(readSettings(this.uri).labelNames));
    for (const [value, name] of Object.entries(pair.labelNames ?? {})) names.set(Number(value), name);
    const labelNames = labelNamesObject(names);
    return labelNames === undefined ? pair : { ...pair, labelNames };
  }

  private setStatus(status: string | null): void {
    if (this.isDisposed || status === this._status) return;
    this._status = status;
    this._onDidChangeStatus.fire(status);
  }

  /**
   * Opens `explicit` (or the pair found for the document) with `kind` (default: the setting), and
   * shows it or the failure. Never rejects.
   */
  private async load(explicit: PairUris | null, kind?: PredictionKindOption): Promise<void> {
    try {
      const settings = readSettings(this.uri);
      reportSettingsProblems(settings);
      this.setStatus('Looking for the matching label…');
      const uris = explicit ?? await resolvePairFor(this.uri, settings);
      if (this.isDisposed) return;
      const pair = await this.openWithFallbacks(uris, kind ?? settings.kind, settings.maxVoxels);
      if (this.isDisposed) return;
      this.deps.log.info(`${relativeName(this.uri)}: pair ready in ${(performance.now() - this.openedAt).toFixed(0)} ms ` +
        `(decode ${JSON.stringify(pair.pair.timings.decodeMs, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}, ` +
        `prepare ${pair.pair.timings.prepareMs.toFixed(0)} ms)`);
      this.setState(pair);
    } catch (error) {
      if (this.isDisposed) return;
      const file = error instanceof SessionError ? error.file : null;
      const message = error instanceof Error ? error.message : String(error);
      this.setStatus(null);
      if (error instanceof SessionWorkerGoneError) {
        // workerDied has logged it and rebuilds or offers Retry; a pair still shown stays until then.
        if (this._state.kind !== 'ready') this.setState({ kind: 'failed', file, message });
        return;
      }
      this.deps.log.error(`${relativeName(this.uri)}: ${file ? `${file}: ` : ''}${message}`);
      this.setState({ kind: 'failed', file, message });
      void vscode.window.showErrorMessage(`Mask Inspector could not open ${file ?? relativeName(this.uri)}: ${message}`);
    }
  }

  /**
   * Opens the pair; when it fails because of another file than the opened mask (the underlay,
   * or the partner that was found or chosen), opens with less and says why, so the editor stays
   * usable: "Choose Partner…" and "Open Underlay…" work on a mask shown alone.
   */
  private async openWithFallbacks(uris: PairUris, kind: PredictionKindOption, maxVoxels: number): Promise<Extract<DocumentState, { kind: 'ready' }>> {
    try {
      return await this.open(uris, kind, maxVoxels);
    } catch (error) {
      if (!(error instanceof SessionError) || error.file === null || this.isDisposed) throw error;
      const reason = `${error.file}: ${error.message}`;
      if (uris.underlay !== null && error.file === relativeName(uris.underlay)) {
        void vscode.window.showWarningMessage(`Mask Inspector: ${reason}. The masks are shown without an underlay.`);
        return this.openWithFallbacks({ ...uris, underlay: null }, kind, maxVoxels);
      }
      if (uris.label === null) throw error; // the mask itself is at fault: nothing less to show
      // Alone first, the warning after: if the mask itself is what is broken, only the error is shown.
      const alone = await this.open({ prediction: this.uri, label: null, underlay: null }, kind, maxVoxels).catch(() => { throw error; });
      this.deps.log.warn(`${relativeName(this.uri)}: not compared with its partner: ${reason}`);
      void vscode.window.showWarningMessage(
        `Mask Inspector could not compare ${relativeName(uris.prediction)} with ${relativeName(uris.label)} (${reason}). ` +
        `Showing ${relativeName(this.uri)} alone; use "Choose Partner…" to pick another file.`);
      return alone;
    }
  }

  /** Reads and opens a pair in the worker; the document's state is the caller's to change. */
  private async open(uris: PairUris, kind: PredictionKindOption, maxVoxels: number): Promise<Extract<DocumentState, { kind: 'ready' }>> {
    if (uris.versus !== undefined) return this.openVersus({ ...uris, versus: uris.versus }, kind, maxVoxels);
    const names = [uris.prediction, uris.label, uris.underlay].filter((u): u is vscode.Uri => u !== null).map(relativeName);
    try {
      this.setStatus(`Reading ${names.join(', ')}…`);
      const [prediction, label, underlay] = await Promise.all([
        readBytes(uris.prediction),
        uris.label ? readBytes(uris.label) : null,
        uris.underlay ? readBytes(uris.underlay) : null,
        // Both folders: a swap makes the prediction the label.
        this.loadDatasetNames(uris.label), this.loadDatasetNames(uris.prediction),
      ]);
      if (this.isDisposed) throw new DisposedError(relativeName(this.uri));
      this.setStatus(`Decoding ${names.join(', ')}…`);
      const key = pairKey(uris.prediction, uris.label);
      const precomputeAxis = this.deps.rememberedView(key)?.axis ?? readSettings(this.uri).defaultAxis;
      const pair = await this.client.open({
        prediction, label, underlay, kind, maxVoxels, params: DEFAULT_LOSS_PARAMS, jobs: this.deps.jobs, precomputeAxis,
        conventions: readConventionSettings(this.uri).settings,
        // Nothing is shown yet: a big pair is previewed while it decodes.
        previewMinVoxels: this._state.kind === 'loading' ? PREVIEW_MIN_VOXELS : null,
        onPreview: (preview) => {
          if (this.isDisposed || this._state.kind !== 'loading') return;
          this._preview = { kind: 'ready', pair: preview, uris, key };
          this._onDidChangeState.fire(this._state);
        },
      });
      return { kind: 'ready', pair, uris, key };
    } finally {
      this._preview = null; // this attempt's preview: replaced by its pair, or gone with its failure
      this.setStatus(null);
    }
  }

  /** Three-way mode: A with the label (and underlay) in the document's worker, B with the label in a second one. */
  private async openVersus(uris: PairUris & { versus: vscode.Uri }, kind: PredictionKindOption, maxVoxels: number): Promise<Extract<DocumentState, { kind: 'ready' }>> {
    if (uris.label === null) throw new SessionError(null, 'comparing two predictions needs their label');
    const names = [uris.prediction, uris.versus, uris.label, uris.underlay].filter((u): u is vscode.Uri => u !== null).map(relativeName);
    try {
      this.setStatus(`Reading ${names.join(', ')}…`);
      const [a, b, label, underlay] = await Promise.all([
        readBytes(uris.prediction), readBytes(uris.versus), readBytes(uris.label),
        uris.underlay ? readBytes(uris.underlay) : null, this.loadDatasetNames(uris.label),
      ]);
      if (this.isDisposed) throw new DisposedError(relativeName(this.uri));
      this.setStatus(`Decoding ${names.join(', ')}…`);
      const key = pairKey(uris.prediction, uris.label);
      const precomputeAxis = this.deps.rememberedView(key)?.axis ?? readSettings(this.uri).defaultAxis;
      this.versusClient ??= this._register(this.newClient(relativeName(uris.versus)));
      const common = { kind, maxVoxels, params: DEFAULT_LOSS_PARAMS, jobs: this.deps.jobs, precomputeAxis, previewMinVoxels: null };
      // The label's bytes go to both workers (each takes over its own copy).
      const labelB: FilePayload = { name: label.name, bytes: label.bytes.slice(0) };
      const [pairA, pairB] = await Promise.all([
        this.client.open({ ...common, prediction: a, label, underlay }),
        this.versusClient.open({ ...common, prediction: b, label: labelB, underlay: null }),
      ]);
      return { kind: 'ready', pair: withVersus(pairA, pairB), uris, key };
    } finally {
      this.setStatus(null);
    }
  }

  private ready(): Extract<DocumentState, { kind: 'ready' }> {
    const state = this._state;
    if (state.kind === 'ready') return state;
    throw new SessionError(null, state.kind === 'loading'
      ? 'the pair is still loading; try again when it is shown'
      : 'the pair could not be opened; close this editor and open it again after fixing the file');
  }

  /**
   * Pair changes run one at a time: each reads the roles the previous one left (the worker
   * orders them the same way), so a Swap right after a kind change cannot commit stale roles.
   */
  private changes: Promise<unknown> = Promise.resolve();

  private serial<T>(change: () => Promise<T>): Promise<T> {
    const next = this.changes.then(change);
    // The queue only orders; each caller gets (and reports) its own change's failure.
    this.changes = next.catch(() => undefined);
    return next;
  }

  private commit(pair: PairSummary, uris: PairUris): void {
    this.setState({ kind: 'ready', pair, uris, key: pairKey(uris.prediction, uris.label) });
  }

  swap(): Promise<void> {
    return this.serial(async () => {
      const { uris } = this.ready();
      if (uris.versus !== undefined) {
        // Three-way mode: Swap exchanges A and B (the label stays the label).
        const settings = readSettings(this.uri);
        this.setState(await this.openVersus({ ...uris, prediction: uris.versus, versus: uris.prediction }, settings.kind, settings.maxVoxels));
        return;
      }
      if (uris.label === null) throw new SessionError(null, 'there is no label to swap with; choose a partner first');
      const pair = await this.client.swap();
      this.commit(pair, { ...uris, prediction: uris.label, label: uris.prediction });
    });
  }

  /**
   * A new partner for the opened mask. Its role comes from the names (guessRoles); without a
   * clear answer the mask keeps its role. The pair is opened afresh, with an underlay if one is
   * found; until that succeeded the old pair stays on screen.
   */
  setPartner(partner: vscode.Uri): Promise<void> {
    return this.serial(() => this.openWithPartner(partner));
  }

  private async openWithPartner(partner: vscode.Uri): Promise<void> {
    // From the failed state ("Choose partner…" in its empty state): the mask with the new partner.
    const uris = this._state.kind === 'failed' ? { prediction: this.uri, label: null, underlay: null } : this.ready().uris;
    const settings = readSettings(this.uri);
    const maskIsLabel = uris.label !== null && uris.label.toString() === this.uri.toString();
    const mask = maskIsLabel ? uris.label! : uris.prediction;
    const roles = guessRoles(mask.path, partner.path, settings.pairingRules);
    const partnerIsPrediction = roles.confident ? roles.prediction === partner.path : maskIsLabel;
    const prediction = partnerIsPrediction ? partner : mask;
    const label = partnerIsPrediction ? mask : partner;
    const underlay = uris.underlay ?? await findUnderlayFor(prediction, label, settings);
    if (this.isDisposed) return;
    // A new pair gets the configured kind (auto by default), not the old pair's override.
    const next = await this.open({ prediction, label, underlay }, settings.kind, settings.maxVoxels);
    this.setState(next);
  }

  /** Opens these files instead (three-way roles changed, or a three-way editor asked for on an open mask). */
  reopen(uris: PairUris): Promise<void> {
    return this.serial(async () => {
      const settings = readSettings(this.uri);
      this.setState(await this.open(uris, settings.kind, settings.maxVoxels));
    });
  }

  setUnderlay(underlay: vscode.Uri): Promise<void> {
    return this.serial(async () => {
      this.ready();
      const pair = await this.client.replace('underlay', await readBytes(underlay));
      this.commit(pair, { ...this.ready().uris, underlay });
    });
  }

  setKind(kind: PredictionKindOption): Promise<void> {
    return this.serial(async () => {
      const { uris } = this.ready();
      const pair = await this.client.setKind(kind);
      if (this.versusClient !== null && uris.versus !== undefined) {
        this.setState({ kind: 'ready', pair: withVersus(pair, await this.versusClient.setKind(kind)), uris, key: pairKey(uris.prediction, uris.label) });
        return;
      }
      this.commit(pair, uris);
    });
  }

  slice(axis: Axis, index: number): Promise<SliceReply> {
    return this.afterRebuild(() => this.client.slice(axis, index));
  }

  losses(axis: Axis): Promise<LossesReply> {
    return this.afterRebuild(() => this.client.losses(axis));
  }

  /** Three-way mode: prediction B's worker (same label); null otherwise, and while a dead worker is replaced. */
  get versus(): SessionWorkerClient | null {
    const state = this._state;
    return state.kind === 'ready' && state.uris.versus !== undefined && this.rebuilding === null ? this.versusClient : null;
  }

  /** Evaluation metrics along `axis`, computed by the worker after that axis's losses. */
  metrics(axis: Axis, settings: MetricSettings): Promise<MetricsReply> {
    return this.afterRebuild(() => this.client.metrics(axis, settings));
  }
}

/** A's pair summary carrying B's name, kind and warnings; A's generation (B's changes with it). */
function withVersus(a: PairSummary, b: PairSummary): PairSummary {
  return { ...a, versus: { predictionName: b.predictionName, predictionKind: b.predictionKind, predictionChannels: b.predictionChannels, warnings: b.warnings } };
}
