/**
 * The one list of ways to read a prediction: CLI flags, settings, webview messages and the
 * toolbar all take their options from here.
 */
export const PREDICTION_KINDS = ['probability', 'logits', 'labels'] as const;
export type PredictionKind = (typeof PREDICTION_KINDS)[number];

/** Kinds a user can choose: a fixed kind, or `auto` (decided from the values). */
export const PREDICTION_KIND_OPTIONS = ['auto', ...PREDICTION_KINDS] as const;
export type PredictionKindOption = (typeof PREDICTION_KIND_OPTIONS)[number];

export function isPredictionKindOption(value: unknown): value is PredictionKindOption {
  return typeof value === 'string' && (PREDICTION_KIND_OPTIONS as readonly string[]).includes(value);
}

/** Labels for pickers and messages. */
export const PREDICTION_KIND_TITLES: Readonly<Record<PredictionKindOption, string>> = {
  auto: 'Auto', probability: 'Probability', logits: 'Logits', labels: 'Label map',
};
