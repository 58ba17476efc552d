"""Rescaling, ranking and classification of final scores.

COINr has no classification step; ranks use the "min" ties convention of COINr's ``n_rank``
applied to ``-x`` (R ``rank(-x, ties.method = "min")``: 1 = highest, ties share the lowest rank
number). Cut-off rules:
fixed, mean ± k·SD (which reproduces Bawaslu's published IKP 2024 province cut-offs, see
``docs/methodology/rescale-rank-classify.md``), quantiles, and Fisher–Jenks natural breaks
(W. D. Fisher, "On grouping for maximum homogeneity", JASA 1958; G. F. Jenks 1967).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ikp._types import FloatArray, IntArray
from ikp.issues import MethodError
from ikp.methods.stats import as_2d, rank_min

__all__ = [
    "CLASS_LABELS_EN",
    "CLASS_LABELS_ID",
    "classify",
    "cutoffs_mean_sd",
    "cutoffs_natural_breaks",
    "cutoffs_quantile",
    "rank_desc",
    "rescale",
]

CLASS_LABELS_ID: tuple[str, str, str] = ("rendah", "sedang", "tinggi")
CLASS_LABELS_EN: tuple[str, str, str] = ("low", "medium", "high")


def rescale(x: npt.ArrayLike, method: str = "none", upper: float = 100.0) -> FloatArray:
    """Rescale scores column-wise (1-D or 2-D input, same shape out; NaN stays NaN).

    * ``none``: unchanged copy.
    * ``minmax``: lowest observed 0, highest ``upper``; a column without spread gives 0.
    * ``max``: ``x / max(x) * upper`` so the highest observed score is exactly ``upper``. This
      mirrors the published IKP 2024, where the top kabupaten/kota (Intan Jaya, Jayawijaya) score
      exactly 100. A column whose values are all 0 stays 0; a maximum below 0, or a maximum of 0
      with negative values, cannot be rescaled this way (:class:`MethodError`)."""
    arr, one_d = as_2d(x)
    if method == "none":
        out = arr
    elif method == "minmax":
        present = ~np.isnan(arr)
        lo = np.where(present, arr, np.inf).min(axis=0, initial=np.inf)
        hi = np.where(present, arr, -np.inf).max(axis=0, initial=-np.inf)
        rng = hi - lo
        with np.errstate(invalid="ignore", divide="ignore"):
            out = (arr - lo) / rng * float(upper)
        out = np.where(present & ~(rng > 0), 0.0, out)
    elif method == "max":
        present = ~np.isnan(arr)
        hi = np.where(present, arr, -np.inf).max(axis=0, initial=-np.inf)
        lo = np.where(present, arr, np.inf).min(axis=0, initial=np.inf)
        has = present.any(axis=0)
        bad = has & ((hi < 0) | ((hi == 0) & (lo < 0)))
        if bad.any():
            raise MethodError(
                "rescale 'max' needs a positive highest score (found a column whose maximum is "
                "<= 0 with negative values); use 'minmax' instead"
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            out = arr / hi * float(upper)
        out = np.where(present & (hi == 0), 0.0, out)
    else:
        raise MethodError(f"unknown rescale method {method!r}; choose none, minmax or max")
    return out.reshape(-1) if one_d else out


def rank_desc(scores: npt.ArrayLike) -> FloatArray:
    """Ranks per column, 1 = highest score; ties share the lowest rank number (1, 2, 2, 4).

    ``scores``: ``(n,)`` or ``(n, m)`` (ranked column by column). Returns floats of the same
    shape, NaN where the score is missing (missing scores are not ranked and do not take a
    rank number)."""
    arr = np.asarray(scores, dtype=np.float64)
    return rank_min(-arr)


def classify(scores: npt.ArrayLike, cutoffs: Sequence[float]) -> IntArray:
    """Class index per score: 0 below the first cut-off, ..., ``len(cutoffs)`` at or above the
    last. A score equal to a cut-off goes to the HIGHER class. Missing scores (or missing
    cut-offs) give -1. ``cutoffs`` must be non-decreasing. Works on any shape."""
    arr = np.asarray(scores, dtype=np.float64)
    cut = np.asarray(list(cutoffs), dtype=np.float64).reshape(-1)
    out = np.full(arr.shape, -1, dtype=np.int64)
    if cut.size and np.isnan(cut).any():
        return out
    if cut.size > 1 and np.any(np.diff(cut) < 0):
        raise MethodError(f"cut-offs must be in increasing order, got {list(map(float, cut))}")
    ok = ~np.isnan(arr)
    out[ok] = np.searchsorted(cut, arr[ok], side="right")
    return out


def _finite_1d(scores: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(scores, dtype=np.float64).reshape(-1)
    return arr[np.isfinite(arr)]


def cutoffs_mean_sd(scores: npt.ArrayLike, k: float = 1.0) -> tuple[float, float]:
    """``(mean - k*sd, mean + k*sd)`` of the non-missing scores, with the sample SD (n - 1).

    With k = 1 this reproduces the IKP 2024 province cut-offs: the 34 published province scores
    have mean 45.19 and SD 23.52, giving 21.67 / 68.71 against Bawaslu's 21.7 / 68.5."""
    v = _finite_1d(scores)
    if v.size < 2:
        raise MethodError(f"mean ± SD cut-offs need at least 2 scores, got {v.size}")
    m = float(v.mean())
    s = float(v.std(ddof=1))
    return m - k * s, m + k * s


