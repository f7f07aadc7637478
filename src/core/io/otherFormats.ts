/** Dispatch for the formats beyond NIfTI and PNG, by content (magic bytes or first header key). */
import { isDicom } from './dicomParse';
import { readDicomSeg } from './dicomSeg';
import { isMetaImage, metaRawDataStart, readMetaImage } from './metaImage';
import { isNpy, parseNpyHeader, readNpy } from './npy';
import { isZip, readNpz } from './npz';
import { readNrrd } from './nrrd';
import { isNrrd, parseNrrdHeader } from './nrrdHeader';
import type { ReadOptions, Volume } from './volume';

/** The Volume, or undefined when the bytes are none of NRRD, MetaImage, .npy, .npz, DICOM. */
export function readOtherFormat(bytes: Uint8Array, source: string, options: ReadOptions): Volume | undefined {
  if (isNrrd(bytes)) return readNrrd(bytes, source, options);
  if (isNpy(bytes)) return readNpy(bytes, source, options);
  if (isZip(bytes)) return readNpz(bytes, source, options);
  if (isMetaImage(bytes)) return readMetaImage(bytes, source, options);
  if (isDicom(bytes)) return readDicomSeg(bytes, source, options);
  return undefined;
}

/**
 * Where the voxels of an uncompressed, attached NRRD / MetaImage / .npy start, from the first
 * bytes of the file; null when unknown (compressed, detached, another format, header too long).
 * readVolumeFile reads such a file at an offset that makes this start 8-byte aligned, so the
 * voxels are a view of the file's buffer instead of a copy (a typed array must be aligned).
 */
export function rawDataStart(head: Uint8Array): number | null {
  try {
    if (isNpy(head)) return parseNpyHeader(head).dataStart;
    if (isNrrd(head)) {
      const header = parseNrrdHeader(head);
      const skip = Number(header.fields.get('byteskip') ?? 0);
      const raw = header.fields.get('encoding')?.toLowerCase() === 'raw';
      return raw && header.dataStart < head.length && !header.fields.has('datafile') && Number.isInteger(skip) && skip >= 0 ? header.dataStart + skip : null;
    }
    if (isMetaImage(head)) return metaRawDataStart(head);
  } catch {
    return null; // an unreadable header: readVolume reports it in its own words
  }
  return null;
}
