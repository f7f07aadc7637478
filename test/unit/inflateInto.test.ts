/**
 * The editor's and the CLI's in-place inflate (decodeFiles.ts) drives node:zlib's native handle,
 * a private API; where that handle is missing it falls back to the public streaming API (issue
 * #9: the fallback must be exercised by every test run). Both must agree with zlib.gunzipSync on
 * what a stream holds and refuse the same damaged streams.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { inflateInto, inflateStreamInto } from '../../src/worker/decodeFiles';

type Inflate = (gz: Uint8Array, out: Uint8Array, advance: (written: number) => void) => Promise<boolean>;
const BOTH: readonly [string, Inflate][] = [['native handle', inflateInto], ['public stream (fallback)', inflateStreamInto]];

// Compressible and incompressible parts, larger than one step of the inflate loop.
const payload = Buffer.concat([Buffer.alloc(3_000_000, 7), randomBytes(700_000), Buffer.from('end of the image')]);
const gz = gzipSync(payload);

for (const [name, inflate] of BOTH) {
  test(`${name}: inflates exactly the planned bytes, advancing monotonically`, async () => {
    const out = new Uint8Array(payload.length);
    let last = 0;
    const ok = await inflate(gz, out, (written) => { assert.ok(written >= last && written <= out.length); last = written; });
    assert.equal(ok, true);
    assert.equal(last, payload.length);
    assert.ok(Buffer.from(out.buffer, out.byteOffset, out.length).equals(payload));
  });

  test(`${name}: refuses a stream that holds more or less than planned, and a truncated or corrupt one`, async () => {
    assert.equal(await inflate(gz, new Uint8Array(payload.length - 1), () => undefined), false, 'more than planned');
    assert.equal(await inflate(gz, new Uint8Array(payload.length + 1), () => undefined), false, 'less than planned');
    assert.equal(await inflate(gz.subarray(0, gz.length - 100), new Uint8Array(payload.length), () => undefined), false, 'truncated');
    const corrupt = Uint8Array.from(gz);
    corrupt[Math.floor(corrupt.length / 2)] ^= 0xff;
    assert.equal(await inflate(corrupt, new Uint8Array(payload.length), () => undefined), false, 'corrupt');
  });
}
