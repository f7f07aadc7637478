/**
 * Issue #9: "The editor's decode path holds twice the CLI's memory on a gzip bomb (1976 MB vs
 * 1021 MB) and inflates twice; one pass, the CLI's bound." The decoder the session worker and the
 * CLI share (decodeIntoShared, src/worker/decodeFiles.ts) inflated a stream longer than its
 * header declares into the planned buffer, gave up, and let readVolume inflate it all again into
 * a second buffer of the same size. Now it inflates once, stops as soon as the stream goes beyond
 * what the header accounts for, and refuses it in readVolume's words.
 *
 * The memory check runs in a child process (this file again, MI_BOMB_CHILD set), so its peak RSS
 * is the decode's alone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { readVolume } from '../../src/core/io/readVolume';
import { decodeIntoShared, type PlannedBuffer } from '../../src/worker/decodeFiles';
import { writeNifti } from './helpers/niftiWriter';

type Zlib = typeof import('node:zlib');
/** The zlib module object the bundle's code calls through (patched below to count inflates). */
const zlib = createRequire(__filename)('node:zlib') as Zlib;

const MIB = 1 << 20;
/** The header declares 1024×1024×DECLARED_SLICES uint8 (DECLARED_SLICES MiB); the stream holds twice that. */
const DECLARED_SLICES = 192;

/**
 * A bomb: a NIfTI-1 header declaring `slices` MiB of uint8 voxels, and a gzip stream of
 * `streamMiB` MiB of zeros after it. Made of 1 MiB gzip members (gunzip reads them as one
 * stream), so building it costs one small compression.
 */
function bomb(slices: number, streamMiB: number): Uint8Array {
  const header = writeNifti({ shape: [1024, 1024, slices], dtype: 'uint8', writeVoxels: 0 });
  const first = zlib.gzipSync(Buffer.concat([header, Buffer.alloc(MIB)]), { level: 9 });
  const zeros = zlib.gzipSync(Buffer.alloc(MIB), { level: 9 });
  return Buffer.concat([first, ...Array.from({ length: streamMiB - 1 }, () => zeros)]);
}

/**
 * Counts gunzipSync calls on the whole stream: readVolume's pass (gunzipWhole). The in-place
 * pass drives a zlib stream instead (createGunzip, which cannot be patched); onPlanned and the
 * progress counter show that one.
 */
function countSecondPasses(whole: Uint8Array): { readonly count: () => number; readonly restore: () => void } {
  const { gunzipSync } = zlib;
  let count = 0;
  const patched = zlib as { -readonly [K in keyof Zlib]: Zlib[K] };
  patched.gunzipSync = ((input: Uint8Array, options?: import('node:zlib').ZlibOptions) => {
    if (input.length === whole.length) count++;
    return gunzipSync(input, options);
  }) as Zlib['gunzipSync'];
  return { count: () => count, restore: () => { patched.gunzipSync = gunzipSync; } };
}

/** Decodes with decodeIntoShared: its error message, and how far the in-place pass filled its buffer (bytes). */
async function decodeBomb(bytes: Uint8Array): Promise<{ message: string; inPlaceBytes: number }> {
  let planned: PlannedBuffer | null = null;
  let message = '(decoded without an error)';
  try {
    await decodeIntoShared(bytes, 'bomb.nii.gz', { maxVoxels: 2 ** 30, scan: true, onPlanned: (p) => { planned = p; } });
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  const p = planned as PlannedBuffer | null;
  return { message, inPlaceBytes: p === null ? 0 : Atomics.load(p.progress, 0) * 1024 };
}

interface ChildReport {
  readonly message: string;
  readonly inPlaceBytes: number;
  readonly secondPasses: number;
  readonly baselineMiB: number;
  readonly peakMiB: number;
  readonly ms: number;
}

async function child(): Promise<void> {
  const bytes = bomb(DECLARED_SLICES, 2 * DECLARED_SLICES);
  const counter = countSecondPasses(bytes);
  const baselineMiB = process.resourceUsage().maxRSS / 1024;
  const started = performance.now();
  const { message, inPlaceBytes } = await decodeBomb(bytes);
  const report: ChildReport = {
    message, inPlaceBytes, secondPasses: counter.count(), baselineMiB, peakMiB: process.resourceUsage().maxRSS / 1024, ms: performance.now() - started,
  };
  counter.restore();
  process.stdout.write(JSON.stringify(report));
}

if (process.env.MI_BOMB_CHILD === '1') {
  void child();
} else {
  test('a gzip bomb is refused as readVolume refuses it, after one inflate pass', async () => {
    // Small enough to build in a moment: 8 MiB declared, 64 MiB in the stream.
    const bytes = bomb(8, 64);
    let expected = '';
    try {
      readVolume(bytes, 'bomb.nii.gz', { maxVoxels: 2 ** 30 });
    } catch (error) {
      expected = error instanceof Error ? error.message : String(error);
    }
    assert.match(expected, /decompresses to more than the 8\.0 MiB its NIfTI header accounts for; .*decompression bomb/);
    const counter = countSecondPasses(bytes);
    try {
      const { message, inPlaceBytes } = await decodeBomb(bytes);
      assert.equal(message, expected);
      assert.equal(inPlaceBytes, Math.floor((8 * MIB + 352) / 1024) * 1024, 'the in-place pass filled the declared buffer');
      assert.equal(counter.count(), 0, 'and the stream was not inflated again');
    } finally {
      counter.restore();
    }
  });

  test(`decoding a bomb declaring ${DECLARED_SLICES} MiB holds one copy of the declared size, not two`, () => {
    const run = spawnSync(process.execPath, [__filename], { env: { ...process.env, MI_BOMB_CHILD: '1' }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as ChildReport;
    const grownMiB = report.peakMiB - report.baselineMiB;
    const figures = `peak ${report.peakMiB.toFixed(0)} MiB from ${report.baselineMiB.toFixed(0)} MiB, ${report.secondPasses} second pass(es), ${report.ms.toFixed(0)} ms`;
    assert.match(report.message, /decompresses to more than the 192 MiB its NIfTI header accounts for/, figures);
    assert.equal(report.secondPasses, 0, figures);
    // One buffer of the declared size (filled once) plus small change; two would be ~2 × 192 MiB.
    assert.ok(grownMiB < 1.4 * DECLARED_SLICES, figures);
    assert.ok(grownMiB > 0.8 * DECLARED_SLICES, `${figures}: the declared buffer itself is filled before the stream is refused`);
  });
}
