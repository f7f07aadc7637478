/**
 * Paired statistics of two predictions over cases (issue #12): for one quantity (a loss, a
 * metric) and one label, the values of model A and model B per case, d = B − A.
 *
 * - mean ± t₀.₉₇₅,ₙ₋₁ · sd/√n (sd with n − 1): the 95 % confidence interval of the mean difference.
 * - The Wilcoxon signed-rank test exactly as SciPy 1.10's `scipy.stats.wilcoxon(d)` with its
 *   defaults (zero_method 'wilcox', correction False, two-sided, method 'auto'): n ≤ 50 and no
 *   zero → the exact distribution of R+ (ranks of |d| with ties averaged, R+ truncated to an
 *   integer, p = 1 at the centre); otherwise zeros dropped and the normal approximation with the
 *   tie correction, no continuity correction. statistic = min(R+, R−). All d = 0: null (SciPy
 *   raises). test/fixtures-stats/paired-stats.json holds SciPy's own values (scripts/paired-stats-fixture.py).
 * - wins: which model is better per case, by the quantity's direction (pairedDirection).
 */
import { LOSS_IDS } from '../kernels/lossIds';
import { mean, median } from './reportModel';
import { HIGHER_IS_BETTER, METRIC_PREFIX } from './reportIndex';

export interface Wilcoxon {
  readonly statistic: number;
  readonly p: number;
}

export interface Wins {
  /** Cases where A is better. */
  readonly a: number;
  readonly b: number;
  readonly ties: number;
}

export interface PairedStats {
  readonly n: number;
  readonly meanA: number | null;
  readonly meanB: number | null;
  /** Mean of B − A. */
  readonly meanDiff: number | null;
  readonly medianDiff: number | null;
  readonly ci95: readonly [number, number] | null;
  readonly wilcoxon: Wilcoxon | null;
  /** Null for quantities without a better direction (volumes, relative volume difference, lesion counts). */
  readonly wins: Wins | null;
}

/** Sizes and counts: neither direction is better. */
const NO_DIRECTION = new Set([
  'labelVolumeMl', 'predictionVolumeMl', 'relativeVolumeDifference',
  'labelLesions', 'detectedLesions', 'missedLesions', 'falsePositiveLesions',
]);

/**
 * Which value is better for a QUANTITY of report.json `versus.stats` (a loss id, `lovaszSoftmax`,
 * or `metrics.<id>`): 'lower' for losses and distances, 'higher' for overlap scores, null for sizes and counts.
 */
export function pairedDirection(quantity: string): 'lower' | 'higher' | null {
  if ((LOSS_IDS as readonly string[]).includes(quantity) || quantity === 'lovaszSoftmax') return 'lower';
  const metric = quantity.startsWith(METRIC_PREFIX) ? quantity.slice(METRIC_PREFIX.length) : quantity;
  if (NO_DIRECTION.has(metric)) return null;
  return HIGHER_IS_BETTER.has(metric) ? 'higher' : 'lower';
}

// ---------- special functions ----------

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x), x > 0 (Lanczos, g = 7; ~1e-15 relative). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

const TINY = 1e-300;
const EPS = 1e-16;

/** Continued fraction of the incomplete beta (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d; if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** ln Γ(x + b) − ln Γ(x), x ≥ 30, 0 < b ≤ 1: Stirling's series without the cancellation of two large logs. */
function logGammaRatio(x: number, b: number): number {
  const delta = (y: number) => { const r = 1 / (y * y); return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r / 1680))) / y; };
  return (x - 0.5) * Math.log1p(b / x) + b * Math.log(x + b) - b + delta(x + b) - delta(x);
}

/**
 * The regularised incomplete beta I_x(a, b); `lnX`, `lnY`: ln x and ln(1 − x) when the caller
 * knows them more precisely than Math.log(x) (the t distribution's tail for large df).
 */
export function incompleteBeta(x: number, a: number, b: number, lnX = Math.log(x), lnY = Math.log1p(-x)): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnBeta = a >= 30 && b <= 1 ? logGamma(b) - logGammaRatio(a, b)
    : b >= 30 && a <= 1 ? logGamma(a) - logGammaRatio(b, a)
    : logGamma(a) + logGamma(b) - logGamma(a + b);
  const lnFront = a * lnX + b * lnY - lnBeta;
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaFraction(b, a, 1 - x)) / b;
}

/** P(T > t) of Student's t with `df` degrees of freedom, t ≥ 0. */
function tUpperTail(t: number, df: number): number {
  const t2 = t * t;
  // x = df/(df + t²): ln x = −ln(1 + t²/df) and ln(1 − x) = ln t² − ln(df + t²), exact to the last bits.
  return 0.5 * incompleteBeta(df / (df + t2), df / 2, 0.5, -Math.log1p(t2 / df), Math.log(t2) - Math.log(df + t2));
}

