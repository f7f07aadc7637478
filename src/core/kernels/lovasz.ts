/**
 * The Lovasz extension of the Jaccard loss (Berman et al.) evaluated over sorted error keys.
 * Serves the binary Lovasz hinge (errors relu(1 − s·(2t − 1))) and each class of the
 * Lovasz-Softmax (errors |[label = c] − P_c|): only positive errors contribute, and the
 * gradient of the first m sorted errors depends only on their foreground flags and Σt.
 */
import { keyValue, LovaszKeys } from './lovaszKeys';

/**
 * Walks keys sorted ascending from the end (largest error first). For every tag:
 * after a foreground and b background errors, J = 1 − (gts − a)/(gts + b), and the loss
 * gains e·(J − J_previous). Writes each tag's loss to `lossPerTag` and returns the loss of
 * all tags pooled (with `totalGts`). Arrays are indexed by tag − firstTag. No keys → all 0. Tags with gts = 0 only hold background
 * errors, whose union is ≥ 1, so no 0/0 arises.
 */
export function lovaszFromSortedKeys(
  keys: LovaszKeys, gtsPerTag: Float64Array, lossPerTag: Float64Array, totalGts: number, firstTag = 0,
): number {
  const tags = lossPerTag.length;
  const fgSeen = new Float64Array(tags);
  const bgSeen = new Float64Array(tags);
  const jPrev = new Float64Array(tags);
  lossPerTag.fill(0);
  const lo = keys.lo;
  const hi = keys.hi;
  const tagMask = keys.payloadMask;
  let fgAll = 0;
  let bgAll = 0;
  let jAll = 0;
  let lossAll = 0;
  for (let i = keys.count - 1; i >= 0; i--) {
    const l = lo[i]!;
    const e = keyValue(l, hi[i]!);
    const payload = l & tagMask;
    const tag = (payload >>> 1) - firstTag;
    const gts = gtsPerTag[tag]!;
    let j: number;
    if (payload & 1) {
      const a = ++fgSeen[tag]!;
      j = 1 - (gts - a) / (gts + bgSeen[tag]!);
      fgAll++;
    } else {
      const b = ++bgSeen[tag]!;
      j = 1 - (gts - fgSeen[tag]!) / (gts + b);
      bgAll++;
    }
    lossPerTag[tag]! += e * (j - jPrev[tag]!);
    jPrev[tag] = j;
    const jv = 1 - (totalGts - fgAll) / (totalGts + bgAll);
    lossAll += e * (jv - jAll);
    jAll = jv;
  }
  return lossAll;
}

/**
 * Lovasz extension when every error is the same value `e` (hard predictions: hinge errors
 * are 0 or 2, softmax errors 0 or 1): e · J after all fp + fn errors; 0 when none.
 */
export function lovaszOfEqualErrors(e: number, gts: number, fp: number, fn: number): number {
  if (fp + fn === 0) return 0;
  return e * (1 - (gts - fn) / (gts + fp));
}

/** One sorted run of keys (ascending), as produced by sortKeys on one worker's slices. */
export interface SortedKeyRun {
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
}

/**
 * Lovasz extension over the union of several sorted runs (one per slab or worker). Only the
 * foreground bit of each payload is read.
 *
 * The runs are merged pairwise into one, then walked by lovaszFromSortedKeys with every key under
 * one tag: its pooled loss is this walk, operation for operation, and by the time a volume is
 * assembled that function is already optimised (every range ran it), where a walk of its own ran
 * its first 250 000 keys in the interpreter (≈ 20 ms at the end of every `compare`). Equal keys
 * are interchangeable (same error, same foreground bit), so any merge order gives the same walk.
 */
export function lovaszOfMergedRuns(runs: readonly SortedKeyRun[], totalGts: number): number {
  let left = runs.filter((r) => r.lo.length > 0);
  if (left.length === 0) return 0;
  while (left.length > 1) {
    const merged: SortedKeyRun[] = [];
    for (let r = 0; r < left.length; r += 2) merged.push(r + 1 < left.length ? mergeTwoRuns(left[r]!, left[r + 1]!) : left[r]!);
    left = merged;
  }
  const keys = new LovaszKeys(0);
  keys.lo = left[0]!.lo;
  keys.hi = left[0]!.hi;
  keys.reset(1); // one tag: payloadMask 1, the foreground bit
  keys.count = keys.lo.length;
  return lovaszFromSortedKeys(keys, new Float64Array([totalGts]), new Float64Array(1), totalGts);
}

/** The keys of two ascending runs as one ascending run. */
export function mergeTwoRuns(a: SortedKeyRun, b: SortedKeyRun): SortedKeyRun {
  const na = a.lo.length, nb = b.lo.length;
  const lo = new Uint32Array(na + nb), hi = new Uint32Array(na + nb);
  let i = 0, j = 0, o = 0;
  while (i < na && j < nb) {
    const ha = a.hi[i]!, hb = b.hi[j]!;
    if (ha < hb || (ha === hb && a.lo[i]! <= b.lo[j]!)) { lo[o] = a.lo[i]!; hi[o++] = ha; i++; }
    else { lo[o] = b.lo[j]!; hi[o++] = hb; j++; }
  }
  for (; i < na; i++, o++) { lo[o] = a.lo[i]!; hi[o] = a.hi[i]!; }
  for (; j < nb; j++, o++) { lo[o] = b.lo[j]!; hi[o] = b.hi[j]!; }
  return { lo, hi };
}
