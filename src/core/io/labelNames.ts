/**
 * Names of label values, from (first wins, per value):
 *   1. the label file itself (3D Slicer .seg.nrrd segment names: Volume.segments);
 *   2. nnU-Net's dataset.json in the label folder or the folder above it
 *      (`DatasetXXX/dataset.json` beside `labelsTr/`): `"labels": {"background": 0, "liver": 1}`
 *      (v2) or `{"0": "background", "1": "liver"}` (v1 / Medical Segmentation Decathlon);
 *   3. the `maskInspector.labels.names` setting: `{"1": "liver", "2": "tumour"}`.
 * Pure apart from the optional file lookups, which take a reader so the CLI (node:fs), the
 * extension host (vscode.workspace.fs) and tests share them.
 */
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { rgbHex } from './segmentColour';
import type { Volume } from './volume';

export type LabelNames = ReadonlyMap<number, string>;

export interface DatasetJson {
  readonly path: string;
  readonly names: LabelNames;
  /** nnU-Net's `file_ending` (".nii.gz", ".nrrd", …), when given. */
  readonly fileEnding?: string;
}

/** Reads a text file, or null when it is not there / not readable. */
export type ReadText = (path: string) => Promise<string | null>;

/** dataset.json contents → names and file ending; null when it is not a JSON object. */
export function parseDatasetJson(text: string, path: string): DatasetJson | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null; // not nnU-Net's file: no names from it (the caller looks no further)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const record = json as Record<string, unknown>;
  const names = new Map<number, string>();
  const labels = record['labels'];
  if (typeof labels === 'object' && labels !== null && !Array.isArray(labels)) {
    for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
      // v2: name → value (a list is an nnU-Net region: no single value, no name for it).
      if (typeof value === 'number' && Number.isInteger(value)) names.set(value, key);
      // v1 / MSD: "value" → name.
      else if (typeof value === 'string' && /^\d+$/.test(key)) names.set(Number(key), value);
    }
  }
  const ending = record['file_ending'];
  return { path, names, ...(typeof ending === 'string' && /^\.[\w.]+$/.test(ending) ? { fileEnding: ending } : {}) };
}

/** dataset.json in `labelDir`, else in its parent (POSIX paths). */
export async function findDatasetJson(labelDir: string, readText: ReadText): Promise<DatasetJson | null> {
  for (const dir of [labelDir, posix.dirname(labelDir)]) {
    const path = posix.join(dir, 'dataset.json');
    const text = await readText(path);
    if (text !== null) {
      const parsed = parseDatasetJson(text, path);
      if (parsed !== null) return parsed;
    }
  }
  return null;
}

/** The setting's value (`{"1": "liver"}`) as names; other entries are ignored. */
export function parseLabelNamesSetting(value: unknown): LabelNames {
  const names = new Map<number, string>();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return names;
  for (const [key, name] of Object.entries(value as Record<string, unknown>)) {
    if (/^\d+$/.test(key.trim()) && typeof name === 'string' && name.trim() !== '') names.set(Number(key), name.trim());
  }
  return names;
}

/** Names for a label volume: its own segments, then dataset.json, then the setting. */
export function labelNamesFor(label: Volume | null, dataset: LabelNames | null, setting: LabelNames | null): Map<number, string> {
  const out = new Map<number, string>();
  for (const source of [setting, dataset]) for (const [v, n] of source ?? []) out.set(v, n);
  for (const s of label?.segments ?? []) out.set(s.value, s.name);
  return out;
}

/**
 * The label file's own segment colours as CSS (`{"1": "#dd8265"}`): a .seg.nrrd's SegmentN_Color or a
 * DICOM-SEG's RecommendedDisplayCIELabValue; undefined when it gives none. They tint the editor's
 * label selector; other label sources (dataset.json, the setting) carry no colours.
 */
export function labelColoursObject(label: Volume | null): Record<string, string> | undefined {
  const entries = (label?.segments ?? []).flatMap((s) => (s.color === undefined ? [] : [[String(s.value), rgbHex(s.color)] as const]));
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** "1 liver" style text for a label key, or the bare key. */
export function labelTitle(label: number | 'foreground', names: LabelNames | undefined): string {
  const name = typeof label === 'number' ? names?.get(label) : undefined;
  return name === undefined ? String(label) : `${label} ${name}`;
}

/** A plain object for JSON (`{"1": "liver"}`), or undefined when there are none. */
export function labelNamesObject(names: LabelNames): Record<string, string> | undefined {
  if (names.size === 0) return undefined;
  return Object.fromEntries([...names].sort((a, b) => a[0] - b[0]).map(([v, n]) => [String(v), n]));
}

/**
 * The result with `name` on each label that has one (JSON `labels[].name`). The name goes right
 * after `label` so it reads naturally in the JSON output.
 */
export function withLabelNames<L extends { readonly label: number | 'foreground' }, T extends { readonly labels: readonly L[] }>(
  result: T, names: LabelNames,
): T {
  if (names.size === 0) return result;
  const labels = result.labels.map((l) => {
    const name = typeof l.label === 'number' ? names.get(l.label) : undefined;
    if (name === undefined) return l;
    const { label, ...rest } = l;
    return { label, name, ...rest } as unknown as L;
  });
  return { ...result, labels };
}

/** Label names of a label file found by node:fs: its segments, dataset.json beside/above it, the setting. */
export async function labelNamesForFile(labelPath: string, label: Volume | null, setting: LabelNames | null, readText: ReadText): Promise<Map<number, string>> {
  const dataset = await findDatasetJson(posix.dirname(labelPath.replace(/\\/g, '/')), readText);
  return labelNamesFor(label, dataset?.names ?? null, setting);
}

/** ReadText by node:fs (null when the file is missing or unreadable: then there are no names from it). */
export const readTextFile: ReadText = async (path) => {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
};

/**
 * `--label-names` of the CLI: "1=liver,2=tumour" (or the setting's JSON form); null when the
 * text is neither, so the caller can say what is expected.
 */
export function parseLabelNamesArg(text: string): Record<string, string> | null {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      return null;
    }
    const names = labelNamesObject(parseLabelNamesSetting(json));
    return names ?? null;
  }
  const out: Record<string, string> = {};
  for (const part of trimmed.split(',')) {
    const m = /^\s*(\d+)\s*=\s*(.+?)\s*$/.exec(part);
    if (m === null) return null;
    out[m[1]!] = m[2]!;
  }
  return Object.keys(out).length > 0 ? out : null;
}
