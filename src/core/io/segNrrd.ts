/**
 * 3D Slicer `.seg.nrrd` segments: `SegmentN_Name`, `_LabelValue`, `_Layer`, `_Color` key/value
 * pairs. A 3D file is a label map (value = LabelValue). A 4D file stores overlapping segments in
 * layers (the non-spatial axis); it is merged into one label map: a voxel takes the value of the
 * segment of the last layer that covers it. Values stay the segments' LabelValues when they are
 * distinct, otherwise segment N becomes value N + 1 (two layers may both use value 1).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { isNrrd, parseNrrdHeader } from './nrrdHeader';
import type { VolumeSegment, VoxelArray } from './volume';

export interface SlicerSegment {
  readonly name: string;
  readonly labelValue: number;
  readonly layer: number;
  readonly color?: readonly [number, number, number];
}

export function segmentsOf(keyValues: ReadonlyMap<string, string>): SlicerSegment[] {
  const out: SlicerSegment[] = [];
  for (let n = 0; n < 10000; n++) {
    const name = keyValues.get(`Segment${n}_Name`);
    const id = keyValues.get(`Segment${n}_ID`);
    if (name === undefined && id === undefined) break;
    const labelValue = Number(keyValues.get(`Segment${n}_LabelValue`) ?? 1);
    const layer = Number(keyValues.get(`Segment${n}_Layer`) ?? n);
    const rgb = (keyValues.get(`Segment${n}_Color`) ?? '').trim().split(/\s+/).map(Number);
    const color = rgb.length === 3 && rgb.every((v) => Number.isFinite(v) && v >= 0 && v <= 1) ? rgb as [number, number, number] : undefined;
    out.push({
      name: (name ?? id ?? `Segment ${n}`).trim(),
      labelValue: Number.isFinite(labelValue) ? labelValue : 1,
      layer: Number.isInteger(layer) && layer >= 0 ? layer : n,
      ...(color ? { color } : {}),
    });
  }
  return out;
}

/** The value each segment has after merging layers: its LabelValue when all differ, else N + 1. */
function mergedValues(segments: readonly SlicerSegment[]): number[] {
  const distinct = new Set(segments.map((s) => s.labelValue)).size === segments.length;
  return segments.map((s, n) => (distinct ? s.labelValue : n + 1));
}

/**
 * The segments (value, name, colour) a .seg.nrrd file gives its label map, from its header alone
 * (the CLI names labels without keeping the decoded volume); [] for any other file.
 */
export function segmentsOfFile(path: string): VolumeSegment[] {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = new Uint8Array(1 << 20);
    const bytes = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    if (!isNrrd(bytes)) return [];
    const header = parseNrrdHeader(bytes);
    const segments = segmentsOf(header.keyValues);
    // A 4D segmentation is merged (mergeSegmentLayers); a 3D one keeps its LabelValues.
    const values = header.fields.get('dimension')?.trim() === '4' ? mergedValues(segments) : segments.map((s) => s.labelValue);
    return segments.map((s, n) => ({ value: values[n]!, name: s.name, ...(s.color ? { color: s.color } : {}) }));
  } catch {
    return []; // unreadable: the comparison itself reports the file
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Merges the layers of a 4D segmentation (`dims` in file order, `layerAxis` the list axis). */
export function mergeSegmentLayers(data: VoxelArray, dims: readonly number[], layerAxis: number, segments: readonly SlicerSegment[]):
  { data: Uint16Array; segments: VolumeSegment[]; overlaps: number } {
  const layers = dims[layerAxis];
  const inner = dims.slice(0, layerAxis).reduce((p, d) => p * d, 1);
  const outer = dims.slice(layerAxis + 1).reduce((p, d) => p * d, 1);
  const outValues = mergedValues(segments);
  const out = new Uint16Array(inner * outer);
  // lookup[layer] = list of (file value, output value)
  const byLayer: Array<Array<readonly [number, number]>> = Array.from({ length: layers }, () => []);
  segments.forEach((s, n) => { if (s.layer < layers) byLayer[s.layer].push([s.labelValue, outValues[n]]); });
  let overlaps = 0;
  for (let o = 0; o < outer; o++) {
    for (let layer = 0; layer < layers; layer++) {
      const pairs = byLayer[layer];
      if (pairs.length === 0) continue;
      const from = (o * layers + layer) * inner;
      const to = o * inner;
      for (let i = 0; i < inner; i++) {
        const v = data[from + i];
        if (v === 0) continue;
        for (const [fileValue, outValue] of pairs) {
          if (v !== fileValue) continue;
          if (out[to + i] !== 0) overlaps++;
          out[to + i] = outValue;
        }
      }
    }
  }
  return {
    data: out,
    segments: segments.map((s, n) => ({ value: outValues[n], name: s.name, ...(s.color ? { color: s.color } : {}) })),
    overlaps,
  };
}
