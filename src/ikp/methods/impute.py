"""Imputation of missing values, column by column.

Definitions follow COINr's ``i_mean``, ``i_median``, ``i_mean_grp`` and ``i_median_grp``
(COINr 1.1 series, file ``R/impute.R``; MIT licence, (c) 2022 William Becker): a missing cell is
replaced by the mean / median of the non-missing values of its column, or of its column within
the region's group. Re-implemented from those definitions.

Edge cases (``docs/methodology/impute.md``): an all-missing column stays all missing and nothing is
recorded as imputed (COINr's ``Impute.numeric`` stops with an error instead); in the group methods a
group whose column is all missing stays missing (as COINr), and a region without a group label
(``None``, NaN or empty string) is left unchanged (as COINr's ``skip_f_na = TRUE``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ikp._types import BoolArray, FloatArray
from ikp.issues import MethodError, did_you_mean
from ikp.methods.stats import as_2d

__all__ = [
    "IMPUTERS",
    "impute",
    "impute_group_mean",
    "impute_group_median",
    "impute_mean",
    "impute_median",
]


def _column_fill(x: FloatArray, fill: FloatArray) -> tuple[FloatArray, BoolArray]:
    missing = np.isnan(x)
    out = np.where(missing, fill, x)
    return out, missing & ~np.isnan(out)


def impute_mean(x: npt.ArrayLike, groups: Any = None) -> tuple[FloatArray, BoolArray]:
    """Replace missing cells by the column mean of the non-missing values (COINr ``i_mean``)."""
    arr, _ = as_2d(x)
    present = ~np.isnan(arr)
    n = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, arr, 0.0).sum(axis=0) / n
    return _column_fill(arr, np.broadcast_to(mean, arr.shape))


def impute_median(x: npt.ArrayLike, groups: Any = None) -> tuple[FloatArray, BoolArray]:
    """Replace missing cells by the column median of the non-missing values (COINr ``i_median``;
    an even count takes the mean of the two middle values, as R's ``median``)."""
    arr, _ = as_2d(x)
    med = _nanmedian(arr)
    return _column_fill(arr, np.broadcast_to(med, arr.shape))


def _nanmedian(arr: FloatArray) -> FloatArray:
    """Column medians ignoring NaN; all-missing columns give NaN without a warning."""
    if arr.shape[0] == 0:
        return np.full(arr.shape[1], np.nan)
    s = np.sort(arr, axis=0)  # NaN last
    n = (~np.isnan(arr)).sum(axis=0)
    lo_idx = np.maximum((n - 1) // 2, 0)
    hi_idx = np.maximum(n // 2, 0)
    cols = np.arange(arr.shape[1])
    med = (s[lo_idx, cols] + s[hi_idx, cols]) / 2.0
    return np.where(n > 0, med, np.nan)


def _group_codes(groups: Any, n: int) -> tuple[npt.NDArray[np.int64], int]:
    """Integer group code per row (-1 = no group) and the number of groups."""
    if groups is None:
        raise MethodError("group imputation needs a group label for every region (groups=None)")
    labels = np.asarray(groups, dtype=object).reshape(-1)
    if labels.shape[0] != n:
        raise MethodError(f"groups has {labels.shape[0]} labels but the data have {n} regions")
    missing = np.array(
        [v is None or (isinstance(v, float) and np.isnan(v)) or v == "" for v in labels], dtype=bool
    )
    codes = np.full(n, -1, dtype=np.int64)
    if (~missing).any():
        keys = np.array([str(v) for v in labels[~missing]])
        uniq, inv = np.unique(keys, return_inverse=True)
        codes[~missing] = inv
        return codes, int(uniq.shape[0])
    return codes, 0


def impute_group_mean(x: npt.ArrayLike, groups: Any = None) -> tuple[FloatArray, BoolArray]:
    """Replace missing cells by the mean of the column within the region's group (COINr ``i_mean_grp``).

    Group means are computed for all columns at once: ``sums = G.T @ X0``, ``counts = G.T @ M``
    with ``G`` the one-hot group matrix, ``X0`` the data with missing set to 0 and ``M`` the
    non-missing mask."""
    arr, _ = as_2d(x)
    codes, n_groups = _group_codes(groups, arr.shape[0])
    if n_groups == 0:
        return arr, np.zeros(arr.shape, dtype=bool)
    onehot = (codes[:, None] == np.arange(n_groups)[None, :]).astype(np.float64)
    present = ~np.isnan(arr)
    sums = onehot.T @ np.where(present, arr, 0.0)
    counts = onehot.T @ present.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    fill = np.where(codes[:, None] >= 0, means[np.maximum(codes, 0)], np.nan)
    return _column_fill(arr, fill)


def impute_group_median(x: npt.ArrayLike, groups: Any = None) -> tuple[FloatArray, BoolArray]:
    """Replace missing cells by the median of the column within the region's group
    (COINr ``i_median_grp``). One vectorised median per group over all columns."""
    arr, _ = as_2d(x)
    codes, n_groups = _group_codes(groups, arr.shape[0])
    fill = np.full(arr.shape, np.nan)
    for g in range(n_groups):  # loop over groups only; each median is vectorised over columns
        rows = codes == g
        fill[rows] = _nanmedian(arr[rows])[None, :]
    return _column_fill(arr, fill)


def impute_none(x: npt.ArrayLike, groups: Any = None) -> tuple[FloatArray, BoolArray]:
    """No imputation: missing stays missing."""
    arr, _ = as_2d(x)
    return arr, np.zeros(arr.shape, dtype=bool)


IMPUTERS: dict[str, Callable[..., tuple[FloatArray, BoolArray]]] = {
    "none": impute_none,
    "mean": impute_mean,
    "median": impute_median,
    "group_mean": impute_group_mean,
    "group_median": impute_group_median,
}


def impute(x: npt.ArrayLike, method: str, groups: Any = None) -> tuple[FloatArray, BoolArray]:
    """Impute missing cells of ``x`` (2-D, or 1-D for one column) with ``method``.

    ``groups``: for ``group_mean``/``group_median``, one label per row (region). Returns the
    imputed matrix (a new array) and a boolean mask of the cells that were filled. Cells that
    cannot be filled (all-missing column or group) stay NaN and are not in the mask."""
    func = IMPUTERS.get(method)
    if func is None:
        hint = did_you_mean(method, list(IMPUTERS))
        raise MethodError(
            f"unknown imputation method {method!r}; choose one of {', '.join(IMPUTERS)}"
            + (f" ({hint})" if hint else "")
        )
    arr, one_d = as_2d(x)
    out, mask = func(arr, groups)
    if one_d:
        return out.reshape(-1), mask.reshape(-1)
    return out, mask
