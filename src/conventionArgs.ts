/**
 * The `--conventions LIST` and `--param KEY=VALUE` options shared by `compare` and `report`
 * (shared/spec/conventions.md 11.4): their usage lines and their conversion to settings.
 */
import type { ConventionSettings } from './core/analysis/conventionRange';
import { CONVENTIONS, parseConventionList } from './core/kernels/conventions/conventionIds';
import { conventionParamsFrom, parseParamAssignments } from './core/kernels/conventions/conventionParams';

export const CONVENTION_USAGE =
`  --conventions LIST                      losses of: ${CONVENTIONS.join(', ')} or all, comma-separated
                                          (default seed); see docs/conventions.md
  --param KEY=VALUE                       a library loss parameter, repeatable, e.g.
                                          --param monai.dice.smoothNr=0 --param smp.version=0.3.4`;

/** Settings from the option values; RangeError (naming the key or entry) on a bad one. */
export function conventionOptionsFrom(list: string, params: readonly string[]): ConventionSettings {
  return { conventions: parseConventionList(list), params: conventionParamsFrom(parseParamAssignments(params)) };
}
