/**
 * The `--conventions LIST` and `--param KEY=VALUE` options shared by `compare` and `report`
 * (shared/spec/conventions.md 11.4): their conversion to settings (the options themselves are in
 * src/cliOptions.ts).
 */
import type { ConventionSettings } from './core/analysis/conventionRange';
import { parseConventionList } from './core/kernels/conventions/conventionIds';
import { conventionParamsFrom, parseParamAssignments } from './core/kernels/conventions/conventionParams';

/** Settings from the option values; RangeError (naming the key or entry) on a bad one. */
export function conventionOptionsFrom(list: string, params: readonly string[]): ConventionSettings {
  return { conventions: parseConventionList(list), params: conventionParamsFrom(parseParamAssignments(params)) };
}
