/** The plan of a two-prediction report in words (after describePlan's lines for A). */
import type { VersusPlan } from '../core/analysis/versusPairing';

export function describeVersus(plan: VersusPlan): string {
  const both = plan.pairs.filter((p) => p.missing === null).length;
  const missingA = plan.pairs.filter((p) => p.missing === 'A').map((p) => p.case);
  const missingB = plan.pairs.filter((p) => p.missing === 'B').map((p) => p.case);
  const list = (ids: string[]) => (ids.length > 5 ? `${ids.slice(0, 5).join(', ')}, … (${ids.length})` : ids.join(', '));
  const lines = [`versus ${plan.predictionDirB}: ${both} label${both === 1 ? '' : 's'} with both predictions`];
  if (missingB.length > 0) lines.push(`  missing B (no prediction in ${plan.predictionDirB}, not compared): ${list(missingB)}`);
  if (missingA.length > 0) lines.push(`  missing A (no prediction in ${plan.predictionDir}, not compared): ${list(missingA)}`);
  if (plan.planB.unmatchedPredictions.length > 0) lines.push(`  ${plan.planB.unmatchedPredictions.length} prediction(s) of B without a label`);
  return lines.join('\n') + '\n';
}
