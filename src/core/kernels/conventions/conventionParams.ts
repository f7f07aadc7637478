/**
 * The parameters of the library conventions (shared/spec/conventions.md 11.4): one table of
 * keys `<id>.<name>` (plus `smp.version`), their defaults (the libraries'; nnU-Net: its
 * trainer's) and allowed values, used by the CLI (`--param`), the setting
 * `maskInspector.losses.parameters` and report.json.
 */

export type ParamValue = number | boolean | string | null;

type ParamRule =
  | { readonly type: 'nonNegative' }
  | { readonly type: 'boolean' }
  | { readonly type: 'unitOrNone' }
  | { readonly type: 'choice'; readonly values: readonly string[] };

export interface ParamSpec {
  readonly key: string;
  readonly defaultValue: ParamValue;
  readonly rule: ParamRule;
}

const NON_NEGATIVE: ParamRule = { type: 'nonNegative' };
const BOOLEAN: ParamRule = { type: 'boolean' };
const UNIT_OR_NONE: ParamRule = { type: 'unitOrNone' };
export const SMP_VERSIONS = ['0.3.4', '0.4.0', '0.5.0', 'head'] as const;
export type SmpVersion = (typeof SMP_VERSIONS)[number];

function specs(): ParamSpec[] {
  const out: ParamSpec[] = [];
  const add = (key: string, defaultValue: ParamValue, rule: ParamRule) => out.push({ key, defaultValue, rule });
  const monaiSmoothed = ['dice', 'jaccard', 'generalizedDice', 'tversky', 'diceCe', 'diceFocal'];
  for (const id of monaiSmoothed) { add(`monai.${id}.smoothNr`, 1e-5, NON_NEGATIVE); add(`monai.${id}.smoothDr`, 1e-5, NON_NEGATIVE); }
  for (const id of ['dice', 'jaccard', 'generalizedDice', 'tversky', 'focal', 'diceCe', 'diceFocal']) add(`monai.${id}.includeBackground`, true, BOOLEAN);
  add('monai.generalizedDice.wType', 'square', { type: 'choice', values: ['square', 'simple', 'uniform'] });
  add('monai.tversky.alpha', 0.5, NON_NEGATIVE);
  add('monai.tversky.beta', 0.5, NON_NEGATIVE);
  add('monai.focal.gamma', 2, NON_NEGATIVE);
  add('monai.focal.alpha', null, UNIT_OR_NONE);
  add('monai.diceCe.lambdaDice', 1, NON_NEGATIVE);
  add('monai.diceCe.lambdaCe', 1, NON_NEGATIVE);
  add('monai.diceFocal.gamma', 2, NON_NEGATIVE);
  add('monai.diceFocal.alpha', null, UNIT_OR_NONE);
  add('monai.diceFocal.lambdaDice', 1, NON_NEGATIVE);
  add('monai.diceFocal.lambdaFocal', 1, NON_NEGATIVE);
  add('smp.version', '0.5.0', { type: 'choice', values: SMP_VERSIONS });
  for (const id of ['dice', 'jaccard', 'tversky']) { add(`smp.${id}.smooth`, 0, NON_NEGATIVE); add(`smp.${id}.logLoss`, false, BOOLEAN); }
  add('smp.tversky.alpha', 0.5, NON_NEGATIVE);
  add('smp.tversky.beta', 0.5, NON_NEGATIVE);
  add('smp.tversky.gamma', 1, NON_NEGATIVE);
  add('smp.focal.gamma', 2, NON_NEGATIVE);
  add('smp.focal.alpha', null, UNIT_OR_NONE);
  add('smp.softBce.smoothFactor', null, UNIT_OR_NONE);
  for (const id of ['dice', 'dcAndCe', 'dcAndBce']) add(`nnunet.${id}.smooth`, 1e-5, NON_NEGATIVE);
  for (const id of ['dcAndCe', 'dcAndBce']) { add(`nnunet.${id}.weightCe`, 1, NON_NEGATIVE); add(`nnunet.${id}.weightDice`, 1, NON_NEGATIVE); }
  return out;
}

export const CONVENTION_PARAM_SPECS: readonly ParamSpec[] = Object.freeze(specs());
const BY_KEY = new Map(CONVENTION_PARAM_SPECS.map((s) => [s.key, s]));

