/**
 * Entry point of the volume readers: recognises the content (gzip by magic bytes, NIfTI-1/NIfTI-2
 * by header, PNG by signature, NRRD/NumPy/zip by magic, MetaImage by its first key — never by file
 * name) and hands it to the right reader.
 * Every failure is a VolumeReadError whose message names no file (callers prefix it).
 */
import * as fs from 'node:fs';
import { dicomFolderFile } from './dicomFolder';
import { dataFilePath, MASK_FILE_PATTERN } from './fileNames';
import { formatBytes, gunzipPrefix, gunzipSmall, gunzipWhole, isGzip, MAX_BUFFER_BYTES, MAX_DEFLATE_RATIO } from './gzip';
import { decodeNifti, planNifti } from './nifti';
import { detectNifti, headerSizeWithoutMagic, NIFTI1_HEADER_BYTES, NIFTI2_HEADER_BYTES } from './niftiHeader';
import { readFortranNpyFile } from './npy';
import { readPng } from './png';
import { fileGotShorter, readFully } from './readFully';
import { hasPngSignature } from './pngChunks';
import { describeContent } from './sniff';
import { rawDataStart, readOtherFormat } from './otherFormats';
import { VolumeReadError } from './volume';
import type { ReadOptions, Volume } from './volume';

/**
 * Reads a NIfTI (.nii / .nii.gz) or PNG from its bytes. `fileName` only fills `Volume.source`.
 * Large uncompressed NIfTI data is a zero-copy view into `bytes`: do not modify `bytes` later.
 * `data` may be a view into a larger ArrayBuffer (byteOffset > 0): copy it (or the slice you need)
 * before putting a buffer in a postMessage transfer list.
 */
export function readVolume(bytes: Uint8Array, fileName: string, options: ReadOptions = {}): Volume {
  checkOptions(options);
  if (bytes.length === 0) {
    throw new VolumeReadError('the file is empty (0 bytes); it was not written completely — export it again');
  }
  if (isGzip(bytes)) return readGzippedNifti(bytes, fileName, options);
  const kind = detectNifti(bytes);
  if (kind !== undefined) {
    const plan = planNifti(bytes, kind, options);
    return decodeNifti(plan, bytes, fileName, false);
  }
  if (hasPngSignature(bytes)) return readPng(bytes, fileName, options);
  const other = readOtherFormat(bytes, fileName, options);
  if (other !== undefined) return other;
  throw notAVolume(bytes, 'the file');
}

