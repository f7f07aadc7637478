/**
 * Partner and underlay finding on realistic folder trees (in memory): nnU-Net datasets, pred/gt
 * folders, suffix pairs, lone masks, several candidates, and rules from the setting.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { posix } from 'node:path';
import {
  caseKey, DEFAULT_PAIRING_RULES, findPartners, findUnderlay, guessRoles, parsePairingRules, splitMaskName,
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
