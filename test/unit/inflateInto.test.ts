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
import { inflateInto, inflateStreamInto, type Inflated } from '../../src/worker/decodeFiles';

type Inflate = (gz: Uint8Array, out: Uint8Array, advance: (written: number) => void, trailing?: number) => Promise<Inflated>;
const BOTH: readonly [string, Inflate][] = [['native handle', inflateInto], ['public stream (fallback)', inflateStreamInto]];

// Compressible and incompressible parts, larger than one step of the inflate loop.
const payload = Buffer.concat([Buffer.alloc(3_000_000, 7), randomBytes(700_000), Buffer.from('end of the image')]);
const gz = gzipSync(payload);
const megabyteOfZeros = gzipSync(Buffer.alloc(1 << 20), { level: 9 });

for (const [name, inflate] of BOTH) {
  test(`${name}: inflates exactly the planned bytes, advancing monotonically`, async () => {
    const out = new Uint8Array(payload.length);
    let last = 0;
    const result = await inflate(gz, out, (written) => { assert.ok(written >= last && written <= out.length); last = written; });
    assert.deepEqual(result, { kind: 'fits' });
    assert.equal(last, payload.length);
    assert.ok(Buffer.from(out.buffer, out.byteOffset, out.length).equals(payload));
  });

  test(`${name}: says whether a stream holds more or less than planned, or is truncated or corrupt (with zlib's error)`, async () => {
    const kind = async (bytes: Uint8Array, planned: number, trailing?: number) => (await inflate(bytes, new Uint8Array(planned), () => undefined, trailing)).kind;
    assert.equal(await kind(gz, payload.length - 1), 'longer', 'more than planned');
    assert.equal(await kind(gz, payload.length - 1, 1), 'fits', 'one byte more, one allowed');
    assert.equal(await kind(gz, payload.length - 700_016, 700_015), 'longer', 'one byte more than allowed, several steps on');
    assert.equal(await kind(gz, payload.length - 700_016, 700_016), 'fits', 'as many more as allowed, several steps on');
    assert.deepEqual(await inflate(gz, new Uint8Array(payload.length + 1), () => undefined), { kind: 'shorter', written: payload.length }, 'less than planned');
    const truncated = await inflate(gz.subarray(0, gz.length - 100), new Uint8Array(payload.length), () => undefined);
    assert.ok(truncated.kind === 'damaged' && /unexpected end of file/.test(String(truncated.error?.message)), 'truncated');
    const corrupt = Uint8Array.from(gz);
    corrupt[Math.floor(corrupt.length / 2)] ^= 0xff;
    const damaged = await inflate(corrupt, new Uint8Array(payload.length), () => undefined);
    assert.ok(damaged.kind === 'damaged' && damaged.error !== null, 'corrupt');
  });

  test(`${name}: a bomb is inflated no further than the planned size and the allowance`, async () => {
    // 1 MiB planned; the stream holds 1 GiB of zeros (1024 gzip members of 1 MiB, ~1 MB compressed),
    // which takes about a second to inflate: the inflater stops within a step of the plan instead.
    const bomb = Buffer.concat(Array.from({ length: 1024 }, () => megabyteOfZeros));
    let last = 0;
    const started = performance.now();
    const result = await inflate(bomb, new Uint8Array(1 << 20), (written) => { last = written; }, 1000);
    const ms = performance.now() - started;
    assert.equal(result.kind, 'longer');
    assert.equal(last, 1 << 20, 'the planned buffer filled, nothing written beyond it');
    assert.ok(ms < 150, `stopped at once (${ms.toFixed(0)} ms)`);
  });
}
