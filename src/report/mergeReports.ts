/**
 * `mask-inspector merge PART_DIR… --out DIR` (issue #12): joins the partial reports of
 * `report --shard I/N` into the report an unsharded run writes — report.json identical but for
 * `created` and `seconds` (the sum of the parts'), the same cases.csv and slices.csv rows, and a
 * report.html with every case. The merged report records nothing about its parts.
 *
 * Every check runs before anything is written: each folder must hold a partial report, the parts
 * must be 0 … N−1 of one N exactly once, and made with the same settings (tool version, report
 * format, settings, plan, --versus folder). Otherwise MergeError: one line naming the part
 * folders and shard indices. Memory: one part's report.json at a time.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FolderPlan } from '../core/analysis/folderPairing';
import type { CompareResult } from '../core/analysis/result';
import type { VersusPair, VersusPlan } from '../core/analysis/versusPairing';
import type { CaseError, CaseOutcome } from '../core/report/computeCase';
import type { ReportCase, ReportHeader } from '../core/report/reportModel';
import { PART_THUMBNAILS, REPORT_FILE_NAMES, ReportWriter, type ReportFiles } from '../core/report/reportWriter';
import type { Thumbnail } from '../core/report/thumbnails';
import type { ReportVersus } from '../core/report/versusStats';

export class MergeError extends Error {}

type PartCase = ReportCase & { readonly status: string };

interface PartJson extends ReportHeader {
  readonly versus?: ReportVersus;
  readonly cases: readonly PartCase[];
}

interface Part {
  readonly dir: string;
  readonly header: ReportHeader & { readonly shard: NonNullable<ReportHeader['shard']> };
  readonly predictionsB: string | null;
  readonly cases: number;
}

const name = (p: Part) => `${p.dir} (shard ${p.header.shard.index}/${p.header.shard.count})`;

async function readPart(dir: string): Promise<PartJson> {
  let text: string;
  try {
    text = await readFile(join(dir, REPORT_FILE_NAMES.json), 'utf8');
  } catch {
    throw new MergeError(`${dir}: no ${REPORT_FILE_NAMES.json} there; give the folders \`report --shard I/N --out …\` wrote`);
  }
  let json: PartJson;
  try {
    json = JSON.parse(text) as PartJson;
  } catch {
    throw new MergeError(`${dir}: ${REPORT_FILE_NAMES.json} is not valid JSON (an unfinished part?); rerun that shard`);
  }
  const s = json.shard;
  if (typeof s !== 'object' || s === null || !Number.isInteger(s.index) || !Number.isInteger(s.count) || !Number.isInteger(s.planned)) {
    throw new MergeError(`${dir}: not a partial report (its ${REPORT_FILE_NAMES.json} has no "shard"); merge joins the parts of \`report --shard I/N\``);
  }
  return json;
}

/** What must be equal across parts: everything but the part's own cases, counts, timing and index. */
function settingsKey(h: PartJson): Record<string, unknown> {
  const { pairs: _pairs, ...plan } = h.plan;
  return {
    tool: h.tool, reportFormat: h.reportFormat, settings: h.settings, plan,
    predictionsB: h.versus?.predictionsB ?? null, shards: h.shard!.count, planned: h.shard!.planned,
  };
}

function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b as object)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d !== null) return d;
    }
  }
  return path;
}

/** Reads and checks the parts (nothing written); in shard order. */
export async function checkParts(dirs: readonly string[]): Promise<Part[]> {
  if (dirs.length === 0) throw new MergeError('merge takes the part folders of `report --shard I/N` (none given)');
  const parts: Part[] = [];
  let reference: { part: Part; key: Record<string, unknown> } | null = null;
  for (const dir of dirs) {
    const json = await readPart(dir);
    const { cases, ...header } = json;
    const part: Part = { dir, header: header as Part['header'], predictionsB: json.versus?.predictionsB ?? null, cases: cases.length };
    const key = settingsKey(json);
    if (reference === null) reference = { part, key };
    else if (key['shards'] !== reference.key['shards'] || key['planned'] !== reference.key['planned']) {
      throw new MergeError(`${name(part)} and ${name(reference.part)} are parts of different splits ` +
        `(${part.header.shard.count} parts of ${part.header.shard.planned} cases vs ${reference.part.header.shard.count} of ${reference.part.header.shard.planned})`);
    } else {
      const differs = firstDifference(key, reference.key, '');
      if (differs !== null) {
        throw new MergeError(`${name(part)} was made with other settings than ${name(reference.part)} (${differs} differs); ` +
          'rerun every shard with the same options and inputs');
      }
    }
    parts.push(part);
  }
  const count = parts[0]!.header.shard.count;
  const byIndex = new Map<number, Part[]>();
  for (const p of parts) byIndex.set(p.header.shard.index, [...(byIndex.get(p.header.shard.index) ?? []), p]);
  const twice = [...byIndex].filter(([, ps]) => ps.length > 1).sort(([a], [b]) => a - b);
  if (twice.length > 0) {
    const [index, ps] = twice[0]!;
    throw new MergeError(`shard ${index}/${count} is given ${ps.length} times: ${ps.map((p) => p.dir).join(', ')}; give each part once`);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new MergeError(`shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing ` +
      `(given: ${[...parts].sort((a, b) => a.header.shard.index - b.header.shard.index).map(name).join(', ')}); run ${missing.length === 1 ? 'it' : 'them'} first`);
  }
  const sorted = [...parts].sort((a, b) => a.header.shard.index - b.header.shard.index);
  const total = sorted.reduce((n, p) => n + p.cases, 0);
  if (total !== sorted[0]!.header.shard.planned) {
    throw new MergeError(`the parts hold ${total} cases but were split from ${sorted[0]!.header.shard.planned} ` +
      `(${sorted.map((p) => `${name(p)}: ${p.cases}`).join(', ')}); rerun the shards`);
  }
  return sorted;
}