/** Reads a file from disk (the file is only ever opened for reading). */
export function readVolumeFile(filePath: string, options: ReadOptions = {}): Volume {
  checkOptions(options);
  const path = dicomFolderFile(filePath); // a folder holding one DICOM-SEG is that file
  const fortranNpy = readFortranNpyFile(path, options); // transposed while read, no whole-file copy
  if (fortranNpy !== undefined) return fortranNpy;
  const layout = rawLayout(path);
  // Voxels that will be a view of the file's buffer are in shared memory when asked (ReadOptions.sharedMemory).
  const bytes = readWholeFile(path, options, layout?.pad ?? 0, layout !== null && options.sharedMemory === true);
  const readDataFile = options.readDataFile ?? ((name: string) => {
    try {
      return readWholeFile(dataFilePath(path, name), options);
    } catch (error) {
      throw new VolumeReadError(`its data file "${name.trim().slice(0, 60)}": ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return readVolume(bytes, path, { ...options, readDataFile });
}

/** `.nii`, `.nii.gz`, `.png`, `.nrrd`, `.nhdr`, `.mha`, `.mhd`, `.npy`, `.npz`, any letter case. */
export function isMaskFileName(name: string): boolean {
  return MASK_FILE_PATTERN.test(name);
}

function readGzippedNifti(gz: Uint8Array, source: string, options: ReadOptions): Volume {
  let head = gunzipPrefix(gz, NIFTI2_HEADER_BYTES);
  // Short output means the prefix pass already saw the whole (tiny or truncated) stream; inflate it
  // strictly so truncation is reported as such rather than as a short NIfTI header.
  if (head.length < NIFTI2_HEADER_BYTES) head = gunzipSmall(gz, NIFTI2_HEADER_BYTES);
  if (head.length === 0) {
    throw new VolumeReadError('the gzip stream decompresses to nothing; the file is truncated or empty — export it again');
  }
  const kind = detectNifti(head);
  if (kind === undefined) {
    if (hasPngSignature(head)) {
      throw new VolumeReadError('the file is a gzip-compressed PNG; decompress it (gunzip) and open the .png');
    }
    throw notAVolume(head, 'the file is gzip-compressed, but the decompressed data');
  }
  const plan = planNifti(head, kind, options);
  // A deflate stream cannot expand more than ~1032:1, so a header that needs more than that cannot
  // be honest: fail now instead of inflating the whole file first.
  const reachable = gz.length * MAX_DEFLATE_RATIO;
  if (plan.neededBytes > reachable) {
    throw new VolumeReadError(
      `header declares ${plan.voxelCount} voxels of ${plan.datatype.dtype} (${plan.dataBytes} bytes after ` +
        `vox_offset ${plan.dataStart}) but a ${gz.length}-byte gzip file can hold at most ${formatBytes(reachable)}; ` +
        'the file is truncated or its header is wrong — copy or export it again');
  }
  const whole = gunzipWhole(gz, plan.neededBytes);
  return decodeNifti(plan, whole, source, true);
}

function notAVolume(head: Uint8Array, subject: string): VolumeReadError {
  const headerSize = headerSizeWithoutMagic(head);
  if (headerSize === NIFTI1_HEADER_BYTES) {
    return new VolumeReadError(
      `${subject} has a 348-byte image header without the NIfTI magic "n+1" (an ANALYZE 7.5 header or a damaged ` +
        'NIfTI); only NIfTI-1/NIfTI-2 and PNG are supported — convert it to NIfTI (e.g. with nibabel)');
  }
  if (headerSize === NIFTI2_HEADER_BYTES) {
    return new VolumeReadError(
      `${subject} has a 540-byte NIfTI-2-sized header without the magic "n+2"; the header is damaged — export it again`);
  }
  return new VolumeReadError(
    `${subject} is neither NIfTI nor PNG: it looks like ${describeContent(head)}; ` +
      'a NIfTI-1/NIfTI-2 header (.nii, .nii.gz), an NRRD/MetaImage/NumPy header or a PNG signature was expected');
}

function checkOptions(options: ReadOptions): void {
  const limit = options.maxVoxels;
  if (limit !== undefined && !(limit > 0)) {
    throw new VolumeReadError(
      `the voxel limit must be a positive number (got ${limit}); check the maskInspector.maxVoxels setting or --max-voxels`);
  }
}

/** FIFOs, devices and sockets are never read: they can block, or never end (/dev/zero). */
export const NOT_REGULAR = 'not a regular file (a device, FIFO or socket); it is not read';

/**
 * For an uncompressed, attached NRRD/MetaImage/.npy (whose voxels will be a view of the file's
 * buffer), the bytes to put before the file in memory so that its voxels start 8-byte aligned;
 * null for any other file.
 */
function rawLayout(path: string): { readonly pad: number } | null {
  let fd: number | undefined;
  try {
    // Non-blocking and checked on the descriptor: a FIFO or device is never waited on here either.
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    if (!fs.fstatSync(fd).isFile()) return null;
    const head = new Uint8Array(64 * 1024);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    const start = rawDataStart(head.subarray(0, n));
    return start === null ? null : { pad: (8 - (start % 8)) % 8 };
  } catch {
    return null; // readWholeFile reports what is wrong with the file
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * fs.readFileSync refuses files over 2 GiB on Node 20, so read into one exact-size buffer. For an
 * uncompressed NIfTI the header is checked first, so a file over the voxel limit is refused without
 * reading gigabytes.
 */
function readWholeFile(path: string, options: ReadOptions, pad = 0, shared = false): Uint8Array {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. Whatever
    // was opened is then checked on the descriptor itself, so a swap after a stat cannot fool it.
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new VolumeReadError('this is a directory, not an image file');
    if (!stat.isFile()) throw new VolumeReadError(NOT_REGULAR);
    const size = stat.size;
    if (size > MAX_BUFFER_BYTES) {
      throw new VolumeReadError(
        `the file is ${formatBytes(size)}, more than the ${formatBytes(MAX_BUFFER_BYTES)} Node.js can hold in one buffer`);
    }
    const head = new Uint8Array(Math.min(size, NIFTI2_HEADER_BYTES));
    readFully(fd, head, 0, fileGotShorter);
    const kind = isGzip(head) ? undefined : detectNifti(head);
    if (kind !== undefined) planNifti(head, kind, options); // throws early on limits / bad headers
    const bytes = shared ? new Uint8Array(new SharedArrayBuffer(size + pad), pad) : Buffer.allocUnsafeSlow(size + pad).subarray(pad);
    bytes.set(head);
    readFully(fd, bytes.subarray(head.length), head.length, fileGotShorter);
    return bytes;
  } catch (error) {
    if (error instanceof VolumeReadError) throw error;
    throw fileSystemError(error);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** fs errors quote the path; ours must not, so keep only what went wrong. */
function fileSystemError(error: unknown): VolumeReadError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'ENOENT': return new VolumeReadError('file not found');
    case 'EACCES':
    case 'EPERM': return new VolumeReadError('permission denied: the file cannot be opened for reading');
    case 'EISDIR': return new VolumeReadError('this is a directory, not an image file');
    default: return new VolumeReadError(`the file cannot be read (${code || (error instanceof Error ? error.name : 'error')})`);
  }
}
