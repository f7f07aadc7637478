/**
 * The workspace's triage file, `.mask-inspector/triage.json` (src/core/analysis/triage.ts has the
 * format and the pure logic). One store per window, on the first workspace folder:
 *
 * - Marks live in memory and every change is written back at once, atomically (a temp file
 *   renamed over the file, through vscode.workspace.fs), one write at a time.
 * - A change on disk (git pull, a hand edit, another window) is picked up live through a
 *   FileSystemWatcher and merged with the marks in memory (three-way: unsaved local changes
 *   survive); onDidChange then tells the editors, the cases view and the report panel.
 *   Before each write the file is read again, so a change the watcher has not reported yet is
 *   merged too, never overwritten.
 * - A file that cannot be read (not JSON, conflict markers, unknown fields…) is never overwritten:
 *   the user is told once per problem (with "Open File"), the marks stay in memory, and writes
 *   wait until the file is fixed — then the marks made meanwhile are merged into it.
 * - Without a workspace folder marks are kept in memory only.
 */
import * as vscode from 'vscode';
import {
  changedPairs, EMPTY_TRIAGE, markOf, marksOf, mergeTriage, parseTriage, serialiseTriage, setTriageMark, triageEqual,
  writeAtomically, MAX_TRIAGE_FILE_BYTES, TRIAGE_DIR, TRIAGE_FILE_NAME, TRIAGE_PATH,
  type AtomicFileSystem, type PairRef, type TriageChange, type TriageData, type TriageMark,
} from '../core/analysis/triage';
import { Disposable } from './dispose';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Test hook and diagnostics: what the store currently knows. */
export interface TriageStoreState {
  readonly file: string | null;
  /** Why the file cannot be read; null when it is fine (or absent). */
  readonly problem: string | null;
  readonly pairs: number;
  readonly marks: number;
  readonly writes: number;
}

const workspaceFs: AtomicFileSystem<vscode.Uri> = {
  write: (uri, bytes) => Promise.resolve(vscode.workspace.fs.writeFile(uri, bytes)),
  rename: (from, to) => Promise.resolve(vscode.workspace.fs.rename(from, to, { overwrite: true })),
  remove: (uri) => Promise.resolve(vscode.workspace.fs.delete(uri, { useTrash: false })),
};

/** The triage file is larger than MAX_TRIAGE_FILE_BYTES: a problem like a parse error, and never read. */
class TooLarge extends Error {
  constructor(size: number) {
    super(`the file is ${(size / 1024 / 1024).toFixed(1)} MB, more than the ${MAX_TRIAGE_FILE_BYTES / 1024 / 1024} MB a triage file may be`);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class TriageStore extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<readonly PairRef[]>());
  /** Pairs whose marks changed (as they were before or are now: both orientations are the same pair). */
  readonly onDidChange = this._onDidChange.event;
  private data: TriageData = EMPTY_TRIAGE;
  /** The file's marks as last read or written: the merge base. */
  private base: TriageData = EMPTY_TRIAGE;
  /** The file's text as last read or written; null: there is no file. */
  private lastText: string | null = null;
  private problem: string | null = null;
  private notifiedProblem: string | null = null;
  private writes = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private pendingSave: Promise<void> | null = null;
  /** Resolves when the file has been read once. */
  readonly ready: Promise<void>;

