/**
 * The workspace's latest loss report: its report.json (path remembered in workspaceState, so the
 * cases view comes back after a restart), indexed (core/report/reportIndex.ts), reloaded when the
 * file changes (a rerun from the CLI). The cases view, the report panel and "Next Unreviewed
 * Worst Slice" read it; the context key `maskInspector.hasReport` follows it.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { PairRef } from '../core/analysis/triage';
import type { ReportMark, MarksLookup } from '../core/report/reportCsv';
import type { ReportSliceMark } from '../core/report/reportHtml';
import { MAX_REPORT_JSON_BYTES, type IndexedCase, type ReportIndex } from '../core/report/reportIndex';
import { Disposable, type IDisposable } from './dispose';
import { pairRefOf } from './marksStore';
import type { TriageStore } from './triageStore';
import { awaitReply } from '../worker/workerJob';
import type { ReportIndexJob, ReportIndexReply } from '../worker/reportIndexWorker';

const STATE_KEY = 'maskInspector.latestReport';
export const HAS_REPORT_CONTEXT = 'maskInspector.hasReport';

/** A case's files as URIs (report.json has absolute local paths). */
export function caseUris(c: { prediction: string; label: string }): { prediction: vscode.Uri; label: vscode.Uri } {
  return { prediction: vscode.Uri.file(c.prediction), label: vscode.Uri.file(c.label) };
}

export function casePair(c: { prediction: string; label: string }): PairRef {
  const uris = caseUris(c);
  return pairRefOf(uris.prediction, uris.label);
}

/**
 * Reads and indexes a report.json; throws an Error saying what is wrong. The bytes are read here
 * (workspace.fs: remote folders too) and parsed and indexed in a short-lived worker thread, so a
 * large report never blocks the extension host (docs/limits.md).
 */
export async function loadReportIndex(json: vscode.Uri): Promise<ReportIndex> {
  let bytes: Uint8Array;
  try {
    const { size } = await vscode.workspace.fs.stat(json);
    if (size > MAX_REPORT_JSON_BYTES) {
      throw new Error(`the file is ${(size / 1024 ** 2).toFixed(0)} MB, more than the ${MAX_REPORT_JSON_BYTES / 1024 ** 2} MB a report.json may be`);
    }
    bytes = await vscode.workspace.fs.readFile(json);
  } catch (error) {
    throw new Error(error instanceof vscode.FileSystemError && error.code === 'FileNotFound'
      ? 'the file is gone (moved or deleted?)' : `cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  // An exact-size copy to transfer: readFile may hand out a Node Buffer, a view into a shared
  // pool whose `.buffer` holds other memory (issue #9); `new Uint8Array(view)` always copies.
  const own = new Uint8Array(bytes).buffer;
  const worker = new Worker(join(__dirname, 'reportIndexWorker.js'));
  try {
    const job: ReportIndexJob = { id: 1, bytes: own };
    const reply = await awaitReply<ReportIndexReply>(worker, job, [own]);
    if (reply.type === 'error') throw new Error(reply.message);
    return reply.index;
  } finally {
    void worker.terminate();
  }
}

/** The report columns' marks lookup over the triage store, for the pairs of `cases` (by case id). */
export function marksLookupFor(cases: readonly { case: string; prediction: string; label: string }[], triage: TriageStore): MarksLookup {
  const pairs = new Map(cases.map((c) => [c.case, casePair(c)]));
  return (caseId, axis, slice): ReportMark | undefined => {
    const pair = pairs.get(caseId);
    if (pair === undefined || slice === null) return undefined;
    const m = triage.mark(pair, axis, slice);
    return m === undefined ? undefined : { reviewed: m.reviewed, flagged: m.flagged, ...(m.note !== undefined ? { note: m.note } : {}) };
  };
}

/** Every mark of the pairs of `cases`, as the report page shows them. */
export function reportMarksFor(cases: readonly { case: string; prediction: string; label: string }[], triage: TriageStore): ReportSliceMark[] {
  return cases.flatMap((c) => triage.marks(casePair(c)).map((m) => ({
    case: c.case, axis: m.axis, slice: m.slice, reviewed: m.reviewed, flagged: m.flagged, ...(m.note !== undefined ? { note: m.note } : {}),
  })));
}

export class LatestReport extends Disposable {
  private _uri: vscode.Uri | null = null;
  private _index: ReportIndex | null = null;
  private _problem: string | null = null;
  private watcher: IDisposable | undefined;
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** A report was set, reloaded, or could not be read. */
  readonly onDidChange = this._onDidChange.event;
  /** Resolves when the remembered report has been read (or found missing). */
  readonly ready: Promise<void>;

  constructor(private readonly memento: vscode.Memento, private readonly log: vscode.LogOutputChannel) {
    super();
    this._register({ dispose: () => this.watcher?.dispose() });
    const remembered = memento.get<string>(STATE_KEY);
    this.ready = remembered ? this.load(vscode.Uri.parse(remembered)) : this.publish();
  }

  /** report.json of the latest report; null when there is none. */
  get uri(): vscode.Uri | null { return this._uri; }
  get index(): ReportIndex | null { return this._index; }
  /** Why the remembered report cannot be shown; null when it can (or there is none). */
  get problem(): string | null { return this._problem; }

  /** Makes `json` the latest report and reads it; throws when it cannot be read (the previous one stays). */
  async set(json: vscode.Uri): Promise<ReportIndex> {
    const index = await loadReportIndex(json);
    await this.memento.update(STATE_KEY, json.toString());
    this.adopt(json, index, null);
    return index;
  }

  /** Reads the latest report again. */
  async reload(): Promise<void> {
    if (this._uri !== null) await this.load(this._uri);
  }

  findCase(caseId: string): IndexedCase | undefined {
    return this._index?.cases.find((c) => c.case === caseId);
  }

  private async load(json: vscode.Uri): Promise<void> {
    try {
      this.adopt(json, await loadReportIndex(json), null);
    } catch (error) {
      const problem = `${json.fsPath}: ${error instanceof Error ? error.message : String(error)}`;
      this.log.warn(`the latest loss report cannot be shown: ${problem}`);
      this.adopt(json, null, problem);
    }
  }

  private adopt(json: vscode.Uri, index: ReportIndex | null, problem: string | null): void {
    if (this._uri?.toString() !== json.toString()) {
      this.watcher?.dispose();
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(json, '..'), 'report.json'));
      const reload = () => { void this.load(json); };
      const subs = [w.onDidChange(reload), w.onDidCreate(reload), w.onDidDelete(reload)];
      this.watcher = { dispose: () => { for (const s of subs) s.dispose(); w.dispose(); } };
    }
    this._uri = json;
    this._index = index;
    this._problem = problem;
    void this.publish();
  }

  private async publish(): Promise<void> {
    // Listeners first and synchronously: whoever awaited set() sees the views updated.
    this._onDidChange.fire();
    await vscode.commands.executeCommand('setContext', HAS_REPORT_CONTEXT, this._index !== null);
  }
}
