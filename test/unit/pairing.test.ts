/**
 * Partner and underlay finding on realistic folder trees (in memory): nnU-Net datasets, pred/gt
 * folders, suffix pairs, lone masks, several candidates, and rules from the setting.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { posix } from 'node:path';
import {
  automaticPartner, caseKey, DEFAULT_PAIRING_RULES, findPartners, findUnderlay, guessRoles, parsePairingRules, splitMaskName,
  type DirEntry, type ListDirectory,
} from '../../src/core/analysis/pairing';

/** A file tree from file paths; folders are implied. Records which folders were listed. */
function tree(files: readonly string[]): ListDirectory & { listed: string[] } {
  const dirs = new Map<string, Map<string, boolean>>();
  const add = (dir: string, name: string, isDirectory: boolean) => {
    if (!dirs.has(dir)) dirs.set(dir, new Map());
    dirs.get(dir)!.set(name, isDirectory);
  };
  for (const file of files) {
    let path = file;
    let isDirectory = false;
    while (path !== '/') {
      add(posix.dirname(path), posix.basename(path), isDirectory);
      path = posix.dirname(path);
      isDirectory = true;
    }
  }
  const listed: string[] = [];
  const list = async (dir: string): Promise<readonly DirEntry[] | null> => {
    listed.push(dir);
    const entries = dirs.get(dir);
    return entries ? [...entries].map(([name, isDir]) => ({ name, isDirectory: isDir })) : null;
  };
  return Object.assign(list, { listed });
}

const NNUNET = [
  '/data/Dataset003_Liver/imagesTr/liver_001_0000.nii.gz',
  '/data/Dataset003_Liver/imagesTr/liver_002_0000.nii.gz',
  '/data/Dataset003_Liver/labelsTr/liver_001.nii.gz',
  '/data/Dataset003_Liver/labelsTr/liver_002.nii.gz',
  '/data/Dataset003_Liver/predictions/liver_001.nii.gz',
  '/data/Dataset003_Liver/dataset.json',
];

test('nnU-Net: predictions/CASE ↔ labelsTr/CASE, both ways, and imagesTr/CASE_0000 as underlay', async () => {
  const fs = tree(NNUNET);
  assert.deepEqual(await findPartners('/data/Dataset003_Liver/predictions/liver_001.nii.gz', fs), [
    { path: '/data/Dataset003_Liver/labelsTr/liver_001.nii.gz', role: 'label', reason: 'same case in labelsTr/' },
  ]);
  assert.deepEqual(await findPartners('/data/Dataset003_Liver/labelsTr/liver_001.nii.gz', fs), [
    { path: '/data/Dataset003_Liver/predictions/liver_001.nii.gz', role: 'prediction', reason: 'same case in predictions/' },
  ]);
  assert.equal(await findUnderlay(['/data/Dataset003_Liver/labelsTr/liver_001.nii.gz', '/data/Dataset003_Liver/predictions/liver_001.nii.gz'], fs),
    '/data/Dataset003_Liver/imagesTr/liver_001_0000.nii.gz');
  // A case without a prediction has no partner; imagesTr (same case, other name) is never one.
  assert.deepEqual(await findPartners('/data/Dataset003_Liver/labelsTr/liver_002.nii.gz', fs), []);
});

test('nnU-Net output folders named after the trainer pair with labelsTr', async () => {
  const fs = tree([
    '/r/Dataset003/labelsTr/case_17.nii.gz',
    '/r/Dataset003/imagesTr/case_17_0000.nii.gz',
    '/r/Dataset003/nnUNetTrainer__nnUNetPlans__3d_fullres/case_17.nii.gz',
  ]);
  assert.deepEqual((await findPartners('/r/Dataset003/labelsTr/case_17.nii.gz', fs)).map((c) => [c.path, c.role]),
    [['/r/Dataset003/nnUNetTrainer__nnUNetPlans__3d_fullres/case_17.nii.gz', 'prediction']]);
  assert.deepEqual((await findPartners('/r/Dataset003/nnUNetTrainer__nnUNetPlans__3d_fullres/case_17.nii.gz', fs)).map((c) => [c.path, c.role]),
    [['/r/Dataset003/labelsTr/case_17.nii.gz', 'label']]);
});

