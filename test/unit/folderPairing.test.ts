/**
 * Folder pairing for the report (src/core/analysis/folderPairing.ts) on realistic trees: the
 * nnU-Net layout, suffix conventions, one folder holding both roles, unmatched and non-mask files,
 * duplicates, and auto choosing the mode that pairs the most. Every mask file must end up in a
 * pair or an unmatched list — nothing is skipped silently.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, posix, resolve } from 'node:path';
import { describe, test } from 'node:test';
import {
  describePlan, listFolderPlan, planFolderPairs, type FolderListing, type FolderPlan,
} from '../../src/core/analysis/folderPairing';
import type { DirEntry, ListDirectory } from '../../src/core/analysis/pairing';
import { planLocalFolders } from '../../src/report/runFolderReport';
import { REPO_ROOT } from './helpers/ioTestUtils';

function listing(dir: string, names: string[], dirs: string[] = []): FolderListing {
  return { dir, entries: [...names.map((name) => ({ name, isDirectory: false })), ...dirs.map((name) => ({ name, isDirectory: true }))] };
}

/** A fake file tree: paths → ListDirectory. */
function tree(paths: string[]): ListDirectory {
  const dirs = new Map<string, DirEntry[]>();
  for (const path of paths) {
    let child = path;
    let isDirectory = false;
    for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
      const entries = dirs.get(dir) ?? [];
      if (!entries.some((e) => e.name === posix.basename(child))) entries.push({ name: posix.basename(child), isDirectory });
      dirs.set(dir, entries);
      if (dir === '/') break;
      child = dir;
      isDirectory = true;
    }
  }
  return async (dir) => dirs.get(dir) ?? null;
}

/** Every mask file of both listings is in exactly one pair or one unmatched list. */
function assertAccountedFor(plan: FolderPlan, pred: FolderListing, lab: FolderListing): void {
  const isMask = (n: string) => /\.(nii|nii\.gz|png)$/i.test(n);
  const same = pred.dir === lab.dir;
  const expected = [
    ...pred.entries.filter((e) => !e.isDirectory && isMask(e.name)).map((e) => posix.join(pred.dir, e.name)),
    ...(same ? [] : lab.entries.filter((e) => !e.isDirectory && isMask(e.name)).map((e) => posix.join(lab.dir, e.name))),
  ].sort();
  const seen = [
    ...plan.pairs.flatMap((p) => [p.prediction, p.label]),
    ...plan.unmatchedPredictions.map((u) => u.path), ...plan.unmatchedLabels.map((u) => u.path),
  ].sort();
  assert.deepEqual(seen, expected);
  const others = [...pred.entries, ...(same ? [] : lab.entries)].filter((e) => !e.isDirectory && !isMask(e.name)).length;
  assert.equal(plan.ignored.length, others);
  assert.equal(new Set(plan.pairs.map((p) => p.case)).size, plan.pairs.length, 'case ids are unique');
}

