/** Issue #9: pairing-rule globs match in linear time (no regex backtracking), same answers as before. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { globMatch, pathGlobMatch } from '../../src/core/glob';
import { guessRoles } from '../../src/core/analysis/pairing';

/** The old semantics, as an independent reference: `*` → `.*`, case-insensitive, anchored. */
function reference(pattern: string, name: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i').test(name);
}

describe('globMatch', () => {
  test('agrees with the anchored regex on many small cases', () => {
    const names = ['', 'a', 'ab', 'abc', 'aXbXc', 'labelsTr', 'LABELS', 'pred_01', 'a*b', 'a.b', '(x)'];
    const patterns = ['', '*', 'a', 'a*', '*c', 'a*c', '*b*', 'label*', 'LABELS*', 'pred_*1', '**', 'a**c', '*a*b*c*', 'a.b', '(x)', '?'];
    for (const p of patterns) for (const n of names) assert.equal(globMatch(p, n), reference(p, n), `${JSON.stringify(p)} vs ${JSON.stringify(n)}`);
  });
  test('a 12-star pattern against an ordinary folder name answers at once', () => {
    const pattern = `${'a*'.repeat(12)}b`;
    const name = 'a'.repeat(60);
    const t0 = performance.now();
    assert.equal(globMatch(pattern, name), false);
    assert.equal(globMatch('*'.repeat(5000) + 'x', 'y'.repeat(100_000)), false);
    assert.ok(performance.now() - t0 < 500, `${(performance.now() - t0).toFixed(0)} ms`);
  });
  test('pairing rules from settings go through it (hostile rule, no hang)', () => {
    const rule = { type: 'folder' as const, prediction: [`${'p*'.repeat(12)}q`], label: [`${'l*'.repeat(12)}m`] };
    const t0 = performance.now();
    guessRoles(`ws/${'p'.repeat(60)}/case.nii.gz`, `ws/${'l'.repeat(60)}/case.nii.gz`, [rule]);
    assert.ok(performance.now() - t0 < 500);
  });
});

describe('pathGlobMatch (editor associations)', () => {
  /** The old regex translation, as the independent reference. */
  function old(glob: string, text: string): boolean {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]').replace(/\u0000/g, '.*');
    return new RegExp(`^${body}$`, 'i').test(text);
  }
  test('agrees with the regex translation', () => {
    const globs = ['*.nii', '*.nii.gz', '**/*.nii', 'a/**/b', 'a/*/b', '?.png', 'x?y', '**', '*', 'data/**', 'A*.NII'];
    const texts = ['x.nii', 'x.nii.gz', 'd/x.nii', 'a/b', 'a/x/b', 'a/x/y/b', 'a.png', 'xzy', 'x/y', '', 'data/q/r.nii', 'abc.nii'];
    for (const g of globs) for (const t of texts) assert.equal(pathGlobMatch(g, t), old(g, t), `${g} vs ${t}`);
  });
  test('many stars against a long name answer at once', () => {
    const t0 = performance.now();
    assert.equal(pathGlobMatch(`${'a*'.repeat(30)}b`, 'a'.repeat(5000)), false);
    assert.ok(performance.now() - t0 < 500, `${(performance.now() - t0).toFixed(0)} ms`);
  });
});
