"""p-values of correlations as R's ``cor.test`` gives them (ikp.methods.cortest).

Reference numbers are R's published output, not this module's own arithmetic:

* Hollander & Wolfe (1973), p. 187f., the tuna-quality data of R's ``?cor.test`` example:
  ``cor.test(x, y, alternative = "greater")`` prints ``t = 1.8411, df = 7, p-value = 0.05409``
  (cor 0.5711816), and ``cor.test(x, y, method = "spearman", alternative = "greater")`` prints
  ``S = 48, p-value = 0.0484`` (rho 0.6; n = 9, no ties: exact distribution). The two-sided
  p-values that COINr uses are twice these.
* The ``pspearman`` package documentation (``?pspearman``): ``pspearman(36, 10,
  approximation = "AS89")`` is ``0.005825634`` — R's own ``cor.test`` AS 89 branch for n = 10.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata

from ikp.audit import correlation_pvalues, paired_correlations
from ikp.methods.cortest import pearson_pvalue, spearman_pvalue, spearman_tail

TUNA_X = np.array([44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1])
TUNA_Y = np.array([2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8])


def test_pearson_matches_r_cor_test_on_hollander_wolfe() -> None:
    r = np.corrcoef(TUNA_X, TUNA_Y)[0, 1]
    assert r == pytest.approx(0.5711816, abs=5e-8)
    p = float(pearson_pvalue(r, 9))
    assert p / 2 == pytest.approx(0.05409, abs=5e-6)  # R prints the one-sided 0.05409


def test_spearman_exact_matches_r_cor_test_on_hollander_wolfe() -> None:
    rho = np.corrcoef(rankdata(TUNA_X), rankdata(TUNA_Y))[0, 1]
    assert rho == pytest.approx(0.6)
    assert (9**3 - 9) * (1 - rho) / 6 == pytest.approx(48)  # R's S
    p = float(spearman_pvalue(rho, 9, ties=False))
    assert p / 2 == pytest.approx(0.0484, abs=5e-5)


def test_spearman_as89_edgeworth_matches_pspearman_documentation() -> None:
    # pspearman(36, 10, "AS89") = P(S <= 36) = prho(is = 36 + 2, lower tail)
    assert float(spearman_tail(38.0, 10, lower=True)) == pytest.approx(0.005825634, abs=1e-9)
    # the same through the two-sided test: rho with S = 36 for n = 10, two-sided = 2 * tail
    rho = 1 - 6 * 36 / (10**3 - 10)
    assert float(spearman_pvalue(rho, 10, ties=False)) == pytest.approx(2 * 0.005825634, abs=2e-9)


def test_spearman_with_ties_uses_the_t_approximation() -> None:
    """R: with ties, ``cor.test(method = "spearman")`` falls back to the t approximation on
    n - 2 df, which is Pearson's test on the ranks."""
    x = np.array([1.0, 2.0, 2.0, 3.0, 5.0, 8.0, 8.0, 9.0, 10.0, 12.0, 13.0, 15.0])
    y = np.array([2.0, 1.0, 4.0, 3.0, 7.0, 6.0, 9.0, 8.0, 8.0, 12.0, 10.0, 11.0])
    rho = np.corrcoef(rankdata(x), rankdata(y))[0, 1]
    assert float(spearman_pvalue(rho, 12, ties=True)) == pytest.approx(
        float(pearson_pvalue(rho, 12)), rel=1e-12
    )


def test_edge_cases_follow_r() -> None:
    assert np.isnan(pearson_pvalue(np.nan, 20))  # a constant column: NA
    assert np.isnan(pearson_pvalue(0.5, 2))  # R: "not enough finite observations"
    assert float(pearson_pvalue(1.0, 10)) == 0.0
    assert np.isnan(spearman_pvalue(np.nan, 20, ties=False))
    assert float(spearman_pvalue(1.0, 5, ties=False)) == pytest.approx(2 / 120)
    # exact null distribution for n = 4 sums to one and is symmetric
    tails = spearman_tail(np.arange(0.0, 22.0, 2.0), 4, lower=False)
    assert tails[0] == 1.0 and tails[-1] == pytest.approx(1 / 24)


def test_audit_pvalues_detect_ties_per_pair() -> None:
    a = np.column_stack([TUNA_X, np.r_[TUNA_X[:8], TUNA_X[0]]])
    b = np.column_stack([TUNA_Y, TUNA_Y])
    a[3, 0] = np.nan  # one incomplete pair in the first column: n = 8, no ties
    pearson, spearman, n = paired_correlations(a, b)
    p_pearson, p_spearman = correlation_pvalues(a, b, pearson, spearman, n)
    assert list(n) == [8, 9]
    assert p_pearson[0] == pytest.approx(float(pearson_pvalue(pearson[0], 8)))
    assert p_spearman[0] == pytest.approx(float(spearman_pvalue(spearman[0], 8, ties=False)))
    # second column repeats a value: the t approximation
    assert p_spearman[1] == pytest.approx(float(pearson_pvalue(spearman[1], 9)))
