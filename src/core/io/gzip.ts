/**
 * Bounded gzip inflation for `.nii.gz`.
 *
 * A `.nii.gz` is never gunzipped blindly: first a small compressed prefix is inflated to reach the
 * NIfTI header, then the whole stream is inflated into ONE buffer whose size comes from the header
 * (and the gzip trailer), with a hard output cap. A gzip bomb or a header that lies therefore
 * cannot make us allocate more than the header declared (which was checked against maxVoxels).
 */
import * as zlib from 'node:zlib';
import { constants as bufferConstants } from 'node:buffer';
import { VolumeReadError } from './volume';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
/** Smallest gzip member: 10-byte header, an empty deflate block, 8-byte trailer. */
const MIN_GZIP_BYTES = 18;
/** deflate cannot expand more than ~1032:1 (a 258-byte match costs at least 2 bits). */
export const MAX_DEFLATE_RATIO = 1032;
/** Trailing bytes after the image that we tolerate when ISIZE accounts for them (nibabel ignores them). */
const TRAILING_ALLOWANCE = 1 << 20;
/** zlib's smallest allowed chunkSize. */
const MIN_CHUNK_BYTES = 64;
/** Largest single Buffer Node.js can create (4 GiB on Node 20). */
export const MAX_BUFFER_BYTES: number = bufferConstants.MAX_LENGTH;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/**
 * Inflates just enough of the stream to return at least `wantBytes` bytes (or everything, when the
 * stream is shorter). Uses Z_SYNC_FLUSH so a prefix of the compressed data is not an error, and
 * grows the prefix only while it yields too little, so the output stays small (≤ ratio × prefix).
 */
export function gunzipPrefix(gz: Uint8Array, wantBytes: number): Uint8Array {
  checkGzipFraming(gz);
  let prefixBytes = Math.min(gz.length, 4096);
  for (;;) {
    const out = inflate(gz.subarray(0, prefixBytes), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      // A prefix of 4 MiB inflates to at most ~4 GiB; refuse long before that. A real file reaches
      // its 540 header bytes within the first few kilobytes.
      maxOutputLength: Math.max(wantBytes, 64 << 20),
    }, prefixBytes < gz.length);
    if (out.length >= wantBytes || prefixBytes >= gz.length) return out;
    if (prefixBytes >= 4 << 20) {
      throw new VolumeReadError(
        'the gzip stream does not decompress to a NIfTI header within its first 4 MiB; ' +
          'the file is corrupt or not a gzip-compressed NIfTI — re-export it as .nii.gz');
    }
    prefixBytes = Math.min(gz.length, prefixBytes * 8);
  }
}

/**
 * Inflates a whole stream known to be small (at most `maxBytes` of output), strictly: unlike
 * gunzipPrefix, a truncated or damaged stream is an error here.
 */
export function gunzipSmall(gz: Uint8Array, maxBytes: number): Uint8Array {
  checkGzipFraming(gz);
  return inflate(gz, { maxOutputLength: Math.max(1, maxBytes) }, false);
}

/**
 * Inflates the whole stream, expecting at least `neededBytes` of output (header + image data).
 * The output goes into ONE buffer of the planned size (no concatenation, so peak memory is one
 * copy of the image); a stream that inflates to more than planned fails as soon as that buffer is
 * full, before zlib allocates a second one.
 */
export function gunzipWhole(gz: Uint8Array, neededBytes: number): Uint8Array {
  checkGzipFraming(gz);
  if (neededBytes > MAX_BUFFER_BYTES) {
    throw new VolumeReadError(
      `the image needs ${formatBytes(neededBytes)} once decompressed, more than the ` +
        `${formatBytes(MAX_BUFFER_BYTES)} Node.js can hold in one buffer; save it uncompressed (.nii) instead`);
  }
  const expected = expectedOutputBytes(gz, neededBytes);
  // chunkSize one byte larger than the output: zlib then fills a single buffer and returns a view
  // of it. With exactly `expected` bytes it would allocate a second, empty chunk.
  const chunkSize = Math.min(Math.max(expected + 1, MIN_CHUNK_BYTES), MAX_BUFFER_BYTES);
  return inflate(gz, { chunkSize, maxOutputLength: wholeOutputLimit(gz, neededBytes) }, false);
}

/**
 * The most gunzipWhole lets a stream inflate to: the planned size plus the trailing data its
 * ISIZE accounts for. The editor's and CLI's in-place inflate (src/worker/decodeFiles.ts) stops
 * there too, and reports what gunzipWhole would (wholeInflateError), without a second pass.
 */
export function wholeOutputLimit(gz: Uint8Array, neededBytes: number): number {
  return Math.min(Math.max(1, expectedOutputBytes(gz, neededBytes)), MAX_BUFFER_BYTES);
}

/**
 * gunzipWhole's error for a stream that failed with `error` (a zlib error), or that inflates
 * to more than `limit` bytes (error null: a decompression bomb, or data after the image).
 */
export function wholeInflateError(error: unknown, limit: number): VolumeReadError {
  return error === null ? beyondHeader(limit) : translateZlibError(error, false, limit);
}

function beyondHeader(maxOutputLength: number): VolumeReadError {
  return new VolumeReadError(
    `the gzip stream decompresses to more than the ${formatBytes(maxOutputLength)} its NIfTI header accounts ` +
      'for; the file is corrupt, has extra data after the image, or is a decompression bomb — re-export it');
}

/**
 * The output size to plan for. ISIZE (last 4 bytes) is the size mod 2^32 of the last gzip member;
 * we trust it only when it is consistent with the header's needs (≥ needed, little trailing data),
 * because multi-member (bgzip) or damaged files carry a meaningless ISIZE.
 */
function expectedOutputBytes(gz: Uint8Array, neededBytes: number): number {
  const isize = new DataView(gz.buffer, gz.byteOffset + gz.length - 4, 4).getUint32(0, true);
  const wraps = Math.max(0, Math.ceil((neededBytes - isize) / 2 ** 32));
  const total = isize + wraps * 2 ** 32;
  return total - neededBytes <= TRAILING_ALLOWANCE ? total : neededBytes;
}

function checkGzipFraming(gz: Uint8Array): void {
  if (gz.length < MIN_GZIP_BYTES) {
    throw new VolumeReadError(
      `the gzip stream is truncated (only ${gz.length} bytes); the file was not fully written or copied — copy it again`);
  }
  if (gz[2] !== 8) {
    throw new VolumeReadError(
      `the gzip header names compression method ${gz[2]} instead of deflate (8); the file is corrupt`);
  }
}

function inflate(input: Uint8Array, options: zlib.ZlibOptions, isPrefix: boolean): Uint8Array {
  try {
    return zlib.gunzipSync(input, options);
  } catch (error) {
    throw translateZlibError(error, isPrefix, options.maxOutputLength ?? 0);
  }
}

/** zlib errors carry codes like Z_DATA_ERROR / Z_BUF_ERROR; say what they mean for the user. */
function translateZlibError(error: unknown, isPrefix: boolean, maxOutputLength: number): VolumeReadError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) return beyondHeader(maxOutputLength);
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(detail)) {
    return new VolumeReadError(
      'the gzip stream is truncated (it ends before the compressed data does); the file was not fully ' +
        'written, downloaded or copied — copy it again');
  }
  const where = isPrefix ? 'near the start of the file' : 'in the compressed data';
  return new VolumeReadError(
    `the gzip stream is corrupt ${where} (zlib: ${detail}); the file is damaged — copy or export it again`);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
