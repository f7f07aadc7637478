/**
 * Paints one slice into RGBA pixels: the underlay (or black) through the window, then the
 * TP/FP/FN overlay as fill or outline, or a probability heat map. Pure so the colours the
 * tests read back from the canvas can also be checked without a browser.
 *
 * Speed: this runs on every slice change. Each pixel is one 32-bit store looked up from a
 * table of (class, grey) → colour, so a 512×512 slice paints in a couple of milliseconds.
 */
import { type WindowLevel } from './windowLevel';

/**
 * 'fill'/'outline': TP/FP/FN of the prediction (A in a three-way editor); 'fillB': of prediction B;
 * 'difference': the three-way difference map (differenceColouring.ts), filled.
 */
export type OverlayMode = 'fill' | 'outline' | 'heat' | 'off' | 'fillB' | 'difference';

export type Rgb = readonly [number, number, number];

export const VOXEL_TN = 0;
export const VOXEL_TP = 1;
export const VOXEL_FP = 2;
export const VOXEL_FN = 3;

export interface PaintSettings {
  readonly mode: OverlayMode;
  readonly tp: Rgb;
  readonly fp: Rgb;
  readonly fn: Rgb;
  readonly opacity: number;
  readonly threshold: number;
  /** Applied to the underlay; ignored without one. */
  readonly window: WindowLevel;
}

export interface PaintInput {
  readonly width: number;
  readonly height: number;
  readonly probabilities: Float32Array;
  /** Null when the prediction is shown alone: predicted voxels then take the TP colour. */
  readonly truth: Uint8Array | null;
  readonly underlay: Float32Array | null;
  /** Paint data row r at display row height−1−r (k increasing upward). */
  readonly flipRows: boolean;
}