describe('folder pairing: nnU-Net layout', () => {
  const labels = listing('/data/Dataset001_Liver/labelsTr', ['liver_001.nii.gz', 'liver_002.nii.gz', 'liver_003.nii.gz', 'liver_010.nii.gz']);
  const preds = listing('/data/Dataset001_Liver/predictions', [
    'liver_001.nii.gz', 'liver_002.nii.gz', 'liver_003.nii.gz', 'liver_004.nii.gz',
    'plans.json', 'dataset.json', 'predict_from_raw_data_args.json', 'liver_001.npz', 'liver_001.pkl',
  ]);

  test('auto picks nnunet, pairs by case, lists the unmatched and the non-mask files by name', () => {
    const plan = planFolderPairs(preds, labels);
    assert.equal(plan.mode, 'nnunet');
    assert.equal(plan.requested, 'auto');
    assert.deepEqual(plan.pairs.map((p) => p.case), ['liver_001', 'liver_002', 'liver_003']);
    assert.deepEqual(plan.pairs[0], {
      case: 'liver_001', prediction: '/data/Dataset001_Liver/predictions/liver_001.nii.gz',
      label: '/data/Dataset001_Liver/labelsTr/liver_001.nii.gz', image: null,
    });
    assert.deepEqual(plan.unmatchedPredictions.map((u) => u.name), ['liver_004.nii.gz']);
    assert.match(plan.unmatchedPredictions[0]!.reason, /no label .*"liver_004"/);
    assert.deepEqual(plan.unmatchedLabels.map((u) => u.name), ['liver_010.nii.gz']);
    assert.match(plan.unmatchedLabels[0]!.reason, /no prediction/);
    assert.deepEqual(plan.ignored.map((f) => f.name).sort(),
      ['dataset.json', 'liver_001.npz', 'liver_001.pkl', 'plans.json', 'predict_from_raw_data_args.json']);
    assertAccountedFor(plan, preds, labels);
    const text = describePlan(plan);
    for (const name of ['liver_004.nii.gz', 'liver_010.nii.gz', 'plans.json']) assert.ok(text.includes(name), name);
    assert.match(text, /^pairing nnunet \(auto\): 3 pairs/);
  });

  test('.nii predictions against .nii.gz labels: nnunet pairs them, name cannot', () => {
    const p = listing('/d/pred', ['a.nii', 'b.nii', 'c.nii.gz']);
    const l = listing('/d/labelsTr', ['a.nii.gz', 'b.nii.gz', 'c.nii.gz']);
    const plan = planFolderPairs(p, l);
    assert.equal(plan.mode, 'nnunet');
    assert.equal(plan.pairs.length, 3);
    assert.equal(plan.pairsByMode.name, 1);
    const byName = planFolderPairs(p, l, 'name');
    assert.equal(byName.mode, 'name');
    assert.deepEqual(byName.pairs.map((x) => x.case), ['c']);
    assert.deepEqual(byName.unmatchedPredictions.map((u) => u.name), ['a.nii', 'b.nii']);
    assert.match(byName.unmatchedPredictions[0]!.reason, /no label named a\.nii/);
    assertAccountedFor(byName, p, l);
  });

  test('the images folder given as predictions: each file is named as an image channel', () => {
    const images = listing('/d/imagesTr', ['liver_001_0000.nii.gz', 'liver_002_0000.nii.gz']);
    const plan = planFolderPairs(images, listing('/d/labelsTr', ['liver_001.nii.gz', 'liver_002.nii.gz']), 'nnunet');
    assert.equal(plan.pairs.length, 0);
    assert.equal(plan.unmatchedPredictions.length, 2);
    assert.match(plan.unmatchedPredictions[0]!.reason, /nnU-Net image \(case "liver_001", channel 0000\).*images folder/);
  });

  test('listFolderPlan lists the folders and finds each case\'s image in imagesTr', async () => {
    const list = tree([
      '/data/ds/imagesTr/liver_001_0000.nii.gz', '/data/ds/imagesTr/liver_002_0000.nii.gz',
      '/data/ds/labelsTr/liver_001.nii.gz', '/data/ds/labelsTr/liver_002.nii.gz', '/data/ds/labelsTr/liver_003.nii.gz',
      '/data/ds/predictions/liver_001.nii.gz', '/data/ds/predictions/liver_002.nii.gz', '/data/ds/predictions/liver_003.nii.gz',
      '/data/ds/predictions/plans.json',
    ]);
    const plan = await listFolderPlan('/data/ds/predictions', '/data/ds/labelsTr', list);
    assert.deepEqual(plan.pairs.map((p) => p.image), [
      '/data/ds/imagesTr/liver_001_0000.nii.gz', '/data/ds/imagesTr/liver_002_0000.nii.gz', null,
    ]);
    await assert.rejects(listFolderPlan('/data/ds/nope', '/data/ds/labelsTr', list), /\/data\/ds\/nope: cannot list this folder/);
  });
});