/** The p-quantile of Student's t, 0.5 ≤ p < 1: bisection on the upper tail to full precision. */
export function tQuantile(p: number, df: number): number {
  if (!(p >= 0.5 && p < 1) || !(df > 0)) throw new RangeError(`tQuantile needs 0.5 ≤ p < 1 and df > 0 (got ${p}, ${df})`);
  const tail = 1 - p;
  let lo = 0, hi = 1;
  while (tUpperTail(hi, df) > tail) { lo = hi; hi *= 2; }
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (tUpperTail(mid, df) > tail) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Regularised upper incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
function upperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnFront = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a, term = sum, ap = a;
    for (let n = 0; n < 1000; n++) {
      ap += 1; term *= x / ap; sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * Math.exp(lnFront);
  }
  let b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(lnFront) * h;
}

/** P(Z > z) of the standard normal, z ≥ 0: erfc(z/√2)/2 = Q(1/2, z²/2)/2. */
export function normalUpperTail(z: number): number {
  return z <= 0 ? 1 - normalUpperTail(-z) : 0.5 * upperGamma(0.5, (z * z) / 2);
}

// ---------- Wilcoxon signed-rank ----------

/** Ranks 1…n of `values` with ties averaged (scipy.stats.rankdata 'average'). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Array<number>(values.length);
  for (let s = 0; s < order.length;) {
    let e = s + 1;
    while (e < order.length && values[order[e]!] === values[order[s]!]) e++;
    const r = (s + 1 + e) / 2;
    for (let k = s; k < e; k++) ranks[order[k]!] = r;
    s = e;
  }
  return ranks;
}

/** counts[k] = subsets of {1…n} summing to k: the null distribution of R+ times 2ⁿ (exact for n ≤ 50). */
function signedRankCounts(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) for (let k = (r * (r + 1)) / 2; k >= r; k--) counts[k]! += counts[k - r]!;
  return counts;
}

const EXACT_MAX_N = 50;

/** scipy.stats.wilcoxon(d) of SciPy 1.10 with its defaults (see the file comment); null when every d is 0 (or none). */
export function wilcoxon(d: readonly number[]): Wilcoxon | null {
  if (d.length === 0 || d.every((v) => v === 0)) return null;
  const zeros = d.some((v) => v === 0);
  const exact = d.length <= EXACT_MAX_N && !zeros;
  const kept = exact ? d : d.filter((v) => v !== 0);
  const m = kept.length;
  const ranks = averageRanks(kept.map(Math.abs));
  let rPlus = 0, rMinus = 0;
  kept.forEach((v, i) => { if (v > 0) rPlus += ranks[i]!; else if (v < 0) rMinus += ranks[i]!; });
  const statistic = Math.min(rPlus, rMinus);
  if (exact) {
    const counts = signedRankCounts(m);
    const r = Math.trunc(rPlus);
    if (r === Math.floor((counts.length - 1) / 2)) return { statistic, p: 1 };
    let less = 0, greater = 0;
    for (let k = 0; k < counts.length; k++) {
      if (k <= r) less += counts[k]!;
      if (k >= r) greater += counts[k]!;
    }
    const p = (2 * Math.min(less, greater)) / 2 ** m;
    return { statistic, p: Math.min(1, Math.max(0, p)) };
  }
  let se = m * (m + 1) * (2 * m + 1);
  const sorted = [...ranks].sort((x, y) => x - y);
  for (let s = 0; s < sorted.length;) {
    let e = s + 1;
    while (e < sorted.length && sorted[e] === sorted[s]) e++;
    const t = e - s;
    if (t > 1) se -= 0.5 * t * (t * t - 1);
    s = e;
  }
  const z = (statistic - (m * (m + 1)) / 4) / Math.sqrt(se / 24);
  return { statistic, p: 2 * normalUpperTail(Math.abs(z)) };
}

// ---------- the entry of one quantity and label ----------

/**
 * Paired statistics over the cases where both values are finite numbers (`a[i]`, `b[i]`: the two
 * models' values of case i; null/undefined/NaN pairs are left out).
 */
export function pairedStats(quantity: string, a: readonly (number | null | undefined)[], b: readonly (number | null | undefined)[]): PairedStats {
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (typeof x === 'number' && Number.isFinite(x) && typeof y === 'number' && Number.isFinite(y)) { xs.push(x); ys.push(y); }
  }
  const n = xs.length;
  const d = xs.map((x, i) => ys[i]! - x);
  const meanDiff = mean(d);
  let ci95: [number, number] | null = null;
  if (n >= 2 && meanDiff !== null) {
    let ss = 0;
    for (const v of d) ss += (v - meanDiff) ** 2;
    const half = tQuantile(0.975, n - 1) * Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
    ci95 = [meanDiff - half, meanDiff + half];
  }
  const direction = pairedDirection(quantity);
  let wins: Wins | null = null;
  if (direction !== null) {
    let winsA = 0, winsB = 0, ties = 0;
    for (let i = 0; i < n; i++) {
      if (xs[i] === ys[i]) ties++;
      else if ((xs[i]! < ys[i]!) === (direction === 'lower')) winsA++;
      else winsB++;
    }
    wins = { a: winsA, b: winsB, ties };
  }
  return { n, meanA: mean(xs), meanB: mean(ys), meanDiff, medianDiff: median(d), ci95, wilcoxon: wilcoxon(d), wins };
}
