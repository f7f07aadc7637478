/**
 * Segment colours as files give them, into sRGB (0–1 per channel) and CSS:
 *   - 3D Slicer .seg.nrrd `SegmentN_Color`: sRGB already (segNrrd.ts);
 *   - DICOM-SEG RecommendedDisplayCIELabValue (0062,000D): CIELAB scaled to 16 bits (PS3.3
 *     C.10.7.1.1: L* 0..100 and a*, b* −128..127 onto 0..65535), converted with the D65 white point
 *     and sRGB primaries, as DCMTK (dcmiod cielabutil), dcmjs and dcm4che do, so a SEG shows the
 *     colour those viewers show.
 */

export type Rgb = readonly [number, number, number];

/** D65 reference white (the DICOM toolkits' constants). */
const WHITE = [0.950456, 1.0, 1.088754] as const;

/** DICOM's 16-bit CIELAB triple → sRGB in 0–1 (clamped: CIELAB holds colours sRGB cannot show); undefined unless three values. */
export function dicomLabToRgb(values: readonly number[]): Rgb | undefined {
  if (values.length !== 3 || !values.every((v) => Number.isFinite(v) && v >= 0 && v <= 65535)) return undefined;
  const L = (values[0]! * 100) / 65535;
  const a = (values[1]! * 255) / 65535 - 128;
  const b = (values[2]! * 255) / 65535 - 128;
  const fy = (L + 16) / 116;
  const inverse = (t: number) => (t > 6 / 29 ? t * t * t : 3 * (6 / 29) ** 2 * (t - 4 / 29));
  const X = WHITE[0] * inverse(fy + a / 500);
  const Y = WHITE[1] * inverse(fy);
  const Z = WHITE[2] * inverse(fy - b / 200);
  const linear = [
    3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z,
    -0.969266 * X + 1.8760108 * Y + 0.041556 * Z,
    0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z,
  ];
  const gamma = (v: number) => Math.min(1, Math.max(0, v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055));
  return [gamma(linear[0]!), gamma(linear[1]!), gamma(linear[2]!)];
}

/** sRGB 0–1 → CSS `#rrggbb`. */
export function rgbHex(rgb: Rgb): string {
  return `#${rgb.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0')).join('')}`;
}
