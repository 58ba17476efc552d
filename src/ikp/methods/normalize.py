"""Normalisation: bring indicators onto a common scale, column by column.

Definitions follow COINr's ``n_*`` functions and ``Normalise.numeric()`` (COINr 1.1 series,
file ``R/normalise.R``; MIT licence, (c) 2022 William Becker, notice in
``/work/shared/data/licenses/COINr.MIT.md``). They are re-implemented here from the formulas.

COINr-style direction handling: :func:`normalize` multiplies each column by its direction
(+1 or -1) *before* calling the method, so that for every method a higher normalised value means
"more of what the index measures" (here: more vulnerable). For goal-posts and distance-to-target,
whose parameters are given in the indicator's own units, the parameters are flipped the same way
COINr's ``get_iMeta_norm_paras()`` does (goal-posts ``(l, u) -> (-u, -l)``, target ``t -> -t``), so
for a negative indicator the goal-post score is ``(u - x) / (u - l)``.

All functions take a 2-D float array ``(n_regions, n_columns)`` (a 1-D array is one column),
treat NaN as missing (missing stays missing), never modify their input, and work column-wise.

Columns without spread (constant, or a single non-missing value; ``docs/methodology/normalize.md``):
COINr's formulas divide 0 by 0 there and give NaN for ``minmax``, ``zscore`` and ``dist2max`` (and
for ``prank`` of a single value). The method functions below give a defined value instead —
``minmax`` gives ``lower``, ``zscore`` gives ``mean``, ``dist2max`` and ``prank`` give 0 — and
:func:`normalize` chooses between the two with ``constant``: ``"coinr"`` blanks those columns as
COINr does (the aggregation then leaves them out and rescales the other weights), ``"lower"``
keeps the defined value. ``dist2target`` with the target equal to the column minimum gives 1 to
every value (all have reached it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ikp._types import FloatArray
from ikp.issues import MethodError
from ikp.methods.stats import as_2d, rank_min

__all__ = [
    "CONSTANT_OPTIONS",
    "NORMALIZERS",
    "borda",
    "dist2max",
    "dist2target",
    "goalposts",
    "minmax",
    "no_spread",
    "none",
    "normalize",
    "prank",
    "rank",
    "zscore",
]


def _restore(out: FloatArray, one_d: bool) -> FloatArray:
    return out.reshape(-1) if one_d else out


def _col_min_max(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Column minima and maxima ignoring NaN; all-missing columns give NaN (no warning)."""
    present = ~np.isnan(x)
    any_present = present.any(axis=0)
    lo = np.where(present, x, np.inf).min(axis=0, initial=np.inf)
    hi = np.where(present, x, -np.inf).max(axis=0, initial=-np.inf)
    return np.where(any_present, lo, np.nan), np.where(any_present, hi, np.nan)


def _per_column(value: npt.ArrayLike, k: int, name: str) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(k, float(arr))
    arr = arr.reshape(-1)
    if arr.shape[0] != k:
        raise MethodError(f"{name} has {arr.shape[0]} values but the data have {k} columns")
    return arr.copy()


def minmax(x: npt.ArrayLike, lower: float = 0.0, upper: float = 100.0) -> FloatArray:
    """Min-max scaling onto ``[lower, upper]`` per column (COINr ``n_minmax(x, l_u = c(lower, upper))``).

    ``y = (x - min) / (max - min) * (upper - lower) + lower``. A column without spread (constant
    or one value) gives ``lower`` (COINr: NaN with a warning)."""
    arr, one_d = as_2d(x)
    lo, hi = _col_min_max(arr)
    rng = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (arr - lo) / rng * (float(upper) - float(lower)) + float(lower)
    y = np.where((rng == 0) & ~np.isnan(arr), float(lower), y)
    return _restore(y, one_d)


def zscore(x: npt.ArrayLike, mean: float = 0.0, sd: float = 1.0) -> FloatArray:
    """Standardisation to a given mean and standard deviation (COINr ``n_zscore(x, m_sd = c(mean, sd))``).

    ``y = (x - mean(x)) / sd(x) * sd + mean`` with the sample standard deviation (n - 1), as R's
    ``sd()``. A column without spread gives ``mean`` (COINr: NaN)."""
    if not float(sd) > 0:
        raise MethodError(f"zscore needs sd > 0, got {sd!r}")
    arr, one_d = as_2d(x)
    present = ~np.isnan(arr)
    n = present.sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.where(present, arr, 0.0).sum(axis=0) / n
        d = np.where(present, arr - mu, 0.0)
        s = np.sqrt((d * d).sum(axis=0) / (n - 1.0))
        y = (arr - mu) / s * float(sd) + float(mean)
    flat = ~(s > 0)  # zero spread or fewer than 2 values
    y = np.where(flat & present, float(mean), y)
    return _restore(y, one_d)


