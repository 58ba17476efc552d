"""Column statistics shared by the methods: skewness, kurtosis and tie-aware ranks.

Skewness and kurtosis use COINr's definitions (``skew()`` and ``kurt()`` in COINr's
``R/treat.R``, COINr 1.1 series, MIT licence, (c) 2022 William Becker; see
``docs/methodology/treat.md``). Both are the sample-bias-adjusted ("type 2") estimators of
e1071 / Excel's ``SKEW`` and ``KURT``, computed on the non-missing values of each column:

* skewness ``G1 = g1 * sqrt(n (n - 1)) / (n - 2)`` with ``g1 = sqrt(n) * sum(d^3) / sum(d^2)^(3/2)``;
* excess kurtosis ``G2 = ((n + 1) (r - 3) + 6) (n - 1) / ((n - 2) (n - 3))`` with
  ``r = n * sum(d^4) / sum(d^2)^2``,

where ``d = x - mean(x)`` over the ``n`` non-missing values. As in COINr, skewness needs at least
3 values and kurtosis at least 4 (else NaN); a column with zero variance gives NaN (0/0).

The formulas are re-implemented here from their published definition, not translated from R.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ikp._types import FloatArray

__all__ = ["as_2d", "kurtosis", "rank_min", "skewness"]


def as_2d(x: npt.ArrayLike) -> tuple[FloatArray, bool]:
    """Return ``x`` as a 2-D float64 array (a 1-D input becomes one column) and whether it was 1-D.

    The result is always a new array, so callers may modify it without touching the input."""
    arr = np.array(x, dtype=np.float64, copy=True)
    if arr.ndim == 1:
        return arr.reshape(-1, 1), True
    if arr.ndim != 2:
        raise ValueError(f"expected a 1-D or 2-D array, got {arr.ndim} dimensions")
    return arr, False


def _moments(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per column: count of non-missing values and the sums of d^2, d^3, d^4 around the mean."""
    mask = ~np.isnan(x)
    n = mask.sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(mask, x, 0.0).sum(axis=0) / n
    d = np.where(mask, x - mean, 0.0)
    d2 = d * d
    return n, d2.sum(axis=0), (d2 * d).sum(axis=0), (d2 * d2).sum(axis=0)


def skewness(x: npt.ArrayLike) -> FloatArray:
    """Sample skewness per column (COINr ``skew(x, na.rm = TRUE)``; e1071 type 2, Excel ``SKEW``).

    ``x``: 1-D (one variable, returns a 0-d array) or 2-D ``(n, k)`` (returns shape ``(k,)``).
    Missing values (NaN) are ignored; fewer than 3 values or zero variance give NaN."""
    arr, one_d = as_2d(x)
    n, s2, s3, _ = _moments(arr)
    with np.errstate(invalid="ignore", divide="ignore"):
        g1 = np.sqrt(n) * s3 / s2**1.5
        out = g1 * np.sqrt(n * (n - 1.0)) / (n - 2.0)
    out = np.where(n < 3, np.nan, out)
    return out.reshape(()) if one_d else out


def kurtosis(x: npt.ArrayLike) -> FloatArray:
    """Sample excess kurtosis per column (COINr ``kurt(x, na.rm = TRUE)``; e1071 type 2, Excel ``KURT``).

    ``x``: 1-D (returns a 0-d array) or 2-D ``(n, k)`` (returns shape ``(k,)``). Missing values
    are ignored; fewer than 4 values or zero variance give NaN. A normal sample gives about 0."""
    arr, one_d = as_2d(x)
    n, s2, _, s4 = _moments(arr)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * s4 / (s2 * s2)
        out = ((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
    out = np.where(n < 4, np.nan, out)
    return out.reshape(()) if one_d else out


def rank_min(x: npt.ArrayLike) -> FloatArray:
    """Ascending ranks per column, ties share the lowest rank ("min" / sport ranking), NaN stays NaN.

    Same as R's ``rank(x, ties.method = "min", na.last = "keep")`` applied to each column:
    ``[10, 20, 20, 30] -> [1, 2, 2, 4]``. Vectorised over columns (one sort of the whole array).
    The output has the shape of the input (1-D or 2-D)."""
    arr, one_d = as_2d(x)
    n = arr.shape[0]
    if n == 0:
        return arr.reshape(-1) if one_d else arr
    order = np.argsort(arr, axis=0, kind="stable")  # NaN sorts last
    s = np.take_along_axis(arr, order, axis=0)
    pos = np.arange(n, dtype=np.float64)[:, None] * np.ones((1, arr.shape[1]))
    new_run = np.ones_like(s, dtype=bool)
    new_run[1:] = s[1:] != s[:-1]
    run_start = np.maximum.accumulate(np.where(new_run, pos, 0.0), axis=0)
    ranks_sorted = np.where(np.isnan(s), np.nan, run_start + 1.0)
    out = np.empty_like(arr)
    np.put_along_axis(out, order, ranks_sorted, axis=0)
    return out.reshape(-1) if one_d else out
