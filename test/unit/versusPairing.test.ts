/** Pairing across three folders (issue #12): joinVersusPlans on plans from the pure folder pairing. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planFolderPairs } from '../../src/core/analysis/folderPairing';
import { computablePairs, joinVersusPlans } from '../../src/core/analysis/versusPairing';

const listing = (dir: string, names: string[]) => ({ dir, entries: names.map((name) => ({ name, isDirectory: false })) });

describe('joinVersusPlans', () => {
  const labels = listing('/d/labelsTr', ['a.nii.gz', 'b.nii.gz', 'c.nii.gz', 'd.nii.gz', 'e.nii.gz']);
  const planA = planFolderPairs(listing('/d/old', ['a.nii.gz', 'b.nii.gz', 'd.nii', 'x.nii.gz']), labels, 'nnunet');
  const planB = planFolderPairs(listing('/d/new', ['a.nii.gz', 'c.nii.gz', 'd.nii.gz', 'y.nii.gz']), labels, 'nnunet');
  const plan = joinVersusPlans(planA, planB);

  test('every label with a prediction on either side is a case, sorted by id; one-sided ones say which side is missing', () => {
    assert.deepEqual(plan.pairs.map((p) => [p.case, p.missing]), [['a', null], ['b', 'B'], ['c', 'A'], ['d', null]]);
    const d = plan.pairs.find((p) => p.case === 'd')!;
    assert.equal(d.prediction, '/d/old/d.nii');
    assert.equal(d.predictionB, '/d/new/d.nii.gz');
    assert.equal(d.label, '/d/labelsTr/d.nii.gz');
    assert.equal(plan.pairs.find((p) => p.case === 'b')!.predictionB, null);
    assert.equal(plan.pairs.find((p) => p.case === 'c')!.prediction, '');
    assert.deepEqual(computablePairs(plan).map((p) => p.case), ['a', 'd']);
  });

  test('unmatched: a label neither folder predicts stays unmatched; one B predicts is a case; B\'s extra predictions are kept', () => {
    assert.deepEqual(plan.unmatchedLabels.map((f) => f.name), ['e.nii.gz']);
    assert.deepEqual(plan.unmatchedPredictions.map((f) => f.name), ['x.nii.gz']);
    assert.deepEqual(plan.planB.unmatchedPredictions.map((f) => f.name), ['y.nii.gz']);
    assert.equal(plan.predictionDirB, '/d/new');
    assert.equal(plan.predictionDir, '/d/old');
  });
});
