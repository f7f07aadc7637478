/**
 * A small DICOM Part 10 parser for what a DICOM-SEG reader needs: little endian, explicit or
 * implicit VR, sequences and items of defined or undefined length. Values stay views of the file;
 * nothing is decoded until asked. Every structural problem is a one-line VolumeReadError.
 */
import { VolumeReadError } from './volume';

export const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';
export const IMPLICIT_LITTLE = '1.2.840.10008.1.2';

/** Transfer syntaxes refused, by what they are, so the message can say what to do. */
const KNOWN_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.2': 'explicit VR big endian (retired)',
  '1.2.840.10008.1.2.1.99': 'deflate-compressed',
  '1.2.840.10008.1.2.5': 'RLE Lossless compressed',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline compressed',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless compressed',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless compressed',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS compressed',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS compressed',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 compressed',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000 compressed',
  '1.2.840.10008.1.2.4.201': 'HTJ2K compressed',
  '1.2.840.10008.1.2.4.202': 'HTJ2K compressed',
  '1.2.840.10008.1.2.4.203': 'HTJ2K compressed',
};

export type DicomItem = Map<number, DicomElement>;
export interface DicomElement {
  readonly vr: string;
  /** The value's bytes (empty for a sequence). */
  readonly value: Uint8Array;
  /** A sequence's items. */
  readonly items?: readonly DicomItem[];
}

export const tag = (group: number, element: number): number => group * 0x10000 + element;
const ITEM = tag(0xfffe, 0xe000);
const ITEM_END = tag(0xfffe, 0xe00d);
const SEQUENCE_END = tag(0xfffe, 0xe0dd);
const UNDEFINED = 0xffffffff;
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const MAX_DEPTH = 16;
/** Sequences a DICOM-SEG reader looks into; in implicit VR a defined-length value is a sequence only when named here. */
const SEQUENCE_TAGS = new Set([
  tag(0x0062, 0x0002), tag(0x0062, 0x000a), tag(0x5200, 0x9229), tag(0x5200, 0x9230),
  tag(0x0020, 0x9113), tag(0x0020, 0x9116), tag(0x0028, 0x9110),
]);

/** True when the bytes start with a DICOM Part 10 preamble and "DICM". */
export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

export interface DicomFile {
  readonly transferSyntax: string;
  readonly dataset: DicomItem;
}

