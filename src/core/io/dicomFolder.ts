/**
 * DICOM exports are folders (often of files without extension). A folder given where a mask file
 * is expected is read as the one DICOM-SEG file in it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VolumeReadError } from './volume';

const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
/** Folders larger than this are not searched (a whole PACS export is not a mask). */
const MAX_ENTRIES = 10_000;

/** `filePath` itself, or — when it is a folder — the DICOM-SEG file inside it. */
export function dicomFolderFile(filePath: string): string {
  let isFolder = false;
  try {
    isFolder = fs.statSync(filePath).isDirectory();
  } catch {
    return filePath; // missing or unreadable: readVolumeFile reports it
  }
  if (!isFolder) return filePath;
  const entries = fs.readdirSync(filePath, { withFileTypes: true }).filter((e) => e.isFile());
  if (entries.length > MAX_ENTRIES) {
    throw new VolumeReadError(`this is a folder of ${entries.length} files; give the DICOM-SEG file itself`);
  }
  const segs = entries.map((e) => path.join(filePath, e.name)).filter(isDicomSegFile);
  if (segs.length === 1) return segs[0]!;
  if (segs.length === 0) {
    throw new VolumeReadError('this is a directory, not an image file (a directory is read only when it holds one DICOM-SEG file)');
  }
  throw new VolumeReadError(`this folder holds ${segs.length} DICOM-SEG files (${segs.slice(0, 3).map((s) => path.basename(s)).join(', ')}…); give one of them`);
}

/** True when `folderPath` is a folder that dicomFolderFile resolves to one DICOM-SEG file. */
export function isFolderWithDicomSeg(folderPath: string): boolean {
  try {
    return dicomFolderFile(folderPath) !== folderPath;
  } catch {
    return false; // none or several: the caller's "is a folder" message applies
  }
}

/** DICM magic and the Segmentation Storage SOP class in the file meta information (its first 2 KB). */
function isSegHead(head: Buffer, n: number): boolean {
  return n >= 132 && head.toString('latin1', 128, 132) === 'DICM' && head.toString('latin1', 132, n).includes(SEGMENTATION_STORAGE);
}

/**
 * isDicomSegFile without blocking (folder listings of hundreds of DICOM slices in the extension
 * host). False for unreadable files too: they are then not masks, and the listing says so.
 */
export async function isDicomSegmentation(file: string): Promise<boolean> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const head = Buffer.alloc(2048);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return isSegHead(head, bytesRead);
  } catch {
    return false; // unreadable: not a segmentation we can open
  } finally {
    await handle?.close();
  }
}

function isDicomSegFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(2048);
    return isSegHead(head, fs.readSync(fd, head, 0, head.length, 0));
  } catch {
    return false; // unreadable entries are not candidates
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
