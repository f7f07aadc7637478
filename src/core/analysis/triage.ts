/**
 * Triage marks that last and travel (issue #4): reviewed / flagged and a free-text note per slice
 * of a pair, kept in the workspace as `.mask-inspector/triage.json` so a team can commit and
 * share them. Pure: parsing and validating, keys, deterministic serialising, the three-way merge
 * used when the file changed on disk under unsaved changes, the CSV export and the atomic-write
 * sequence (over an interface). The vscode side is src/editor/triageStore.ts.
 *
 * The file (docs/reports.md "Triage"):
 *
 *   {
 *     "format": "mask-inspector-triage",
 *     "version": 1,
 *     "pairs": {
 *       "sample/predictions/liver_001.nii.gz|sample/labelsTr/liver_001.nii.gz": [
 *         {"axis":"k","slice":12,"reviewed":true,"flagged":false},
 *         {"axis":"k","slice":20,"reviewed":false,"flagged":true,"note":"FP at the kidney"}
 *       ]
 *     }
 *   }
 *
 * A pair's key is its two workspace-relative paths, `prediction|label` (a mask shown alone: just
 * its path). The same pair with the roles swapped is the same pair: lookups ignore the order, and
 * an entry keeps the order it was first written in. Pairs sort by key and marks by axis and
 * slice, one mark per line, so git diffs and merges stay line-sized.
 */
import { csvField } from '../csv';
import type { Axis } from './result';

export const TRIAGE_DIR = '.mask-inspector';
export const TRIAGE_FILE_NAME = 'triage.json';
/** Workspace-relative location of the triage file. */
export const TRIAGE_PATH = `${TRIAGE_DIR}/${TRIAGE_FILE_NAME}`;
export const TRIAGE_FORMAT = 'mask-inspector-triage';
export const TRIAGE_VERSION = 1;

const AXES: readonly Axis[] = ['i', 'j', 'k'];

/**
 * Bounds on what a (possibly hostile, committed) triage file or a webview message may hold
 * (docs/limits.md). No volume has a million slices along an axis (NIfTI-1 dims are int16);
 * the editor checks marks against the open pair's real shape on top of this.
 */
export const MAX_TRIAGE_SLICE = 1_048_575;
export const MAX_NOTE_CHARS = 4000;
/** Larger triage files are refused unread (a team's marks are kilobytes). */
export const MAX_TRIAGE_FILE_BYTES = 16 * 1024 * 1024;

/** Two masks compared; label null: a mask shown alone. Paths are workspace-relative. */
export interface PairRef {
  readonly prediction: string;
  readonly label: string | null;
}

export interface TriageMark {
  readonly axis: Axis;
  readonly slice: number;
  readonly reviewed: boolean;
  readonly flagged: boolean;
  /** Absent when there is none (never an empty string). */
  readonly note?: string;
}

export interface TriagePair extends PairRef {
  /** Sorted by axis, then slice; no two for one slice; never a mark with nothing set. */
  readonly marks: readonly TriageMark[];
}

/** Pairs by canonicalKey. */
export type TriageData = ReadonlyMap<string, TriagePair>;

export const EMPTY_TRIAGE: TriageData = new Map();

/** A change to one slice; fields left out keep their value. An empty note removes the note. */
export interface TriageChange {
  readonly axis: Axis;
  readonly slice: number;
  readonly reviewed?: boolean;
  readonly flagged?: boolean;
  readonly note?: string;
}

// ---------- keys ----------

/** The key written in the file: `prediction|label`, or the prediction alone. */
export function triageKey(pair: PairRef): string {
  return pair.label === null ? pair.prediction : `${pair.prediction}|${pair.label}`;
}

/** The file key back as a pair; null when it is not one (empty, or more than one `|`). */
export function parseTriageKey(key: string): PairRef | null {
  const parts = key.split('|');
  if (parts.length > 2 || parts.some((p) => p.length === 0)) return null;
  return { prediction: parts[0]!, label: parts[1] ?? null };
}

/** Order-insensitive identity of a pair (Swap keeps the marks): the two paths sorted. */
export function canonicalKey(pair: PairRef): string {
  if (pair.label === null) return pair.prediction;
  return pair.prediction <= pair.label ? `${pair.prediction}|${pair.label}` : `${pair.label}|${pair.prediction}`;
}

export function samePair(a: PairRef, b: PairRef): boolean {
  return canonicalKey(a) === canonicalKey(b);
}

// ---------- reading and changing ----------

function compareMarks(a: { axis: Axis; slice: number }, b: { axis: Axis; slice: number }): number {
  return a.axis < b.axis ? -1 : a.axis > b.axis ? 1 : a.slice - b.slice;
}