/** Every parameter with its value: the defaults, or overrides from parseParamValue. */
export type ConventionParams = Readonly<Record<string, ParamValue>>;

export const DEFAULT_CONVENTION_PARAMS: ConventionParams =
  Object.freeze(Object.fromEntries(CONVENTION_PARAM_SPECS.map((s) => [s.key, s.defaultValue])));

/** A parameter problem a user can fix: names the key and what it takes. */
export class ParamError extends RangeError {}

function allowedText(rule: ParamRule): string {
  switch (rule.type) {
    case 'nonNegative': return 'a number ≥ 0';
    case 'boolean': return 'true or false';
    case 'unitOrNone': return 'none or a number in [0, 1]';
    case 'choice': return `one of ${rule.values.join(', ')}`;
  }
}

/** The spec of `key`, or a ParamError that lists the keys of the same id (or says how to list them). */
export function paramSpecOf(key: string): ParamSpec {
  const spec = BY_KEY.get(key);
  if (spec) return spec;
  const id = key.slice(0, key.lastIndexOf('.'));
  const sameId = CONVENTION_PARAM_SPECS.filter((s) => s.key.startsWith(`${id}.`) && s.key.split('.').length === key.split('.').length);
  throw new ParamError(`unknown loss parameter "${key}"` + (sameId.length
    ? `; ${id} takes ${sameId.map((s) => s.key).join(', ')}`
    : `; keys are <id>.<name> such as monai.dice.smoothNr, or smp.version (see docs/conventions.md)`));
}

/** Checks and converts one value (a CLI string, or a JSON value from the setting). */
export function parseParamValue(key: string, raw: unknown): ParamValue {
  const spec = paramSpecOf(key);
  const rule = spec.rule;
  const text = typeof raw === 'string' ? raw.trim() : raw;
  const bad = () => new ParamError(`${key} takes ${allowedText(rule)} (got ${JSON.stringify(raw)})`);
  switch (rule.type) {
    case 'boolean':
      if (text === true || text === 'true') return true;
      if (text === false || text === 'false') return false;
      throw bad();
    case 'choice':
      if (typeof text === 'string' && rule.values.includes(text)) return text;
      throw bad();
    case 'unitOrNone':
    case 'nonNegative': {
      if (rule.type === 'unitOrNone' && (text === null || text === 'none')) return null;
      const n = typeof text === 'number' ? text : typeof text === 'string' && text !== '' ? Number(text) : NaN;
      if (!Number.isFinite(n) || n < 0 || (rule.type === 'unitOrNone' && n > 1)) throw bad();
      return n;
    }
  }
}

/** The defaults with `overrides` applied, each checked (ParamError on the first bad one). */
export function conventionParamsFrom(overrides: Readonly<Record<string, unknown>>): ConventionParams {
  const params: Record<string, ParamValue> = { ...DEFAULT_CONVENTION_PARAMS };
  for (const [key, value] of Object.entries(overrides)) params[key] = parseParamValue(key, value);
  return Object.freeze(params);
}

/** Parses `--param KEY=VALUE` strings into overrides (ParamError on a malformed one). */
export function parseParamAssignments(assignments: readonly string[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new ParamError(`--param takes KEY=VALUE, e.g. monai.dice.smoothNr=0 (got "${a}")`);
    const key = a.slice(0, eq).trim();
    out[key] = parseParamValue(key, a.slice(eq + 1));
  }
  return out;
}

/** The overrides of `params` that differ from the defaults (for report.json and JSON output). */
export function changedParams(params: ConventionParams): Record<string, ParamValue> {
  return Object.fromEntries(Object.entries(params).filter(([k, v]) => DEFAULT_CONVENTION_PARAMS[k] !== v));
}

/** Typed reads for the kernels. */
export function numberParam(params: ConventionParams, key: string): number {
  const v = params[key];
  if (typeof v !== 'number') throw new ParamError(`internal: ${key} is not a number`);
  return v;
}

export function optionalNumberParam(params: ConventionParams, key: string): number | null {
  const v = params[key];
  return typeof v === 'number' ? v : null;
}