describe('folder pairing: suffixes', () => {
  test('case_pred ↔ case_gt in two folders: auto picks suffix', () => {
    const p = listing('/w/out', ['ct01_pred.nii.gz', 'ct02_pred.nii.gz', 'ct03_prediction.nii.gz', 'ct04_pred.nii.gz']);
    const l = listing('/w/gt', ['ct01_gt.nii.gz', 'ct02_gt.nii.gz', 'ct03_label.nii.gz', 'ct05_gt.nii.gz', 'README.md']);
    const plan = planFolderPairs(p, l);
    assert.equal(plan.mode, 'suffix');
    assert.deepEqual(plan.pairsByMode, { nnunet: 0, name: 0, suffix: 3 });
    assert.deepEqual(plan.pairs.map((x) => [x.case, posix.basename(x.prediction), posix.basename(x.label)]), [
      ['ct01', 'ct01_pred.nii.gz', 'ct01_gt.nii.gz'], ['ct02', 'ct02_pred.nii.gz', 'ct02_gt.nii.gz'],
      ['ct03', 'ct03_prediction.nii.gz', 'ct03_label.nii.gz'],
    ]);
    assert.deepEqual(plan.unmatchedPredictions.map((u) => u.name), ['ct04_pred.nii.gz']);
    assert.deepEqual(plan.unmatchedLabels.map((u) => u.name), ['ct05_gt.nii.gz']);
    assert.deepEqual(plan.ignored.map((f) => f.name), ['README.md']);
    assertAccountedFor(plan, p, l);
  });

  test('one folder holding both roles: case_pred ↔ case_gt and case_pred ↔ case', () => {
    const dir = listing('/w/run', ['a_pred.nii.gz', 'a_gt.nii.gz', 'b_seg.png', 'b.png', 'c_gt.nii.gz', 'd_pred.nii.gz', 'notes.txt']);
    const plan = planFolderPairs(dir, dir);
    assert.equal(plan.mode, 'suffix');
    assert.deepEqual(plan.pairsByMode, { nnunet: 0, name: 0, suffix: 2 });
    assert.deepEqual(plan.pairs.map((x) => [x.case, posix.basename(x.prediction), posix.basename(x.label)]),
      [['a', 'a_pred.nii.gz', 'a_gt.nii.gz'], ['b', 'b_seg.png', 'b.png']]);
    assert.deepEqual(plan.unmatchedPredictions.map((u) => u.name), ['d_pred.nii.gz']);
    assert.deepEqual(plan.unmatchedLabels.map((u) => u.name), ['c_gt.nii.gz']);
    assert.deepEqual(plan.ignored.map((f) => f.name), ['notes.txt']);
    assertAccountedFor(plan, dir, dir);
    const byName = planFolderPairs(dir, dir, 'name');
    assert.equal(byName.pairs.length, 0);
    assert.match(byName.unmatchedPredictions[0]!.reason, /same: only --pairing suffix/);
  });

  test('a file whose suffix names the other role, and two predictions of one case, are listed with why', () => {
    const p = listing('/w/pred', ['x_pred.nii.gz', 'x_seg.nii.gz', 'y_gt.nii.gz']);
    const l = listing('/w/labels', ['x_gt.nii.gz', 'y_gt.nii.gz', 'z_pred.nii.gz']);
    const plan = planFolderPairs(p, l, 'suffix');
    assert.deepEqual(plan.pairs.map((x) => posix.basename(x.prediction)), ['x_pred.nii.gz']);
    const reasons = (list: readonly { name: string; reason: string }[]) => Object.fromEntries(list.map((u) => [u.name, u.reason]));
    const pred = reasons(plan.unmatchedPredictions), lab = reasons(plan.unmatchedLabels);
    assert.match(pred['x_seg.nii.gz']!, /already paired with x_pred\.nii\.gz/);
    assert.match(pred['y_gt.nii.gz']!, /suffix _gt marks a label, but it is in the prediction folder/);
    assert.match(lab['y_gt.nii.gz']!, /no prediction/);
    assert.match(lab['z_pred.nii.gz']!, /marks a prediction, but it is in the label folder/);
    assertAccountedFor(plan, p, l);
  });
});

describe('folder pairing: name mode and auto', () => {
  test('same names, two extensions: two pairs with distinct case ids', () => {
    const p = listing('/a/pred', ['s1.nii', 's1.nii.gz', 's2.png']);
    const l = listing('/a/label', ['s1.nii', 's1.nii.gz', 's2.png']);
    const plan = planFolderPairs(p, l, 'name');
    assert.deepEqual(plan.pairs.map((x) => x.case), ['s1.nii', 's1.nii.gz', 's2']);
    assertAccountedFor(plan, p, l);
  });

  test('auto takes the mode with the most pairs; ties go to nnunet', () => {
    const p = listing('/a/pred', ['k1.nii.gz', 'k2_pred.nii.gz', 'k3_pred.nii.gz']);
    const l = listing('/a/label', ['k1.nii.gz', 'k2.nii.gz', 'k3_gt.nii.gz']);
    const plan = planFolderPairs(p, l);
    assert.deepEqual(plan.pairsByMode, { nnunet: 1, name: 1, suffix: 3 });
    assert.equal(plan.mode, 'suffix');
    const tie = planFolderPairs(listing('/a/pred', ['k1.nii.gz']), listing('/a/label', ['k1.nii.gz']));
    assert.deepEqual(tie.pairsByMode, { nnunet: 1, name: 1, suffix: 1 });
    assert.equal(tie.mode, 'nnunet');
  });

  test('empty or unrelated folders: no pairs, everything listed', () => {
    const p = listing('/e/pred', ['one.nii.gz'], ['sub']);
    const l = listing('/e/lab', ['two.nii.gz']);
    const plan = planFolderPairs(p, l);
    assert.equal(plan.pairs.length, 0);
    assertAccountedFor(plan, p, l);
    assert.equal(planFolderPairs(listing('/e/x', []), listing('/e/y', [])).pairs.length, 0);
  });
});

