import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { allVersusRoles, guessVersusRoles } from '../../src/core/analysis/versusRoles';

test('the label among three masks is guessed from a suffix, wherever it is in the selection', () => {
  assert.deepEqual(guessVersusRoles(['/d/case_gt.nii.gz', '/d/case_pred.nii.gz', '/d/case_pred_v2.nii.gz']),
    { predictionA: '/d/case_pred.nii.gz', predictionB: '/d/case_pred_v2.nii.gz', label: '/d/case_gt.nii.gz' });
  assert.deepEqual(guessVersusRoles(['/d/a_pred.nii', '/d/a_label.nii', '/d/a_seg.nii']),
    { predictionA: '/d/a_pred.nii', predictionB: '/d/a_seg.nii', label: '/d/a_label.nii' });
});

test('the label among three masks is guessed from its folder (nnU-Net labelsTr against prediction folders)', () => {
  assert.deepEqual(guessVersusRoles(['/w/modelA/predictions/liver_001.nii.gz', '/w/labelsTr/liver_001.nii.gz', '/w/modelB/predictions/liver_001.nii.gz']),
    { predictionA: '/w/modelA/predictions/liver_001.nii.gz', predictionB: '/w/modelB/predictions/liver_001.nii.gz', label: '/w/labelsTr/liver_001.nii.gz' });
});

test('without a clue in the names, the last file is the label and A, B keep their order', () => {
  assert.deepEqual(guessVersusRoles(['/x/one.nii', '/x/two.nii', '/x/three.nii']),
    { predictionA: '/x/one.nii', predictionB: '/x/two.nii', label: '/x/three.nii' });
});

test('Choose Roles lists the six assignments once each, the current one first', () => {
  const all = allVersusRoles({ predictionA: 'a', predictionB: 'b', label: 'l' });
  assert.equal(all.length, 6);
  assert.deepEqual(all[0], { predictionA: 'a', predictionB: 'b', label: 'l' });
  assert.deepEqual(all[1], { predictionA: 'b', predictionB: 'a', label: 'l' });
  assert.equal(new Set(all.map((r) => `${r.predictionA}|${r.predictionB}|${r.label}`)).size, 6);
  for (const r of all) assert.deepEqual([r.predictionA, r.predictionB, r.label].sort(), ['a', 'b', 'l']);
});
