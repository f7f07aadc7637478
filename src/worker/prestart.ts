/**
 * Range workers started by the `mask-inspector` entry (src/cliEntry.ts) before Node has compiled
 * the rest of the CLI. A worker takes ≈ 40 ms to boot, and `compare` needs one at once: it
 * inflates the label while the CLI's thread inflates the prediction (streamCompare.ts). Started
 * by the entry's bundle and taken by the CLI's, so they are kept under a global symbol.
 *
 * An untaken worker is unref'd (it never keeps the process alive) and terminated by
 * releasePrestartedWorkers as soon as the CLI knows it will not use it.
 */
import { Worker } from 'node:worker_threads';

const KEY = Symbol.for('mask-inspector.prestartedRangeWorkers');

interface Prestarted {
  readonly file: string;
  readonly worker: Worker;
}

function pool(): Prestarted[] {
  const holder = globalThis as { [KEY]?: Prestarted[] };
  return (holder[KEY] ??= []);
}

/** Starts one range worker running `file`, for a later takePrestartedWorker(file). */
export function prestartRangeWorker(file: string): void {
  const worker = new Worker(file);
  worker.unref();
  pool().push({ file, worker });
}

/** A prestarted worker running `file` (ref'd again: its replies are awaited), or undefined. */
export function takePrestartedWorker(file: string): Worker | undefined {
  const list = pool();
  const at = list.findIndex((p) => p.file === file);
  if (at < 0) return undefined;
  const [{ worker }] = list.splice(at, 1) as [Prestarted];
  worker.ref();
  return worker;
}

/** Terminates the prestarted workers no one took (this run does not need them). */
export function releasePrestartedWorkers(): void {
  for (const { worker } of pool().splice(0)) void worker.terminate();
}
