/**
 * The `maskInspector.*` settings, read and checked in one place. A wrong value never breaks the
 * editor: it falls back to the default and is listed in `problems`, which the caller shows once,
 * naming the setting and what it must be.
 */
import { PREDICTION_KIND_OPTIONS } from '../core/predictionKinds';
import * as vscode from 'vscode';
import type { Axis, PredictionKindOption } from '../core/analysis/result';
import { DEFAULT_UNDERLAY_PATTERNS, parsePairingRules, type PairingRule } from '../core/analysis/pairing';
import { DEFAULT_MAX_VOXELS } from '../core/io/volume';
import { LOSS_IDS, type LossId } from '../core/kernels/lossIds';
import { DEFAULT_METRIC_PARAMS, METRICS_LEVELS, type MetricSettings, type MetricsLevel } from '../core/kernels/metricIds';
import type { OverlaySettings } from '../core/protocol';

export const SECTION = 'maskInspector';

/** Okabe–Ito colours: told apart with every common colour-vision deficiency. */
export const DEFAULT_OVERLAY: OverlaySettings = Object.freeze({
  tpColor: '#009E73', // bluish green
  fpColor: '#E69F00', // orange
  fnColor: '#56B4E9', // sky blue
  opacity: 0.5,
  style: 'fill',
  threshold: 0.5,
});

export interface EditorSettings {
  readonly overlay: OverlaySettings;
  readonly defaultAxis: Axis;
  readonly defaultLoss: LossId;
  readonly kind: PredictionKindOption;
  readonly maxVoxels: number;
  readonly pairingRules: readonly PairingRule[];
  readonly underlayPatterns: readonly string[];
  /**
   * The editor's evaluation metrics: level from maskInspector.metrics, threshold = the overlay's
   * (so the metrics count what the overlay shows; an overlay threshold of 0 leaves them at 0.5,
   * as a metric threshold must be above 0), tolerance from maskInspector.surfaceDiceToleranceMm.
   */
  readonly metrics: MetricSettings;
  /** maskInspector.labels.names: label value → name, e.g. {"1": "liver"} (io/labelNames.ts). */
  readonly labelNames: Readonly<Record<string, string>>;
  /** One line per ignored value: which setting, what it must be. */
  readonly problems: readonly string[];
}

export function readSettings(scope?: vscode.Uri): EditorSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const problems: string[] = [];

  function pick<T>(key: string, fallback: T, valid: (v: unknown) => v is T, what: string): T {
    const value = config.get<unknown>(key);
    if (value === undefined || value === null) return fallback;
    if (valid(value)) return value;
    problems.push(`${SECTION}.${key} must be ${what} (it is ${JSON.stringify(value)}); using ${JSON.stringify(fallback)}`);
    return fallback;
  }
  const colour = (v: unknown): v is string => typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v);
  const fraction = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
  const oneOf = <T extends string>(values: readonly T[]) => (v: unknown): v is T => (values as readonly unknown[]).includes(v);

  const overlay: OverlaySettings = {
    tpColor: pick('overlay.truePositiveColor', DEFAULT_OVERLAY.tpColor, colour, 'a colour like #009E73'),
    fpColor: pick('overlay.falsePositiveColor', DEFAULT_OVERLAY.fpColor, colour, 'a colour like #E69F00'),
    fnColor: pick('overlay.falseNegativeColor', DEFAULT_OVERLAY.fnColor, colour, 'a colour like #56B4E9'),
    opacity: pick('overlay.opacity', DEFAULT_OVERLAY.opacity, fraction, 'a number from 0 to 1'),
    style: pick('overlay.style', DEFAULT_OVERLAY.style, oneOf(['fill', 'outline'] as const), '"fill" or "outline"'),
    threshold: pick('overlay.threshold', DEFAULT_OVERLAY.threshold, fraction, 'a number from 0 to 1'),
  };
  const defaultAxis = pick('defaultAxis', 'k' as Axis, oneOf(['i', 'j', 'k'] as const), '"i", "j" or "k"');
  const defaultLoss = pick('defaultLoss', 'dice' as LossId, oneOf(LOSS_IDS), `one of ${LOSS_IDS.join(', ')}`);
  const kind = pick('predictionKind', 'auto' as PredictionKindOption,
    oneOf(PREDICTION_KIND_OPTIONS), PREDICTION_KIND_OPTIONS.map((k) => `"${k}"`).join(', '));
  const maxVoxels = pick('maxVoxels', DEFAULT_MAX_VOXELS,
    (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0, 'a positive whole number');

  const parsed = parsePairingRules(config.get<unknown>('pairing.rules'));
  for (const p of parsed.problems) problems.push(`${SECTION}.pairing.rules ${p}; that entry is ignored`);
  const underlayPatterns = pick('underlay.patterns', [...DEFAULT_UNDERLAY_PATTERNS],
    (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0),
    'a list of paths like "../imagesTr/${case}_0000${ext}"');

  const metrics: MetricSettings = {
    level: pick('metrics', 'all' as MetricsLevel, oneOf(METRICS_LEVELS), '"all", "overlap" or "none"'),
    threshold: overlay.threshold > 0 ? overlay.threshold : DEFAULT_METRIC_PARAMS.threshold,
    toleranceMm: pick('surfaceDiceToleranceMm', DEFAULT_METRIC_PARAMS.toleranceMm,
      (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'a number of millimetres ≥ 0'),
    connectivity: DEFAULT_METRIC_PARAMS.connectivity,
  };

  const labelNames = pick('labels.names', {} as Record<string, string>,
    (v: unknown): v is Record<string, string> => typeof v === 'object' && v !== null && !Array.isArray(v) &&
      Object.entries(v).every(([k, n]) => /^\d+$/.test(k) && typeof n === 'string'),
    'an object of label values and names like {"1": "liver", "2": "tumour"}');

  return { overlay, defaultAxis, defaultLoss, kind, maxVoxels, pairingRules: parsed.rules, underlayPatterns, metrics, labelNames, problems };
}

const reported = new Set<string>();

/** Shows each settings problem once per window session (not on every editor opened). */
export function reportSettingsProblems(settings: EditorSettings): void {
  const fresh = settings.problems.filter((p) => !reported.has(p));
  if (fresh.length === 0) return;
  for (const p of fresh) reported.add(p);
  const text = fresh.length === 1 ? fresh[0]! : `${fresh.length} settings are ignored: ${fresh.join('; ')}`;
  void vscode.window.showWarningMessage(`Mask Inspector: ${text}.`, 'Open Settings').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
  });
}
