/**
 * Mask codes of one k-plane (contiguous in a NIfTI) straight from the two common volume types —
 * float32 probabilities or uint8 labels against a uint8 label map — fused with the confusion
 * counts and the bounding box of the non-zero codes (what maskCodes followed by scanCodes gives).
 *
 * Why fused and row-skipping: a real mask covers a few per cent of a plane, so most rows are
 * background. Each row is first searched for its first non-zero code with an early-exit loop
 * (no stores); a background row is then one memset, and only the part of a row between its first
 * and last non-zero code is coded and counted. On the 512×512×120 bench pair this takes 60 ms
 * instead of 105 ms for the separate passes, 35–45 ms with the four-voxel skip below (the volume
 * metrics and the per-slice metrics along k each do it once per plane).
 *
 * codes[y·w + x] = [label mask] | [prediction mask] << 1 for the whole plane; counts[0 … 2] +=
 * [label only, prediction only, both]; box [x0, x1, y0, y1] (inclusive) is widened by the
 * non-zero codes (left as it was by an all-zero plane).
 */

/** The bits (as Int32) of the smallest float32 ≥ t, for t > 0: a float32 x is ≥ t exactly when its bits are ≥ these (x ≥ 0, not NaN). */
export function float32AtLeastBits(t: number): number {
  const f = new Float32Array([t]);
  const bits = new Int32Array(f.buffer);
  if (f[0]! < t) bits[0]!++;
  return bits[0]!;
}

/**
 * Probabilities: predicted where p ≥ t (NaN never); label: lab > 0 (`positive`) or lab === v.
 * `bits` views pred's bytes as Int32 and `tb` = float32AtLeastBits(t): with a label mask of
 * lab > 0, background is skipped four voxels at a time — a zero label word and four prediction
 * bit patterns below tb (a negative value, −0 or a NaN with the sign bit is below tb as an Int32,
 * as it is below t; any other NaN stops the skip and is coded by the comparison itself).
 */
export function planeCodesFloat32(
  pred: Float32Array, bits: Int32Array, tb: number, lab: Uint8Array, from: number, w: number, h: number,
  positive: boolean, v: number, t: number, codes: Uint8Array, counts: Float64Array, box: Int32Array,
): void {
  // lab > 0 on a uint8 is lab !== 0: one code path with the label value to compare against.
  const lv = positive ? 0 : v;
  const inv = positive ? 1 : 0; // label mask = (lab === lv) XOR inv
  const words = positive && (lab.byteOffset & 3) === 0 ? new Uint32Array(lab.buffer, lab.byteOffset, lab.length >> 2) : null;
  const aligned = words !== null && ((from | w) & 3) === 0;
  for (let y = 0; y < h; y++) {
    const row = from + y * w, out = y * w;
    let first = 0;
    if (aligned) {
      while (first < w && words[(row + first) >> 2] === 0 && bits[row + first]! < tb && bits[row + first + 1]! < tb
        && bits[row + first + 2]! < tb && bits[row + first + 3]! < tb) first += 4;
    }
    while (first < w && ((lab[row + first] === lv ? 1 : 0) ^ inv) === 0 && !(pred[row + first]! >= t)) first++;
    if (first === w) { codes.fill(0, out, out + w); continue; }
    let last = w - 1;
    while (((lab[row + last] === lv ? 1 : 0) ^ inv) === 0 && !(pred[row + last]! >= t)) last--;
    for (let x = first; x <= last; x++) codes[out + x] = ((lab[row + x] === lv ? 1 : 0) ^ inv) | (pred[row + x]! >= t ? 2 : 0);
    closeRow(codes, out, w, first, last, y, counts, box);
  }
}

/** Label maps: predicted where pred === t, label where lab === v. */
export function planeCodesUint8(
  pred: Uint8Array, lab: Uint8Array, from: number, w: number, h: number, v: number, t: number,
  codes: Uint8Array, counts: Float64Array, box: Int32Array,
): void {
  for (let y = 0; y < h; y++) {
    const row = from + y * w, out = y * w;
    let first = 0;
    while (first < w && lab[row + first] !== v && pred[row + first] !== t) first++;
    if (first === w) { codes.fill(0, out, out + w); continue; }
    let last = w - 1;
    while (lab[row + last] !== v && pred[row + last] !== t) last--;
    for (let x = first; x <= last; x++) codes[out + x] = (lab[row + x] === v ? 1 : 0) | (pred[row + x] === t ? 2 : 0);
    closeRow(codes, out, w, first, last, y, counts, box);
  }
}

/**
 * After a row's codes [first, last] (both non-zero) are written: zeros the rest of the row, adds
 * the row's [label only, prediction only, both] to counts and widens the box by it.
 */
function closeRow(codes: Uint8Array, out: number, w: number, first: number, last: number, y: number, counts: Float64Array, box: Int32Array): void {
  if (first > 0) codes.fill(0, out, out + first);
  if (last < w - 1) codes.fill(0, out + last + 1, out + w);
  let nL = 0, nP = 0, nB = 0;
  for (let i = out + first; i <= out + last; i++) {
    const c = codes[i]!;
    nL += c & 1;
    nP += c >> 1;
    nB += (c >> 1) & c;
  }
  counts[0]! += nL - nB;
  counts[1]! += nP - nB;
  counts[2]! += nB;
  if (first < box[0]!) box[0] = first;
  if (last > box[1]!) box[1] = last;
  if (y < box[2]!) box[2] = y;
  if (y > box[3]!) box[3] = y;
}
