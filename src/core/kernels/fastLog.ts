/**
 * Natural logarithm for the probabilities the losses take the log of (absolute error < 1e-16).
 * Why: the BCE, focal and combo losses need one logarithm per voxel, Math.log is a C call the
 * JIT cannot inline, and in a real prediction almost every voxel is confidently right, so the
 * argument is close to 1 where a short polynomial is exact to float64 and far cheaper.
 *
 * - q in (1 − 2^-6, 1]: ln(1 + d) by its Taylor series in d = q − 1 (6 terms below 2^-11, else 10;
 *   remainder < 1e-19);
 * - q in [0.9, 1 − 2^-6]: 2·atanh(u), u = (q − 1)/(q + 1), |u| < 0.053 (8 odd terms, < 1e-19);
 * - anything else (including 0, negatives, NaN): Math.log.
 */
export function fastLog(q: number): number {
  const d = q - 1;
  if (d > -0.00048828125 && d <= 0) {
    // |d| < 2^-11, the far background of a typical prediction: 6 terms leave < 2e-24.
    return d * (1 - d * (1 / 2 - d * (1 / 3 - d * (1 / 4 - d * (1 / 5 - d * (1 / 6))))));
  }
  if (d > -0.015625 && d <= 0) {
    return d * (1 - d * (1 / 2 - d * (1 / 3 - d * (1 / 4 - d * (1 / 5 - d * (1 / 6 - d * (1 / 7 - d * (1 / 8 - d * (1 / 9 - d * (1 / 10))))))))));
  }
  if (q >= 0.9 && q <= 1) {
    const u = d / (q + 1);
    const u2 = u * u;
    return 2 * u * (1 + u2 * (1 / 3 + u2 * (1 / 5 + u2 * (1 / 7 + u2 * (1 / 9 + u2 * (1 / 11 + u2 * (1 / 13 + u2 * (1 / 15))))))));
  }
  return Math.log(q);
}