describe('folder pairing: DICOM files that are not segmentations', () => {
  /** A DICOM Part 10 header (preamble, DICM, MediaStorageSOPClassUID) of a CT slice: not a mask. */
  function ctSlice(): Buffer {
    const uid = Buffer.from('1.2.840.10008.5.1.4.1.1.2\0', 'latin1'); // CT Image Storage, padded to even length
    const element = Buffer.alloc(8);
    element.writeUInt16LE(0x0002, 0); element.writeUInt16LE(0x0002, 2); element.write('UI', 4, 'latin1'); element.writeUInt16LE(uid.length, 6);
    return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), element, uid, Buffer.alloc(512)]);
  }

  test('a CT series beside the masks is one ignored entry per folder, not a case per slice; the DICOM-SEG is paired', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mi-dicom-series-'));
    try {
      const fixtures = resolve(REPO_ROOT, 'test/fixtures-formats');
      const predictions = join(root, 'predictions'), labels = join(root, 'labels');
      mkdirSync(predictions); mkdirSync(labels);
      copyFileSync(join(fixtures, 'label.nii.gz'), join(predictions, 'case1.nii.gz'));
      copyFileSync(join(fixtures, 'label.seg.dcm'), join(labels, 'case1.seg.dcm'));
      // The same series exported into both folders: by name these would be three "cases".
      for (const dir of [predictions, labels]) for (const n of ['IM0001.dcm', 'IM0002.dcm', 'IM0003.dcm']) writeFileSync(join(dir, n), ctSlice());
      writeFileSync(join(labels, 'notes.dcm'), 'not DICOM at all');
      const plan = await planLocalFolders(predictions, labels);
      assert.deepEqual(plan.pairs.map((p) => [p.case, basename(p.prediction), basename(p.label)]), [['case1', 'case1.nii.gz', 'case1.seg.dcm']]);
      assert.deepEqual(plan.unmatchedPredictions, []);
      assert.deepEqual(plan.unmatchedLabels, []);
      const dicom = plan.ignored.filter((f) => /DICOM-SEG/.test(f.reason));
      assert.deepEqual(dicom.map((f) => [f.name, f.path]), [
        ['IM0001.dcm … IM0003.dcm (3 files)', join(predictions, 'IM0001.dcm')],
        ['IM0001.dcm … notes.dcm (4 files)', join(labels, 'IM0001.dcm')],
      ]);
      assert.match(dicom[0]!.reason, /^3 DICOM files that are not a segmentation \(DICOM-SEG\)/);
      assert.match(describePlan(plan), /pairing \w+ \(auto\): 1 pair /);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('planFolderPairs: entries a lister marked notSegmentation are never masks; one such file is named as itself', () => {
    const pred = listing('/p', ['a.nii.gz']);
    const lab: FolderListing = { dir: '/l', entries: [{ name: 'a.dcm', isDirectory: false }, { name: 'b.dcm', isDirectory: false, notSegmentation: true }] };
    const plan = planFolderPairs(pred, lab);
    assert.deepEqual(plan.pairs.map((p) => p.label), ['/l/a.dcm']);
    assert.deepEqual(plan.unmatchedLabels, []);
    assert.deepEqual(plan.ignored.map((f) => [f.name, f.path]), [['b.dcm', '/l/b.dcm']]);
    assert.match(plan.ignored[0]!.reason, /^a DICOM file that is not a segmentation/);
  });
});