function isEmptyMark(m: TriageMark): boolean {
  return !m.reviewed && !m.flagged && m.note === undefined;
}

function makeMark(axis: Axis, slice: number, reviewed: boolean, flagged: boolean, note: string | undefined): TriageMark {
  return note !== undefined && note !== '' ? { axis, slice, reviewed, flagged, note } : { axis, slice, reviewed, flagged };
}

export function marksOf(data: TriageData, pair: PairRef): readonly TriageMark[] {
  return data.get(canonicalKey(pair))?.marks ?? [];
}

export function markOf(data: TriageData, pair: PairRef, axis: Axis, slice: number): TriageMark | undefined {
  return marksOf(data, pair).find((m) => m.axis === axis && m.slice === slice);
}

/** `data` with `change` applied (a new map; `data` is not modified). */
export function setTriageMark(data: TriageData, pair: PairRef, change: TriageChange): TriageData {
  checkSlice(change.axis, change.slice);
  checkNote(change.note?.trim());
  const key = canonicalKey(pair);
  const existing = data.get(key);
  const marks = existing?.marks ?? [];
  const previous = marks.find((m) => m.axis === change.axis && m.slice === change.slice);
  const next = makeMark(change.axis, change.slice,
    change.reviewed ?? previous?.reviewed ?? false,
    change.flagged ?? previous?.flagged ?? false,
    change.note !== undefined ? change.note.trim() : previous?.note);
  const others = marks.filter((m) => m !== previous);
  const updated = isEmptyMark(next) ? others : [...others, next].sort(compareMarks);
  const out = new Map(data);
  if (updated.length === 0) out.delete(key);
  // The first orientation written stays (a swapped editor does not flip the file's key).
  else out.set(key, { prediction: existing?.prediction ?? pair.prediction, label: existing ? existing.label : pair.label, marks: updated });
  return out;
}

function checkSlice(axis: Axis, slice: number): void {
  if (!AXES.includes(axis)) throw new RangeError(`the axis must be i, j or k (got ${String(axis)})`);
  if (!Number.isInteger(slice) || slice < 0 || slice > MAX_TRIAGE_SLICE) {
    throw new RangeError(`the slice must be a whole number from 0 to ${MAX_TRIAGE_SLICE} (got ${slice})`);
  }
}

function checkNote(note: string | undefined): void {
  if (note !== undefined && note.length > MAX_NOTE_CHARS) {
    throw new RangeError(`a note holds at most ${MAX_NOTE_CHARS} characters (this one has ${note.length})`);
  }
}

// ---------- the file ----------

export type TriageParse =
  | { readonly ok: true; readonly data: TriageData }
  | { readonly ok: false; readonly error: string };

/** Line and column of a character offset, 1-based. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** Combines two marks of one slice (duplicates after a merge): either reviewed/flagged, both notes. */
function combine(a: TriageMark, b: TriageMark): TriageMark {
  const notes = [a.note, b.note].filter((n): n is string => n !== undefined);
  const note = notes.length === 2 && notes[0] === notes[1] ? notes[0] : notes.join(' / ');
  return makeMark(a.axis, a.slice, a.reviewed || b.reviewed, a.flagged || b.flagged, note || undefined);
}

function mergeMarkLists(a: readonly TriageMark[], b: readonly TriageMark[]): TriageMark[] {
  const bySlice = new Map<string, TriageMark>();
  for (const m of [...a, ...b]) {
    const k = `${m.axis}:${m.slice}`;
    const seen = bySlice.get(k);
    bySlice.set(k, seen ? combine(seen, m) : m);
  }
  return [...bySlice.values()].filter((m) => !isEmptyMark(m)).sort(compareMarks);
}

/**
 * Reads the file's text. Any deviation from the format is an error naming where (the caller keeps
 * the file and refuses to overwrite it): not JSON, unresolved git conflict markers, another
 * format or a newer version, unknown fields, a bad key, axis, slice, flag or note. An empty file
 * is no marks. Two marks of one slice, or one pair under both orders (what a merge can leave),
 * are combined: reviewed or flagged if either is, both notes.
 */