def rank(x: npt.ArrayLike) -> FloatArray:
    """Ranks per column, lowest value = 1, ties share the lowest rank (COINr ``n_rank``,
    R ``rank(ties.method = "min", na.last = "keep")``). Missing stays missing."""
    return rank_min(x)


def borda(x: npt.ArrayLike) -> FloatArray:
    """Borda scores: rank minus one (COINr ``n_borda``)."""
    return rank_min(x) - 1.0


def prank(x: npt.ArrayLike) -> FloatArray:
    """Percentile ranks in ``[0, 1]`` per column (COINr ``n_prank``): ``(rank_min - 1) / (n - 1)``
    with ``n`` the number of non-missing values. A single value gives 0 (COINr: NaN); a constant
    column gives 0 everywhere (as COINr)."""
    arr, one_d = as_2d(x)
    r = rank_min(arr)
    n = (~np.isnan(arr)).sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (r - 1.0) / (n - 1.0)
    y = np.where((n == 1) & ~np.isnan(arr), 0.0, y)
    return _restore(y, one_d)


def dist2max(x: npt.ArrayLike) -> FloatArray:
    """Distance to the maximum (COINr ``n_dist2max``): ``1 - (max - x) / (max - min)``, in ``[0, 1]``.

    A column without spread gives 0, matching :func:`minmax`'s ``lower`` (COINr: NaN)."""
    arr, one_d = as_2d(x)
    lo, hi = _col_min_max(arr)
    rng = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        y = 1.0 - (hi - arr) / rng
    y = np.where((rng == 0) & ~np.isnan(arr), 0.0, y)
    return _restore(y, one_d)


def dist2target(x: npt.ArrayLike, target: npt.ArrayLike, cap: bool = True) -> FloatArray:
    """Distance to a target (COINr ``n_dist2targ(x, targ, direction = 1, cap_max)``):
    ``y = (x - min) / (target - min)``, so the column minimum scores 0 and the target 1.

    ``target``: one value per column (or a scalar for all), in the units of the data this
    function receives (:func:`normalize` flips it for negative indicators). ``cap``: values beyond
    the target score 1 (COINr's default is ``cap_max = FALSE``; ikp's default is ``True``).
    If the target equals the column minimum every value scores 1 (COINr: NaN/Inf)."""
    arr, one_d = as_2d(x)
    t = _per_column(target, arr.shape[1], "target")
    if np.isnan(t).any():
        raise MethodError("dist2target: the target is missing for at least one column")
    lo, _ = _col_min_max(arr)
    denom = t - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (arr - lo) / denom
    y = np.where((denom == 0) & ~np.isnan(arr), 1.0, y)
    if cap:
        y = np.where(y > 1.0, 1.0, y)
    return _restore(y, one_d)


def goalposts(
    x: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    scale: float = 100.0,
    trunc: bool = True,
) -> FloatArray:
    """Goal-post normalisation (COINr ``n_goalposts(x, gposts = c(lower, upper, scale), direction = 1,
    trunc2posts = trunc)``): ``y = (x - lower) / (upper - lower)``, truncated to ``[0, 1]`` when
    ``trunc``, times ``scale``.

    ``lower``/``upper``: one value per column (or scalars), in the units of the data this function
    receives; :func:`normalize` converts goal-posts given in an indicator's own units for negative
    indicators (``(l, u) -> (-u, -l)``, as COINr does). ``lower == upper`` is refused."""
    arr, one_d = as_2d(x)
    k = arr.shape[1]
    lo = _per_column(lower, k, "lower")
    hi = _per_column(upper, k, "upper")
    if np.isnan(lo).any() or np.isnan(hi).any():
        raise MethodError("goalposts: a lower or upper goal-post is missing")
    if np.any(lo == hi):
        bad = [int(j) for j in np.nonzero(lo == hi)[0]]
        raise MethodError(f"goalposts: lower equals upper for column(s) {bad}; they must differ")
    y = (arr - lo) / (hi - lo)
    if trunc:
        y = np.clip(y, 0.0, 1.0)  # NaN stays NaN
    return _restore(y * float(scale), one_d)


