/**
 * NRRD header text (teem's format, versions NRRD0001–NRRD0005): fields, key/value pairs, where the
 * data starts. Only parsing here; nrrd.ts turns the fields into a Volume.
 */
import { MAX_TEXT_HEADER_BYTES, latin1, utf8 } from './rawData';
import type { ElementType } from './rawData';
import { VolumeReadError } from './volume';

export interface NrrdHeader {
  /** Field names lower-cased with spaces removed ("spacedirections"). */
  readonly fields: ReadonlyMap<string, string>;
  /** `key:=value` pairs, keys as written (Slicer's Segment0_Name …). */
  readonly keyValues: ReadonlyMap<string, string>;
  /** Byte index just after the blank line that ends the header (the file's end for a .nhdr). */
  readonly dataStart: number;
}

export function isNrrd(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && latin1(bytes.subarray(0, 4)) === 'NRRD' && /^NRRD\d{4}$/.test(latin1(bytes.subarray(0, 8)));
}

export function parseNrrdHeader(bytes: Uint8Array): NrrdHeader {
  const fields = new Map<string, string>();
  const keyValues = new Map<string, string>();
  let at = 0;
  let first = true;
  for (;;) {
    if (at >= bytes.length) break; // a detached header ends with the file
    if (at > MAX_TEXT_HEADER_BYTES) {
      throw new VolumeReadError(`the NRRD header is longer than ${MAX_TEXT_HEADER_BYTES} bytes without the blank line that ends it; the file is damaged`);
    }
    let end = bytes.indexOf(0x0a, at);
    const next = end < 0 ? bytes.length : end + 1;
    if (end < 0) end = bytes.length;
    let line = utf8(bytes.subarray(at, end));
    at = next;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (first) {
      first = false;
      continue; // the magic, checked by isNrrd
    }
    if (line.length === 0) break;
    if (line.startsWith('#')) continue;
    const kv = line.indexOf(':=');
    if (kv > 0) {
      keyValues.set(line.slice(0, kv), line.slice(kv + 2));
      continue;
    }
    const colon = line.indexOf(': ');
    if (colon <= 0) {
      throw new VolumeReadError(`the NRRD header line "${clip(line)}" is neither "field: value" nor "key:=value"; the header is damaged`);
    }
    fields.set(line.slice(0, colon).toLowerCase().replace(/\s+/g, ''), line.slice(colon + 2).trim());
  }
  return { fields, keyValues, dataStart: at };
}

export function requiredField(header: NrrdHeader, name: string): string {
  const value = header.fields.get(name);
  if (value === undefined) throw new VolumeReadError(`the NRRD header has no "${name}" field, which every NRRD needs; the header is damaged`);
  return value;
}

const NRRD_TYPES: ReadonlyArray<readonly [readonly string[], ElementType]> = [
  [['signed char', 'int8', 'int8_t'], { dtype: 'int8', bytes: 1 }],
  [['uchar', 'unsigned char', 'uint8', 'uint8_t'], { dtype: 'uint8', bytes: 1 }],
  [['short', 'short int', 'signed short', 'signed short int', 'int16', 'int16_t'], { dtype: 'int16', bytes: 2 }],
  [['ushort', 'unsigned short', 'unsigned short int', 'uint16', 'uint16_t'], { dtype: 'uint16', bytes: 2 }],
  [['int', 'signed int', 'int32', 'int32_t'], { dtype: 'int32', bytes: 4 }],
  [['uint', 'unsigned int', 'uint32', 'uint32_t'], { dtype: 'uint32', bytes: 4 }],
  [['longlong', 'long long', 'long long int', 'signed long long', 'signed long long int', 'int64', 'int64_t'], { dtype: 'int64', bytes: 8 }],
  [['ulonglong', 'unsigned long long', 'unsigned long long int', 'uint64', 'uint64_t'], { dtype: 'uint64', bytes: 8 }],
  [['float'], { dtype: 'float32', bytes: 4 }],
  [['double'], { dtype: 'float64', bytes: 8 }],
];

export function nrrdElementType(name: string): ElementType {
  const key = name.trim().toLowerCase().replace(/\s+/g, ' ');
  for (const [names, type] of NRRD_TYPES) if (names.includes(key)) return type;
  throw new VolumeReadError(
    `unsupported NRRD type "${clip(name)}"; Mask Inspector reads integer, float and double NRRDs — convert the image (e.g. with 3D Slicer or SimpleITK)`);
}

/** "(1,0,0) (0,1,0) none" → [[1,0,0],[0,1,0],null]. */
export function parseVectors(text: string, what: string): (number[] | null)[] {
  const out: (number[] | null)[] = [];
  const re = /\(([^)]*)\)|none/gi;
  for (const m of text.matchAll(re)) {
    if (m[1] === undefined) out.push(null);
    else out.push(m[1].split(',').map((s) => parseNumber(s, what)));
  }
  return out;
}

export function parseNumber(text: string, what: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || Number.isNaN(value) && text.trim().toLowerCase() !== 'nan') {
    throw new VolumeReadError(`the header's ${what} "${clip(text)}" is not a number; the header is damaged`);
  }
  return value;
}

export function parseNumbers(text: string, what: string): number[] {
  return text.trim().split(/\s+/).filter((s) => s.length > 0).map((s) => parseNumber(s, what));
}

export function clip(s: string): string {
  const one = s.replace(/[^\x20-\x7e]/g, '?');
  return one.length > 40 ? `${one.slice(0, 40)}…` : one;
}
