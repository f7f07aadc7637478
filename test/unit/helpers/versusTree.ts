/** A report tree (reportTree.ts) plus a second prediction folder of the same labels, for issue #12's tests. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { gzip, writeNifti } from './niftiWriter';
import { makeReportTree, TREE_SHAPE, type CaseSpec, type ReportTree } from './reportTree';

export interface VersusTree extends ReportTree {
  readonly predictionsB: string;
}

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) / 2147483647);
}

/** The uint8 label voxels of a tree's case (written uncompressed-header NIfTI-1, 352-byte offset). */
function labelVoxels(tree: ReportTree, name: string): Uint8Array {
  const bytes = gunzipSync(readFileSync(join(tree.labels, `${name}.nii.gz`)));
  return new Uint8Array(bytes.buffer, bytes.byteOffset + 352, TREE_SHAPE[0] * TREE_SHAPE[1] * TREE_SHAPE[2]).slice();
}

/**
 * `cases` as makeReportTree; B predicts the cases named in `withB` (a noisy label map, flips with
 * probability `noise`); `onlyB`: labels (written as probability cases) that only B predicts.
 */
export function makeVersusTree(cases: readonly CaseSpec[], withB: readonly string[], onlyB: readonly string[] = [], noise = 0.05): VersusTree {
  const tree = makeReportTree([...cases, ...onlyB.map((name, i) => ({ name, kind: 'probability' as const, seed: 900 + i }))], 'mask-inspector-versus-');
  const predictionsB = join(tree.root, 'predictionsB');
  mkdirSync(predictionsB);
  const pixdim = [1, 0.8, 0.8, 2, 1];
  const srow = [0.8, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 2, 0];
  [...withB, ...onlyB].forEach((name, i) => {
    const rand = random(7000 + i);
    const pred = labelVoxels(tree, name).map((v) => (rand() < noise ? (v === 0 ? 1 : 0) : v));
    writeFileSync(join(predictionsB, `${name}.nii.gz`), gzip(writeNifti({ shape: TREE_SHAPE, dtype: 'uint8', values: pred, pixdim, srow })));
  });
  for (const name of onlyB) rmSync(join(tree.predictions, `${name}.nii.gz`));
  return { ...tree, predictionsB };
}