test('pred/ and gt/ folders of PNGs, with images/ as the underlay (never as partner)', async () => {
  const fs = tree(['/p/Pred/slide_4.png', '/p/GT/slide_4.png', '/p/images/slide_4.png', '/p/pred/other.png']);
  assert.deepEqual(await findPartners('/p/Pred/slide_4.png', fs), [{ path: '/p/GT/slide_4.png', role: 'label', reason: 'same case in GT/' }]);
  assert.deepEqual(await findPartners('/p/GT/slide_4.png', fs), [{ path: '/p/Pred/slide_4.png', role: 'prediction', reason: 'same case in Pred/' }]);
  assert.equal(await findUnderlay(['/p/GT/slide_4.png', '/p/Pred/slide_4.png'], fs), '/p/images/slide_4.png');
});

test('.nii and .nii.gz of the same case pair up; .nii.gz underlay found for .nii masks', async () => {
  const fs = tree(['/s/inference/brain_3.nii.gz', '/s/ground_truth/brain_3.nii', '/s/imagesTs/brain_3_0000.nii.gz']);
  assert.deepEqual((await findPartners('/s/inference/brain_3.nii.gz', fs)).map((c) => c.path), ['/s/ground_truth/brain_3.nii']);
  assert.equal(await findUnderlay(['/s/ground_truth/brain_3.nii'], fs), '/s/imagesTs/brain_3_0000.nii.gz');
});

test('suffix pairs in one folder: _pred ↔ _gt, _prediction is not _pred + "iction", plain ↔ _seg', async () => {
  const fs = tree([
    '/w/case7_pred.nii.gz', '/w/case7_gt.nii.gz', '/w/case7_0000.nii.gz',
    '/w/lung_prediction.png', '/w/lung_mask.png',
    '/w/knee.nii.gz', '/w/knee_seg.nii.gz',
  ]);
  assert.deepEqual(await findPartners('/w/case7_pred.nii.gz', fs), [{ path: '/w/case7_gt.nii.gz', role: 'label', reason: 'suffix _gt' }]);
  assert.deepEqual(await findPartners('/w/case7_gt.nii.gz', fs), [{ path: '/w/case7_pred.nii.gz', role: 'prediction', reason: 'suffix _pred' }]);
  assert.deepEqual((await findPartners('/w/lung_prediction.png', fs)).map((c) => [c.path, c.role]), [['/w/lung_mask.png', 'label']]);
  assert.deepEqual((await findPartners('/w/knee.nii.gz', fs)).map((c) => [c.path, c.role]), [['/w/knee_seg.nii.gz', 'prediction']]);
  assert.deepEqual((await findPartners('/w/knee_seg.nii.gz', fs)).map((c) => [c.path, c.role, c.reason]), [['/w/knee.nii.gz', 'label', 'same name without _seg']]);
  assert.equal(await findUnderlay(['/w/case7_gt.nii.gz', '/w/case7_pred.nii.gz'], fs), '/w/case7_0000.nii.gz');
  assert.equal(caseKey('/w/lung_prediction.png'), 'lung');
});

test('a mask with no partner: no candidates, no underlay, and no listing of folders that are not there', async () => {
  const fs = tree(['/home/me/scratch/lonely.nii.gz', '/home/me/scratch/notes.txt']);
  assert.deepEqual(await findPartners('/home/me/scratch/lonely.nii.gz', fs), []);
  assert.equal(await findUnderlay(['/home/me/scratch/lonely.nii.gz'], fs), null);
  assert.ok(!fs.listed.some((d) => d.endsWith('/imagesTr') || d.endsWith('/images')), `listed: ${fs.listed.join(', ')}`);
  assert.deepEqual(await findPartners('/home/me/scratch/notes.txt', fs), [], 'not a mask file');
});

test('several candidates: two prediction folders for one label, best (named) folders first', async () => {
  const fs = tree(['/d/labels/c.nii.gz', '/d/pred_unet/c.nii.gz', '/d/pred_swin/c.nii.gz', '/d/scratch/c.nii.gz']);
  const fromLabel = await findPartners('/d/labels/c.nii.gz', fs);
  assert.deepEqual(fromLabel.map((c) => c.path).sort(), ['/d/pred_swin/c.nii.gz', '/d/pred_unet/c.nii.gz'], 'named prediction folders win over scratch/');
  assert.ok(fromLabel.every((c) => c.role === 'prediction'));
  // From one prediction folder, the other prediction folder is not a partner.
  assert.deepEqual((await findPartners('/d/pred_unet/c.nii.gz', fs)).map((c) => c.path), ['/d/labels/c.nii.gz']);
});

