/**
 * Pairs cases across three folders for the two-prediction report (issue #12): predictions A,
 * predictions B, one label folder. Each prediction folder is paired with the labels by the same
 * rules (folderPairing.ts, B with the mode A resolved to), then the two plans are joined on the
 * label file. A label with a prediction in one folder only is kept as `missing A` or `missing B`
 * — listed in the report, never dropped — and is not computed.
 */
import type { CasePair, FolderPlan, PlanFile } from './folderPairing';

/** A case of the two-prediction report; `predictionB` null: B has no prediction (missing B). */
export interface VersusPair extends CasePair {
  /** A's prediction, or '' when A has none (missing A). */
  readonly prediction: string;
  readonly predictionB: string | null;
  readonly missing: 'A' | 'B' | null;
}

export interface VersusPlan extends FolderPlan {
  readonly pairs: readonly VersusPair[];
  readonly predictionDirB: string;
  /** B's plan (its unmatched and ignored files). */
  readonly planB: FolderPlan;
}

/** Joins A's and B's plans (same label folder) on the label path; case ids are A's, else B's; sorted by case id. */
export function joinVersusPlans(planA: FolderPlan, planB: FolderPlan): VersusPlan {
  const byLabel = new Map<string, { a: CasePair | null; b: CasePair | null }>();
  for (const p of planA.pairs) byLabel.set(p.label, { a: p, b: null });
  for (const p of planB.pairs) {
    const entry = byLabel.get(p.label);
    if (entry) entry.b = p; else byLabel.set(p.label, { a: null, b: p });
  }
  const pairs: VersusPair[] = [];
  for (const [label, { a, b }] of byLabel) {
    const base = (a ?? b)!;
    pairs.push({
      case: base.case, label, image: a?.image ?? b?.image ?? null,
      prediction: a?.prediction ?? '', predictionB: b?.prediction ?? null,
      missing: a === null ? 'A' : b === null ? 'B' : null,
    });
  }
  pairs.sort((x, y) => (x.case < y.case ? -1 : x.case > y.case ? 1 : 0));
  // Unique ids: two labels could share a case id only if the two plans named them differently.
  const seen = new Map<string, number>();
  const unique = pairs.map((p) => {
    const n = seen.get(p.case) ?? 0;
    seen.set(p.case, n + 1);
    return n === 0 ? p : { ...p, case: `${p.case}#${n + 1}` };
  });
  // Labels B pairs but A leaves unmatched are cases (missing A), not unmatched labels.
  const inCases = new Set(unique.map((p) => p.label));
  const unmatchedLabels: PlanFile[] = planA.unmatchedLabels.filter((f) => !inCases.has(f.path));
  return { ...planA, pairs: unique, unmatchedLabels, predictionDirB: planB.predictionDir, planB };
}

/** The cases to compute (both predictions present). */
export function computablePairs(plan: VersusPlan): VersusPair[] {
  return plan.pairs.filter((p) => p.missing === null);
}