  /** `folder`: where .mask-inspector/ goes (the first workspace folder); null: memory only. */
  constructor(private readonly folder: vscode.Uri | null, private readonly log: vscode.LogOutputChannel) {
    super();
    if (folder === null) {
      log.info('triage marks are kept in memory only: open a folder to keep them in .mask-inspector/triage.json');
      this.ready = Promise.resolve();
      return;
    }
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, TRIAGE_PATH)));
    const reload = () => { void this.serial(() => this.reload()); };
    this._register(watcher.onDidCreate(reload));
    this._register(watcher.onDidChange(reload));
    this._register(watcher.onDidDelete(reload));
    this.ready = this.serial(async () => { await this.reload(); });
  }

  /** The triage file; null without a workspace folder. */
  get file(): vscode.Uri | null {
    return this.folder === null ? null : vscode.Uri.joinPath(this.folder, TRIAGE_DIR, TRIAGE_FILE_NAME);
  }

  get state(): TriageStoreState {
    let marks = 0;
    for (const p of this.data.values()) marks += p.marks.length;
    return { file: this.file?.toString() ?? null, problem: this.problem, pairs: this.data.size, marks, writes: this.writes };
  }

  /** Every pair's marks (memory: includes changes not yet written). */
  all(): TriageData {
    return this.data;
  }

  marks(pair: PairRef): readonly TriageMark[] {
    return marksOf(this.data, pair);
  }

  mark(pair: PairRef, axis: TriageChange['axis'], slice: number): TriageMark | undefined {
    return markOf(this.data, pair, axis, slice);
  }

  /** Changes one slice's mark; resolves when it is written (or could not be: the user was told). */
  setMark(pair: PairRef, change: TriageChange): Promise<void> {
    this.replace(setTriageMark(this.data, pair, change));
    return this.requestSave();
  }

  /** Adds marks for slices the file has none for (the one-time import of workspaceState marks). */
  async importMarks(entries: readonly { pair: PairRef; marks: readonly TriageMark[] }[]): Promise<boolean> {
    await this.ready;
    if (this.problem !== null) return false;
    let next = this.data;
    for (const { pair, marks } of entries) {
      for (const m of marks) {
        if (markOf(next, pair, m.axis, m.slice) !== undefined) continue;
        next = setTriageMark(next, pair, { axis: m.axis, slice: m.slice, reviewed: m.reviewed, flagged: m.flagged, ...(m.note ? { note: m.note } : {}) });
      }
    }
    this.replace(next);
    await this.requestSave();
    return this.problem === null;
  }

  /** Waits for every queued read and write (tests, export). */
  async settled(): Promise<void> {
    await this.ready;
    for (;;) {
      const q = this.queue;
      await q;
      if (q === this.queue) return;
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private replace(next: TriageData): void {
    const before = this.data;
    this.data = next;
    const keys = changedPairs(before, next);
    if (keys.length > 0) this._onDidChange.fire(keys.map((k) => next.get(k) ?? before.get(k)!));
  }

  private requestSave(): Promise<void> {
    if (this.folder === null) return Promise.resolve();
    // Changes made while a save waits in the queue are written by that save.
    this.pendingSave ??= this.serial(async () => {
      this.pendingSave = null;
      await this.save();
    });
    return this.pendingSave;
  }

  /** The file's text, or null when there is none. A file above the size bound is not read: TooLarge. */
  private async readText(): Promise<string | null> {
    try {
      const { size } = await vscode.workspace.fs.stat(this.file!);
      if (size > MAX_TRIAGE_FILE_BYTES) throw new TooLarge(size);
      return decoder.decode(await vscode.workspace.fs.readFile(this.file!));
    } catch (error) {
      if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return null;
      throw error;
    }
  }

  /**
   * Takes in the file as it is now. Returns true when memory holds marks the file lacks (a save is
   * due). Runs in the queue.
   */
  private async reload(): Promise<boolean> {
    if (this.isDisposed) return false;
    let text: string | null;
    try {
      text = await this.readText();
    } catch (error) {
      if (error instanceof TooLarge) this.setProblem(error.message);
      else this.log.error(`${TRIAGE_PATH}: cannot be read: ${errorText(error)}`);
      return false;
    }
    if (text === this.lastText && this.problem === null) return false; // our own write, or nothing new
    const parsed = text === null ? { ok: true as const, data: EMPTY_TRIAGE } : parseTriage(text);
    if (!parsed.ok) {
      this.lastText = text;
      this.setProblem(parsed.error);
      return false;
    }
    if (this.problem !== null) this.log.info(`${TRIAGE_PATH} is readable again; the marks made meanwhile are merged into it`);
    this.problem = null;
    this.notifiedProblem = null;
    const merged = mergeTriage(this.base, this.data, parsed.data);
    this.base = parsed.data;
    this.lastText = text;
    if (text !== null) this.log.info(`${TRIAGE_PATH}: read ${parsed.data.size} pair${parsed.data.size === 1 ? '' : 's'} with marks`);
    this.replace(merged);
    const due = !triageEqual(merged, parsed.data);
    if (due) void this.requestSave();
    return due;
  }

  private setProblem(problem: string): void {
    this.problem = problem;
    this.log.error(`${TRIAGE_PATH} cannot be read: ${problem}. The file is kept as it is; marks stay in memory and are not saved until it is fixed.`);
    if (this.notifiedProblem === problem) return;
    this.notifiedProblem = problem;
    void vscode.window.showErrorMessage(
      `Mask Inspector: ${TRIAGE_PATH} cannot be read (${problem}). The file is left as it is; ` +
      'marks you make are kept in memory and saved into it once it is fixed.', 'Open File', 'Show Log',
    ).then((choice) => {
      if (choice === 'Open File' && this.file) void vscode.window.showTextDocument(this.file);
      if (choice === 'Show Log') this.log.show();
    });
  }

  /** Runs in the queue. */
  private async save(): Promise<void> {
    if (this.isDisposed || this.folder === null) return;
    // Whatever reached the disk since we last looked is merged first, never overwritten.
    let text: string | null;
    try {
      text = await this.readText();
    } catch (error) {
      if (error instanceof TooLarge) this.setProblem(error.message);
      this.log.error(`${TRIAGE_PATH}: cannot be read before saving: ${errorText(error)}; the marks are kept in memory`);
      return;
    }
    if (text !== this.lastText || this.problem !== null) await this.reload();
    if (this.problem !== null) {
      this.log.warn(`${TRIAGE_PATH}: not saved, the file cannot be read (${this.problem}); the marks are kept in memory`);
      return;
    }
    if (this.lastText !== null && triageEqual(this.data, this.base)) return;
    const out = serialiseTriage(this.data);
    const dir = vscode.Uri.joinPath(this.folder, TRIAGE_DIR);
    const temp = vscode.Uri.joinPath(dir, `.${TRIAGE_FILE_NAME}.tmp-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`);
    try {
      await vscode.workspace.fs.createDirectory(dir);
      await writeAtomically(workspaceFs, this.file!, temp, encoder.encode(out));
    } catch (error) {
      const message = `${TRIAGE_PATH} could not be saved: ${errorText(error)}. The marks are kept in memory.`;
      this.log.error(message);
      void vscode.window.showErrorMessage(`Mask Inspector: ${message}`, 'Show Log').then((c) => { if (c) this.log.show(); });
      return;
    }
    this.lastText = out;
    this.base = this.data;
    this.writes++;
  }
}
