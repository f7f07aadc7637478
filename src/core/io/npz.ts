/**
 * NumPy .npz (a zip of .npy members, stored or deflated, zip64 as numpy writes it) into a Volume:
 * the array named by ReadOptions.npzArray, else the first member. Each member's uncompressed size
 * comes from the central directory and is checked against the voxel limit before inflating into
 * one buffer of exactly that size.
 */
import { MAX_BUFFER_BYTES } from './gzip';
import { clip } from './nrrdHeader';
import { inflateExact, utf8 } from './rawData';
import { isNpy, readNpy } from './npy';
import { DEFAULT_MAX_VOXELS, VolumeReadError } from './volume';
import type { ReadOptions, Volume } from './volume';

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeader: number;
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export function readNpz(bytes: Uint8Array, source: string, options: ReadOptions): Volume {
  const entries = zipEntries(bytes).filter((e) => e.name.endsWith('.npy'));
  if (entries.length === 0) throw new VolumeReadError('the zip archive holds no .npy array; an .npz from numpy.savez was expected');
  const wanted = options.npzArray;
  const entry = wanted === undefined ? entries[0] : entries.find((e) => e.name === `${wanted}.npy` || e.name === wanted);
  if (entry === undefined) {
    throw new VolumeReadError(`the .npz has no array "${clip(wanted ?? '')}"; it holds ${entries.map((e) => e.name.replace(/\.npy$/, '')).join(', ')}`);
  }
  const member = memberBytes(bytes, entry, options);
  if (!isNpy(member)) throw new VolumeReadError(`the .npz member "${clip(entry.name)}" is not a .npy array; the archive is damaged`);
  const volume = readNpy(member, source, options, 'npz');
  return volume;
}

/** Names of the arrays in an .npz (for choosing one). */
export function npzArrayNames(bytes: Uint8Array): string[] {
  return zipEntries(bytes).filter((e) => e.name.endsWith('.npy')).map((e) => e.name.slice(0, -4));
}

function memberBytes(bytes: Uint8Array, entry: ZipEntry, options: ReadOptions): Uint8Array {
  const limit = (options.maxVoxels ?? DEFAULT_MAX_VOXELS) * 8 + (1 << 20);
  if (entry.size > Math.min(limit, MAX_BUFFER_BYTES)) {
    throw new VolumeReadError(
      `the .npz array "${clip(entry.name)}" is ${entry.size} bytes uncompressed, more than the voxel limit allows; raise maskInspector.maxVoxels (or --max-voxels) if it is genuine`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const at = entry.localHeader;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) {
    throw new VolumeReadError(`the .npz member "${clip(entry.name)}" has no local header where the directory says; the archive is damaged`);
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new VolumeReadError(`the .npz member "${clip(entry.name)}" runs past the end of the file; the archive is truncated`);
  const data = bytes.subarray(start, end);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new VolumeReadError(`the stored .npz member "${clip(entry.name)}" has inconsistent sizes; the archive is damaged`);
    return data;
  }
  if (entry.method === 8) return inflateExact(data, entry.size, 'deflate-raw', `the .npz member "${clip(entry.name)}"`);
  throw new VolumeReadError(`the .npz member "${clip(entry.name)}" uses zip compression method ${entry.method}; numpy writes stored (0) or deflated (8) — re-save with numpy.savez or savez_compressed`);
}

/** The central directory (zip64 aware). */
function zipEntries(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new VolumeReadError('the zip archive has no end-of-central-directory record; the .npz is truncated — copy or save it again');
  let count = view.getUint16(eocd + 10, true);
  let dirOffset = view.getUint32(eocd + 16, true);
  if ((count === 0xffff || dirOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === 0x07064b50) {
    const z64 = Number(view.getBigUint64(eocd - 12, true));
    if (z64 + 56 <= bytes.length && view.getUint32(z64, true) === 0x06064b50) {
      count = Number(view.getBigUint64(z64 + 32, true));
      dirOffset = Number(view.getBigUint64(z64 + 48, true));
    }
  }
  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) {
      throw new VolumeReadError('the zip central directory is damaged; the .npz cannot be read — save it again');
    }
    const method = view.getUint16(at + 10, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeader = view.getUint32(at + 42, true);
    if (at + 46 + nameLength + extraLength > bytes.length) throw new VolumeReadError('the zip central directory runs past the end of the file; the .npz is truncated');
    const name = utf8(bytes.subarray(at + 46, at + 46 + nameLength));
    // zip64 extra field: the 0xffffffff values follow in order size, compressed size, local header offset.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength;) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let p = e + 4;
        const end = Math.min(e + 4 + len, at + 46 + nameLength + extraLength);
        const next = (): number => { const v = p + 8 <= end ? Number(view.getBigUint64(p, true)) : NaN; p += 8; return v; };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeader === 0xffffffff) localHeader = next();
      }
      e += 4 + len;
    }
    if (![size, compressedSize, localHeader].every(Number.isSafeInteger)) {
      throw new VolumeReadError(`the zip entry "${clip(name)}" has unreadable sizes; the .npz is damaged`);
    }
    entries.push({ name, method, compressedSize, size, localHeader });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