test('custom rules from the setting come first; bad entries are reported, not fatal', async () => {
  const { rules, problems } = parsePairingRules([
    { type: 'folder', prediction: 'nnunet_out', label: ['reference', 'manual_*'] },
    { type: 'suffix', prediction: '_auto', label: '_manual' },
    { type: 'regex', prediction: 'x', label: 'y' },
    { type: 'suffix', prediction: [], label: '_gt' },
    'not an object',
  ]);
  assert.equal(rules.length, 2 + DEFAULT_PAIRING_RULES.length);
  assert.equal(problems.length, 3);
  assert.match(problems[0]!, /entry 3: "type" must be "folder" or "suffix"/);
  assert.match(problems[1]!, /entry 4: "prediction" and "label"/);
  const fs = tree(['/p/nnunet_out/c.nii.gz', '/p/manual_anna/c.nii.gz', '/q/heart_auto.nii', '/q/heart_manual.nii']);
  assert.deepEqual((await findPartners('/p/nnunet_out/c.nii.gz', fs, rules)).map((c) => [c.path, c.role]), [['/p/manual_anna/c.nii.gz', 'label']]);
  assert.deepEqual(await findPartners('/p/nnunet_out/c.nii.gz', fs), [], 'without the rule these folders mean nothing');
  assert.deepEqual((await findPartners('/q/heart_manual.nii', fs, rules)).map((c) => [c.path, c.role]), [['/q/heart_auto.nii', 'prediction']]);
  assert.deepEqual(parsePairingRules(undefined).rules, [...DEFAULT_PAIRING_RULES]);
  assert.equal(parsePairingRules({ type: 'folder' }).problems.length, 1);
});

test('underlay patterns from the setting, with ${case}, ${ext} and ${name}', async () => {
  const fs = tree(['/ct/seg/p01.nii.gz', '/ct/volumes/p01.nii.gz', '/ct/volumes/p01_pred.nii.gz']);
  assert.equal(await findUnderlay(['/ct/seg/p01.nii.gz'], fs, ['../volumes/${name}']), '/ct/volumes/p01.nii.gz');
  assert.equal(await findUnderlay(['/ct/volumes/p01_pred.nii.gz'], fs, ['${case}${ext}']), '/ct/volumes/p01.nii.gz');
  assert.equal(await findUnderlay(['/ct/seg/p01.nii.gz'], fs, ['../missing/${case}${ext}']), null);
});

test('guessRoles reads folders and suffixes; without evidence the given order stands, unconfidently', () => {
  assert.deepEqual(guessRoles('/d/labelsTr/a.nii.gz', '/d/predictions/a.nii.gz'), { prediction: '/d/predictions/a.nii.gz', label: '/d/labelsTr/a.nii.gz', confident: true });
  assert.deepEqual(guessRoles('/w/x_pred.png', '/w/x_gt.png'), { prediction: '/w/x_pred.png', label: '/w/x_gt.png', confident: true });
  assert.deepEqual(guessRoles('/w/x_gt.png', '/w/x_pred.png'), { prediction: '/w/x_pred.png', label: '/w/x_gt.png', confident: true });
  assert.deepEqual(guessRoles('/w/a.nii.gz', '/w/b.nii.gz'), { prediction: '/w/a.nii.gz', label: '/w/b.nii.gz', confident: false });
});

test('splitMaskName knows the mask extensions in any letter case', () => {
  assert.deepEqual(splitMaskName('CT_1.NII.GZ'), { stem: 'CT_1', ext: '.NII.GZ' });
  assert.deepEqual(splitMaskName('a.b.nii'), { stem: 'a.b', ext: '.nii' });
  assert.equal(splitMaskName('a.gz'), null);
  assert.equal(splitMaskName('mask.jpg'), null);
});

// ---------- issue #8: a calmer opening flow ----------