export function parseTriage(text: string): TriageParse {
  if (text.length > MAX_TRIAGE_FILE_BYTES) return { ok: false, error: `the file is larger than ${MAX_TRIAGE_FILE_BYTES / 1024 / 1024} MB, the most a triage file may be` };
  if (text.trim() === '') return { ok: true, data: EMPTY_TRIAGE };
  const conflict = /^(<{7}|={7}|>{7})( |$)/m.exec(text);
  if (conflict) return { ok: false, error: `unresolved merge conflict markers (${conflict[1]} at ${position(text, conflict.index)}); resolve the conflict and save` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    return { ok: false, error: `not valid JSON (${message.replace(/ in JSON at position \d+.*$/, '')}${at ? ` at ${position(text, Number(at[1]))}` : ''})` };
  }
  const fail = (error: string): TriageParse => ({ ok: false, error });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('the file must hold a JSON object');
  const top = json as Record<string, unknown>;
  for (const k of Object.keys(top)) if (!['format', 'version', 'pairs'].includes(k)) return fail(`unknown field "${k}" at the top level`);
  if (top['format'] !== TRIAGE_FORMAT) return fail(`"format" must be "${TRIAGE_FORMAT}" (it is ${JSON.stringify(top['format'])})`);
  const version = top['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return fail(`"version" must be a whole number (it is ${JSON.stringify(version)})`);
  if (version > TRIAGE_VERSION) return fail(`written by a newer Mask Inspector (format version ${version}; this one reads ${TRIAGE_VERSION}); update the extension`);
  const pairs = top['pairs'];
  if (typeof pairs !== 'object' || pairs === null || Array.isArray(pairs)) return fail('"pairs" must be an object of "prediction|label": [marks]');
  const data = new Map<string, TriagePair>();
  for (const [key, list] of Object.entries(pairs as Record<string, unknown>)) {
    const pair = parseTriageKey(key);
    if (pair === null) return fail(`pairs["${key}"]: a key must be "prediction|label" or a single path (no empty part, at most one "|")`);
    if (!Array.isArray(list)) return fail(`pairs["${key}"] must be a list of marks`);
    const marks: TriageMark[] = [];
    for (const [i, raw] of list.entries()) {
      const where = `pairs["${key}"][${i}]`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`${where} must be an object`);
      const m = raw as Record<string, unknown>;
      for (const k of Object.keys(m)) if (!['axis', 'slice', 'reviewed', 'flagged', 'note'].includes(k)) return fail(`${where}: unknown field "${k}"`);
      if (!AXES.includes(m['axis'] as Axis)) return fail(`${where}.axis must be "i", "j" or "k" (it is ${JSON.stringify(m['axis'])})`);
      const slice = m['slice'];
      if (typeof slice !== 'number' || !Number.isInteger(slice) || slice < 0 || slice > MAX_TRIAGE_SLICE) {
        return fail(`${where}.slice must be a whole number from 0 to ${MAX_TRIAGE_SLICE} (it is ${JSON.stringify(slice)})`);
      }
      for (const flag of ['reviewed', 'flagged'] as const) {
        if (m[flag] !== undefined && typeof m[flag] !== 'boolean') return fail(`${where}.${flag} must be true or false (it is ${JSON.stringify(m[flag])})`);
      }
      if (m['note'] !== undefined && typeof m['note'] !== 'string') return fail(`${where}.note must be a string (it is ${JSON.stringify(m['note'])})`);
      const note = typeof m['note'] === 'string' ? m['note'].trim() : undefined;
      if (note !== undefined && note.length > MAX_NOTE_CHARS) return fail(`${where}.note has ${note.length} characters; a note holds at most ${MAX_NOTE_CHARS}`);
      marks.push(makeMark(m['axis'] as Axis, slice, m['reviewed'] === true, m['flagged'] === true, note || undefined));
    }
    const canonical = canonicalKey(pair);
    const seen = data.get(canonical);
    const merged = mergeMarkLists(seen?.marks ?? [], marks);
    if (merged.length > 0) data.set(canonical, { prediction: seen?.prediction ?? pair.prediction, label: seen ? seen.label : pair.label, marks: merged });
    else data.delete(canonical);
  }
  return { ok: true, data };
}