/** #rgb or #rrggbb; anything else is a host bug, reported rather than painted in a guessed colour. */
export function parseHexColor(css: string): Rgb {
  const hex = css.trim().replace(/^#/, '');
  const full = hex.length === 3 ? hex.split('').map((c) => c + c).join('') : hex;
  if (!/^[0-9a-fA-F]{6}$/.test(full)) throw new Error(`overlay colour ${JSON.stringify(css)} is not #rrggbb`);
  return [parseInt(full.slice(0, 2), 16), parseInt(full.slice(2, 4), 16), parseInt(full.slice(4, 6), 16)];
}

/** TN/TP/FP/FN of one pixel with p ≥ threshold as "predicted"; without a label every predicted pixel is TP. */
export function classOf(p: number, t: number, alone: boolean, threshold: number): number {
  if (p >= threshold) return alone || t === 1 ? VOXEL_TP : VOXEL_FP;
  return t === 1 ? VOXEL_FN : VOXEL_TN;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function packRgb(r: number, g: number, b: number): number {
  return LITTLE_ENDIAN ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
}

/** `colour` over grey `base` at `alpha`, each channel rounded. */
function blendRgb(base: number, colour: Rgb, alpha: number): number {
  const mix = (c: number): number => Math.round(base * (1 - alpha) + c * alpha);
  return packRgb(mix(colour[0]), mix(colour[1]), mix(colour[2]));
}

/** 4×256 packed colours: [class][grey]. Class TN is the grey itself. */
function classLookup(colours: readonly Rgb[], alpha: number): Uint32Array {
  const table = new Uint32Array(4 * 256);
  for (let grey = 0; grey < 256; grey++) {
    table[grey] = packRgb(grey, grey, grey);
    for (let c = 1; c < 4; c++) table[(c << 8) | grey] = blendRgb(grey, colours[c]!, alpha);
  }
  return table;
}

/** Writes width×height RGBA pixels (display order) into `out`, which must hold 4·width·height bytes. */
export function paintSlice(out: Uint8ClampedArray, input: PaintInput, settings: PaintSettings): void {
  const { width, height, probabilities, underlay, flipRows } = input;
  const pixels = new Uint32Array(out.buffer, out.byteOffset, width * height);
  const alpha = Math.min(1, Math.max(0, settings.opacity));
  const outline = settings.mode === 'outline';
  const overlay = settings.mode === 'fill' || outline;
  const table = classLookup([[0, 0, 0], settings.tp, settings.fp, settings.fn], alpha);
  const truth = input.truth;
  const alone = truth === null;
  const threshold = settings.threshold;
  const low = settings.window.level - settings.window.width / 2;
  const windowWidth = Math.max(settings.window.width, 1e-12);
  const classes = outline ? new Uint8Array(width * height) : null;

  for (let row = 0; row < height; row++) {
    const source = row * width;
    const target = (flipRows ? height - 1 - row : row) * width;
    for (let column = 0; column < width; column++) {
      const n = source + column;
      let grey = 0;
      if (underlay !== null) {
        // ·255 before ÷width keeps exact halves exact (50 in 0..100 → 127.5 → 128). Clamped before
        // truncating so huge values cannot overflow `| 0`; NaN fails both tests and becomes 0.
        const scaled = ((underlay[n]! - low) * 255) / windowWidth + 0.5;
        grey = scaled >= 255 ? 255 : scaled > 0 ? scaled | 0 : 0;
      }
      let voxelClass = VOXEL_TN;
      if (overlay) {
        voxelClass = classOf(probabilities[n]!, alone ? 0 : truth[n]!, alone, threshold);
        if (classes !== null) {
          classes[n] = voxelClass;
          voxelClass = VOXEL_TN; // outline pixels are chosen in the second pass
        }
      }
      pixels[target + column] = table[(voxelClass << 8) | grey]!;
    }
  }
  if (classes !== null) paintOutline(out, input, classes, [[0, 0, 0], settings.tp, settings.fp, settings.fn], alpha);
  else if (settings.mode === 'heat') {
    paintHeat(out, input, alpha);
    if (truth !== null) paintOutline(out, input, truth, [settings.fn, settings.fn, settings.fn, settings.fn], alpha);
  }
}

/** Pixels of a non-background class with a 4-neighbour of another class (or the slice edge). */
function paintOutline(out: Uint8ClampedArray, input: PaintInput, classes: Uint8Array, colours: readonly Rgb[], alpha: number): void {
  const { width, height } = input;
  for (let row = 0; row < height; row++) {
    const displayRow = input.flipRows ? height - 1 - row : row;
    for (let column = 0; column < width; column++) {
      const n = row * width + column;
      const voxelClass = classes[n]!;
      if (voxelClass === VOXEL_TN) continue;
      const edge = column === 0 || column === width - 1 || row === 0 || row === height - 1
        || classes[n - 1] !== voxelClass || classes[n + 1] !== voxelClass
        || classes[n - width] !== voxelClass || classes[n + width] !== voxelClass;
      if (edge) blend(out, (displayRow * width + column) * 4, colours[voxelClass]!, alpha);
    }
  }
}

/** Heat map of p; p below 1 % is left untinted so the background stays readable. */
function paintHeat(out: Uint8ClampedArray, input: PaintInput, alpha: number): void {
  const { width, height, probabilities } = input;
  for (let row = 0; row < height; row++) {
    const displayRow = input.flipRows ? height - 1 - row : row;
    for (let column = 0; column < width; column++) {
      const p = probabilities[row * width + column]!;
      if (p < 0.01) continue;
      blend(out, (displayRow * width + column) * 4, heatColor(p), alpha);
    }
  }
}

function blend(out: Uint8ClampedArray, offset: number, colour: Rgb, alpha: number): void {
  out[offset] = out[offset]! * (1 - alpha) + colour[0] * alpha;
  out[offset + 1] = out[offset + 1]! * (1 - alpha) + colour[1] * alpha;
  out[offset + 2] = out[offset + 2]! * (1 - alpha) + colour[2] * alpha;
}

/** Viridis (perceptually uniform, colour-blind safe) sampled at 9 stops, linearly interpolated. */
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

export function heatColor(p: number): Rgb {
  const position = Math.min(1, Math.max(0, p)) * (VIRIDIS.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(VIRIDIS.length - 1, lower + 1);
  const f = position - lower;
  const a = VIRIDIS[lower]!;
  const b = VIRIDIS[upper]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}
