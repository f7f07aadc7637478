/**
 * DICOM-SEG (Segmentation Storage, BINARY) → a label-map Volume: each voxel holds the number of
 * the segment that covers it (0 = none), segment labels become the label names.
 *
 * The SEG holds only the frames its segments cover; the grid is the frames' extent: rows along
 * ImageOrientationPatient's column direction (j), columns along its row direction (i), slices
 * (k) along the normal row × column (as ITK, dcmqi and highdicom order them). When the SEG is
 * paired with an image on a grid its frames lie on, `segOnPartnerGrid` places it on that grid.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { dicomFolderFile } from './dicomFolder';
import { dicomLabToRgb, type Rgb } from './segmentColour';
import { firstItem, isDicom, numbers, parseDicom, tag, text, uint16, type DicomItem } from './dicomParse';
import { DEFAULT_MAX_VOXELS, VolumeReadError, type ReadOptions, type Volume, type VolumeSegment } from './volume';
import { affineFromAxes, LPS } from './worldSpace';

const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
const T = {
  sopClass: tag(0x0008, 0x0016), modality: tag(0x0008, 0x0060), rows: tag(0x0028, 0x0010), columns: tag(0x0028, 0x0011),
  frames: tag(0x0028, 0x0008), bitsAllocated: tag(0x0028, 0x0100), samples: tag(0x0028, 0x0002),
  segmentationType: tag(0x0062, 0x0001), segments: tag(0x0062, 0x0002), segmentNumber: tag(0x0062, 0x0004),
  segmentLabel: tag(0x0062, 0x0005), segmentColour: tag(0x0062, 0x000d), shared: tag(0x5200, 0x9229), perFrame: tag(0x5200, 0x9230),
  planePosition: tag(0x0020, 0x9113), position: tag(0x0020, 0x0032), planeOrientation: tag(0x0020, 0x9116),
  orientation: tag(0x0020, 0x0037), pixelMeasures: tag(0x0028, 0x9110), pixelSpacing: tag(0x0028, 0x0030),
  sliceThickness: tag(0x0018, 0x0050), spacingBetween: tag(0x0018, 0x0088), segmentIdentification: tag(0x0062, 0x000a),
  referencedSegment: tag(0x0062, 0x000b), pixelData: tag(0x7fe0, 0x0010),
};

type Vec3 = [number, number, number];
const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;

export function readDicomSeg(bytes: Uint8Array, source: string, options: ReadOptions): Volume {
  const { dataset } = parseDicom(bytes);
  const sopClass = text(dataset.get(T.sopClass)?.value);
  if (sopClass !== SEGMENTATION_STORAGE) {
    const modality = text(dataset.get(T.modality)?.value) || 'unknown';
    throw new VolumeReadError(`the DICOM file is not a segmentation (modality ${modality.slice(0, 16)}, SOP class ${sopClass.slice(0, 64) || 'missing'}); ` +
      'only DICOM-SEG label files are read — convert image series to NIfTI, e.g. with dcm2niix');
  }
  const type = text(dataset.get(T.segmentationType)?.value);
  if (type !== 'BINARY') {
    throw new VolumeReadError(`the DICOM-SEG is ${type.slice(0, 16) || 'of no'} segmentation type; only BINARY segmentations are read ` +
      '(a FRACTIONAL one holds probabilities or occupancies per segment) — export the segmentation as BINARY');
  }
  const rows = uint16(dataset.get(T.rows)?.value) ?? 0;
  const columns = uint16(dataset.get(T.columns)?.value) ?? 0;
  const frameCount = numbers(dataset.get(T.frames)?.value)[0] ?? 1;
  const bits = uint16(dataset.get(T.bitsAllocated)?.value);
  const samples = uint16(dataset.get(T.samples)?.value) ?? 1;
  if (!(rows > 0 && columns > 0 && Number.isInteger(frameCount) && frameCount > 0) || bits !== 1 || samples !== 1) {
    throw new VolumeReadError(`the DICOM-SEG's image attributes are invalid (rows ${rows}, columns ${columns}, frames ${frameCount}, ` +
      `bits allocated ${bits ?? 'missing'}, samples ${samples}); a BINARY segmentation has 1-bit single-sample frames — the file is damaged`);
  }
  const segments = readSegments(dataset);
  const shared = firstItem(dataset, T.shared);
  const perFrame = dataset.get(T.perFrame)?.items ?? [];
  if (perFrame.length !== frameCount) {
    throw new VolumeReadError(`the DICOM-SEG has ${frameCount} frames but ${perFrame.length} per-frame functional groups; the file is damaged`);
  }
  const frames = perFrame.map((item, n) => frameGeometry(item, shared, n, segments));
  const orientation = frames[0]!.orientation;
  const spacing = frames[0]!.spacing;
  if (frames.some((f) => f.orientation.some((v, i) => Math.abs(v - orientation[i]!) > 1e-4) || f.spacing.some((v, i) => Math.abs(v - spacing[i]!) > 1e-4 * v))) {
    throw new VolumeReadError('the DICOM-SEG\'s frames have different orientations or pixel spacings; only frames of one image plane geometry are read');
  }
  const rowDir: Vec3 = [orientation[0]!, orientation[1]!, orientation[2]!];
  const colDir: Vec3 = [orientation[3]!, orientation[4]!, orientation[5]!];
  const normal: Vec3 = [rowDir[1] * colDir[2] - rowDir[2] * colDir[1], rowDir[2] * colDir[0] - rowDir[0] * colDir[2], rowDir[0] * colDir[1] - rowDir[1] * colDir[0]];
  const distances = frames.map((f) => dot(f.position, normal));
  const lowest = distances.reduce((a, b) => Math.min(a, b));
  // Slice spacing: SpacingBetweenSlices, else the smallest gap between frame positions, else SliceThickness, else 1 mm.
  const gaps = [...new Set(distances.map((d) => +(d - lowest).toFixed(4)))].sort((a, b) => a - b);
  const smallestGap = gaps.slice(1).reduce((m, g, i) => Math.min(m, g - gaps[i]!), Infinity);
  const between = spacing[2] > 0 ? spacing[2] : Number.isFinite(smallestGap) && smallestGap > 0 ? smallestGap : frames[0]!.thickness > 0 ? frames[0]!.thickness : 1;
  const ks = distances.map((d) => (d - lowest) / between);
  const first = frames[distances.indexOf(lowest)]!.position;
  frames.forEach((f, n) => {
    const offAxis = f.position.map((v, i) => v - first[i]! - (distances[n]! - lowest) * normal[i]!);
    if (Math.abs(ks[n]! - Math.round(ks[n]!)) > 1e-3 || Math.hypot(...offAxis) > 1e-3 * Math.max(1, between)) {
      throw new VolumeReadError(`the DICOM-SEG's frame ${n + 1} is not on the grid of the others (slice spacing ${+between.toPrecision(6)} mm); ` +
        'only frames of one regular grid are read');
    }
  });
  const depth = Math.round(ks.reduce((a, b) => Math.max(a, b))) + 1;
  const voxels = columns * rows * depth;
  const limit = options.maxVoxels ?? DEFAULT_MAX_VOXELS;
  if (voxels > limit) {
    throw new VolumeReadError(`the DICOM-SEG spans ${columns} × ${rows} × ${depth} = ${voxels} voxels, more than the limit of ${limit}; ` +
      'raise maskInspector.maxVoxels (--max-voxels) if this is intended');
  }
  const pixels = dataset.get(T.pixelData)?.value;
  const frameBits = rows * columns;
  const needed = Math.ceil((frameBits * frameCount) / 8);
  if (pixels === undefined || pixels.length < needed) {
    throw new VolumeReadError(`the DICOM-SEG's pixel data holds ${pixels?.length ?? 0} bytes, ${frameCount} 1-bit frames of ${columns} × ${rows} need ${needed}; the file is truncated`);
  }
  const maxValue = [...segments.keys()].reduce((a, b) => Math.max(a, b), 0);
  const data = maxValue > 255 ? new Uint16Array(voxels) : new Uint8Array(voxels);
  // Frames in segment-number order, so where segments overlap the higher number wins, whatever the frame order.
  const order = frames.map((_, n) => n).sort((a, b) => frames[a]!.segment - frames[b]!.segment || a - b);
  let overlaps = 0;
  for (const n of order) {
    const value = frames[n]!.segment;
    const base = Math.round(ks[n]!) * frameBits;
    const bit0 = n * frameBits;
    // Byte by byte, skipping background bytes; frames are packed back to back, so the first and
    // last byte of a frame may hold bits of its neighbours (p outside the frame).
    for (let at = Math.floor(bit0 / 8), last = Math.floor((bit0 + frameBits - 1) / 8); at <= last; at++) {
      const byte = pixels[at]!;
      if (byte === 0) continue;
      for (let b = 0; b < 8; b++) {
        const p = at * 8 + b - bit0;
        if (((byte >>> b) & 1) === 0 || p < 0 || p >= frameBits) continue;
        if (data[base + p] !== 0 && data[base + p] !== value) overlaps++;
        data[base + p] = value;
      }
    }
  }
  const rowSpacing = spacing[0], columnSpacing = spacing[1];
  const affine = affineFromAxes([rowDir.map((v) => v * columnSpacing), colDir.map((v) => v * rowSpacing), normal.map((v) => v * between)], first, LPS);
  const named = segmentList(segments);
  return {
    source, format: 'dicom-seg', dims: [columns, rows, depth], spacing: [columnSpacing, rowSpacing, between], affine, data,
    sourceDtype: maxValue > 255 ? 'uint16' : 'uint8', scaled: false, segments: named,
    ...(overlaps > 0 ? { readNotes: [`${source}: ${overlaps} voxel${overlaps === 1 ? ' is' : 's are'} in more than one segment; each counts for the highest segment number`] } : {}),
  };
}

/**
 * The segments (number, label) of a DICOM-SEG file or folder from the start of the file (the
 * SegmentSequence precedes the frames' groups), for the CLI, which does not keep the volume; [] for any other file.
 */
