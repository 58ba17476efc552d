"""Weights: equal, AHP (Saaty), PCA (COINr ``get_PCA``) and normalisation of a weight vector.

* :func:`pca_weights` follows COINr's ``get_PCA()`` (COINr 1.1 series, file ``R/PCA.R``; MIT
  licence, (c) 2022 William Becker): rows with any missing value are dropped (``na.omit``), each
  column is centred and scaled to unit sample variance (``prcomp(center = TRUE, scale = TRUE)``)
  and the weights are the loadings of the first principal component. Re-implemented with an SVD.
* :func:`ahp_weights` is Saaty's analytic hierarchy process (COINr has no AHP): principal
  eigenvector of a pairwise-comparison matrix, consistency index ``CI = (lambda_max - n)/(n - 1)``
  and consistency ratio ``CR = CI / RI`` with Saaty's random index ``RI``
  (T. L. Saaty, *The Analytic Hierarchy Process*, 1980).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ikp._types import FloatArray
from ikp.issues import MethodError

__all__ = [
    "SAATY_RANDOM_INDEX",
    "AhpResult",
    "ahp_node_weights",
    "ahp_weights",
    "equal_weights",
    "normalize_weights",
    "parse_ahp",
    "parse_judgement",
    "pca_weights",
]

#: Saaty's random consistency index by matrix size n (T. L. Saaty, *The Analytic Hierarchy
#: Process*, McGraw-Hill 1980): mean CI of random reciprocal matrices. Later simulations with more
#: random matrices give slightly different values; ikp keeps Saaty's 1980 table, the one most AHP
#: software uses. For n = 1 and 2 every reciprocal matrix is consistent and RI = 0.
SAATY_RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}


def equal_weights(k: int) -> FloatArray:
    """``k`` equal weights summing to 1."""
    if k < 1:
        raise MethodError(f"equal_weights needs at least one item, got {k}")
    return np.full(int(k), 1.0 / k)


def normalize_weights(w: npt.ArrayLike) -> FloatArray:
    """Rescale weights to sum to 1. Zero weights are allowed (that item does not count);
    negative, missing or infinite weights, or all weights zero, raise :class:`MethodError`."""
    arr = np.array(w, dtype=np.float64, copy=True).reshape(-1)
    if arr.size == 0:
        raise MethodError("no weights given")
    if not np.all(np.isfinite(arr)):
        raise MethodError("weights must be finite numbers (found a missing or infinite weight)")
    if np.any(arr < 0):
        bad = [int(i) for i in np.nonzero(arr < 0)[0]]
        raise MethodError(f"weights must be >= 0; negative weight at position(s) {bad}")
    total = arr.sum()
    if total <= 0:
        raise MethodError("all weights are zero; at least one weight must be > 0")
    out: FloatArray = arr / total
    return out


@dataclass(frozen=True)
class AhpResult:
    """Result of :func:`ahp_weights`."""

    weights: FloatArray  # principal eigenvector, sums to 1
    lambda_max: float  # principal eigenvalue
    ci: float  # consistency index (lambda_max - n) / (n - 1); 0 for n <= 2
    cr: float  # consistency ratio CI / RI; 0 for n <= 2
    ri: float  # Saaty's random index used
    n: int

    @property
    def consistent(self) -> bool:
        """Saaty's rule of thumb: CR <= 0.1."""
        return self.cr <= 0.1


