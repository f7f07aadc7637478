/**
 * Issue #9, "nothing crashes or hangs on the way out" and the file-system classes: a closed
 * stdout/stderr is a quiet exit with the report still written; --out under /proc fails instead of
 * spinning; FIFOs and devices are "not a regular file" and never read; temporary files are created
 * exclusively and stale ones cleaned; bytes handed to another thread are exactly the file's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { exactArrayBuffer } from '../../src/core/io/bytes';
import { makeFolders, removeStale } from '../../src/core/io/safeFs';
import { fixturesDir, repoRoot } from './helpers/fixtures';
import { writeNifti } from './helpers/niftiWriter';
import { makeReportTree } from './helpers/reportTree';

const cli = join(repoRoot, 'dist', 'cli.js');
const files = join(fixturesDir, 'files');
const label = join(files, 'labels_u8.nii.gz');
const label_ = label;
const tmp = mkdtempSync(join(tmpdir(), 'mask-inspector-out-'));
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs a shell pipeline; returns the first command's exit status (PIPESTATUS[0]) and stderr. */
function pipeline(command: string): { status: number; stdout: string } {
  const r = spawnSync('bash', ['-c', `${command}; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8', timeout: 60_000 });
  const status = Number(/status=(\d+)\s*$/.exec(r.stdout)?.[1] ?? -1);
  return { status, stdout: r.stdout };
}

describe('closed output streams', () => {
  test('compare … | head -n 1: exit 0, no EPIPE stack trace', () => {
    // Megabytes of JSON (3000 slices), far more than a pipe buffers: head closes it mid-write.
    const thin = join(tmp, 'thin.nii'), thinLabel = join(tmp, 'thin-label.nii');
    writeFileSync(thin, writeNifti({ shape: [4, 4, 3000], dtype: 'uint8', values: Uint8Array.from({ length: 48000 }, (_, i) => i % 2) }));
    writeFileSync(thinLabel, writeNifti({ shape: [4, 4, 3000], dtype: 'uint8', values: Uint8Array.from({ length: 48000 }, (_, i) => (i % 3) % 2) }));
    const r = pipeline(`node ${q(cli)} compare ${q(thin)} ${q(thinLabel)} --format json 2>${q(join(tmp, 'err.txt'))} | head -n 1`);
    assert.equal(r.status, 0, readFileSync(join(tmp, 'err.txt'), 'utf8'));
    assert.doesNotMatch(readFileSync(join(tmp, 'err.txt'), 'utf8'), /EPIPE|\n\s+at /);
  });
  test('report … 2>&1 | head -n 1: the report is still written, the exit status says how the cases went', () => {
    const tree = makeReportTree([{ name: 'a', kind: 'probability', seed: 1 }, { name: 'b', kind: 'truncated', seed: 2 }]);
    const out = join(tree.root, 'out');
    const r = pipeline(`node ${q(cli)} report ${q(tree.predictions)} ${q(tree.labels)} --out ${q(out)} --jobs 1 2>&1 | head -n 1`);
    assert.equal(r.status, 1, 'one case failed');
    assert.equal(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).counts.computed, 1);
  });
});

describe('file system edges', () => {
  test('--out under /proc fails at once with one error line (no spinning)', { skip: !existsSync('/proc/self') }, () => {
    const tree = makeReportTree([{ name: 'a', kind: 'probability', seed: 1 }]);
    const r = spawnSync(process.execPath, [cli, 'report', tree.predictions, tree.labels, '--out', '/proc/mask-inspector/x'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.signal, null, 'finished before the timeout');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error: \/proc\/mask-inspector\/x: cannot write the report there/);
  });
  test('makeFolders creates missing parents and refuses /proc quickly', async () => {
    const deep = join(tmp, 'a', 'b', 'c');
    await makeFolders(deep);
    assert.ok(existsSync(deep));
    await assert.rejects(makeFolders('/proc/mask-inspector/y'));
  });
  test('/dev/zero and a FIFO are "not a regular file", never read', () => {
    const fifo = join(tmp, 'pipe.nii');
    const made = spawnSync('mkfifo', [fifo]);
    for (const path of ['/dev/zero', ...(made.status === 0 ? [fifo] : [])]) {
      const r = spawnSync(process.execPath, [cli, 'compare', path, label], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.signal, null, `${path}: no hang`);
      assert.equal(r.status, 1);
      assert.equal(r.stderr, `error: ${path}: not a regular file (a device, FIFO or socket); it is not read\n`);
    }
    assert.equal(made.status, 0, 'mkfifo is available, so the FIFO case ran');
  });
  test('a FIFO inside a report folder fails alone, without hanging', () => {
    const tree = makeReportTree([{ name: 'a', kind: 'probability', seed: 1 }]);
    assert.equal(spawnSync('mkfifo', [join(tree.predictions, 'b.nii.gz')]).status, 0);
    writeFileSync(join(tree.labels, 'b.nii.gz'), readFileSync(join(tree.labels, 'a.nii.gz')));
    const out = join(tree.root, 'out');
    const r = spawnSync(process.execPath, [cli, 'report', tree.predictions, tree.labels, '--out', out, '--jobs', '1'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.signal, null);
    assert.equal(r.status, 1, r.stderr);
    assert.match(readFileSync(join(out, 'report.json'), 'utf8'), /not a regular file/);
  });
  test('stale temporary files of dead processes are removed; a planted symlink is removed, not followed', async () => {
    const dir = join(tmp, 'stale');
    mkdirSync(dir);
    const victim = join(tmp, 'victim.txt');
    writeFileSync(victim, 'keep me');
    const dead = 2 ** 22 + 12345; // above Linux's default pid_max, so no such process
    writeFileSync(join(dir, `.report.json.tmp-${dead}-abc`), 'half');
    symlinkSync(victim, join(dir, `.cases.csv.tmp-${dead}`));
    mkdirSync(join(dir, `.mask-inspector-spool-${dead}-xyz`));
    writeFileSync(join(dir, `.report.json.tmp-${process.pid}-live`), 'ours');
    const { STALE_PATTERN } = await import('../../src/core/report/reportWriter');
    const removed = await removeStale(dir, STALE_PATTERN);
    assert.equal(removed.length, 3);
    assert.deepEqual(readdirSync(dir), [`.report.json.tmp-${process.pid}-live`]);
    assert.equal(readFileSync(victim, 'utf8'), 'keep me');
  });
});

describe('bytes handed to other threads', () => {
  test('an empty or small pooled Buffer becomes exactly its own bytes', () => {
    const pooled = Buffer.from('abc'); // lives in Node's shared 8 KiB pool
    assert.ok(pooled.buffer.byteLength > 3, 'the test needs a pooled Buffer');
    assert.equal(exactArrayBuffer(pooled.subarray(0, 0)).byteLength, 0);
    assert.deepEqual([...new Uint8Array(exactArrayBuffer(pooled))], [97, 98, 99]);
    const own = new Uint8Array(4);
    assert.equal(exactArrayBuffer(own), own.buffer, 'no copy when the view is its whole buffer');
  });
});

describe('the editor reads an empty .nii.gz as empty', () => {
  test('a pooled 0-byte Buffer reaches the worker as 0 bytes: "the file is empty", same message every time', async () => {
    const { SessionWorkerClient, transferableBytes } = await import('../../src/editor/sessionWorkerClient');
    const { DEFAULT_LOSS_PARAMS } = await import('../../src/core/kernels/lossIds');
    const client = new SessionWorkerClient(join(repoRoot, 'dist', 'worker.js'));
    try {
      const messages = new Set<string>();
      for (let i = 0; i < 3; i++) {
        Buffer.from(`pool filler ${i} ${'x'.repeat(100)}`); // other data in Node's shared pool
        const empty = Buffer.from(''); // what readFile of an empty file gives: a view of that pool
        const bytes = transferableBytes(empty);
        assert.equal(bytes.byteLength, 0);
        const label = readFileSync(label_);
        await assert.rejects(client.open({
          prediction: { name: 'empty.nii.gz', bytes }, label: { name: 'l.nii.gz', bytes: transferableBytes(label) }, underlay: null,
          kind: 'auto', maxVoxels: 1e9, params: DEFAULT_LOSS_PARAMS, jobs: 1, precomputeAxis: null,
        }), (e: unknown) => { messages.add((e as Error).message); return /empty/.test((e as Error).message); });
      }
      assert.equal(messages.size, 1, [...messages].join(' | '));
      assert.doesNotMatch([...messages][0]!, /unrecognised|first bytes/);
    } finally {
      client.dispose();
    }
  });
});
