/**
 * Writes a report folder: report.json, cases.csv, slices.csv, report.html.
 *
 * Memory stays bounded however many cases there are: each finished case's full result (every
 * slice row) and thumbnails go to a spool file in the output folder at once; only a small
 * CaseSummary stays in memory. `finish` then streams the four files case by case (plan order)
 * under temporary names and renames them into place — a reader never sees half a file, and an
 * older report in the folder is replaced only when the new one is complete. The spool is removed.
 */
import { mkdtemp, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { CasePair, FolderPlan } from '../analysis/folderPairing';
import { createExclusive, makeFolders, removeStale, temporaryName } from '../io/safeFs';
import type { CompareResult } from '../analysis/result';
import type { CaseOutcome } from './computeCase';
import { casesCsvHeader, casesCsvRows, slicesCsvHeader, slicesCsvRows, type MarksLookup } from './reportCsv';
import { conventionIdsOf } from '../kernels/conventions/conventionIds';
import { htmlCaseRows, htmlEnd, htmlStart, type HtmlColumns, type HtmlOptions } from './reportHtml';
import { reportGeometry } from './reportNames';
import {
  buildSummary, missingSummary, notRunSummary, REPORT_FORMAT_VERSION, reportCase, summariseCase,
  type CaseSummary, type ReportHeader, type ReportSettings,
} from './reportModel';
import type { Thumbnail } from './thumbnails';
import type { VersusPair, VersusPlan } from '../analysis/versusPairing';
import { versusCsvColumns } from './reportVersusCsv';
import { versusSectionHtml } from './reportVersusHtml';
import { buildVersusStats, versusQuantities, type ReportVersus } from './versusStats';

const SPOOL_PREFIX = '.mask-inspector-spool-';
/** Leftovers of a run: `.report.json.tmp-<pid>-…` (and the other three) and `.mask-inspector-spool-<pid>-…`. */
export const STALE_PATTERN = /^(?:\.(?:report\.json|cases\.csv|slices\.csv|report\.html)\.tmp|\.mask-inspector-spool)-(\d+)(?:-|$)/;

export const REPORT_FILE_NAMES = { json: 'report.json', casesCsv: 'cases.csv', slicesCsv: 'slices.csv', html: 'report.html' } as const;

export interface ReportFiles {
  readonly dir: string;
  readonly json: string;
  readonly casesCsv: string;
  readonly slicesCsv: string;
  readonly html: string;
}

export interface FinishOptions {
  readonly plan: FolderPlan;
  readonly settings: ReportSettings;
  readonly version: string;
  readonly seconds: number;
  /** Triage marks for the reviewed/flagged/note columns. */
  readonly marks?: MarksLookup;
  readonly html?: HtmlOptions;
  /** Fixed creation time (tests); default now. */
  readonly created?: Date;
  /** Two-prediction report: B's prediction folder. */
  readonly versus?: { readonly predictionsB: string };
  /**
   * A partial report (`report --shard I/N`): report.json gets `shard`, and the thumbnails go to
   * PART_THUMBNAILS so `merge` can draw the merged report.html.
   */
  readonly shard?: ShardInfo;
}

/** `report --shard index/count` of a plan of `planned` cases (all shards). */
export interface ShardInfo {
  readonly index: number;
  readonly count: number;
  readonly planned: number;
}

/** A partial report's thumbnails: one JSON line per case, {"case": …, "thumbnails": […]}. */
export const PART_THUMBNAILS = 'part-thumbnails.jsonl';

interface Spooled {
  readonly result: CompareResult;
  readonly thumbnails: readonly Thumbnail[];
  readonly resultB?: CompareResult;
}

/** Buffers small writes into ~1 MB chunks. */
class ChunkedFile {
  private chunks: string[] = [];
  private size = 0;
  private constructor(readonly path: string, private readonly handle: FileHandle) {}

  /** A new file, created exclusively (never through a planted file or symlink). */
  static async create(path: string): Promise<ChunkedFile> {
    return new ChunkedFile(path, await createExclusive(path));
  }

  async write(text: string): Promise<void> {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    if (text.length > 0) await this.handle.write(text);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }

  async abandon(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}

export class ReportWriter {
  private readonly summaries = new Map<number, CaseSummary>();
  private closed = false;

  private constructor(readonly dir: string, private readonly spool: string, private readonly worstCount: number) {}

  /**
   * Creates `dir` (and parents) and a spool folder inside it, after removing what killed runs
   * left there (temporary files and spools of processes that are gone).
   */
  static async create(dir: string, worstCount = 3): Promise<ReportWriter> {
    await makeFolders(dir);
    await removeStale(dir, STALE_PATTERN);
    const spool = await mkdtemp(join(dir, `${SPOOL_PREFIX}${process.pid}-`));
    return new ReportWriter(dir, spool, worstCount);
  }

  private spoolFile(index: number): string {
    return join(this.spool, `${index}.json`);
  }

  /** Records a finished case (`index`: its position in the plan). */
  async addCase(index: number, outcome: CaseOutcome, image: string | null): Promise<void> {
    if (this.closed) throw new Error('the report was already written');
    if (outcome.status === 'done') {
      const spooled: Spooled = { result: outcome.result, thumbnails: outcome.thumbnails, ...(outcome.resultB ? { resultB: outcome.resultB } : {}) };
      await writeFile(this.spoolFile(index), JSON.stringify(spooled), { flag: 'wx' });
    }
    this.summaries.set(index, summariseCase(index, outcome, image, this.worstCount));
  }

  /** Records a two-prediction report's case with a prediction in one folder only (not computed). */
  addMissing(index: number, pair: VersusPair): void {
    if (this.closed) throw new Error('the report was already written');
    this.summaries.set(index, missingSummary(index, pair, pair.missing!));
  }

  /** Cases recorded so far. */
  get recorded(): number {
    return this.summaries.size;
  }

  /** Writes the four files; cases never recorded are listed as not run (cancelled). */
  async finish(options: FinishOptions): Promise<ReportFiles> {
    if (this.closed) throw new Error('the report was already written');
    this.closed = true;
    const { plan } = options;
    const cases = plan.pairs.map((pair: CasePair, i) => this.summaries.get(i) ?? notRunSummary(i, pair));
    const notRun = cases.filter((c) => c.status === 'notRun').map((c) => c.case);
    const failed = cases.filter((c) => c.status === 'failed').length;
    const missing = cases.filter((c) => c.status === 'missing A' || c.status === 'missing B').length;
    const header: ReportHeader = {
      tool: { name: 'mask-inspector', version: options.version },
      reportFormat: REPORT_FORMAT_VERSION,
      created: (options.created ?? new Date()).toISOString(),
      status: notRun.length > 0 ? 'cancelled' : 'complete',
      settings: options.settings,
      plan: {
        pairs: plan.pairs.length, pairsByMode: plan.pairsByMode,
        unmatchedPredictions: plan.unmatchedPredictions, unmatchedLabels: plan.unmatchedLabels, ignored: plan.ignored,
        ...('planB' in plan ? { unmatchedPredictionsB: (plan as VersusPlan).planB.unmatchedPredictions } : {}),
      },
      counts: {
        planned: cases.length, computed: cases.length - failed - notRun.length - missing, failed, notRun: notRun.length,
        ...(options.versus ? { missing } : {}),
      },
      notRun,
      seconds: options.seconds,
      ...(options.shard ? { shard: options.shard } : {}),
    };
    const summary = buildSummary(cases);
    const versus: ReportVersus | null = options.versus ? { predictionsB: options.versus.predictionsB, stats: buildVersusStats(cases) } : null;
    const extra = versus ? versusCsvColumns(versusQuantities(cases)) : undefined;
    const done = cases.filter((c) => c.status === 'done');
    const columns = htmlColumnsOf(cases);
    const volumeMetricKeys = columns.metricKeys;
    const sliceMetricKeys = unionKeys(done.map((c) => c.sliceMetricKeys));
    const axis = options.settings.axis;

    const tmp = (name: string) => temporaryName(this.dir, name);
    const files = {
      json: await ChunkedFile.create(tmp(REPORT_FILE_NAMES.json)),
      casesCsv: await ChunkedFile.create(tmp(REPORT_FILE_NAMES.casesCsv)),
      slicesCsv: await ChunkedFile.create(tmp(REPORT_FILE_NAMES.slicesCsv)),
      html: await ChunkedFile.create(tmp(REPORT_FILE_NAMES.html)),
    };
    const thumbs = options.shard ? await ChunkedFile.create(tmp(PART_THUMBNAILS)) : null;
    try {
      const top = Object.entries({ ...header, summary, ...(versus ? { versus } : {}) }).map(([k, v]) => ` ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
      await files.json.write(`{\n${top.join(',\n')},\n "cases": [\n`);
      const conventionIds = options.settings.conventions ? conventionIdsOf(options.settings.conventions.list) : [];
      await files.casesCsv.write(casesCsvHeader(volumeMetricKeys, extra, conventionIds));
      await files.slicesCsv.write(slicesCsvHeader(sliceMetricKeys, conventionIds));
      const start = htmlStart(header, summary, cases, columns, options.html);
      if (versus) {
        // The A-versus-B section goes before the case table (htmlStart ends by opening it).
        const at = start.lastIndexOf('<h2>Cases</h2>');
        await files.html.write(start.slice(0, at) + versusSectionHtml(versus, cases, axis) + '\n' + start.slice(at));
      } else {
        await files.html.write(start);
      }
      for (const [i, c] of cases.entries()) {
        const spooled = c.status === 'done' ? JSON.parse(await readFile(this.spoolFile(c.index), 'utf8')) as Spooled : null;
        await files.json.write(`${i > 0 ? ',\n' : ''}${JSON.stringify(reportCase(c, spooled?.result ?? null, spooled?.resultB ?? null))}`);
        await files.casesCsv.write(casesCsvRows(c, volumeMetricKeys, axis, options.marks, extra, conventionIds));
        if (spooled) await files.slicesCsv.write(slicesCsvRows(c.case, spooled.result, sliceMetricKeys, options.marks, conventionIds));
        await files.html.write(htmlCaseRows(c, spooled?.result ?? null, spooled?.thumbnails ?? [], columns, axis));
        if (thumbs && spooled) await thumbs.write(JSON.stringify({ case: c.case, thumbnails: spooled.thumbnails }) + '\n');
      }
      await thumbs?.close();
      await files.json.write('\n ]\n}\n');
      await files.html.write(htmlEnd(options.html));
      for (const f of Object.values(files)) await f.close();
    } catch (error) {
      for (const f of Object.values(files)) await f.abandon();
      await thumbs?.abandon();
      await this.discard();
      throw error;
    }
    const out: ReportFiles = {
      dir: this.dir,
      json: join(this.dir, REPORT_FILE_NAMES.json), casesCsv: join(this.dir, REPORT_FILE_NAMES.casesCsv),
      slicesCsv: join(this.dir, REPORT_FILE_NAMES.slicesCsv), html: join(this.dir, REPORT_FILE_NAMES.html),
    };
    for (const key of ['json', 'casesCsv', 'slicesCsv', 'html'] as const) await rename(files[key].path, out[key]);
    if (thumbs) await rename(thumbs.path, join(this.dir, PART_THUMBNAILS));
    await this.discard();
    return out;
  }

  /** Removes the spool (after finish, or to give up without writing a report). */
  async discard(): Promise<void> {
    this.closed = true;
    await rm(this.spool, { recursive: true, force: true });
  }
}

/** The report page's columns for these cases (the writer and the report panel). */
export function htmlColumnsOf(cases: readonly CaseSummary[]): HtmlColumns {
  const done = cases.filter((c) => c.status === 'done');
  return {
    metricKeys: unionKeys(done.flatMap((c) => c.labels.map((l) => numericKeys(l.values.metrics)))),
    multiclass: done.some((c) => c.lovaszSoftmax !== null), geometry: reportGeometry(done),
  };
}

function numericKeys(o: Readonly<Record<string, unknown>> | undefined): string[] {
  return o ? Object.keys(o).filter((k) => typeof o[k] === 'number' || o[k] === null) : [];
}

function unionKeys(lists: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const list of lists) for (const k of list) if (!out.includes(k)) out.push(k);
  return out;
}