export function segmentsOfDicomFile(path: string): VolumeSegment[] {
  let fd: number | undefined;
  try {
    fd = openSync(dicomFolderFile(path), 'r');
    const head = new Uint8Array(4 << 20);
    const bytes = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    if (!isDicom(bytes)) return [];
    return segmentList(readSegments(parseDicom(bytes, T.shared).dataset));
  } catch {
    return []; // unreadable: the comparison itself reports the file
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

interface Segment {
  readonly name: string;
  readonly color?: Rgb;
}

function readSegments(dataset: DicomItem): Map<number, Segment> {
  const segments = new Map<number, Segment>();
  for (const item of dataset.get(T.segments)?.items ?? []) {
    const number = uint16(item.get(T.segmentNumber)?.value);
    if (number === undefined || number < 1) throw new VolumeReadError('the DICOM-SEG has a segment without a valid SegmentNumber; the file is damaged');
    const name = text(item.get(T.segmentLabel)?.value).slice(0, 200) || `segment ${number}`;
    const color = dicomLabToRgb(uint16s(item.get(T.segmentColour)?.value)); // a malformed colour is only not shown
    segments.set(number, color === undefined ? { name } : { name, color });
  }
  if (segments.size === 0) throw new VolumeReadError('the DICOM-SEG has no SegmentSequence; the file is damaged');
  return segments;
}

interface Frame {
  readonly orientation: readonly number[];
  /** PixelSpacing (row spacing, column spacing) and SpacingBetweenSlices (0 when absent). */
  readonly spacing: readonly [number, number, number];
  readonly thickness: number;
  readonly position: Vec3;
  readonly segment: number;
}

/** A frame's geometry: per-frame functional groups first, shared ones otherwise. */
function segmentList(segments: Map<number, Segment>): VolumeSegment[] {
  return [...segments].map(([value, s]) => ({ value, ...s }));
}

/** A US value's numbers (VM ≥ 1), little endian. */
function uint16s(value: Uint8Array | undefined): number[] {
  const out: number[] = [];
  for (let i = 0; value !== undefined && i + 1 < value.length; i += 2) out.push(value[i]! | (value[i + 1]! << 8));
  return out;
}

function frameGeometry(item: DicomItem, shared: DicomItem | undefined, n: number, segments: Map<number, Segment>): Frame {
  const group = (t: number) => firstItem(item, t) ?? firstItem(shared, t);
  const orientation = numbers(group(T.planeOrientation)?.get(T.orientation)?.value);
  const measures = group(T.pixelMeasures);
  const pixelSpacing = numbers(measures?.get(T.pixelSpacing)?.value);
  const between = numbers(measures?.get(T.spacingBetween)?.value)[0] ?? 0;
  const thickness = numbers(measures?.get(T.sliceThickness)?.value)[0] ?? 0;
  const position = numbers(group(T.planePosition)?.get(T.position)?.value);
  const segment = uint16(group(T.segmentIdentification)?.get(T.referencedSegment)?.value);
  const where = `frame ${n + 1}`;
  if (orientation.length !== 6 || !orientation.every(Number.isFinite) || Math.abs(Math.hypot(...orientation.slice(0, 3)) - 1) > 1e-3 || Math.abs(Math.hypot(...orientation.slice(3)) - 1) > 1e-3) {
    throw new VolumeReadError(`the DICOM-SEG's ${where} has no valid ImageOrientationPatient (six direction cosines); the file is damaged`);
  }
  if (pixelSpacing.length !== 2 || !pixelSpacing.every((s) => Number.isFinite(s) && s > 0) || !(Number.isFinite(between) && between >= 0 && Number.isFinite(thickness))) {
    throw new VolumeReadError(`the DICOM-SEG's ${where} has no valid PixelSpacing; the file is damaged`);
  }
  if (position.length !== 3 || !position.every(Number.isFinite)) {
    throw new VolumeReadError(`the DICOM-SEG's ${where} has no valid ImagePositionPatient; the file is damaged`);
  }
  if (segment === undefined || !segments.has(segment)) {
    throw new VolumeReadError(`the DICOM-SEG's ${where} refers to segment ${segment ?? '(none)'}, which the SegmentSequence does not define; the file is damaged`);
  }
  return { orientation, spacing: [pixelSpacing[0]!, pixelSpacing[1]!, between], thickness, position: [position[0]!, position[1]!, position[2]!], segment };
}
