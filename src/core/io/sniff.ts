/**
 * "What does this file look like?" for error messages about files that are neither NIfTI nor PNG,
 * e.g. a text file renamed .nii, a JPEG, a DICOM slice, or a NumPy array.
 */

interface Signature {
  readonly at: number;
  readonly bytes: readonly number[];
  readonly what: string;
}

const text = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

const SIGNATURES: readonly Signature[] = [
  { at: 0, bytes: [0x1f, 0x8b], what: 'gzip-compressed data' },
  { at: 0, bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { at: 0, bytes: text('GIF8'), what: 'a GIF image' },
  { at: 0, bytes: text('II*\0'), what: 'a TIFF image' },
  { at: 0, bytes: text('MM\0*'), what: 'a TIFF image' },
  { at: 0, bytes: text('BM'), what: 'a BMP image' },
  { at: 0, bytes: text('RIFF'), what: 'a RIFF/WebP file' },
  { at: 0, bytes: text('PK\x03\x04'), what: 'a ZIP archive (or NumPy .npz)' },
  { at: 0, bytes: [0x93, ...text('NUMPY')], what: 'a NumPy .npy array' },
  { at: 0, bytes: [0x89, ...text('HDF')], what: 'an HDF5 file' },
  { at: 0, bytes: text('%PDF'), what: 'a PDF document' },
  { at: 0, bytes: text('NRRD'), what: 'an NRRD image' },
  { at: 0, bytes: text('BZh'), what: 'bzip2-compressed data' },
  { at: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed data' },
  { at: 0, bytes: [0xfd, ...text('7zXZ')], what: 'xz-compressed data' },
  { at: 0, bytes: [0x89, ...text('PNG')], what: 'a damaged PNG (its signature is incomplete)' },
  { at: 128, bytes: text('DICM'), what: 'a DICOM file' },
];

/** A short phrase such as "a JPEG image" or "text (starts with "hello")". */
export function describeContent(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  for (const sig of SIGNATURES) {
    if (bytes.length >= sig.at + sig.bytes.length && sig.bytes.every((b, i) => bytes[sig.at + i] === b)) {
      return sig.what;
    }
  }
  const head = bytes.subarray(0, 512);
  if (looksLikeText(head)) {
    const start = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 64));
    if (/^\s*ObjectType\s*=/.test(start)) return 'a MetaImage (.mha/.mhd) header';
    if (/^\s*[{[]/.test(start)) return 'JSON text';
    if (/^\s*</.test(start)) return 'HTML/XML text';
    if (/^version https:\/\/git-lfs/.test(start)) return 'a Git LFS pointer (the real file was not downloaded: run git lfs pull)';
    return `text (starts with "${snippet(start)}")`;
  }
  return `unrecognised binary data (first bytes ${hex(bytes.subarray(0, 8))})`;
}

/** Mostly printable ASCII / UTF-8 with no NUL bytes. */
function looksLikeText(head: Uint8Array): boolean {
  let printable = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 128) printable++;
  }
  return printable / head.length > 0.95;
}

function snippet(s: string): string {
  const oneLine = s.replace(/\s+/g, ' ').trim();
  const clean = oneLine.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 24 ? `${clean.slice(0, 24)}…` : clean;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
