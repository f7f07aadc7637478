import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { belongsInMaskInspector } from '../../src/core/editorAssociations';

const VIEW = 'maskInspector.compare';

test('NIfTI masks opened in the text editor belong in Mask Inspector', () => {
  assert.equal(belongsInMaskInspector('/w/sample/predictions/liver_001.nii.gz', VIEW), true);
  assert.equal(belongsInMaskInspector('/w/x.NII', VIEW), true);
});

test('PNG and other files stay where they are (Mask Inspector is not their default editor)', () => {
  assert.equal(belongsInMaskInspector('/w/x_pred.png', VIEW), false);
  assert.equal(belongsInMaskInspector('/w/notes.txt', VIEW), false);
  assert.equal(belongsInMaskInspector('/w/x.nii.gz.txt', VIEW), false);
});

test('a user association naming another editor wins; one naming ours does not block', () => {
  assert.equal(belongsInMaskInspector('/w/a.nii.gz', VIEW, { '*.nii.gz': 'default' }), false);
  assert.equal(belongsInMaskInspector('/w/raw/a.nii', VIEW, { '**/raw/*.nii': 'hexEditor.hexedit' }), false);
  assert.equal(belongsInMaskInspector('/w/a.nii', VIEW, { '**/raw/*.nii': 'hexEditor.hexedit' }), true);
  assert.equal(belongsInMaskInspector('/w/a.nii.gz', VIEW, { '*.nii.gz': VIEW }), true);
});
