/**
 * Worst-slice thumbnails for the folder report: the TP/FP/FN overlay of one slice as a tiny
 * palette PNG data: URI (black background; Okabe–Ito colours, safe for colour-blind readers),
 * nearest-neighbour, at most `maxSize` pixels on the long side, aspect ratio from the voxel spacing.
 */
import { lossBadness, rankByBadness } from '../ranking';
import { encode } from 'fast-png';
import type { PreparedPair } from '../analysis/inputs';
import type { Axis, LabelResult } from '../analysis/result';
import { gatherSlice, sliceGeometry } from '../analysis/slicing';
import type { LabelKey } from '../protocol';

/** Okabe–Ito: bluish green, orange, sky blue. */
export const OVERLAY_COLOURS = { tp: '#009E73', fp: '#E69F00', fn: '#56B4E9' } as const;
const PALETTE: [number, number, number][] = [[0, 0, 0], [0x00, 0x9e, 0x73], [0xe6, 0x9f, 0x00], [0x56, 0xb4, 0xe9]];
const CODE_TP = 1, CODE_FP = 2, CODE_FN = 3;

export const DEFAULT_THUMBNAILS_PER_LABEL = 3;
export const DEFAULT_THUMBNAIL_SIZE = 160;

export interface Thumbnail {
  readonly label: LabelKey;
  readonly slice: number;
  /** The slice's Dice loss (what made it one of the worst). */
  readonly dice: number;
  readonly width: number;
  readonly height: number;
  /** data:image/png;base64,… */
  readonly png: string;
}

/** The `count` worst non-empty slices by Dice loss (highest first; ties: lower index first). */
export function worstSlices(label: LabelResult, count = DEFAULT_THUMBNAILS_PER_LABEL): number[] {
  return rankByBadness(label.slices.filter((s) => !s.empty), (s) => lossBadness(s.losses.dice))
    .slice(0, count).map((s) => s.index);
}

function pixelSpacing(spacing: readonly number[], axis: Axis): [number, number] {
  const [sx, sy, sz] = spacing as [number, number, number];
  const ok = (v: number) => (Number.isFinite(v) && v > 0 ? v : 1);
  switch (axis) {
    case 'k': return [ok(sx), ok(sy)];
    case 'j': return [ok(sx), ok(sz)];
    case 'i': return [ok(sy), ok(sz)];
  }
}

/**
 * Overlay codes (0 none, 1 TP, 2 FP, 3 FN) of one slice, width × height, in data order. A voxel is
 * predicted as the losses' hard counts read it: p ≥ 0.5 (logits: sigmoid(x) ≥ 0.5; labels: equal).
 */
export function overlayCodes(pair: PreparedPair, label: LabelKey, axis: Axis, index: number): Uint8Array {
  const dims = pair.prediction.dims;
  const { width, height } = sliceGeometry(dims, axis);
  const n = width * height;
  const p = new Float64Array(n);
  const t = new Float64Array(n);
  gatherSlice(pair.prediction.data, dims, axis, index, pair.channels > 1 ? (label as number) : 0, p);
  gatherSlice(pair.label.data, pair.label.dims, axis, index, 0, t);
  const codes = new Uint8Array(n);
  const target = label === 'foreground' ? 1 : label;
  for (let i = 0; i < n; i++) {
    const truth = label === 'foreground' ? t[i]! > 0 : t[i] === target;
    const x = p[i]!;
    const predicted = pair.kind === 'labels' ? x === target
      : pair.kind === 'logits' ? 1 / (1 + Math.exp(-x)) >= 0.5 : x >= 0.5;
    codes[i] = predicted ? (truth ? CODE_TP : CODE_FP) : truth ? CODE_FN : 0;
  }
  return codes;
}

/** Draws codes as a palette PNG; rows flipped for coronal/sagittal slices (k upward), like the editor. */
export function renderThumbnail(
  codes: Uint8Array, width: number, height: number, axis: Axis, spacing: readonly number[], maxSize = DEFAULT_THUMBNAIL_SIZE,
): { width: number; height: number; png: string } {
  const [px, py] = pixelSpacing(spacing, axis);
  const w = width * px, h = height * py;
  const scale = maxSize / Math.max(w, h);
  const outW = Math.max(1, Math.round(w * scale)), outH = Math.max(1, Math.round(h * scale));
  const data = new Uint8Array(outW * outH);
  const flip = axis !== 'k';
  for (let y = 0; y < outH; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / outH));
    const row = (flip ? height - 1 - sy : sy) * width;
    for (let x = 0; x < outW; x++) data[y * outW + x] = codes[row + Math.min(width - 1, Math.floor(((x + 0.5) * width) / outW))]!;
  }
  const png = encode({ width: outW, height: outH, data, channels: 1, depth: 8, palette: PALETTE });
  return { width: outW, height: outH, png: `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64')}` };
}

/** The worst-slice thumbnails of every label of a computed pair. */
export function caseThumbnails(
  pair: PreparedPair, labels: readonly LabelResult[], axis: Axis, count = DEFAULT_THUMBNAILS_PER_LABEL, maxSize = DEFAULT_THUMBNAIL_SIZE,
): Thumbnail[] {
  const { width, height } = sliceGeometry(pair.prediction.dims, axis);
  const out: Thumbnail[] = [];
  for (const label of labels) {
    for (const index of worstSlices(label, count)) {
      const image = renderThumbnail(overlayCodes(pair, label.label, axis, index), width, height, axis, pair.prediction.spacing, maxSize);
      out.push({ label: label.label, slice: index, dice: label.slices[index]!.losses.dice, ...image });
    }
  }
  return out;
}