def ahp_weights(
    matrix: npt.ArrayLike,
    max_cr: float = 0.1,
    allow_inconsistent: bool = False,
    reciprocal_tol: float = 0.05,
) -> AhpResult:
    """Weights from a pairwise-comparison matrix by Saaty's eigenvector method.

    ``matrix[i, j]`` says how much more important item ``i`` is than item ``j`` (Saaty's 1-9
    scale); it must be square, positive, with ones on the diagonal and reciprocal
    (``matrix[j, i] * matrix[i, j] == 1`` within ``reciprocal_tol``, so reciprocals typed with two
    decimals, e.g. 0.33 for 1/3 or 0.11 for 1/9, are accepted). The weights are the principal eigenvector scaled to sum to 1. If ``CR > max_cr``
    a :class:`MethodError` naming the CR is raised, unless ``allow_inconsistent``. Saaty's RI table
    covers n <= 10."""
    a = np.asarray(matrix, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise MethodError(f"AHP matrix must be square (n x n); got shape {a.shape}")
    n = a.shape[0]
    if n < 1:
        raise MethodError("AHP matrix is empty")
    if n > max(SAATY_RANDOM_INDEX):
        raise MethodError(
            f"AHP matrix is {n}x{n}; Saaty's random index table covers at most "
            f"{max(SAATY_RANDOM_INDEX)} items — group the items first"
        )
    if not np.all(np.isfinite(a)):
        raise MethodError("AHP matrix has missing or infinite entries")
    if np.any(a <= 0):
        i, j = (int(v) for v in np.argwhere(a <= 0)[0])
        raise MethodError(
            f"AHP matrix entries must be > 0; row {i + 1}, column {j + 1} is {float(a[i, j])} "
            "(use 1/9 … 9)"
        )
    diag_bad = np.abs(np.diag(a) - 1.0) > reciprocal_tol
    if diag_bad.any():
        i = int(np.nonzero(diag_bad)[0][0])
        raise MethodError(
            f"AHP matrix diagonal must be 1; row {i + 1}, column {i + 1} is {float(a[i, i])}"
        )
    prod = a * a.T
    bad = np.abs(prod - 1.0) > reciprocal_tol
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise MethodError(
            f"AHP matrix is not reciprocal: row {i + 1}, column {j + 1} is {float(a[i, j]):g} but "
            f"row {j + 1}, column {i + 1} is {float(a[j, i]):g} (expected 1/{float(a[i, j]):g} = {1.0 / float(a[i, j]):.4g})"
        )
    eigvals, eigvecs = np.linalg.eig(a)
    idx = int(np.argmax(eigvals.real))
    lam = float(eigvals[idx].real)
    vec = np.abs(eigvecs[:, idx].real)  # Perron vector: one sign, make it positive
    weights = vec / vec.sum()
    ri = SAATY_RANDOM_INDEX[n]
    if n <= 2:
        ci = cr = 0.0
    else:
        ci = max((lam - n) / (n - 1), 0.0)
        cr = ci / ri
    if cr > max_cr and not allow_inconsistent:
        raise MethodError(
            f"AHP judgements are inconsistent: CR = {cr:.3f} > {max_cr} "
            f"(lambda_max = {lam:.3f}, CI = {ci:.3f}, RI = {ri}). Revise the comparisons or "
            "set allow_inconsistent"
        )
    return AhpResult(weights=weights, lambda_max=lam, ci=ci, cr=cr, ri=ri, n=n)


def pca_weights(x: npt.ArrayLike) -> FloatArray:
    """COINr ``get_PCA()`` weights: loadings of the first principal component of the
    standardised data, on complete rows.

    ``x``: ``(n_regions, k)``. Rows with any missing value are dropped (COINr ``na.omit``); at
    least 2 complete rows are needed and no column may be constant on them (COINr's ``prcomp``
    refuses to scale a constant column). The loadings have unit length (sum of squares 1), as
    COINr's; their overall sign is arbitrary in PCA (COINr keeps whatever LAPACK returns), so ikp
    fixes it so that the loadings sum to a positive number. Aggregation rescales weights to sum to
    1 within each group, so this choice does not change COINr-style scores. Loadings of mixed
    sign give negative weights, which ikp's aggregation refuses."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise MethodError(f"pca_weights needs a 2-D array (regions x indicators), got {arr.ndim}-D")
    k = arr.shape[1]
    if k == 0:
        raise MethodError("pca_weights needs at least one indicator")
    complete = arr[~np.isnan(arr).any(axis=1)]
    if complete.shape[0] < 2:
        raise MethodError(
            f"PCA weights need at least 2 regions with no missing value; found {complete.shape[0]}"
            " (impute first)"
        )
    sd = complete.std(axis=0, ddof=1)
    if np.any(~(sd > 0)):
        bad = [int(j) for j in np.nonzero(~(sd > 0))[0]]
        raise MethodError(f"PCA weights: indicator column(s) {bad} are constant on complete rows")
    z = (complete - complete.mean(axis=0)) / sd
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    load = vt[0].copy()
    total = load.sum()
    if total < 0 or (total == 0 and load[np.nonzero(load)[0][0]] < 0):
        load = -load
    result: FloatArray = load.astype(np.float64)
    return result


def parse_judgement(value: object) -> float:
    """One pairwise judgement: a number or a fraction written as text (``"1/3"``, ``"3"``).
    Raises :class:`MethodError` for anything else (booleans, empty text, ``"1/0"``)."""
    if isinstance(value, bool):
        raise MethodError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        num, sep, den = text.partition("/")
        try:
            top = float(num)
            bottom = float(den) if sep else 1.0
        except ValueError:
            raise MethodError(f"{value!r} is not a number or a fraction like 1/3") from None
        if bottom == 0:
            raise MethodError(f"{value!r} divides by zero")
        return top / bottom
    raise MethodError(f"{value!r} is not a number or a fraction like 1/3")


def parse_ahp(entry: object) -> tuple[FloatArray, tuple[str, ...] | None]:
    """A framework file's AHP entry: either ``{matrix: [[...]], order: [codes]}`` or a bare
    matrix (rows in the order of the node's children). Entries may be numbers or fractions as
    text. Returns the matrix as floats and the order (``None`` for a bare matrix)."""
    order: tuple[str, ...] | None = None
    rows = entry
    if isinstance(entry, dict):
        unknown = sorted(set(entry) - {"matrix", "order"})
        if unknown:
            raise MethodError(f"unknown key(s) {unknown}; an AHP entry has 'matrix' and 'order'")
        if "matrix" not in entry:
            raise MethodError("the AHP entry has no 'matrix'")
        rows = entry["matrix"]
        if entry.get("order") is not None:
            if not isinstance(entry["order"], list) or not all(
                isinstance(c, str) for c in entry["order"]
            ):
                raise MethodError("'order' must be a list of node codes")
            order = tuple(entry["order"])
    if not isinstance(rows, list | tuple) or not all(isinstance(r, list | tuple) for r in rows):
        raise MethodError("the AHP matrix must be a list of rows (lists of numbers)")
    n = len(rows)
    if n == 0 or any(len(r) != n for r in rows):
        raise MethodError(
            f"the AHP matrix must be square; its rows have lengths {[len(r) for r in rows]}"
        )
    out = np.empty((n, n), dtype=np.float64)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            try:
                out[i, j] = parse_judgement(value)
            except MethodError as exc:
                raise MethodError(f"row {i + 1}, column {j + 1}: {exc}") from None
    if order is not None and len(order) != n:
        raise MethodError(f"'order' names {len(order)} nodes but the matrix is {n}x{n}")
    return out, order


def ahp_node_weights(
    entry: object, children: tuple[str, ...], reciprocal_tol: float = 0.05
) -> tuple[dict[str, float], AhpResult]:
    """The weights of one node's ``children`` from its AHP entry (see :func:`parse_ahp`), and the
    :class:`AhpResult` with the consistency ratio. ``order`` (if given) must name exactly the
    children; a bare matrix follows the children's order. The result is computed even when the
    CR is above 0.1: the caller decides whether that is a warning or an error."""
    matrix, order = parse_ahp(entry)
    if order is None:
        order = children
        if len(children) != matrix.shape[0]:
            raise MethodError(
                f"the matrix is {matrix.shape[0]}x{matrix.shape[0]} but the node has "
                f"{len(children)} children: {', '.join(children)}"
            )
    else:
        missing = [c for c in children if c not in order]
        extra = [c for c in order if c not in children]
        twice = sorted({c for c in order if order.count(c) > 1})
        if missing or extra or twice:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing))
            if extra:
                parts.append("not children " + ", ".join(extra))
            if twice:
                parts.append("named twice " + ", ".join(twice))
            raise MethodError(
                "'order' must name each child exactly once ("
                + "; ".join(parts)
                + "); children: "
                + ", ".join(children)
            )
    result = ahp_weights(matrix, allow_inconsistent=True, reciprocal_tol=reciprocal_tol)
    return dict(zip(order, (float(w) for w in result.weights), strict=True)), result
