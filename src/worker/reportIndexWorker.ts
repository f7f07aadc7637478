/**
 * Parses and indexes a report.json off the extension host's thread (issue #9: a large or hostile
 * report.json must not block the host). One job per worker: the host transfers the file's bytes,
 * gets back the compact ReportIndex (or the reason it cannot be read), and terminates the worker.
 */
import { parentPort } from 'node:worker_threads';
import { indexReport, type ReportIndex } from '../core/report/reportIndex';

export interface ReportIndexJob {
  readonly id: number;
  readonly bytes: ArrayBuffer;
}

export type ReportIndexReply =
  | { readonly id: number; readonly type: 'index'; readonly index: ReportIndex }
  | { readonly id: number; readonly type: 'error'; readonly message: string };

function indexBytes(job: ReportIndexJob): ReportIndexReply {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(job.bytes));
  } catch (error) {
    return { id: job.id, type: 'error', message: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  try {
    return { id: job.id, type: 'index', index: indexReport(parsed) };
  } catch (error) {
    return { id: job.id, type: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (job: ReportIndexJob) => parentPort?.postMessage(indexBytes(job)));