/** The file's text: deterministic (pairs by key, marks by axis and slice), one mark per line. */
export function serialiseTriage(data: TriageData): string {
  const entries = [...data.values()].filter((p) => p.marks.length > 0).map((p) => [triageKey(p), p] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = ['{', `  "format": ${JSON.stringify(TRIAGE_FORMAT)},`, `  "version": ${TRIAGE_VERSION},`];
  if (entries.length === 0) {
    lines.push('  "pairs": {}');
  } else {
    lines.push('  "pairs": {');
    entries.forEach(([key, pair], i) => {
      lines.push(`    ${JSON.stringify(key)}: [`);
      pair.marks.forEach((m, j) => {
        const fields: string[] = [`"axis":${JSON.stringify(m.axis)}`, `"slice":${m.slice}`, `"reviewed":${m.reviewed}`, `"flagged":${m.flagged}`];
        if (m.note !== undefined) fields.push(`"note":${JSON.stringify(m.note)}`);
        lines.push(`      {${fields.join(',')}}${j < pair.marks.length - 1 ? ',' : ''}`);
      });
      lines.push(`    ]${i < entries.length - 1 ? ',' : ''}`);
    });
    lines.push('  }');
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function sameMark(a: TriageMark | undefined, b: TriageMark | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.reviewed === b.reviewed && a.flagged === b.flagged && a.note === b.note;
}

export function triageEqual(a: TriageData, b: TriageData): boolean {
  return changedPairs(a, b).length === 0;
}

/** Canonical keys of the pairs whose marks differ between `a` and `b`. */
export function changedPairs(a: TriageData, b: TriageData): string[] {
  const out: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key)?.marks ?? [];
    const y = b.get(key)?.marks ?? [];
    if (x.length !== y.length || x.some((m, i) => m.axis !== y[i]!.axis || m.slice !== y[i]!.slice || !sameMark(m, y[i]))) out.push(key);
  }
  return out.sort();
}

/**
 * Three-way merge: `base` is what both sides started from (the file as last read), `ours` the
 * marks in memory, `theirs` the file now (a git pull, another window). Per slice, a side that did
 * not change it takes the other's value; when both changed it, field by field, ours wins where
 * both changed the same field. A pair keeps the orientation theirs has.
 */
export function mergeTriage(base: TriageData, ours: TriageData, theirs: TriageData): TriageData {
  const out = new Map<string, TriagePair>();
  const none: TriageMark = { axis: 'k', slice: 0, reviewed: false, flagged: false };
  for (const key of new Set([...base.keys(), ...ours.keys(), ...theirs.keys()])) {
    const find = (d: TriageData) => new Map((d.get(key)?.marks ?? []).map((m) => [`${m.axis}:${m.slice}`, m] as const));
    const [b, o, t] = [find(base), find(ours), find(theirs)];
    const marks: TriageMark[] = [];
    for (const slice of new Set([...b.keys(), ...o.keys(), ...t.keys()])) {
      const mb = b.get(slice), mo = o.get(slice), mt = t.get(slice);
      let m: TriageMark | undefined;
      if (sameMark(mo, mb)) m = mt;
      else if (sameMark(mt, mb)) m = mo;
      else {
        const [axis, index] = [slice.slice(0, 1) as Axis, Number(slice.slice(2))];
        const B = mb ?? none, O = mo ?? none, T = mt ?? none;
        const pick = <K extends 'reviewed' | 'flagged' | 'note'>(f: K): TriageMark[K] => (O[f] === B[f] ? T[f] : O[f]);
        m = makeMark(axis, index, pick('reviewed'), pick('flagged'), pick('note'));
      }
      if (m !== undefined && !isEmptyMark(m)) marks.push(m);
    }
    if (marks.length === 0) continue;
    const orient = theirs.get(key) ?? ours.get(key) ?? base.get(key)!;
    out.set(key, { prediction: orient.prediction, label: orient.label, marks: marks.sort(compareMarks) });
  }
  return out;
}

// ---------- export ----------

export const TRIAGE_CSV_COLUMNS = ['prediction', 'label', 'axis', 'slice', 'reviewed', 'flagged', 'note'] as const;


/** One row per marked slice, pairs by key, slices by axis and index. */
export function triageCsv(data: TriageData): string {
  const rows = [TRIAGE_CSV_COLUMNS.join(',')];
  const pairs = [...data.values()].sort((a, b) => (triageKey(a) < triageKey(b) ? -1 : triageKey(a) > triageKey(b) ? 1 : 0));
  for (const p of pairs) {
    for (const m of p.marks) {
      rows.push([p.prediction, p.label ?? '', m.axis, m.slice, m.reviewed, m.flagged, m.note ?? ''].map(csvField).join(','));
    }
  }
  return rows.join('\n') + '\n';
}

// ---------- writing ----------

/** What an atomic write needs of a file system (vscode.workspace.fs in the extension, a fake in tests). */
export interface AtomicFileSystem<P> {
  write(path: P, bytes: Uint8Array): Promise<void>;
  /** Replaces `to` if it exists (a rename within one folder is atomic on local file systems). */
  rename(from: P, to: P): Promise<void>;
  remove(path: P): Promise<void>;
}

/**
 * Writes `bytes` to `temp`, then renames it over `target`: a reader (git, another window, the
 * watcher) sees the old file or the new one, never half of one. On failure the temp file is
 * removed and the target is untouched.
 */
export async function writeAtomically<P>(fs: AtomicFileSystem<P>, target: P, temp: P, bytes: Uint8Array): Promise<void> {
  try {
    await fs.write(temp, bytes);
    await fs.rename(temp, target);
  } catch (error) {
    await fs.remove(temp).catch(() => undefined);
    throw error;
  }
}
