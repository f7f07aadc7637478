/** Per-class errors of the multi-class Lovasz-Softmax (shared/spec/losses.md), for soft P. */
import type { LovaszKeys } from './lovaszKeys';

/**
 * Appends e = |[lab = c] − P_c| for every voxel with e > 0 to `keys` under `tag`, and returns
 * the count of voxels with lab = c. Voxels with e = 0 cannot change the loss and are skipped.
 */
export function collectClassErrors(
  probability: Float64Array, lab: Float64Array, classValue: number, n: number, keys: LovaszKeys, tag: number,
): number {
  let gts = 0;
  for (let i = 0; i < n; i++) {
    const x = probability[i]!;
    let e: number;
    let fg: number;
    if (lab[i] === classValue) {
      gts++;
      e = 1 - x;
      fg = 1;
    } else {
      e = x;
      fg = 0;
    }
    if (e > 0) keys.push(e, tag, fg);
  }
  return gts;
}
