/**
 * The report panel's page, rendered from the tool's own template (reportHtml.ts) and the
 * report's report.json — never from the report.html on disk (issue #9: the panel handed its
 * nonce to every <script> in that file, so a hand-made or committed report.html ran script in
 * the webview, which can post `openCase`). The only thing taken from report.html is the
 * thumbnails, and only as strictly matched base64 PNG data: URIs with numeric sizes (the CSP
 * allows images from data: only). Every text from report.json goes through escapeHtml.
 */
import type { CompareResult } from '../analysis/result';
import { escapeHtml } from '../escape';
import type { CaseOutcome } from './computeCase';
import { htmlCaseRows, htmlEnd, htmlStart, type HtmlOptions } from './reportHtml';
import { buildSummary, missingSummary, notRunSummary, summariseCase, type CaseSummary, type ReportHeader } from './reportModel';
import { versusSectionHtml } from './reportVersusHtml';
import { buildVersusStats } from './versusStats';
import { htmlColumnsOf } from './reportWriter';
import type { Thumbnail } from './thumbnails';

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Thumbnail images by `escaped case \0 escaped label`: only data:image/png;base64 with numeric sizes. */
export function thumbnailsFromHtml(html: string | null): Map<string, { slice: number; width: number; height: number; png: string }[]> {
  const out = new Map<string, { slice: number; width: number; height: number; png: string }[]>();
  if (html === null) return out;
  const row = /<tr data-case="([^"<>]*)" data-slice="\d*" data-axis="[ijk]" data-label="([^"<>]*)"><td[^>]*>[^<]*<\/td><td class="t">[^<]*<\/td><td class="t">done<\/td><td class="t thumbs">((?:<img [^<>]*>)*)<\/td>/g;
  const img = /<img src="(data:image\/png;base64,[A-Za-z0-9+/]+={0,2})" width="(\d{1,4})" height="(\d{1,4})" alt="slice (\d{1,7})"/g;
  for (const m of html.matchAll(row)) {
    const list = [...m[3]!.matchAll(img)].map((i) => ({ png: i[1]!, width: Number(i[2]), height: Number(i[3]), slice: Number(i[4]) }));
    if (list.length > 0) out.set(`${m[1]}\u0000${m[2]}`, list);
  }
  return out;
}

/**
 * The page for a parsed report.json (already accepted by indexReport), with the thumbnails of
 * `htmlOnDisk` when it has them. Throws an Error when the file's fields are not what this
 * version writes.
 */
export function renderReportPage(json: unknown, htmlOnDisk: string | null, options: HtmlOptions): string {
  const top = record(json);
  const settings = record(top['settings']);
  const axis = settings['axis'] === 'i' || settings['axis'] === 'j' ? settings['axis'] : 'k';
  const thumbs = thumbnailsFromHtml(htmlOnDisk);
  const rawCases = Array.isArray(top['cases']) ? top['cases'] as unknown[] : [];
  const results: (CompareResult | null)[] = [];
  const thumbnailsOf: Thumbnail[][] = [];
  const cases: CaseSummary[] = rawCases.map((raw, index) => {
    const c = record(raw);
    const base = { case: str(c['case']) || `case ${index + 1}`, prediction: str(c['prediction_file']), label: str(c['reference_file']) };
    const image = typeof c['image_file'] === 'string' ? c['image_file'] : null;
    const result = c['status'] === 'done' && Array.isArray(record(c['result'])['labels']) ? c['result'] as CompareResult : null;
    // A two-prediction report: model B's result of the case (its own shape, checked like A's).
    const versus = record(c['versus']);
    const resultB = result !== null && Array.isArray(record(versus['result'])['labels']) ? versus['result'] as CompareResult : null;
    results.push(result);
    thumbnailsOf.push([]);
    if (c['status'] === 'missing A' || c['status'] === 'missing B') {
      const predictionB = typeof versus['prediction_file'] === 'string' ? versus['prediction_file'] : null;
      return missingSummary(index, { ...base, predictionB, image }, c['status'] === 'missing A' ? 'A' : 'B');
    }
    if (c['status'] === 'failed' || (c['status'] === 'done' && result === null)) {
      const error = record(c['error']);
      const outcome: CaseOutcome = { ...base, status: 'failed', seconds: numOrNull(c['seconds']) ?? 0,
        error: { file: typeof error['file'] === 'string' ? error['file'] : null, message: str(error['message']) || 'not readable in report.json' } };
      return summariseCase(index, outcome, image, 3);
    }
    if (result === null) return notRunSummary(index, { ...base, image });
    const summary = summariseCase(index, {
      ...base, status: 'done', seconds: numOrNull(c['seconds']) ?? 0, result, thumbnails: [], ...(resultB ? { resultB } : {}),
    }, image, 3);
    thumbnailsOf[index] = summary.labels.flatMap((l) => {
      const slices = result.labels.find((r) => r.label === l.label)?.slices ?? [];
      return (thumbs.get(`${escapeHtml(summary.case)}\u0000${escapeHtml(String(l.label))}`) ?? []).map((t) => ({
        ...t, label: l.label, dice: slices.find((s) => s.index === t.slice)?.losses.dice ?? Number.NaN,
      }));
    });
    return summary;
  });
  const counts = record(top['counts']);
  const header = {
    ...top,
    created: str(top['created']), status: top['status'] === 'cancelled' ? 'cancelled' : 'complete',
    settings: { ...settings, axis, predictionDir: str(settings['predictionDir']), labelDir: str(settings['labelDir']) },
    counts: {
      planned: numOrNull(counts['planned']) ?? cases.length, computed: numOrNull(counts['computed']) ?? 0,
      failed: numOrNull(counts['failed']) ?? 0, notRun: numOrNull(counts['notRun']) ?? 0,
    },
    notRun: Array.isArray(top['notRun']) ? (top['notRun'] as unknown[]).filter((n): n is string => typeof n === 'string') : [],
    seconds: numOrNull(top['seconds']) ?? 0,
  } as unknown as ReportHeader;
  const columns = htmlColumnsOf(cases);
  let start = htmlStart(header, buildSummary(cases), cases, columns, options);
  const versusTop = record(top['versus']);
  if (typeof versusTop['predictionsB'] === 'string') {
    // The A-versus-B section, as report.html has it, with its statistics recomputed from the cases
    // (the same function the report writer used), not taken from the file.
    const at = start.lastIndexOf('<h2>Cases</h2>');
    const section = versusSectionHtml({ predictionsB: versusTop['predictionsB'], stats: buildVersusStats(cases) }, cases, axis);
    start = `${start.slice(0, at)}${section}\n${start.slice(at)}`;
  }
  const parts = [start];
  cases.forEach((c, i) => parts.push(htmlCaseRows(c, results[i]!, thumbnailsOf[i]!, columns, axis)));
  parts.push(htmlEnd(options));
  return parts.join('');
}
