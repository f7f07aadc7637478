#!/usr/bin/python3
"""Reference values for src/core/report/pairedStats.ts (issue #12), computed by SciPy itself.

Regenerate (Debian's python3-scipy; the issue's contract is SciPy 1.10 — this refuses any other):
    /usr/bin/python3 scripts/paired-stats-fixture.py > test/fixtures-stats/paired-stats.json

Each case: the two models' values a, b (d = b - a in float64, as the TypeScript computes it) and
n, meanA, meanB, meanDiff, medianDiff (numpy), ci95 (scipy.stats.t.ppf(0.975, n - 1)) and ci95Exact (the
t quantile from mpmath to 40 digits: SciPy's is good to ~1e-9 only),
wilcoxon (scipy.stats.wilcoxon(d) with its defaults; null where SciPy raises because every d is 0).
`tQuantiles`: scipy.stats.t.ppf(0.975, df) (q) and mpmath's (exact) for a range of df.
"""
import json
import sys
import warnings

import mpmath
import numpy as np
import scipy
import scipy.stats as st

if not scipy.__version__.startswith('1.10.'):
    sys.exit(f'scipy {scipy.__version__}: the fixture must come from SciPy 1.10 (wilcoxon defaults changed later)')

rng = np.random.default_rng(12)
mpmath.mp.dps = 40


def t975_exact(df):
    """t quantile to 40 digits (mpmath): SciPy 1.10's t.ppf is only good to ~1e-9 relative
    (df 1: 12.706204736432095 where tan(0.475 pi) = 12.706204736174705)."""
    df = mpmath.mpf(df)
    tail = lambda t: mpmath.betainc(df / 2, mpmath.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2 - mpmath.mpf('0.025')
    return float(mpmath.findroot(tail, (mpmath.mpf(1), mpmath.mpf(20)), solver='anderson'))


def entry(name, a, b, note=''):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    d = b - a
    n = len(d)
    out = {'name': name, 'note': note, 'a': a.tolist(), 'b': b.tolist(), 'n': n}
    out['meanA'] = float(np.mean(a)) if n else None
    out['meanB'] = float(np.mean(b)) if n else None
    out['meanDiff'] = float(np.mean(d)) if n else None
    out['medianDiff'] = float(np.median(d)) if n else None
    if n >= 2:
        half = st.t.ppf(0.975, n - 1) * np.std(d, ddof=1) / np.sqrt(n)
        out['ci95'] = [float(np.mean(d) - half), float(np.mean(d) + half)]
        half = t975_exact(n - 1) * np.std(d, ddof=1) / np.sqrt(n)
        out['ci95Exact'] = [float(np.mean(d) - half), float(np.mean(d) + half)]
    else:
        out['ci95'] = None
        out['ci95Exact'] = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            res = st.wilcoxon(d)
        out['wilcoxon'] = {'statistic': float(res.statistic), 'p': float(res.pvalue)}
    except ValueError:
        out['wilcoxon'] = None
    if n == 0:
        out['wilcoxon'] = None
    return out


cases = []
cases.append(entry('n=1', [0.3], [0.2], 'exact, one rank'))
cases.append(entry('n=2', [0.3, 0.5], [0.2, 0.7]))
cases.append(entry('n=3 all B better', [0.5, 0.4, 0.6], [0.1, 0.2, 0.15]))
cases.append(entry('n=5', [0.11, 0.52, 0.33, 0.24, 0.75], [0.13, 0.42, 0.35, 0.14, 0.65]))
cases.append(entry('centre of the exact distribution', [0, 0, 0, 0], [1, -2, -3, 4], 'R+ = 5 = floor(4*5/4): p = 1'))
for n in (6, 10, 20, 35, 50):
    a = rng.uniform(0, 1, n)
    cases.append(entry(f'exact n={n}', a, a + rng.normal(0.03, 0.1, n)))
cases.append(entry('exact with ties (R+ truncated)', [0.0] * 8, [0.1, -0.1, 0.2, 0.2, -0.2, 0.3, 0.1, 0.4], 'ties in |d|, no zeros'))
cases.append(entry('exact with many ties', [1.0] * 12, [2, 2, 2, 0, 0, 2, 3, 3, -1, 2, 2, 0]))
cases.append(entry('zeros, small n (approx)', [0.5, 0.5, 0.5, 0.2, 0.9, 0.4, 0.3], [0.5, 0.6, 0.7, 0.2, 0.5, 0.1, 0.3]))
cases.append(entry('zeros and ties (approx)', [0] * 15, [0, 0, 1, 1, 1, -1, 2, 2, -2, 3, 0, 1, -1, 4, 5]))
cases.append(entry('all zero', [0.25, 0.5, 0.75], [0.25, 0.5, 0.75], 'SciPy raises: null'))
cases.append(entry('one non-zero among zeros', [1, 1, 1, 1], [1, 1, 1, 1.5]))
for n in (51, 60, 200):
    a = rng.uniform(0, 1, n)
    cases.append(entry(f'approx n={n}', a, a + rng.normal(-0.02, 0.08, n)))
a = rng.uniform(0, 1, 80)
b = a.copy()
b[:30] = np.round(a[:30] + 0.1, 1)
b[30:40] = a[30:40]
cases.append(entry('approx n=80 zeros and ties', np.round(a, 1), np.round(b, 1)))
cases.append(entry('large differences', [1e-3, 2e-3, 5.0, 80.0, 120.5], [3e-3, 1e-3, 9.5, 40.0, 99.0], 'distances in mm'))
cases.append(entry('equal differences (sd 0)', [0.1, 0.2, 0.3, 0.4], [0.35, 0.45, 0.55, 0.65]))
cases.append(entry('empty', [], []))

t_quantiles = [{'df': df, 'q': float(st.t.ppf(0.975, df)), 'exact': t975_exact(df)} for df in (1, 2, 3, 4, 5, 7, 10, 19, 29, 49, 99, 199, 1000, 10**5)]

json.dump({
    'generator': 'scripts/paired-stats-fixture.py',
    'command': '/usr/bin/python3 scripts/paired-stats-fixture.py > test/fixtures-stats/paired-stats.json',
    'scipy': scipy.__version__, 'numpy': np.__version__,
    'cases': cases, 'tQuantiles': t_quantiles,
}, sys.stdout, indent=1)
sys.stdout.write('\n')
