/**
 * Decoding for the session worker. With more than one CPU each file is decoded on its own
 * short-lived helper thread (dist/worker.js again, started with workerData.mode = 'decode'), so
 * a prediction and its label inflate in parallel; the voxels come back transferred, not copied.
 * shareInSteps later moves them into shared memory for the range workers without blocking the
 * session thread for more than a few milliseconds at a time.
 */
import { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { readVolume } from '../core/io/readVolume';
import { VolumeReadError, type Volume, type VoxelArray } from '../core/io/volume';
import type { FilePayload } from './sessionMessages';

/** A failure that names an input file; anything else is internal and reported as such. */
export class FileError extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
    this.name = 'FileError';
  }
}

export const DECODE_MODE = 'decode';

interface DecodeJob {
  readonly file: FilePayload;
  readonly maxVoxels: number;
}

type DecodeResult =
  | { readonly ok: true; readonly volume: Volume; readonly ms: number }
  | { readonly ok: false; readonly file: string | null; readonly message: string };

/** Bytes copied per step: a few milliseconds, so a slice request waits at most that long. */
const SHARE_STEP_BYTES = 2 << 20;

/**
 * The same values in a SharedArrayBuffer (returned as is when they already are), copied in steps
 * with the event loop served between them.
 */
export async function shareInSteps(data: VoxelArray): Promise<VoxelArray> {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const Ctor = data.constructor as { new (buffer: SharedArrayBuffer): VoxelArray; BYTES_PER_ELEMENT: number };
  const shared = new Ctor(new SharedArrayBuffer(data.length * Ctor.BYTES_PER_ELEMENT));
  const step = Math.max(1, Math.floor(SHARE_STEP_BYTES / Ctor.BYTES_PER_ELEMENT));
  for (let at = 0; at < data.length; at += step) {
    shared.set(data.subarray(at, at + step) as never, at);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return shared;
}

/** Decodes on this thread. Throws FileError for a file that is not a readable mask. */
export function decodeHere(file: FilePayload, maxVoxels: number): { volume: Volume; ms: number } {
  const t0 = performance.now();
  try {
    return { volume: readVolume(new Uint8Array(file.bytes), file.name, { maxVoxels }), ms: performance.now() - t0 };
  } catch (error) {
    if (error instanceof VolumeReadError) throw new FileError(file.name, error.message);
    throw error;
  }
}

export function startDecodeHelper(workerFile: string): Worker {
  return new Worker(workerFile, { workerData: { mode: DECODE_MODE } });
}

/**
 * Decodes on a helper thread running this bundle (`helper`, started ahead with startDecodeHelper,
 * or a new one); the file's bytes are transferred. The helper serves this one job and ends.
 */
export function decodeOnHelper(helper: Worker, file: FilePayload, maxVoxels: number): Promise<{ volume: Volume; ms: number }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void helper.terminate();
    };
    helper.once('message', (result: DecodeResult) => settle(() => {
      if (result.ok) resolve({ volume: result.volume, ms: result.ms });
      else if (result.file !== null) reject(new FileError(result.file, result.message));
      else reject(new Error(`decoding ${file.name} failed: ${result.message}`));
    }));
    helper.once('error', (error) => settle(() => reject(new Error(`decoding ${file.name} failed: ${error.message}`))));
    helper.once('exit', (code) => settle(() => reject(new Error(`the thread decoding ${file.name} exited (code ${code})`))));
    const job: DecodeJob = { file, maxVoxels };
    helper.postMessage(job, [file.bytes]);
  });
}

/** Helper-thread side: one job, one answer; the voxels' buffer is transferred back, not copied. */
export function serveOneDecode(port: MessagePort): void {
  port.once('message', (job: DecodeJob) => {
    let result: DecodeResult;
    try {
      const { volume, ms } = decodeHere(job.file, job.maxVoxels);
      result = { ok: true, volume, ms };
    } catch (error) {
      result = error instanceof FileError
        ? { ok: false, file: error.file, message: error.message }
        : { ok: false, file: null, message: error instanceof Error ? error.message : String(error) };
    }
    const buffer = result.ok ? result.volume.data.buffer : null;
    port.postMessage(result, buffer instanceof ArrayBuffer ? [buffer] : []);
  });
}
