/**
 * PNG masks as one-slice volumes [width, height, 1], x fastest (row-major, row 0 at the top).
 *
 * Which sample becomes the voxel value:
 *  - gray (1/2/4/8/16-bit): the sample itself;
 *  - palette: the palette INDEX, not the colour — palette PNGs are how many tools store label
 *    maps (e.g. PASCAL VOC), and the index is the label;
 *  - gray+alpha, RGB, RGBA: the first channel (gray or red). Masks saved as RGB usually repeat the
 *    value in every channel; alpha is ignored.
 * Values are never rescaled: bitDepth says what the maximum sample is (2^bitDepth − 1).
 */
import { decode as decodePng } from 'fast-png';
import type { DecodedPng } from 'fast-png';
import { checkImageData, scanPng } from './pngChunks';
import type { PngLayout } from './pngChunks';
import { DEFAULT_MAX_VOXELS, VolumeReadError } from './volume';
import type { ReadOptions, Volume } from './volume';

export function readPng(bytes: Uint8Array, source: string, options: ReadOptions = {}): Volume {
  const layout = scanPng(bytes);
  const voxelCount = layout.width * layout.height;
  const maxVoxels = options.maxVoxels ?? DEFAULT_MAX_VOXELS;
  if (voxelCount > maxVoxels) {
    throw new VolumeReadError(
      `the image has ${voxelCount} pixels (${layout.width}×${layout.height}), more than the limit of ${maxVoxels}; ` +
        'if the file is genuine, raise the maskInspector.maxVoxels setting (or pass --max-voxels to the CLI)');
  }
  checkImageData(layout);
  const decoded = decodeWithFastPng(bytes);
  if (decoded.width !== layout.width || decoded.height !== layout.height || decoded.depth !== layout.bitDepth) {
    // Cannot happen for a file scanPng accepted; guards against the two parsers disagreeing.
    throw new VolumeReadError('the PNG header could not be read consistently; the file is damaged — re-export it');
  }
  return {
    source,
    format: 'png',
    dims: [layout.width, layout.height, 1],
    spacing: [1, 1, 1],
    affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    data: firstChannel(decoded, layout),
    sourceDtype: layout.bitDepth === 16 ? 'uint16' : 'uint8',
    scaled: false,
    bitDepth: layout.bitDepth,
    pngColorType: layout.colorType,
  };
}

function decodeWithFastPng(bytes: Uint8Array): DecodedPng {
  try {
    // checkCrc: a flipped bit in the pixel data should be reported, not shown as a wrong mask.
    return decodePng(bytes, { checkCrc: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const what = /crc/i.test(detail) ? 'a PNG chunk is corrupt, its checksum does not match' : 'the PNG cannot be decoded';
    throw new VolumeReadError(`${what} (fast-png: ${detail}); the file is damaged — re-export it`);
  }
}

/** One value per pixel: sub-byte samples unpacked, multi-channel pixels reduced to channel 0. */
function firstChannel(decoded: DecodedPng, layout: PngLayout): Uint8Array | Uint16Array {
  const { width, height, channels, bitDepth } = layout;
  const pixels = width * height;
  const samples = decoded.data;
  if (bitDepth < 8) return unpackSubByte(samples, width, height, bitDepth);
  const out = bitDepth === 16 ? new Uint16Array(pixels) : new Uint8Array(pixels);
  if (samples.length < pixels * channels) {
    throw new VolumeReadError('the PNG decoded to fewer samples than its size declares; the file is damaged');
  }
  if (channels === 1) {
    // fast-png returns Uint8Array or Uint16Array already; copy only if it handed us something else.
    if (samples instanceof Uint8Array || samples instanceof Uint16Array) {
      return samples.length === pixels ? samples : samples.subarray(0, pixels);
    }
    out.set(samples.subarray(0, pixels));
    return out;
  }
  for (let i = 0, j = 0; i < pixels; i++, j += channels) out[i] = samples[j];
  return out;
}

/** 1/2/4-bit rows are packed most-significant-bits first, each row starting on a byte boundary. */
function unpackSubByte(packed: ArrayLike<number>, width: number, height: number, bitDepth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * bitDepth) / 8);
  if (packed.length < rowBytes * height) {
    throw new VolumeReadError('the PNG decoded to fewer samples than its size declares; the file is damaged');
  }
  const perByte = 8 / bitDepth;
  const mask = (1 << bitDepth) - 1;
  for (let y = 0; y < height; y++) {
    const row = y * rowBytes;
    for (let x = 0; x < width; x++) {
      const byte = packed[row + Math.floor(x / perByte)];
      const shift = 8 - bitDepth * ((x % perByte) + 1);
      out[y * width + x] = (byte >> shift) & mask;
    }
  }
  return out;
}