test('a *_label file is never paired with another label (pairs/x_label vs labelsTr/x), and never taken as the prediction', async () => {
  const fs = tree(['/t/pairs/x_label.nii.gz', '/t/pairs/x_pred.nii.gz', '/t/labelsTr/x.nii.gz', '/t/imagesTr/x_0000.nii.gz']);
  assert.deepEqual(await findPartners('/t/pairs/x_label.nii.gz', fs),
    [{ path: '/t/pairs/x_pred.nii.gz', role: 'prediction', reason: 'suffix _pred' }]);
  // Without the _pred file there is no partner at all: a label against a label is not a pair.
  const alone = tree(['/t/pairs/x_label.nii.gz', '/t/labelsTr/x.nii.gz']);
  assert.deepEqual(await findPartners('/t/pairs/x_label.nii.gz', alone), []);
  // A file named as a label in a predictions folder is not offered as the prediction of labelsTr/x.
  const named = tree(['/t/labelsTr/x.nii.gz', '/t/predictions/x_gt.nii.gz']);
  assert.deepEqual(await findPartners('/t/labelsTr/x.nii.gz', named), []);
  // Two files picked by hand: the _label one is the label, whatever the other's folder says.
  assert.deepEqual(guessRoles('/t/pairs/x_label.nii.gz', '/t/labelsTr/x.nii.gz'),
    { prediction: '/t/labelsTr/x.nii.gz', label: '/t/pairs/x_label.nii.gz', confident: true });
  assert.deepEqual(guessRoles('/t/a/x.png', '/t/a/x_gt.png'), { prediction: '/t/a/x.png', label: '/t/a/x_gt.png', confident: true });
});

test('same-folder suffix partners come before sibling-folder matches, and are opened without asking', async () => {
  const fs = tree(['/v/predictions/x_pred.png', '/v/predictions/x_label.png', '/v/labels/x.png']);
  const found = await findPartners('/v/predictions/x_pred.png', fs);
  assert.deepEqual(found.map((c) => [c.path, c.role]), [['/v/predictions/x_label.png', 'label'], ['/v/labels/x.png', 'label']]);
  assert.equal(automaticPartner('/v/predictions/x_pred.png', found, { preview: false })?.path, '/v/predictions/x_label.png');
});

test('prediction stems with a variant tag pair with x_label: x_pred8, x_pred_be, x_prediction_v2, x_seg-nnunet', async () => {
  for (const pred of ['x_pred8.png', 'x_pred_be.nii', 'x_prediction_v2.nii.gz', 'x_seg-nnunet.png']) {
    const fs = tree([`/u/${pred}`, '/u/x_label.png', '/u/y_label.png']);
    assert.deepEqual((await findPartners(`/u/${pred}`, fs)).map((c) => [c.path, c.role]), [['/u/x_label.png', 'label']], pred);
    assert.deepEqual((await findPartners('/u/x_label.png', fs)).map((c) => [c.path, c.role]), [[`/u/${pred}`, 'prediction']], `from x_label to ${pred}`);
    assert.equal(caseKey(`/u/${pred}`), 'x', pred);
    assert.equal(guessRoles('/u/x_label.png', `/u/${pred}`).prediction, `/u/${pred}`);
  }
  // A case id after a role word is not a tag: ct_seg_001 is its own case, not ct's prediction.
  assert.equal(caseKey('/u/ct_seg_001.nii.gz'), 'ct_seg_001');
  assert.equal(caseKey('/u/x_segment.png'), 'x_segment');
  // An exact label ending wins over a tagged prediction reading: x_seg_mask is the mask of case x_seg.
  assert.equal(caseKey('/u/x_seg_mask.png'), 'x_seg');
});

test('automaticPartner: one candidate or a preview open never asks; several in other folders ask', () => {
  const a = { path: '/d/pred_unet/c.nii.gz', role: 'prediction' as const, reason: 'same case in pred_unet/' };
  const b = { path: '/d/pred_swin/c.nii.gz', role: 'prediction' as const, reason: 'same case in pred_swin/' };
  assert.equal(automaticPartner('/d/labels/c.nii.gz', [], { preview: false }), null);
  assert.equal(automaticPartner('/d/labels/c.nii.gz', [a], { preview: false }), a);
  assert.equal(automaticPartner('/d/labels/c.nii.gz', [a, b], { preview: false }), null, 'a pinned open asks which');
  assert.equal(automaticPartner('/d/labels/c.nii.gz', [a, b], { preview: true }), a, 'a single click takes the best, no quick pick');
});