def cutoffs_quantile(
    scores: npt.ArrayLike, probs: Sequence[float] = (1 / 3, 2 / 3)
) -> tuple[float, ...]:
    """Quantiles of the non-missing scores at ``probs`` (linear interpolation, R's default type 7)."""
    v = _finite_1d(scores)
    if v.size == 0:
        raise MethodError("quantile cut-offs need at least one score")
    p = np.asarray(list(probs), dtype=np.float64)
    if np.any((p < 0) | (p > 1)) or np.any(np.diff(p) < 0):
        raise MethodError(f"probs must be increasing values in [0, 1], got {list(map(float, p))}")
    return tuple(float(q) for q in np.quantile(v, p))


def cutoffs_natural_breaks(scores: npt.ArrayLike, n_classes: int = 3) -> tuple[float, ...]:
    """Fisher–Jenks natural breaks: the split of the sorted scores into ``n_classes`` groups of
    consecutive values with the smallest total within-group sum of squares (exact dynamic
    programme, O(n_classes * u^2) time and O(n_classes * u) memory for u distinct values).

    Equal scores always stay in the same group. Returns ``n_classes - 1`` cut-offs, each the
    LOWEST score of the upper group, so that :func:`classify` (equal goes up) reproduces the
    optimal groups exactly."""
    v = _finite_1d(scores)
    n_classes = int(n_classes)
    if n_classes < 1:
        raise MethodError(f"n_classes must be >= 1, got {n_classes}")
    if n_classes == 1:
        return ()
    uniq, counts = np.unique(v, return_counts=True)
    u = uniq.size
    if u < n_classes:
        raise MethodError(
            f"natural breaks into {n_classes} classes need at least {n_classes} distinct scores; "
            f"found {u}"
        )
    c = counts.astype(np.float64)
    centred = uniq - (uniq * c).sum() / c.sum()  # centring reduces cancellation
    cw = np.concatenate(([0.0], np.cumsum(c)))
    s1 = np.concatenate(([0.0], np.cumsum(c * centred)))
    s2 = np.concatenate(([0.0], np.cumsum(c * centred * centred)))

    def ssd_upto(j: int) -> FloatArray:
        """Within sum of squares of distinct values i..j for every i in 0..j."""
        i = np.arange(j + 1)
        wsum = cw[j + 1] - cw[i]
        lin = s1[j + 1] - s1[i]
        out: FloatArray = np.maximum((s2[j + 1] - s2[i]) - lin * lin / wsum, 0.0)
        return out

    # cost[j]: best total within sum of squares of values 0..j in the current number of classes;
    # starts[c][j]: first index of the last class in that best split. O(u) memory per class.
    cost = np.array([ssd_upto(j)[0] for j in range(u)])
    starts: list[npt.NDArray[np.intp]] = []
    for _ in range(1, n_classes):
        new_cost = np.full(u, np.inf)
        start = np.zeros(u, dtype=np.intp)
        for j in range(1, u):
            # previous classes cover 0..i-1, the last class i..j (1 <= i <= j)
            cand = cost[:j] + ssd_upto(j)[1:]
            i = int(np.argmin(cand))
            new_cost[j] = cand[i]
            start[j] = i + 1
        cost = new_cost
        starts.append(start)
    breaks: list[float] = []
    j = u - 1
    for best_i in reversed(starts):
        i = int(best_i[j])
        breaks.append(float(uniq[i]))
        j = i - 1
    return tuple(reversed(breaks))
