/**
 * A cheap structural pass over a PNG before fast-png decodes it: IHDR fields (for the voxel limit),
 * chunk framing (for truncation), and a bounded inflate of the image data. fast-png inflates with
 * fflate without an output cap and silently zero-fills rows when the data is short, so this pass is
 * what turns a decompression bomb or a truncated file into a clear error.
 */
import * as zlib from 'node:zlib';
import { VolumeReadError } from './volume';

export const PNG_SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

export type PngColorType = 'gray' | 'gray-alpha' | 'rgb' | 'rgba' | 'palette';

export interface PngLayout {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: PngColorType;
  readonly channels: number;
  readonly interlaced: boolean;
  /** The IDAT payloads, in order (views into the file). */
  readonly imageData: readonly Uint8Array[];
}

/** PNG colour type code → name, channel count, allowed bit depths (PNG spec table 11.1). */
const COLOR_TYPES: ReadonlyMap<number, { name: PngColorType; channels: number; depths: readonly number[] }> = new Map([
  [0, { name: 'gray', channels: 1, depths: [1, 2, 4, 8, 16] }],
  [2, { name: 'rgb', channels: 3, depths: [8, 16] }],
  [3, { name: 'palette', channels: 1, depths: [1, 2, 4, 8] }],
  [4, { name: 'gray-alpha', channels: 2, depths: [8, 16] }],
  [6, { name: 'rgba', channels: 4, depths: [8, 16] }],
]);

export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Walks the chunks (without CRC checks; fast-png does those) and validates IHDR. */
export function scanPng(bytes: Uint8Array): PngLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const imageData: Uint8Array[] = [];
  let ihdr: Omit<PngLayout, 'imageData'> | undefined;
  let palette = false;
  let offset = PNG_SIGNATURE.length;
  for (;;) {
    if (offset + 12 > bytes.length) throw truncated();
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const body = offset + 8;
    if (length > 0x7fffffff || body + length + 4 > bytes.length) throw truncated();
    if (ihdr === undefined) {
      if (type !== 'IHDR') {
        throw new VolumeReadError(`the PNG does not start with an IHDR chunk (found "${printable(type)}"); the file is damaged`);
      }
      if (length !== 13) {
        throw new VolumeReadError(`the PNG's IHDR chunk is ${length} bytes long instead of 13; the file is damaged`);
      }
      ihdr = parseIhdr(view, body);
    } else if (type === 'IDAT') {
      imageData.push(bytes.subarray(body, body + length));
    } else if (type === 'PLTE') {
      palette = true;
    } else if (type === 'IEND') {
      break;
    }
    offset = body + length + 4;
  }
  if (imageData.length === 0) {
    throw new VolumeReadError('the PNG has no image data (no IDAT chunk); the file is damaged — re-export it');
  }
  if (ihdr!.colorType === 'palette' && !palette) {
    // The PNG specification requires PLTE for colour type 3; without it the indices mean nothing.
    throw new VolumeReadError('the PNG is a palette image without a palette (no PLTE chunk); the file is damaged — re-export it');
  }
  return { ...ihdr, imageData };
}

function parseIhdr(view: DataView, at: number): Omit<PngLayout, 'imageData'> {
  const width = view.getUint32(at);
  const height = view.getUint32(at + 4);
  const bitDepth = view.getUint8(at + 8);
  const colorCode = view.getUint8(at + 9);
  const interlace = view.getUint8(at + 12);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new VolumeReadError(`the PNG declares a size of ${width}×${height} pixels; the header is damaged`);
  }
  const color = COLOR_TYPES.get(colorCode);
  if (color === undefined || !color.depths.includes(bitDepth)) {
    throw new VolumeReadError(
      `the PNG declares colour type ${colorCode} with bit depth ${bitDepth}, which is not a valid PNG combination; ` +
        'the header is damaged');
  }
  if (view.getUint8(at + 10) !== 0 || view.getUint8(at + 11) !== 0 || interlace > 1) {
    throw new VolumeReadError('the PNG declares an unknown compression, filter or interlace method; the header is damaged');
  }
  if (interlace === 1 && bitDepth < 8) {
    // fast-png 8 de-interlaces sub-byte pixels as if they were whole bytes (wrong pixels, or a crash).
    throw new VolumeReadError(
      `interlaced (Adam7) PNGs with ${bitDepth}-bit samples are not supported; re-save the image without interlacing`);
  }
  return { width, height, bitDepth, colorType: color.name, channels: color.channels, interlaced: interlace === 1 };
}

/** Bytes of filtered scanlines the IDAT stream must inflate to (one filter byte per row). */
export function expectedFilteredBytes(layout: PngLayout): number {
  const bitsPerPixel = layout.bitDepth * layout.channels;
  const rowBytes = (w: number): number => Math.ceil((w * bitsPerPixel) / 8) + 1;
  if (!layout.interlaced) return layout.height * rowBytes(layout.width);
  // Adam7: seven reduced images, each with its own rows; empty passes contribute nothing.
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  let total = 0;
  for (const [x0, y0, dx, dy] of passes as [number, number, number, number][]) {
    const w = Math.ceil((layout.width - x0) / dx);
    const h = Math.ceil((layout.height - y0) / dy);
    if (w > 0 && h > 0) total += h * rowBytes(w);
  }
  return total;
}

/**
 * Inflates the image data with an output cap of what the header needs (+ a little slack for
 * encoders that leave padding), and checks it is complete. Throws VolumeReadError otherwise.
 */
export function checkImageData(layout: PngLayout): void {
  const expected = expectedFilteredBytes(layout);
  const slack = 1 << 16;
  let inflated: Buffer;
  try {
    inflated = zlib.inflateSync(Buffer.concat(layout.imageData), { maxOutputLength: expected + slack });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError) {
      throw new VolumeReadError(
        `the PNG image data decompresses to more than the ${layout.width}×${layout.height} pixels its header ` +
          'declares; the file is corrupt (or a decompression bomb)');
    }
    if (/unexpected end/i.test(detail)) {
      throw new VolumeReadError('the PNG image data is truncated; the file was not fully written or copied — copy it again');
    }
    throw new VolumeReadError(`the PNG image data is corrupt (zlib: ${detail}); the file is damaged — re-export it`);
  }
  if (inflated.length < expected) {
    throw new VolumeReadError(
      `the PNG image data holds ${inflated.length} bytes but ${layout.width}×${layout.height} pixels need ${expected}; ` +
        'the file is truncated or damaged — copy or export it again');
  }
}

function truncated(): VolumeReadError {
  return new VolumeReadError('the PNG is truncated (it ends inside a chunk, before IEND); copy or export it again');
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}