def none(x: npt.ArrayLike) -> FloatArray:
    """No normalisation: the (direction-adjusted) values are returned as they are, as COINr's
    ``f_n = "none"``."""
    arr, one_d = as_2d(x)
    return _restore(arr, one_d)


NORMALIZERS: dict[str, Callable[..., FloatArray]] = {
    "minmax": minmax,
    "zscore": zscore,
    "rank": rank,
    "prank": prank,
    "borda": borda,
    "goalposts": goalposts,
    "dist2max": dist2max,
    "dist2target": dist2target,
    "none": none,
}


CONSTANT_OPTIONS = ("coinr", "lower")


def no_spread(x: npt.ArrayLike, method: str) -> npt.NDArray[np.bool_]:
    """Per column: is ``method``'s COINr formula 0/0 on it? ``minmax``, ``zscore`` and
    ``dist2max``: the column has values but no spread (constant, or a single value); ``prank``:
    a single value. Other methods are defined on every column (``rank``/``borda`` give ties,
    ``goalposts``/``dist2target``/``none`` do not depend on the spread)."""
    arr, _ = as_2d(x)
    present = ~np.isnan(arr)
    if method in ("minmax", "zscore", "dist2max"):
        lo, hi = _col_min_max(arr)
        return np.asarray(present.any(axis=0) & (hi == lo), dtype=bool)
    if method == "prank":
        return np.asarray(present.sum(axis=0) == 1, dtype=bool)
    return np.zeros(arr.shape[1], dtype=bool)


def normalize(
    x: npt.ArrayLike,
    method: str,
    direction: FloatArray | None = None,
    constant: str = "lower",
    **params: Any,
) -> FloatArray:
    """Normalise ``x`` column-wise with ``method`` (a key of :data:`NORMALIZERS`).

    ``direction``: one value per column, +1 (higher = more vulnerable) or -1 (higher = less);
    ``None`` means all +1. Each column is multiplied by its direction before normalising, exactly
    as COINr's ``Normalise.numeric()``. For ``goalposts`` the goal-posts and for ``dist2target``
    the target are given in the indicator's own units and flipped here for negative columns.
    ``constant``: what a column without spread gets where COINr's formula is 0/0 (see
    :func:`no_spread`): ``"coinr"`` = NaN in every region, as COINr; ``"lower"`` = the method's
    defined value (``lower`` for minmax, ``mean`` for zscore, 0 for dist2max and prank).
    ``params`` are passed to the method (e.g. ``lower``/``upper`` for ``minmax``)."""
    try:
        func = NORMALIZERS[method]
    except KeyError:
        raise MethodError(
            f"unknown normalisation method {method!r}; choose one of {', '.join(NORMALIZERS)}"
        ) from None
    if constant not in CONSTANT_OPTIONS:
        raise MethodError(
            f"constant must be one of {', '.join(repr(c) for c in CONSTANT_OPTIONS)}; "
            f"got {constant!r}"
        )
    arr, one_d = as_2d(x)
    k = arr.shape[1]
    if direction is None:
        d = np.ones(k)
    else:
        d = np.asarray(direction, dtype=np.float64).reshape(-1)
        if d.shape[0] != k:
            raise MethodError(f"direction has {d.shape[0]} values but the data have {k} columns")
        if not np.all((d == 1.0) | (d == -1.0)):
            raise MethodError("direction must be +1 or -1 for every column")
    flipped = arr * d
    if method == "goalposts":
        lo = _per_column(params.pop("lower"), k, "lower") if "lower" in params else None
        hi = _per_column(params.pop("upper"), k, "upper") if "upper" in params else None
        if lo is None or hi is None:
            raise MethodError("goalposts needs both 'lower' and 'upper' goal-posts")
        neg = d < 0
        params["lower"] = np.where(neg, -hi, lo)
        params["upper"] = np.where(neg, -lo, hi)
    elif method == "dist2target":
        if "target" not in params:
            raise MethodError("dist2target needs a 'target' per indicator")
        params["target"] = _per_column(params["target"], k, "target") * d
    out = func(flipped, **params)
    if constant == "coinr":
        out[:, no_spread(flipped, method)] = np.nan
    return _restore(out, one_d)