/** The file's dataset; with `stopAt`, only the top-level elements before that tag (a header prefix may then suffice). */
export function parseDicom(bytes: Uint8Array, stopAt = Infinity): DicomFile {
  if (!isDicom(bytes)) throw new VolumeReadError('not a DICOM file (no "DICM" after the 128-byte preamble)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // File meta information: always explicit VR little endian, group 0002 only.
  const meta = new Parser(bytes, view, true);
  const metaItem: DicomItem = new Map();
  let offset = 132;
  while (offset + 4 <= bytes.length && view.getUint16(offset, true) === 0x0002) {
    offset = meta.element(offset, metaItem, 0);
  }
  const transferSyntax = text(metaItem.get(tag(0x0002, 0x0010))?.value);
  if (transferSyntax === '') throw new VolumeReadError('the DICOM file has no transfer syntax in its file meta information; the file is damaged');
  if (transferSyntax !== EXPLICIT_LITTLE && transferSyntax !== IMPLICIT_LITTLE) {
    const what = KNOWN_SYNTAXES[transferSyntax] ?? 'an unsupported encoding';
    throw new VolumeReadError(`the DICOM file is ${what} (transfer syntax ${transferSyntax.slice(0, 64)}); only uncompressed little endian ` +
      'is read — decompress it first, e.g. with DCMTK: dcmconv +te in.dcm out.dcm (or gdcmconv --raw)');
  }
  const parser = new Parser(bytes, view, transferSyntax === EXPLICIT_LITTLE);
  const dataset: DicomItem = new Map();
  while (offset < bytes.length) {
    if (offset + 4 <= bytes.length && tag(view.getUint16(offset, true), view.getUint16(offset + 2, true)) >= stopAt) break;
    offset = parser.element(offset, dataset, 0);
  }
  return { transferSyntax, dataset };
}

class Parser {
  constructor(private readonly bytes: Uint8Array, private readonly view: DataView, private readonly explicit: boolean) {}

  /** Reads one element at `offset` into `into`; returns the offset after it. */
  element(offset: number, into: DicomItem, depth: number): number {
    const { bytes, view } = this;
    this.need(offset, 8);
    const t = tag(view.getUint16(offset, true), view.getUint16(offset + 2, true));
    let vr: string;
    let length: number;
    let start: number;
    if (this.explicit && (t >>> 16) !== 0xfffe) {
      vr = String.fromCharCode(bytes[offset + 4]!, bytes[offset + 5]!);
      if (!/^[A-Z]{2}$/.test(vr)) throw damaged(`element (${tagText(t)}) has no valid VR`);
      if (LONG_VRS.has(vr)) {
        this.need(offset, 12);
        length = view.getUint32(offset + 8, true);
        start = offset + 12;
      } else {
        length = view.getUint16(offset + 6, true);
        start = offset + 8;
      }
    } else {
      vr = SEQUENCE_TAGS.has(t) ? 'SQ' : 'UN';
      length = view.getUint32(offset + 4, true);
      start = offset + 8;
    }
    if (length === UNDEFINED) {
      if (t === tag(0x7fe0, 0x0010)) {
        throw new VolumeReadError('the DICOM pixel data is encapsulated (compressed) although the transfer syntax says uncompressed; the file is damaged');
      }
      // Undefined length: a sequence (in explicit VR also an UN holding one, whose content is implicit VR).
      const parser = this.explicit && vr === 'UN' ? new Parser(bytes, view, false) : this;
      const { items, end } = parser.sequence(start, UNDEFINED, depth);
      into.set(t, { vr: 'SQ', value: bytes.subarray(0, 0), items });
      return end;
    }
    this.need(start, length);
    if (vr === 'SQ') {
      const { items } = this.sequence(start, length, depth);
      into.set(t, { vr, value: bytes.subarray(0, 0), items });
    } else {
      into.set(t, { vr, value: bytes.subarray(start, start + length) });
    }
    return start + length;
  }

  /** Items of a sequence starting at `start`; `length` in bytes or UNDEFINED (ends at a sequence delimiter). */
  private sequence(start: number, length: number, depth: number): { items: DicomItem[]; end: number } {
    if (depth >= MAX_DEPTH) throw damaged(`sequences are nested more than ${MAX_DEPTH} deep`);
    const { view } = this;
    const items: DicomItem[] = [];
    const limit = length === UNDEFINED ? this.bytes.length : start + length;
    let offset = start;
    while (offset < limit) {
      this.need(offset, 8);
      const t = tag(view.getUint16(offset, true), view.getUint16(offset + 2, true));
      const itemLength = view.getUint32(offset + 4, true);
      offset += 8;
      if (t === SEQUENCE_END) return { items, end: offset };
      if (t !== ITEM) throw damaged(`a sequence holds (${tagText(t)}) where an item was expected`);
      const item: DicomItem = new Map();
      if (itemLength === UNDEFINED) {
        for (;;) {
          this.need(offset, 8);
          if (tag(view.getUint16(offset, true), view.getUint16(offset + 2, true)) === ITEM_END) { offset += 8; break; }
          offset = this.element(offset, item, depth + 1);
        }
      } else {
        this.need(offset, itemLength);
        const end = offset + itemLength;
        while (offset < end) offset = this.element(offset, item, depth + 1);
        if (offset !== end) throw damaged('an item\'s elements run past its length');
      }
      items.push(item);
    }
    if (length === UNDEFINED) throw damaged('a sequence of undefined length has no end');
    if (offset !== limit) throw damaged('a sequence\'s items run past its length');
    return { items, end: offset };
  }

  private need(offset: number, count: number): void {
    if (offset + count > this.bytes.length) {
      throw new VolumeReadError(`the DICOM file ends inside an element (byte ${offset} + ${count} of ${this.bytes.length}); it is truncated — copy or export it again`);
    }
  }
}

function damaged(what: string): VolumeReadError {
  return new VolumeReadError(`the DICOM file is damaged: ${what}`);
}

function tagText(t: number): string {
  return `${(t >>> 16).toString(16).padStart(4, '0')},${(t & 0xffff).toString(16).padStart(4, '0')}`;
}

/** A string value without DICOM's padding (spaces, NULs); '' when absent. */
export function text(value: Uint8Array | undefined): string {
  if (value === undefined) return '';
  let s = '';
  for (let i = 0; i < value.length && i < 1024; i++) s += String.fromCharCode(value[i]!);
  return s.replace(/[\0 ]+$/, '').replace(/^ +/, '');
}

/** A DS/IS value as numbers (backslash-separated); NaN for an unreadable entry. */
export function numbers(value: Uint8Array | undefined): number[] {
  const s = text(value);
  return s === '' ? [] : s.split('\\').map((part) => (part.trim() === '' ? NaN : Number(part.trim())));
}

/** A US value (unsigned 16 bit); undefined when absent or too short. */
export function uint16(value: Uint8Array | undefined): number | undefined {
  if (value === undefined || value.length < 2) return undefined;
  return value[0]! | (value[1]! << 8);
}

/** The first item of a sequence, or undefined. */
export function firstItem(item: DicomItem | undefined, t: number): DicomItem | undefined {
  return item?.get(t)?.items?.[0];
}
