"""Aggregation of children (indicators or sub-indices) into a parent score, region by region.

Definitions follow COINr's ``a_amean``, ``a_gmean``, ``a_hmean`` and ``a_genmean`` and the
``dat_thresh`` rule of ``Aggregate.data.frame()`` (COINr 1.1 series, file ``R/aggregate.R``;
MIT licence, (c) 2022 William Becker). Re-implemented from the formulas.

For a region with values ``x_i`` present for children ``i`` in ``P`` and weights ``w_i``:

* arithmetic   ``sum_P w_i x_i / sum_P w_i``
* geometric    ``exp(sum_P w_i log x_i / sum_P w_i)``
* harmonic     ``sum_P w_i / sum_P (w_i / x_i)``
* generalised  ``(sum_P w_i x_i^p / sum_P w_i)^(1/p)``

A missing child is dropped and the other weights rescaled (COINr ``na.rm``). If the share of
present children (a count, not weighted) is below ``min_coverage`` the result is missing
(COINr ``dat_thresh``: ``sum(!is.na(x_row))/length(x_row) < dat_thresh``).

Every formula is written as two matrix products, ``numerator = T(X)0 @ W`` and
``denominator = M @ W`` (``T`` the transform, missing cells set to 0, ``M`` the present mask), so
:func:`aggregate_batched` evaluates many weight sets (e.g. a Monte-Carlo sample) in one go.

Deviations (``docs/methodology/aggregate.md``): negative weights are refused; the harmonic mean
refuses negative values as well as zeros (COINr only zeros); ``generalised`` with ``p = 0`` is
the geometric mean (its limit; COINr stops), drops missing children like the other means (COINr's
``a_genmean`` returns NA when any child is missing) and refuses negative values for ``p > 0``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from ikp._types import FloatArray
from ikp.issues import MethodError, did_you_mean

__all__ = ["AGGREGATORS", "aggregate", "aggregate_batched"]

BoolMatrix = npt.NDArray[np.bool_]
#: an aggregator: (values, present mask, weights (k, m), p) -> (n, m)
Aggregator = Callable[[FloatArray, BoolMatrix, FloatArray, float | None], FloatArray]

_HINT = "normalise with minmax and lower > 0 (e.g. lower=1), or use arithmetic aggregation"


def _check_positive(x: FloatArray, present: BoolMatrix, name: str, allow_zero: bool) -> None:
    bad = present & ((x < 0) if allow_zero else (x <= 0))
    if bad.any():
        what = "negative" if allow_zero else "zero or negative"
        raise MethodError(
            f"{name} needs values {'>= 0' if allow_zero else '> 0'}; {int(bad.sum())} cell(s) are "
            f"{what}. Hint: {_HINT}."
        )


def _combine(
    transformed: FloatArray, present: BoolMatrix, w: FloatArray
) -> tuple[FloatArray, FloatArray]:
    num = np.where(present, transformed, 0.0) @ w
    den = present.astype(np.float64) @ w
    return num, den


def _arithmetic(x: FloatArray, present: BoolMatrix, w: FloatArray, p: float | None) -> FloatArray:
    num, den = _combine(x, present, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = num / den
    return out


def _geometric(x: FloatArray, present: BoolMatrix, w: FloatArray, p: float | None) -> FloatArray:
    _check_positive(x, present, "geometric mean", allow_zero=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        num, den = _combine(np.log(np.where(present, x, 1.0)), present, w)
        out: FloatArray = np.exp(num / den)
    return out


def _harmonic(x: FloatArray, present: BoolMatrix, w: FloatArray, p: float | None) -> FloatArray:
    _check_positive(x, present, "harmonic mean", allow_zero=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        num, den = _combine(1.0 / np.where(present, x, 1.0), present, w)
        out: FloatArray = den / num
    return out


def _generalised(x: FloatArray, present: BoolMatrix, w: FloatArray, p: float | None) -> FloatArray:
    if p is None:
        raise MethodError("generalised mean needs the exponent p (p=1 arithmetic, p=-1 harmonic)")
    p = float(p)
    if not np.isfinite(p):
        raise MethodError(f"generalised mean needs a finite p, got {p!r}")
    if p == 0.0:
        return _geometric(x, present, w, None)
    if p == 1.0:
        return _arithmetic(x, present, w, None)
    _check_positive(x, present, f"generalised mean with p={p:g}", allow_zero=p > 0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        num, den = _combine(np.where(present, x, 1.0) ** p, present, w)
        out: FloatArray = (num / den) ** (1.0 / p)
    return out


AGGREGATORS: dict[str, Aggregator] = {
    "arithmetic": _arithmetic,
    "geometric": _geometric,
    "harmonic": _harmonic,
    "generalised": _generalised,
}

_ALIASES = {
    "mean": "arithmetic",
    "amean": "arithmetic",
    "gmean": "geometric",
    "hmean": "harmonic",
    "generalized": "generalised",
    "genmean": "generalised",
}


def _resolve(method: str) -> Aggregator:
    key = _ALIASES.get(method, method)
    func = AGGREGATORS.get(key)
    if func is None:
        hint = did_you_mean(method, list(AGGREGATORS))
        raise MethodError(
            f"unknown aggregation method {method!r}; choose one of {', '.join(AGGREGATORS)}"
            + (f" ({hint})" if hint else "")
        )
    return func


def _check_weights(w: FloatArray, k: int) -> None:
    if w.shape[0] != k:
        raise MethodError(f"{w.shape[0]} weight(s) for {k} children")
    if not np.all(np.isfinite(w)):
        raise MethodError("weights must be finite numbers (found a missing or infinite weight)")
    if np.any(w < 0):
        raise MethodError("weights must be >= 0 (found a negative weight)")
    zero_sets = ~(w > 0).any(axis=0)
    if zero_sets.any():
        raise MethodError("all children have weight 0; at least one weight must be > 0")


def aggregate_batched(
    values: npt.ArrayLike,
    weights: npt.ArrayLike,
    method: str = "arithmetic",
    p: float | None = None,
    min_coverage: float = 0.0,
) -> FloatArray:
    """Aggregate ``values`` ``(n, k)`` with ``m`` weight sets ``weights`` ``(k, m)`` at once;
    returns ``(n, m)``. Same rules as :func:`aggregate`."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2:
        raise MethodError(f"values must be 2-D (regions x children), got {x.ndim}-D")
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 1:
        w = w[:, None]
    if w.ndim != 2:
        raise MethodError(f"weights must be 1-D or 2-D (children x sets), got {w.ndim}-D")
    n, k = x.shape
    _check_weights(w, k)
    if not 0.0 <= float(min_coverage) <= 1.0:
        raise MethodError(f"min_coverage must be between 0 and 1, got {min_coverage!r}")
    func = _resolve(method)
    present = ~np.isnan(x)
    if k == 0:
        return np.full((n, w.shape[1]), np.nan)
    out = func(x, present, w, p)
    coverage = present.sum(axis=1) / k
    out = np.where(
        (coverage < float(min_coverage))[:, None] | (coverage == 0)[:, None], np.nan, out
    )
    return np.asarray(out, dtype=np.float64)


def aggregate(
    values: npt.ArrayLike,
    weights: npt.ArrayLike,
    method: str = "arithmetic",
    p: float | None = None,
    min_coverage: float = 0.0,
) -> FloatArray:
    """Aggregate the children ``values`` ``(n_regions, k)`` into one score per region ``(n,)``.

    ``weights`` ``(k,)``: relative, rescaled over the children present for each region; zero
    weights are allowed (that child does not count), all zero or negative raise
    :class:`MethodError`. ``method``: ``arithmetic`` (alias ``mean``), ``geometric``,
    ``harmonic`` or ``generalised`` (with ``p``). ``min_coverage``: minimum share (0..1) of the
    ``k`` children that must be present, else the result is missing. A region with no child
    present, or whose present children all have weight 0, gets NaN. ``geometric`` and
    ``harmonic`` need every present value > 0 (:class:`MethodError` with the count of bad cells)."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1:
        raise MethodError(f"weights must be 1-D (one per child), got {w.ndim}-D")
    out = aggregate_batched(values, w[:, None], method=method, p=p, min_coverage=min_coverage)
    return out[:, 0]
