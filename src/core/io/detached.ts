/**
 * Detached headers (.nhdr, .mhd) for callers that hand the readers bytes, not paths (the editor
 * sends one file's bytes to its worker): the header and its data file are joined into the
 * equivalent attached file (.nrrd / .mha), which readVolume reads like any other.
 */
import { isMetaImage } from './metaImage';
import { isNrrd, parseNrrdHeader } from './nrrdHeader';
import { latin1 } from './rawData';
import { VolumeReadError } from './volume';

/** The data file a detached header names, or null for an attached file / another format. */
export function detachedDataFile(bytes: Uint8Array): string | null {
  if (isNrrd(bytes)) {
    const name = parseNrrdHeader(bytes).fields.get('datafile');
    return name === undefined ? null : name.trim();
  }
  if (isMetaImage(bytes)) {
    const m = /^\s*ElementDataFile\s*=\s*(.*?)\s*$/m.exec(latin1(bytes.subarray(0, 1 << 20)));
    return m === null || m[1]!.toUpperCase() === 'LOCAL' ? null : m[1]!;
  }
  return null;
}

/** A relative name inside the header's folder: no absolute path, no "..". */
export function checkDataFileName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || /^([a-z]:)?[\\/]/i.test(trimmed) || trimmed.split(/[\\/]/).includes('..')) {
    throw new VolumeReadError(`the header names the data file "${trimmed.slice(0, 60)}"; only a file beside the header (no absolute path, no "..") is read`);
  }
  return trimmed;
}

/** Header + data as one attached file. `header` must be a detached header (detachedDataFile ≠ null). */
export function attachDataFile(header: Uint8Array, data: Uint8Array): Uint8Array {
  let text = latin1(header);
  if (isNrrd(header)) {
    const { dataStart } = parseNrrdHeader(header);
    text = text.slice(0, dataStart).replace(/^data ?file:.*\r?\n?/im, '').replace(/\s*$/, '\n\n');
  } else {
    text = text.replace(/^(\s*ElementDataFile\s*=).*$/m, '$1 LOCAL').replace(/(ElementDataFile\s*=\s*LOCAL)[\s\S]*$/, '$1\n');
  }
  const head = Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}
