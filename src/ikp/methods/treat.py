"""Outlier treatment: COINr's default two-stage procedure, one column at a time.

Follows COINr's ``Treat.numeric()`` with its default specification, ``winsorise()``,
``check_SkewKurt()`` and ``log_CT()`` (COINr 1.1 series, file ``R/treat.R``; MIT licence,
(c) 2022 William Becker). Re-implemented from COINr's documented algorithm:

1. A column *passes* when ``|skewness| < skew_threshold`` **or** ``kurtosis < kurtosis_threshold``
   (COINr ``check_SkewKurt``; skewness/kurtosis as in :mod:`ikp.methods.stats`). A passing column
   is left alone.
2. Otherwise winsorise one step at a time: if skewness >= 0 every point equal to the current
   maximum is set to the largest remaining value, else every point equal to the minimum is set
   to the smallest remaining value; re-check after each step. The count of winsorised points is
   COINr's: the number of points currently pulled in at the top plus at the bottom (tied points
   count together, so one step can add more than one). Stop when the column passes or the count
   reaches ``max_points`` (COINr ``winmax``).
3. If it still fails and ``log_fallback`` is on, discard the winsorisation and apply COINr's
   ``log_CT`` to the *original* column: ``log(x - min + 0.01 * (max - min))``
   (COINr ``combine_treat = FALSE``). Without the fallback the winsorised column is kept.

COINr's defaults are ``winmax = 5``, ``skew_thresh = 2``, ``kurt_thresh = 3.5``, ``f2 = "log_CT"``.
When skewness or kurtosis cannot be computed (fewer than 3/4 values or zero variance) and the
other test does not pass, the column is returned untreated (COINr returns it untreated with a
warning when the check is ``NA``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ikp._types import FloatArray
from ikp.issues import MethodError, did_you_mean
from ikp.methods.stats import as_2d, kurtosis, skewness

__all__ = [
    "TREATERS",
    "TreatmentInfo",
    "apply_limits",
    "check_skew_kurt",
    "log_ct",
    "treat",
    "winsorise_column",
]


@dataclass(frozen=True)
class TreatmentInfo:
    """What treatment did to one column."""

    treated: bool
    method: str  # "none" | "winsorise" | "log"
    points: int  # number of winsorised points (COINr's nwin); 0 for "none" and "log"
    lower_bound: float | None  # value given to points winsorised at the bottom, if any
    upper_bound: float | None  # value given to points winsorised at the top, if any
    skew_before: float | None
    skew_after: float | None
    kurtosis_before: float | None
    kurtosis_after: float | None
    passed: bool | None = None  # does the returned column pass the test (None: undetermined)


def _num(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def check_skew_kurt(
    x: npt.ArrayLike, skew_threshold: float = 2.0, kurtosis_threshold: float = 3.5
) -> tuple[bool | None, float, float]:
    """COINr ``check_SkewKurt(x, na.rm = TRUE)``: pass if ``|skew| < skew_threshold`` or
    ``kurt < kurtosis_threshold``. Returns ``(pass, skew, kurt)``; ``pass`` is ``None`` when it
    cannot be decided (R's ``NA``): no test passes and at least one statistic is NaN."""
    sk = float(skewness(np.asarray(x, dtype=np.float64).reshape(-1)))
    kt = float(kurtosis(np.asarray(x, dtype=np.float64).reshape(-1)))
    skew_ok = abs(sk) < skew_threshold if np.isfinite(sk) else None
    kurt_ok = kt < kurtosis_threshold if np.isfinite(kt) else None
    if skew_ok or kurt_ok:
        return True, sk, kt
    if skew_ok is None or kurt_ok is None:
        return None, sk, kt
    return False, sk, kt


def log_ct(x: npt.ArrayLike) -> FloatArray:
    """COINr's ``log_CT(x, na.rm = TRUE)``: ``log(x - min(x) + 0.01 * (max(x) - min(x)))``.
    The minimum maps to ``log(0.01 * range)``; missing values stay missing. Works column-wise on
    2-D input."""
    arr, one_d = as_2d(x)
    present = ~np.isnan(arr)
    if not present.any():
        return arr.reshape(-1) if one_d else arr
    lo = np.where(present, arr, np.inf).min(axis=0)
    hi = np.where(present, arr, -np.inf).max(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.log(arr - lo + 0.01 * (hi - lo))
    return out.reshape(-1) if one_d else out


def winsorise_column(
    x: npt.ArrayLike,
    skew_threshold: float = 2.0,
    kurtosis_threshold: float = 3.5,
    max_points: int = 5,
    log_fallback: bool = True,
) -> tuple[FloatArray, TreatmentInfo]:
    """Treat one column (1-D) the COINr way; see the module docstring for the algorithm.

    Returns the treated column (a new array; missing stays missing) and a :class:`TreatmentInfo`.
    """
    col = np.array(x, dtype=np.float64, copy=True).reshape(-1)
    max_points = int(max_points)
    if max_points < 0:
        raise MethodError(f"max_points must be >= 0, got {max_points}")
    passing, sk0, kt0 = check_skew_kurt(col, skew_threshold, kurtosis_threshold)
    if passing is not False:
        return col, TreatmentInfo(
            False, "none", 0, None, None, _num(sk0), _num(sk0), _num(kt0), _num(kt0), passing
        )

    work = col.copy()
    present = ~np.isnan(work)
    hi_idx: npt.NDArray[np.intp] | None = None  # COINr's imax / imin: points currently pulled in
    lo_idx: npt.NDArray[np.intp] | None = None
    nwin = 0
    sk = sk0
    while passing is False and nwin < max_points:
        if sk >= 0:
            top = np.nanmax(work)
            at = present & (work == top)
            rest = work[present & ~at]
            if rest.size == 0:
                break
            work[at] = rest.max()
            hi_idx = np.nonzero(at)[0]
        else:
            bottom = np.nanmin(work)
            at = present & (work == bottom)
            rest = work[present & ~at]
            if rest.size == 0:
                break
            work[at] = rest.min()
            lo_idx = np.nonzero(at)[0]
        nwin = (0 if hi_idx is None else hi_idx.size) + (0 if lo_idx is None else lo_idx.size)
        passing, sk, _ = check_skew_kurt(work, skew_threshold, kurtosis_threshold)
        if passing is None:  # statistic undefined (e.g. winsorised to a constant): stop here
            break

    if passing is False and log_fallback:
        logged = log_ct(col)
        p2, sk2, kt2 = check_skew_kurt(logged, skew_threshold, kurtosis_threshold)
        return logged, TreatmentInfo(
            True, "log", 0, None, None, _num(sk0), _num(sk2), _num(kt0), _num(kt2), p2
        )

    sk_after, kt_after = float(skewness(work)), float(kurtosis(work))
    upper = float(work[int(hi_idx[0])]) if hi_idx is not None else None
    lower = float(work[int(lo_idx[0])]) if lo_idx is not None else None
    return work, TreatmentInfo(
        nwin > 0,
        "winsorise" if nwin > 0 else "none",
        nwin,
        lower,
        upper,
        _num(sk0),
        _num(sk_after),
        _num(kt0),
        _num(kt_after),
        passing,
    )


def apply_limits(x: npt.ArrayLike, limits: dict[str, Any]) -> FloatArray:
    """Treat one column with the limits another run recorded (its ``treat`` bounds), so that a
    subset of regions is treated exactly as it was inside the whole data set.

    ``{"method": "winsorise", "lower": a, "upper": b}``: values are clipped to ``[a, b]`` (a
    limit of ``None`` is open); winsorisation replaced the extreme points by exactly these
    values, so a region of the reference run gets its treated value back.
    ``{"method": "log", "min": m, "max": M}``: COINr's ``log_CT`` with the reference's minimum
    and maximum, ``log(x - m + 0.01 * (M - m))``; values below ``m`` are first raised to ``m``.
    ``{"method": "none"}``: unchanged. Missing values stay missing."""
    col = np.array(x, dtype=np.float64, copy=True).reshape(-1)
    method = limits.get("method", "none")
    if method == "winsorise":
        lo, hi = limits.get("lower"), limits.get("upper")
        return np.clip(
            col, -np.inf if lo is None else float(lo), np.inf if hi is None else float(hi)
        )
    if method == "log":
        lo, hi = float(limits["min"]), float(limits["max"])
        with np.errstate(invalid="ignore", divide="ignore"):
            out: FloatArray = np.log(np.maximum(col, lo) - lo + 0.01 * (hi - lo))
        return out
    if method == "none":
        return col
    raise MethodError(f"unknown treatment limits {method!r}; expected winsorise, log or none")


def _no_treatment(
    x: npt.ArrayLike,
    skew_threshold: float = 2.0,
    kurtosis_threshold: float = 3.5,
    **_: Any,
) -> tuple[FloatArray, TreatmentInfo]:
    col = np.array(x, dtype=np.float64, copy=True).reshape(-1)
    passing, sk, kt = check_skew_kurt(col, skew_threshold, kurtosis_threshold)
    return col, TreatmentInfo(
        False, "none", 0, None, None, _num(sk), _num(sk), _num(kt), _num(kt), passing
    )


TREATERS: dict[str, Callable[..., tuple[FloatArray, TreatmentInfo]]] = {
    "none": _no_treatment,
    "winsorise": winsorise_column,
}


def treat(
    x: npt.ArrayLike, method: str = "winsorise", **params: Any
) -> tuple[FloatArray, list[TreatmentInfo]]:
    """Treat every column of ``x`` (2-D, or 1-D for one column) with ``method`` (a key of
    :data:`TREATERS`); ``params`` go to :func:`winsorise_column`. Returns the treated matrix (a
    new array) and one :class:`TreatmentInfo` per column."""
    func = TREATERS.get(method)
    if func is None:
        hint = did_you_mean(method, list(TREATERS))
        raise MethodError(
            f"unknown treatment method {method!r}; choose one of {', '.join(TREATERS)}"
            + (f" ({hint})" if hint else "")
        )
    arr, one_d = as_2d(x)
    out = np.empty_like(arr)
    infos: list[TreatmentInfo] = []
    for j in range(arr.shape[1]):  # iterative per column by nature
        out[:, j], info = func(arr[:, j], **params)
        infos.append(info)
    return (out.reshape(-1) if one_d else out), infos


def _status(
    sk: FloatArray, kt: FloatArray, skew_threshold: float, kurtosis_threshold: float
) -> npt.NDArray[np.int8]:
    """Vectorised :func:`check_skew_kurt`: 1 pass, 0 fail, -1 undetermined, per column."""
    with np.errstate(invalid="ignore"):
        skew_ok = np.abs(sk) < skew_threshold
        kurt_ok = kt < kurtosis_threshold
    fin_s, fin_k = np.isfinite(sk), np.isfinite(kt)
    passed = (fin_s & skew_ok) | (fin_k & kurt_ok)
    undetermined = ~passed & (~fin_s | ~fin_k)
    return np.where(passed, 1, np.where(undetermined, -1, 0)).astype(np.int8)


def winsorise_matrix(
    x: npt.ArrayLike,
    skew_threshold: float = 2.0,
    kurtosis_threshold: float = 3.5,
    max_points: int = 5,
    log_fallback: bool = True,
) -> tuple[FloatArray, list[TreatmentInfo]]:
    """:func:`winsorise_column` on every column at once: the same algorithm and results, with
    each winsorisation round done for all still-failing columns together (vectorised)."""
    arr, _ = as_2d(x)
    max_points = int(max_points)
    if max_points < 0:
        raise MethodError(f"max_points must be >= 0, got {max_points}")
    k = arr.shape[1]
    present = ~np.isnan(arr)
    sk0, kt0 = skewness(arr), kurtosis(arr)
    status0 = _status(sk0, kt0, skew_threshold, kurtosis_threshold)
    status = status0.copy()
    work = arr.copy()
    sk = sk0.copy()
    hi_count = np.zeros(k, dtype=np.int64)
    lo_count = np.zeros(k, dtype=np.int64)
    hi_val = np.full(k, np.nan)
    lo_val = np.full(k, np.nan)
    active = (status == 0) & (max_points > 0)
    while active.any():
        cols = np.nonzero(active)[0]
        sub = work[:, cols]
        pres = present[:, cols]
        up = sk[cols] >= 0
        top = np.where(pres, sub, -np.inf).max(axis=0)
        bottom = np.where(pres, sub, np.inf).min(axis=0)
        target = np.where(up, top, bottom)
        at = pres & (sub == target)
        rest = pres & ~at
        rest_hi = np.where(rest, sub, -np.inf).max(axis=0)
        rest_lo = np.where(rest, sub, np.inf).min(axis=0)
        has_rest = rest.any(axis=0)
        new = np.where(up, rest_hi, rest_lo)
        sub = np.where(at & has_rest, new, sub)
        work[:, cols] = sub
        count = at.sum(axis=0)
        hi_count[cols] = np.where(has_rest & up, count, hi_count[cols])
        lo_count[cols] = np.where(has_rest & ~up, count, lo_count[cols])
        hi_val[cols] = np.where(has_rest & up, new, hi_val[cols])
        lo_val[cols] = np.where(has_rest & ~up, new, lo_val[cols])
        sk_c = skewness(sub)
        st = _status(sk_c, kurtosis(sub), skew_threshold, kurtosis_threshold)
        sk[cols] = np.where(has_rest, sk_c, sk[cols])
        status[cols] = np.where(has_rest, st, status[cols])
        nwin = hi_count[cols] + lo_count[cols]
        active[cols] = has_rest & (st == 0) & (nwin < max_points)

    out = work
    infos: list[TreatmentInfo] = []
    failing = status == 0
    logged_cols = np.nonzero(failing)[0] if log_fallback else np.array([], dtype=np.int64)
    if logged_cols.size:
        logged = log_ct(arr[:, logged_cols])
        out[:, logged_cols] = logged
        sk_l, kt_l = skewness(logged), kurtosis(logged)
        st_l = _status(sk_l, kt_l, skew_threshold, kurtosis_threshold)
    sk_after, kt_after = skewness(out), kurtosis(out)
    log_pos = {int(c): i for i, c in enumerate(logged_cols)}
    for j in range(k):
        if status0[j] != 0:
            p0 = int(status0[j])
            infos.append(
                TreatmentInfo(
                    False,
                    "none",
                    0,
                    None,
                    None,
                    _num(sk0[j]),
                    _num(sk0[j]),
                    _num(kt0[j]),
                    _num(kt0[j]),
                    None if p0 < 0 else bool(p0),
                )
            )
        elif j in log_pos:
            i = log_pos[j]
            p2 = int(st_l[i])
            infos.append(
                TreatmentInfo(
                    True,
                    "log",
                    0,
                    None,
                    None,
                    _num(sk0[j]),
                    _num(sk_l[i]),
                    _num(kt0[j]),
                    _num(kt_l[i]),
                    None if p2 < 0 else bool(p2),
                )
            )
        else:
            nw = int(hi_count[j] + lo_count[j])
            p = int(status[j])
            infos.append(
                TreatmentInfo(
                    nw > 0,
                    "winsorise" if nw > 0 else "none",
                    nw,
                    _num(lo_val[j]) if lo_count[j] else None,
                    _num(hi_val[j]) if hi_count[j] else None,
                    _num(sk0[j]),
                    _num(sk_after[j]),
                    _num(kt0[j]),
                    _num(kt_after[j]),
                    None if p < 0 else bool(p),
                )
            )
    return out, infos
