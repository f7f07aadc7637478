/** Window/level for the underlay: the presets radiologists expect and an automatic 1–99 % window. */

export interface WindowLevel {
  readonly level: number;
  readonly width: number;
}

export type WindowPreset = 'auto' | 'softTissue' | 'lung' | 'bone' | 'custom';

export const FIXED_WINDOWS: { readonly [K in 'softTissue' | 'lung' | 'bone']: WindowLevel & { readonly label: string } } = {
  softTissue: { level: 40, width: 400, label: 'CT soft tissue (40/400)' },
  lung: { level: -600, width: 1500, label: 'CT lung (−600/1500)' },
  bone: { level: 300, width: 1500, label: 'CT bone (300/1500)' },
};

/** Shown on black when there is no underlay: any window works, this one maps nothing. */
export const NO_UNDERLAY_WINDOW: WindowLevel = { level: 0.5, width: 1 };

/** At most this many values are sorted for the percentiles; a strided sample is enough for a window. */
const PERCENTILE_SAMPLE = 65536;

/** The window spanning the 1st to 99th percentile of the finite values. */
export function percentileWindow(values: Float32Array, lowPercent = 1, highPercent = 99): WindowLevel {
  const stride = Math.max(1, Math.floor(values.length / PERCENTILE_SAMPLE));
  const sample: number[] = [];
  for (let n = 0; n < values.length; n += stride) {
    const v = values[n]!;
    if (Number.isFinite(v)) sample.push(v);
  }
  if (sample.length === 0) return NO_UNDERLAY_WINDOW;
  sample.sort((a, b) => a - b);
  const at = (percent: number): number => sample[Math.min(sample.length - 1, Math.round((percent / 100) * (sample.length - 1)))]!;
  const low = at(lowPercent);
  const high = at(highPercent);
  // A flat slice still needs a non-zero width; one unit centred on the value shows it mid-grey.
  const width = high > low ? high - low : 1;
  return { level: high > low ? (low + high) / 2 : low, width };
}

/** Dragging right widens the window, dragging down raises the level; the step follows the width so both CT and MR feel alike. */
export function dragWindow(start: WindowLevel, dx: number, dy: number): WindowLevel {
  const step = Math.max(start.width, 1e-6) / 256;
  return { level: start.level + dy * step, width: Math.max(1e-6, start.width + dx * step * 2) };
}
