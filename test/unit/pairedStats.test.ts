/**
 * Paired statistics (issue #12) against SciPy 1.10 itself: test/fixtures-stats/paired-stats.json, made
 * by `/usr/bin/python3 scripts/paired-stats-fixture.py > test/fixtures-stats/paired-stats.json`
 * (scipy.stats.wilcoxon(d) with its defaults, scipy.stats.t.ppf, numpy mean/median).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pairedDirection, pairedStats, tQuantile, wilcoxon } from '../../src/core/report/pairedStats';
import { repoRoot } from './helpers/fixtures';

interface FixtureCase {
  name: string; a: number[]; b: number[]; n: number;
  meanA: number | null; meanB: number | null; meanDiff: number | null; medianDiff: number | null;
  ci95: [number, number] | null; ci95Exact: [number, number] | null; wilcoxon: { statistic: number; p: number } | null;
}
const fixture = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures-stats/paired-stats.json'), 'utf8')) as {
  scipy: string; cases: FixtureCase[]; tQuantiles: { df: number; q: number; exact: number }[];
};

function close(actual: number | null | undefined, expected: number | null, rel: number, what: string): void {
  if (expected === null) { assert.equal(actual, null, what); return; }
  assert.equal(typeof actual, 'number', what);
  const tol = rel * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual! - expected) <= tol, `${what}: ${actual} vs SciPy ${expected}`);
}

describe('paired statistics equal SciPy 1.10', () => {
  test('the fixture is SciPy 1.10', () => assert.match(fixture.scipy, /^1\.10\./));
  // SciPy 1.10's t.ppf is good to ~1e-9 relative only (df 1: 12.706204736432 where the exact value,
  // tan(0.475π), is 12.706204736175): the fixture's 40-digit mpmath quantiles are the strict check.
  test('t quantiles t₀.₉₇₅ over df 1 … 10⁵: exact to 1e-14 (df ≤ 1000), SciPy to 2e-9', () => {
    for (const { df, q, exact } of fixture.tQuantiles) {
      // Beyond df 1000 (10⁵ cases) the continued fraction near x ≈ 1 leaves ~1e-13.
      close(tQuantile(0.975, df), exact, df <= 1000 ? 1e-14 : 1e-12, `df ${df} (mpmath)`);
      close(tQuantile(0.975, df), q, 2e-9, `df ${df} (SciPy)`);
    }
    close(tQuantile(0.975, 1), Math.tan(0.475 * Math.PI), 1e-15, 'df 1 closed form');
    close(tQuantile(0.975, 2), 0.95 * Math.sqrt(2 / (4 * 0.975 * 0.025)), 1e-15, 'df 2 closed form');
  });
  for (const c of fixture.cases) {
    test(c.name, () => {
      const s = pairedStats('dice', c.a, c.b);
      assert.equal(s.n, c.n);
      close(s.meanA, c.meanA, 1e-13, 'meanA');
      close(s.meanB, c.meanB, 1e-13, 'meanB');
      close(s.meanDiff, c.meanDiff, 1e-13, 'meanDiff');
      close(s.medianDiff, c.medianDiff, 1e-15, 'medianDiff');
      if (c.ci95 === null || c.ci95Exact === null) assert.equal(s.ci95, null);
      else {
        close(s.ci95?.[0], c.ci95Exact[0], 1e-13, 'ci95 lo'); close(s.ci95?.[1], c.ci95Exact[1], 1e-13, 'ci95 hi');
        close(s.ci95?.[0], c.ci95[0], 2e-9, 'ci95 lo (SciPy)'); close(s.ci95?.[1], c.ci95[1], 2e-9, 'ci95 hi (SciPy)');
      }
      if (c.wilcoxon === null) assert.equal(s.wilcoxon, null);
      else {
        assert.equal(s.wilcoxon?.statistic, c.wilcoxon.statistic, 'statistic');
        close(s.wilcoxon?.p, c.wilcoxon.p, 1e-12, 'p');
      }
    });
  }
});

describe('wins and directions', () => {
  test('directions of the issue: losses and distances lower, overlap higher, sizes and counts none', () => {
    for (const q of ['dice', 'bceDice', 'lovaszHinge', 'lovaszSoftmax', 'metrics.hausdorff', 'metrics.hd95', 'metrics.assd']) assert.equal(pairedDirection(q), 'lower', q);
    for (const q of ['metrics.dice', 'metrics.iou', 'metrics.precision', 'metrics.recall', 'metrics.specificity', 'metrics.surfaceDice']) assert.equal(pairedDirection(q), 'higher', q);
    for (const q of ['metrics.labelVolumeMl', 'metrics.predictionVolumeMl', 'metrics.relativeVolumeDifference', 'metrics.labelLesions',
      'metrics.detectedLesions', 'metrics.missedLesions', 'metrics.falsePositiveLesions']) assert.equal(pairedDirection(q), null, q);
  });
  test('a loss: lower wins; a score: higher wins; ties counted; nulls left out of n', () => {
    const a = [0.1, 0.5, 0.3, null, 0.2];
    const b = [0.2, 0.4, 0.3, 0.1, Number.NaN];
    assert.deepEqual(pairedStats('dice', a, b).wins, { a: 1, b: 1, ties: 1 });
    assert.equal(pairedStats('dice', a, b).n, 3);
    assert.deepEqual(pairedStats('metrics.dice', [0.9, 0.8, 0.7], [0.95, 0.85, 0.6]).wins, { a: 1, b: 2, ties: 0 });
    assert.equal(pairedStats('metrics.predictionVolumeMl', [1, 2], [2, 3]).wins, null);
  });
  test('fewer than two cases: no interval; all differences zero: no test', () => {
    assert.equal(pairedStats('dice', [0.3], [0.4]).ci95, null);
    assert.equal(wilcoxon([0, 0, 0]), null);
  });
});
