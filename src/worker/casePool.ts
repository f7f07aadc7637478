/**
 * Runs the cases of a folder report on worker threads (dist/caseWorker.js), ONE case per worker
 * at a time, so memory is bounded by the pool size, not the number of cases: a worker gets its
 * next case only after its last outcome was handed to `onCase` (and that returned). Usable from
 * the CLI and the extension host: progress callback, AbortSignal cancellation (stop dispatching,
 * terminate the workers, keep what is done), and a failing or crashing case is recorded and the
 * run goes on.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CasePair } from '../core/analysis/folderPairing';
import type { CaseOptions, CaseOutcome } from '../core/report/computeCase';
import type { CaseJob, CaseReply } from './caseMessages';
import { mostCaseThreads } from './threadBudget';
import { awaitReply } from './workerJob';

/** dist/caseWorker.js next to the bundle that imports this module (dist/cli.js, dist/extension.js). */
export function defaultCaseWorkerFile(): string {
  return join(__dirname, 'caseWorker.js');
}

/** One worker per core, but no more than half the machine's memory allows (threadBudget.ts). */
export function defaultCaseJobs(): number {
  return mostCaseThreads();
}

export interface CaseProgress {
  readonly total: number;
  /** Cases finished, failed ones included. */
  readonly done: number;
  readonly failed: number;
  /** Case ids being computed now. */
  readonly running: readonly string[];
  /** The case that just finished; null when the event is a case starting. */
  readonly finished: CaseOutcome | null;
}

export interface RunCasesOptions {
  /** Worker threads (default defaultCaseJobs(); never more than the number of cases). */
  readonly jobs?: number;
  readonly signal?: AbortSignal;
  readonly workerFile?: string;
  readonly onProgress?: (progress: CaseProgress) => void;
  /**
   * Each finished case, in completion order, one call at a time. The worker that computed it
   * waits for this to return, so a slow consumer slows the run instead of piling up results.
   * A throw stops the run (workers terminated) and runCases rejects with it.
   */
  readonly onCase?: (outcome: CaseOutcome) => void | Promise<void>;
}

export interface RunCasesResult {
  readonly cancelled: boolean;
  readonly done: number;
  readonly failed: number;
  /** Cases not finished because the run was cancelled, in the given order. */
  readonly notRun: readonly CasePair[];
  readonly seconds: number;
  readonly jobs: number;
  /** Largest process RSS (all threads) a worker reported after a case, in bytes. */
  readonly peakRss: number;
}

class Aborted extends Error {}

function runOnWorker(worker: Worker, job: CaseJob): Promise<CaseReply> {
  return awaitReply<CaseReply>(worker, job);
}

export async function runCases(pairs: readonly CasePair[], options: CaseOptions, run: RunCasesOptions = {}): Promise<RunCasesResult> {
  const t0 = performance.now();
  const jobs = Math.max(0, Math.min(run.jobs ?? defaultCaseJobs(), pairs.length));
  const workerFile = run.workerFile ?? defaultCaseWorkerFile();
  if (jobs > 0 && !existsSync(workerFile)) throw new Error(`${workerFile}: the case worker bundle is missing (run the build)`);
  const finished = new Set<number>();
  const running = new Map<number, string>();
  const workers = new Set<Worker>();
  let next = 0, done = 0, failed = 0, nextId = 0, peakRss = 0;
  let stopped = run.signal?.aborted ?? false;
  let fatal: unknown = null;
  let delivering: Promise<void> = Promise.resolve();

  const progress = (outcome: CaseOutcome | null) =>
    run.onProgress?.({ total: pairs.length, done, failed, running: [...running.values()], finished: outcome });
  const stop = () => {
    stopped = true;
    for (const w of workers) void w.terminate();
  };
  run.signal?.addEventListener('abort', stop, { once: true });

  const spawn = () => {
    const w = new Worker(workerFile);
    // Errors surface through runOnWorker; this keeps an idle worker's crash from being unhandled.
    w.on('error', () => undefined);
    workers.add(w);
    return w;
  };
  const retire = (w: Worker) => { workers.delete(w); void w.terminate(); };

  const deliver = (outcome: CaseOutcome): Promise<void> => {
    const step = delivering.then(async () => {
      if (fatal !== null) throw new Aborted();
      await run.onCase?.(outcome);
    });
    delivering = step.catch(() => undefined);
    return step;
  };

  const loop = async () => {
    let worker = spawn();
    try {
      while (!stopped && next < pairs.length) {
        const index = next++;
        const pair = pairs[index]!;
        running.set(index, pair.case);
        progress(null);
        let outcome: CaseOutcome;
        try {
          const reply = await runOnWorker(worker, { id: nextId++, pair, options });
          peakRss = Math.max(peakRss, reply.rss);
          outcome = reply.outcome;
        } catch (error) {
          running.delete(index);
          if (stopped) break;
          // The worker died with the case (out of memory, a native crash): record it, start a fresh one.
          outcome = {
            case: pair.case, prediction: pair.prediction, label: pair.label, status: 'failed', seconds: 0,
            error: { file: null, message: `the worker computing this case crashed: ${error instanceof Error ? error.message : String(error)}` },
          };
          retire(worker);
          worker = spawn();
        }
        try {
          await deliver(outcome);
        } catch (error) {
          if (!(error instanceof Aborted) && fatal === null) fatal = error;
          stop();
          break;
        }
        running.delete(index);
        finished.add(index);
        done++;
        if (outcome.status === 'failed') failed++;
        progress(outcome);
      }
    } finally {
      retire(worker);
    }
  };

  try {
    if (!stopped) await Promise.all(Array.from({ length: jobs }, loop));
  } finally {
    run.signal?.removeEventListener('abort', stop);
    await Promise.all([...workers].map((w) => w.terminate()));
  }
  if (fatal !== null) throw fatal;
  const notRun = pairs.filter((_, i) => !finished.has(i));
  return {
    cancelled: notRun.length > 0, done, failed, notRun, seconds: (performance.now() - t0) / 1000, jobs, peakRss,
  };
}
