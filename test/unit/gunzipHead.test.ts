/**
 * gunzipHead (src/worker/inflateScan.ts) reads a .nii.gz header without inflating the 4 KiB prefix
 * gunzipPrefix does: it must give exactly the first bytes node's gunzip gives, or null (then
 * gunzipPrefix reads the header and reports any damage) — never other bytes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { gunzipPrefix } from '../../src/core/io/gzip';
import { gunzipHead } from '../../src/worker/inflateScan';

/** A mostly empty mask: the case where gunzipPrefix's 4 KiB prefix inflates to megabytes. */
const empty = new Uint8Array(8 << 20);
empty.set(new TextEncoder().encode('header-like bytes at the start '.repeat(20)));
const noisy = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 2654435761) >>> 24);
const tiny = new Uint8Array(300).fill(5);

test('gunzipHead gives exactly the first bytes of the stream, or null when there are fewer', () => {
  const cases: [string, Uint8Array, Uint8Array][] = [
    ['mostly empty, level 6', zlib.gzipSync(empty), empty],
    ['mostly empty, level 9', zlib.gzipSync(empty, { level: 9 }), empty],
    ['incompressible', zlib.gzipSync(noisy, { level: 1 }), noisy],
    ['two members, the first shorter than the head', Buffer.concat([zlib.gzipSync(tiny), zlib.gzipSync(noisy)]), Buffer.concat([tiny, noisy])],
  ];
  for (const [what, gz, plain] of cases) {
    for (const want of [1, 348, 540, 4096]) {
      const head = gunzipHead(gz, want);
      assert.ok(head !== null, `${what}: ${want} bytes`);
      assert.deepEqual(Buffer.from(head), Buffer.from(plain.subarray(0, want)), `${what}: ${want} bytes`);
    }
  }
  assert.equal(gunzipHead(zlib.gzipSync(tiny), 540), null, 'a stream shorter than asked');
});

test('a damaged or truncated start gives null, not made-up bytes', () => {
  const gz = zlib.gzipSync(noisy);
  const badMethod = Uint8Array.from(gz);
  badMethod[2] = 7;
  const badData = Uint8Array.from(gz);
  for (let i = 12; i < 40; i++) badData[i] ^= 0xa5;
  assert.equal(gunzipHead(badMethod, 540), null, 'not deflate');
  assert.equal(gunzipHead(gz.subarray(0, 15), 540), null, 'cut inside the gzip header');
  assert.equal(gunzipHead(gz.subarray(0, 200), 540), null, 'cut before 540 bytes of output');
  // Corrupt deflate data may inflate to other bytes before any check fails: then exactly those
  // gunzipPrefix gives (the header the general path would parse), or null.
  const damaged = gunzipHead(badData, 540);
  let prefix: Uint8Array | null = null;
  try {
    prefix = gunzipPrefix(badData, 540).subarray(0, 540);
  } catch {
    prefix = null; // gunzipPrefix refuses it: the general path reports the damage
  }
  assert.ok(damaged === null || (prefix !== null && Buffer.from(damaged).equals(Buffer.from(prefix))), 'corrupt data: null or gunzipPrefix\'s bytes');
});
