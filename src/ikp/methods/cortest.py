"""Two-sided p-values of correlation coefficients, as R's ``stats::cor.test`` computes them.

COINr's ``get_corr(pval = ...)`` blanks a correlation whose ``cor.test`` p-value exceeds
``pval`` (its helper ``get_pvals`` calls ``cor.test(x, y, method = cortype)`` on each pair, with
the default two-sided alternative, on the pair's complete observations). These functions give the
same p-values from the coefficient ``r`` and the number of complete pairs ``n``, vectorised over
arrays of pairs. Definitions (R ``cor.test.default``, re-implemented from the published
formulas, not translated):

* **Pearson**: ``t = r · sqrt((n - 2) / (1 - r²))`` on ``n - 2`` degrees of freedom,
  ``p = 2 · P(T > |t|)``; R needs ``n >= 3`` (fewer give NaN here).
* **Spearman** (``rho`` = Pearson on ranks): with ``S = (n³ - n)(1 - rho)/6``,
  - no ties and ``n <= 1290``: algorithm AS 89 (Best & Roberts 1975, *Applied Statistics*
    24(3), 377) — the exact permutation distribution of ``S`` for ``n <= 9`` and its Edgeworth
    series expansion for larger ``n``; ``p = min(2 · p_tail, 1)`` with the tail on the side of
    ``S`` that R picks (``S > (n³ - n)/6``: upper tail, else lower tail);
  - ties, or ``n > 1290``: the ``t`` approximation ``t = rho · sqrt((n - 2)/(1 - rho²))`` on
    ``n - 2`` degrees of freedom (R warns "Cannot compute exact p-value with ties").

A coefficient that is NaN (a constant column) gives a NaN p-value, as in R.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import permutations

import numpy as np
import numpy.typing as npt

from ikp._types import FloatArray

__all__ = ["pearson_pvalue", "spearman_pvalue", "spearman_tail"]

EXACT_MAX_N = 9  # R's prho(): exact permutation distribution up to n = 9
AS89_MAX_N = 1290  # R's cor.test(): AS 89 up to n = 1290, the t approximation above

# AS 89 Edgeworth-series coefficients (Best & Roberts 1975)
_C = (
    0.2274,
    0.2531,
    0.1745,
    0.0758,
    0.1033,
    0.3932,
    0.0879,
    0.0151,
    0.0072,
    0.0831,
    0.0131,
    4.6e-4,
)


def _t_two_sided(r: FloatArray, n: FloatArray) -> FloatArray:
    from scipy.special import stdtr  # imported where used: keeps `import ikp.audit` light

    df = n - 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.abs(r) * np.sqrt(df / (1.0 - r * r))
        p = 2.0 * stdtr(df, -t)
    return np.where(np.isnan(r) | (df < 1), np.nan, np.minimum(p, 1.0))


def pearson_pvalue(r: npt.ArrayLike, n: npt.ArrayLike) -> FloatArray:
    """Two-sided p-value of Pearson's ``r`` over ``n`` complete pairs (R ``cor.test``)."""
    rr = np.asarray(r, dtype=np.float64)
    nn = np.broadcast_to(np.asarray(n, dtype=np.float64), rr.shape)
    return np.asarray(_t_two_sided(rr, nn), dtype=np.float64)


@lru_cache(maxsize=EXACT_MAX_N)
def _exact_s_distribution(n: int) -> tuple[FloatArray, FloatArray]:
    """Sorted distinct values of S = Σ (i - π(i))² over all n! permutations and the number
    of permutations with S >= each value."""
    perms = np.array(list(permutations(range(n))), dtype=np.int64)
    s = ((perms - np.arange(n)) ** 2).sum(axis=1)
    values, counts = np.unique(s, return_counts=True)
    at_least = counts[::-1].cumsum()[::-1]
    return values.astype(np.float64), at_least.astype(np.float64)


def spearman_tail(s: npt.ArrayLike, n: npt.ArrayLike, lower: bool) -> FloatArray:
    """AS 89: ``P(S >= s)`` (``lower=False``) or ``P(S < s)`` (``lower=True``) for Spearman's
    statistic ``S`` of ``n`` untied pairs under independence; exact for ``n <= 9``, Edgeworth
    series for larger ``n``."""
    from scipy.special import ndtr

    ss = np.asarray(s, dtype=np.float64)
    nn = np.broadcast_to(np.asarray(n, dtype=np.float64), ss.shape)
    upper = np.full(ss.shape, np.nan)
    n3 = nn * (nn * nn - 1.0) / 3.0  # the largest possible S
    # Edgeworth series (all n >= 2; replaced below by the exact value where n <= 9)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        b = 1.0 / nn
        x = (6.0 * (ss - 1.0) * b / (nn * nn - 1.0) - 1.0) * np.sqrt(nn - 1.0)
        y = x * x
        c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12 = _C
        u = (
            x
            * b
            * (
                c1
                + b * (c2 + c3 * b)
                + y
                * (
                    -c4
                    + b * (c5 + c6 * b)
                    - y * b * (c7 + c8 * b - y * (c9 - c10 * b + y * b * (c11 - c12 * y)))
                )
            )
        )
        corr = u / np.exp(y / 2.0)
        tail = -corr + ndtr(x) if lower else corr + ndtr(-x)
    out = np.clip(tail, 0.0, 1.0)
    for size in np.unique(nn[(nn >= 2) & (nn <= EXACT_MAX_N)]):
        values, at_least = _exact_s_distribution(int(size))
        sel = nn == size
        pos = np.searchsorted(values, ss[sel], side="left")
        ge = np.where(pos < values.size, at_least[np.minimum(pos, values.size - 1)], 0.0)
        p_ge = ge / at_least[0]
        out[sel] = 1.0 - p_ge if lower else p_ge
    upper = np.where(nn < 2, np.nan, out)
    # the boundaries R sets before either branch
    upper = np.where((nn >= 2) & (ss <= 0), 0.0 if lower else 1.0, upper)
    upper = np.where((nn >= 2) & (ss > n3), 1.0 if lower else 0.0, upper)
    return np.asarray(upper, dtype=np.float64)


def spearman_pvalue(rho: npt.ArrayLike, n: npt.ArrayLike, ties: npt.ArrayLike) -> FloatArray:
    """Two-sided p-value of Spearman's ``rho`` over ``n`` complete pairs (R ``cor.test(method =
    "spearman")``); ``ties``: whether either variable has tied values among those pairs."""
    rr = np.asarray(rho, dtype=np.float64)
    nn = np.broadcast_to(np.asarray(n, dtype=np.float64), rr.shape)
    tt = np.broadcast_to(np.asarray(ties, dtype=bool), rr.shape)
    p = _t_two_sided(rr, nn)
    exact = ~tt & (nn <= AS89_MAX_N) & (nn >= 2) & np.isfinite(rr)
    if exact.any():
        ne = nn[exact]
        q = (ne**3 - ne) * (1.0 - rr[exact]) / 6.0
        high = q > (ne**3 - ne) / 6.0
        tail = np.where(
            high,
            spearman_tail(np.round(q), ne, lower=False),
            spearman_tail(np.round(q) + 2.0, ne, lower=True),
        )
        p = np.array(p, copy=True)
        p[exact] = np.minimum(2.0 * tail, 1.0)
    return np.asarray(p, dtype=np.float64)
