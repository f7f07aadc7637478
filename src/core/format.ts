/**
 * Number formatting shared by the CLI table, the status bar, the editor and the reports: one
 * rule, so a loss reads the same wherever it is shown.
 */

/**
 * A loss value: four decimals (what users compare across slices), exponent notation below 1e-3
 * and from 1e4 (where four decimals would read as 0 or lose the magnitude); 0 as "0".
 * Non-finite values as themselves.
 */
export function formatLoss(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const a = Math.abs(value);
  return a >= 1e-3 && a < 1e4 ? value.toFixed(4) : value.toExponential(2);
}