async function partThumbnails(dir: string): Promise<Map<string, Thumbnail[]>> {
  const out = new Map<string, Thumbnail[]>();
  try {
    const lines = createInterface({ input: createReadStream(join(dir, PART_THUMBNAILS), 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as { case: string; thumbnails: Thumbnail[] };
      out.set(entry.case, entry.thumbnails);
    }
  } catch {
    // A part without thumbnails: its cases are drawn without them (report.json and the CSVs do not depend on them).
  }
  return out;
}

/** The pair of a part's case, as the plan had it. */
function pairOf(c: PartCase, versus: boolean): VersusPair {
  const predictionB = versus ? c.versus?.prediction_file ?? null : null;
  const missing = c.status === 'missing A' ? 'A' : c.status === 'missing B' ? 'B' : null;
  return { case: c.case, prediction: c.prediction_file, label: c.reference_file, image: c.image_file, predictionB, missing };
}

function outcomeOf(c: PartCase, thumbnails: readonly Thumbnail[], versus: boolean): CaseOutcome | null {
  const base = {
    case: c.case, prediction: c.prediction_file, label: c.reference_file, seconds: c.seconds ?? 0,
    ...(versus && c.versus ? { predictionB: c.versus.prediction_file ?? '' } : {}),
  };
  if (c.status === 'done' && c.result) {
    const resultB = c.versus?.result as CompareResult | null | undefined;
    return { ...base, status: 'done', result: c.result, thumbnails, ...(resultB ? { resultB } : {}) };
  }
  if (c.status === 'failed') return { ...base, status: 'failed', error: c.error as CaseError };
  return null;
}

/** Checks the parts, then writes the merged report to `outDir`. */
export async function mergeReports(dirs: readonly string[], outDir: string): Promise<ReportFiles> {
  const parts = await checkParts(dirs);
  const h = parts[0]!.header;
  const versus = parts[0]!.predictionsB !== null;
  const writer = await ReportWriter.create(outDir, h.settings.thumbnails.perLabel);
  const pairs: VersusPair[] = [];
  try {
    for (const part of parts) {
      const { cases } = await readPart(part.dir);
      const thumbs = await partThumbnails(part.dir);
      for (const c of cases) {
        const index = pairs.length;
        const pair = pairOf(c, versus);
        pairs.push(pair);
        if (pair.missing !== null && versus) { writer.addMissing(index, pair); continue; }
        const outcome = outcomeOf(c, thumbs.get(c.case) ?? [], versus);
        if (outcome) await writer.addCase(index, outcome, c.image_file);
      }
    }
  } catch (error) {
    await writer.discard();
    throw error;
  }
  const base: FolderPlan = {
    requested: h.settings.pairing.requested, mode: h.settings.pairing.mode,
    predictionDir: h.settings.predictionDir, labelDir: h.settings.labelDir, pairs,
    unmatchedPredictions: h.plan.unmatchedPredictions, unmatchedLabels: h.plan.unmatchedLabels, ignored: h.plan.ignored,
    pairsByMode: h.plan.pairsByMode as FolderPlan['pairsByMode'],
  };
  const plan: FolderPlan = versus ? {
    ...base, predictionDirB: parts[0]!.predictionsB!,
    planB: { ...base, unmatchedPredictions: h.plan.unmatchedPredictionsB ?? [] },
  } as VersusPlan : base;
  return writer.finish({
    plan, settings: h.settings, version: h.tool.version,
    seconds: parts.reduce((s, p) => s + p.header.seconds, 0),
    ...(versus ? { versus: { predictionsB: parts[0]!.predictionsB! } } : {}),
  });
}
