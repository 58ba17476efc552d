"""Statistical audit of a finished run (OECD/JRC Handbook 2008, step 5; COINr's analysis tools).

``audit(run)`` works on the run's ``aggregated`` dataset (normalised indicators plus aggregate
scores before any rescaling) and returns an :class:`AuditResult` with four tables:

``correlations``
    Pearson and Spearman correlation of every node with its parent, with every further
    ancestor (``relation = "ancestor"``, COINr's ``withparent = "family"``; ``ancestors=False``
    keeps the parent only) and with each of its siblings (long format, both directions of a
    sibling pair), pairwise-complete like ``stats::cor(use = "pairwise.complete.obs")`` in
    COINr's ``get_corr``; ``n`` is the number of regions where both values are present, and
    ``pearson_p``/``spearman_p`` the two-sided p-values of R's ``cor.test`` (see
    :mod:`ikp.methods.cortest`). With ``pval`` set, a correlation whose p-value exceeds it is
    blanked (NaN), as COINr's ``get_corr(pval = ...)`` does. Spearman is Pearson on average
    ranks computed within the complete pairs.
``cronbach``
    Cronbach's alpha of every aggregate over its children, COINr's ``get_cronbach``:
    ``alpha = k/(k-1) · (1 - Σ diag(C) / Σ C)`` with ``C`` the covariance matrix of
    pairwise-complete observations (R ``cov(use = "pairwise.complete.obs")``).
``pca``
    Per aggregate: eigenvalues of the correlation matrix of its children (complete rows,
    like COINr's ``get_PCA`` = ``prcomp(center = TRUE, scale = TRUE)`` after ``na.omit``), the
    share of variance of the first component and its loadings.
``flags``
    ``negative`` (correlation with the parent below ``negative_below``), ``weak`` (|r| with the
    parent below ``weak_below``, not already negative), ``redundant`` (a sibling pair with
    |r| above ``redundant_above``, reported once) and ``constant`` (zero variance, or an
    indicator left out of its parent because it was constant, see ``normalize.constant``),
    each with an English ``message`` and a Bahasa Indonesia ``message_id``.

Everything is vectorised; the whole audit of 514 regions × 77 nodes takes a few milliseconds.
Formulas and references: docs/methodology/audit.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikp._types import BoolArray, FloatArray, IntArray
from ikp.jsonsafe import records as _records
from ikp.methods.cortest import pearson_pvalue, spearman_pvalue

if TYPE_CHECKING:
    from ikp.framework import Framework
    from ikp.run import IndexRun

FLAG_KINDS = ("negative", "weak", "redundant", "constant")

CORRELATION_COLUMNS = (
    "node",
    "other",
    "relation",
    "level",
    "other_level",
    "parent",
    "pearson",
    "spearman",
    "n",
    "pearson_p",
    "spearman_p",
)
RELATIONS = ("parent", "ancestor", "sibling")
CRONBACH_COLUMNS = ("node", "level", "k", "n", "n_pairs_min", "alpha")
PCA_COLUMNS = (
    "node",
    "level",
    "k",
    "n",
    "pc1_share",
    "n_above_one",
    "eigenvalues",
    "loadings",
    "children",
)
FLAG_COLUMNS = ("node", "other", "kind", "value", "message", "message_id")


@dataclass(frozen=True)
class AuditThresholds:
    """Flag thresholds. ``negative_below``: a correlation with the parent below it is flagged
    (default 0: any negative correlation); ``weak_below``: |r| with the parent below it;
    ``redundant_above``: |r| between siblings above it; ``constant_tol``: a standard deviation
    at or below ``constant_tol · max(1, |mean|)`` counts as zero; ``pval``: correlations whose
    two-sided p-value exceeds it are blanked (COINr ``get_corr(pval = ...)``; ``None`` or 0
    keeps every value)."""

    negative_below: float = 0.0
    weak_below: float = 0.2
    redundant_above: float = 0.9
    constant_tol: float = 1e-12
    pval: float | None = None


@dataclass(frozen=True)
class AuditResult:
    correlations: pd.DataFrame
    cronbach: pd.DataFrame
    pca: pd.DataFrame
    flags: pd.DataFrame
    thresholds: AuditThresholds = field(default_factory=AuditThresholds)
    dataset: str = "aggregated"
    n_regions: int = 0

    def flags_of(self, kind: str) -> pd.DataFrame:
        return self.flags[self.flags["kind"] == kind].reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe content (NaN becomes ``None``)."""
        return {
            "dataset": self.dataset,
            "n_regions": self.n_regions,
            "thresholds": {
                "negative_below": self.thresholds.negative_below,
                "weak_below": self.thresholds.weak_below,
                "redundant_above": self.thresholds.redundant_above,
                "constant_tol": self.thresholds.constant_tol,
                "pval": self.thresholds.pval,
            },
            "correlations": _records(self.correlations),
            "cronbach": _records(self.cronbach),
            "pca": _records(self.pca),
            "flags": _records(self.flags),
        }


# --------------------------------------------------------------------------- public API


def audit(
    run: IndexRun,
    *,
    negative_below: float = 0.0,
    weak_below: float = 0.2,
    redundant_above: float = 0.9,
    constant_tol: float = 1e-12,
    pval: float | None = None,
    ancestors: bool = True,
    dataset: str = "aggregated",
) -> AuditResult:
    """Audit ``run``: correlations with parent, ancestors (``ancestors=False``: parent only) and
    siblings, Cronbach's alpha, PCA per group and flags. ``pval`` blanks correlations that are
    not significant at that level (COINr's ``get_corr(pval = ...)``). ``dataset`` names the
    run's dataset to use (default ``aggregated``). Indicators that the normalize step left out
    because they were constant (``normalize.constant: coinr``) are flagged ``constant``."""
    if dataset not in run.data:
        raise ValueError(
            f"the run has no {dataset!r} dataset (it has {sorted(run.data)}); "
            "apply the aggregate step first"
        )
    data = run.data[dataset]
    thresholds = AuditThresholds(negative_below, weak_below, redundant_above, constant_tol, pval)
    try:
        dropped = dict(run.artefact("normalize").get("constant", {}).get("dropped", {}))
    except KeyError:
        dropped = {}
    return audit_matrix(
        run.framework,
        data.columns,
        data.values,
        thresholds=thresholds,
        ancestors=ancestors,
        dropped_constant=dropped,
        dataset=dataset,
    )


def audit_matrix(
    framework: Framework,
    columns: Sequence[str],
    values: FloatArray,
    *,
    thresholds: AuditThresholds | None = None,
    ancestors: bool = True,
    dropped_constant: Mapping[str, float | None] | None = None,
    dataset: str = "aggregated",
) -> AuditResult:
    """The audit of a regions × nodes matrix whose ``columns`` are framework node codes (nodes
    absent from ``columns`` are skipped). ``dropped_constant``: indicator code → its constant
    raw value, for indicators left out of their parent because they were constant."""
    th = thresholds or AuditThresholds()
    x = np.asarray(values, dtype=np.float64)
    cols = list(columns)
    pos = {c: j for j, c in enumerate(cols)}
    fw = framework

    # ---- node pairs: (node, parent), (node, further ancestors) and ordered sibling pairs
    a_idx: list[int] = []
    b_idx: list[int] = []
    rel: list[str] = []
    for code in cols:
        node = fw.nodes.get(code)
        if node is None or node.parent is None or node.parent not in pos:
            continue
        a_idx.append(pos[code])
        b_idx.append(pos[node.parent])
        rel.append("parent")
        up = fw.nodes[node.parent].parent
        while ancestors and up is not None:
            if up in pos:
                a_idx.append(pos[code])
                b_idx.append(pos[up])
                rel.append("ancestor")
            up = fw.nodes[up].parent
        for sib in fw.children(node.parent):
            if sib != code and sib in pos:
                a_idx.append(pos[code])
                b_idx.append(pos[sib])
                rel.append("sibling")
    ia = np.array(a_idx, dtype=np.int64)
    ib = np.array(b_idx, dtype=np.int64)
    pearson, spearman, n_pair = paired_correlations(x[:, ia], x[:, ib])
    pearson_p, spearman_p = correlation_pvalues(x[:, ia], x[:, ib], pearson, spearman, n_pair)
    if th.pval:
        pearson = np.where(pearson_p > th.pval, np.nan, pearson)
        spearman = np.where(spearman_p > th.pval, np.nan, spearman)
    names = np.array(cols, dtype=object)
    correlations = pd.DataFrame(
        {
            "node": names[ia].astype(str) if ia.size else np.array([], dtype=str),
            "other": names[ib].astype(str) if ib.size else np.array([], dtype=str),
            "relation": rel,
            "level": [fw.nodes[cols[i]].level for i in ia],
            "other_level": [fw.nodes[cols[i]].level for i in ib],
            "parent": [fw.nodes[cols[i]].parent for i in ia],
            "pearson": pearson,
            "spearman": spearman,
            "n": n_pair,
            "pearson_p": pearson_p,
            "spearman_p": spearman_p,
        },
        columns=list(CORRELATION_COLUMNS),
    )

    # ---- Cronbach's alpha and PCA per aggregate
    cron_rows: list[dict[str, Any]] = []
    pca_rows: list[dict[str, Any]] = []
    for code in fw.aggregates:
        # a child without any value (a constant indicator left out of its parent) is not part
        # of the group, as it is not part of the aggregate
        kids = [k for k in fw.children(code) if k in pos and not np.isnan(x[:, pos[k]]).all()]
        level = fw.nodes[code].level
        block = x[:, [pos[k] for k in kids]] if kids else np.empty((x.shape[0], 0))
        complete = block[~np.isnan(block).any(axis=1)] if kids else block
        present = (~np.isnan(block)).astype(np.float64)
        pairs = present.T @ present
        cron_rows.append(
            {
                "node": code,
                "level": level,
                "k": len(kids),
                "n": int(complete.shape[0]),
                "n_pairs_min": int(pairs.min()) if kids else 0,
                "alpha": cronbach_alpha(block),
            }
        )
        eig, loadings = pca_correlation(complete)
        total = float(eig.sum()) if eig.size else float("nan")
        pca_rows.append(
            {
                "node": code,
                "level": level,
                "k": len(kids),
                "n": int(complete.shape[0]),
                "pc1_share": float(eig[0] / total) if eig.size and total > 0 else float("nan"),
                "n_above_one": int((eig > 1.0).sum()),
                "eigenvalues": [float(v) for v in eig],
                "loadings": [float(v) for v in loadings],
                "children": kids,
            }
        )
    cronbach = pd.DataFrame(cron_rows, columns=list(CRONBACH_COLUMNS))
    pca = pd.DataFrame(pca_rows, columns=list(PCA_COLUMNS))

    # ---- flags
    flags = _flags(fw, cols, x, correlations, th, dict(dropped_constant or {}))
    return AuditResult(
        correlations=correlations,
        cronbach=cronbach,
        pca=pca,
        flags=flags,
        thresholds=th,
        dataset=dataset,
        n_regions=int(x.shape[0]),
    )


# --------------------------------------------------------------------------- statistics


def paired_correlations(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray, IntArray]:
    """Column-wise Pearson and Spearman correlations of ``a[:, j]`` with ``b[:, j]`` over the
    rows where both are present (pairwise-complete), and the number of those rows."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.ndim != 2 or a.shape != b.shape:
        raise ValueError(f"a and b must be 2-D of the same shape; got {a.shape} and {b.shape}")
    ok: BoolArray = ~(np.isnan(a) | np.isnan(b))
    n = ok.sum(axis=0)
    pearson = _pearson_masked(a, b, ok, n)
    if a.shape[1] == 0 or a.shape[0] == 0:
        return pearson, pearson.copy(), n.astype(np.int64)
    from scipy.stats import rankdata  # imported here: scipy.stats costs ~1.5 s to import

    # ranks within the complete pairs: missing cells become +inf (ranked last) and are dropped
    ra = rankdata(np.where(ok, a, np.inf), method="average", axis=0).astype(np.float64)
    rb = rankdata(np.where(ok, b, np.inf), method="average", axis=0).astype(np.float64)
    spearman = _pearson_masked(ra, rb, ok, n)
    return pearson, spearman, n.astype(np.int64)


def _pearson_masked(a: FloatArray, b: FloatArray, ok: BoolArray, n: Any) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        a0 = np.where(ok, a, 0.0)
        b0 = np.where(ok, b, 0.0)
        ma = a0.sum(axis=0) / n
        mb = b0.sum(axis=0) / n
        da = np.where(ok, a - ma, 0.0)
        db = np.where(ok, b - mb, 0.0)
        sab = (da * db).sum(axis=0)
        saa = (da * da).sum(axis=0)
        sbb = (db * db).sum(axis=0)
        denom = np.sqrt(saa * sbb)
        scale_a = np.maximum(np.abs(ma), 1.0)
        scale_b = np.maximum(np.abs(mb), 1.0)
        # a (numerically) constant column has no defined correlation
        tiny = (saa <= (1e-24 * scale_a**2) * n) | (sbb <= (1e-24 * scale_b**2) * n)
        r = np.where((n >= 2) & ~tiny & (denom > 0), sab / denom, np.nan)
    return np.clip(np.asarray(r, dtype=np.float64), -1.0, 1.0)


def correlation_pvalues(
    a: FloatArray, b: FloatArray, pearson: FloatArray, spearman: FloatArray, n: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Two-sided ``cor.test`` p-values of the column-wise correlations of ``a`` with ``b``
    computed by :func:`paired_correlations` (Spearman's exact/AS 89 branch needs to know
    whether either column has ties among the complete pairs)."""
    ok = ~(np.isnan(a) | np.isnan(b))
    ties = _has_ties(np.where(ok, a, np.nan)) | _has_ties(np.where(ok, b, np.nan))
    return pearson_pvalue(pearson, n), spearman_pvalue(spearman, n, ties)


def _has_ties(x: FloatArray) -> BoolArray:
    """Per column: does any non-missing value occur more than once?"""
    if x.shape[0] < 2:
        return np.zeros(x.shape[1], dtype=bool)
    srt = np.sort(x, axis=0)  # NaN sorts last
    return np.asarray(((srt[1:] == srt[:-1]) & ~np.isnan(srt[1:])).any(axis=0), dtype=bool)


def pairwise_covariance(x: FloatArray) -> tuple[FloatArray, IntArray]:
    """Covariance matrix of the columns of ``x`` from pairwise-complete observations, as R's
    ``cov(x, use = "pairwise.complete.obs")``: entry (i, j) uses the rows where both columns
    are present, with their own means and denominator ``n_ij - 1`` (NaN when ``n_ij < 2``).
    Also returns the matrix of ``n_ij``."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("x must be 2-D (rows × items)")
    ok = ~np.isnan(x)
    okf = ok.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        # shift each column by its own mean first (covariances do not change) to keep the
        # one-pass sums below free of cancellation
        centre = np.where(ok.any(axis=0), np.nanmean(np.where(ok, x, np.nan), axis=0), 0.0)
    z = np.where(ok, x - centre, 0.0)
    n = okf.T @ okf
    s = z.T @ okf  # s[i, j]: sum of column i over the rows where j is present (and i)
    cross = z.T @ z
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (cross - s * s.T / n) / (n - 1.0)
    cov = np.where(n >= 2, cov, np.nan)
    return np.asarray(cov, dtype=np.float64), n.astype(np.int64)


def cronbach_alpha(x: FloatArray) -> float:
    """Cronbach's alpha of the ``k`` columns of ``x``, COINr's ``get_cronbach``:
    ``k/(k-1) · (1 - Σ diag(C) / Σ C)`` with ``C`` the covariance matrix of pairwise-complete
    observations (:func:`pairwise_covariance`); undefined entries of ``C`` are left out of the
    sums (R ``sum(..., na.rm = TRUE)``). Without missing values this is the classic
    ``k/(k-1) · (1 - Σ var(x_i) / var(Σ x_i))``. NaN for fewer than two columns or when
    ``Σ C`` is 0."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("x must be 2-D (rows × items)")
    k = x.shape[1]
    if k < 2:
        return float("nan")
    cov, _ = pairwise_covariance(x)
    total = float(np.nansum(cov))
    if total == 0.0 or not np.isfinite(total):
        return float("nan")
    return float(k / (k - 1) * (1.0 - float(np.nansum(np.diag(cov))) / total))


def pca_correlation(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Eigenvalues (descending) of the correlation matrix of the columns of ``x`` (complete
    rows; constant columns are left out) and the first component's loadings (unit length,
    sign chosen so they sum to a positive number; 0 for left-out columns)."""
    x = np.asarray(x, dtype=np.float64)
    x = x[~np.isnan(x).any(axis=1)] if x.size else x
    n, k = x.shape
    loadings = np.full(k, np.nan)
    if n < 2 or k == 0:
        return np.empty(0), loadings
    sd = x.std(axis=0, ddof=1)
    keep = sd > 1e-12 * np.maximum(1.0, np.abs(x.mean(axis=0)))
    if not keep.any():
        return np.empty(0), loadings
    z = (x[:, keep] - x[:, keep].mean(axis=0)) / sd[keep]
    corr = (z.T @ z) / (n - 1)
    eig, vec = np.linalg.eigh(corr)
    order = np.argsort(eig)[::-1]
    eig = np.clip(eig[order], 0.0, None)
    first = vec[:, order[0]]
    if first.sum() < 0:
        first = -first
    loadings[:] = 0.0
    loadings[keep] = first
    return eig.astype(np.float64), loadings


# --------------------------------------------------------------------------- flags


def _flags(
    fw: Framework,
    cols: list[str],
    x: FloatArray,
    corr: pd.DataFrame,
    th: AuditThresholds,
    dropped: Mapping[str, float | None],
) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []

    def name(code: str, lang: str) -> str:
        label = fw.level_name(fw.nodes[code].level, lang)
        return f"{label[:1].upper()}{label[1:]} {code}"

    parent_rows = corr[corr["relation"] == "parent"]
    for node, parent, r in zip(
        parent_rows["node"], parent_rows["other"], parent_rows["pearson"], strict=True
    ):
        if not np.isfinite(r):
            continue
        if r < th.negative_below:
            rows.append(
                {
                    "node": node,
                    "other": parent,
                    "kind": "negative",
                    "value": float(r),
                    "message": (
                        f"{name(node, 'en')} is negatively correlated with its "
                        f"parent {parent} (r = {r:.2f}): it pulls against the rest of the group; "
                        "check its direction and its data."
                    ),
                    "message_id": (
                        f"{name(node, 'id')} berkorelasi negatif dengan induknya "
                        f"{parent} (r = {r:.2f}): nilainya berlawanan arah dengan anggota "
                        "kelompok lainnya; periksa arah (direction) dan datanya."
                    ),
                }
            )
        elif abs(r) < th.weak_below:
            rows.append(
                {
                    "node": node,
                    "other": parent,
                    "kind": "weak",
                    "value": float(r),
                    "message": (
                        f"{name(node, 'en')} is only weakly correlated with its "
                        f"parent {parent} (|r| = {abs(r):.2f} < {th.weak_below:.2f}): it has "
                        "little influence on the parent's ranking."
                    ),
                    "message_id": (
                        f"{name(node, 'id')} hanya berkorelasi lemah dengan "
                        f"induknya {parent} (|r| = {abs(r):.2f} < {th.weak_below:.2f}): "
                        "pengaruhnya terhadap peringkat induk kecil."
                    ),
                }
            )

    sib = corr[corr["relation"] == "sibling"]
    order = {c: j for j, c in enumerate(cols)}
    for node, other, r, parent in zip(
        sib["node"], sib["other"], sib["pearson"], sib["parent"], strict=True
    ):
        if order[node] > order[other] or not np.isfinite(r) or abs(r) <= th.redundant_above:
            continue
        rows.append(
            {
                "node": node,
                "other": other,
                "kind": "redundant",
                "value": float(r),
                "message": (
                    f"{node} and {other} (both in {parent}) are very highly correlated "
                    f"(r = {r:.2f}, |r| > {th.redundant_above:.2f}): they may measure the same "
                    "thing and count it twice."
                ),
                "message_id": (
                    f"{node} dan {other} (keduanya dalam {parent}) berkorelasi sangat tinggi "
                    f"(r = {r:.2f}, |r| > {th.redundant_above:.2f}): keduanya mungkin mengukur "
                    "hal yang sama sehingga terhitung dua kali."
                ),
            }
        )

    with np.errstate(invalid="ignore"):
        present = (~np.isnan(x)).sum(axis=0)
        mean = np.where(present > 0, np.nansum(x, axis=0) / np.maximum(present, 1), np.nan)
        sd = np.sqrt(
            np.where(
                present > 0,
                np.nansum((x - mean) ** 2, axis=0) / np.maximum(present, 1),
                np.nan,
            )
        )
    for code, raw in dropped.items():
        if code not in fw.nodes:
            continue
        parent = fw.nodes[code].parent
        shown = "" if raw is None else f" ({raw:.4g})"
        rows.append(
            {
                "node": code,
                "other": parent,
                "kind": "constant",
                "value": raw,
                "message": (
                    f"{name(code, 'en')} has the same value{shown} in every region with data: "
                    "its normalisation is undefined (0/0), so it was left out and the weights of "
                    f"the other children of {parent} were rescaled (normalize.constant: coinr)."
                ),
                "message_id": (
                    f"{name(code, 'id')} bernilai sama{shown} di semua wilayah yang berdata: "
                    "normalisasinya tidak terdefinisi (0/0), sehingga indikator ini tidak dihitung "
                    f"dan bobot anggota {parent} lainnya disesuaikan (normalize.constant: coinr)."
                ),
            }
        )
    for j, code in enumerate(cols):
        if code not in fw.nodes or present[j] == 0 or code in dropped:
            continue
        if sd[j] <= th.constant_tol * max(1.0, abs(float(mean[j]))):
            value = float(mean[j])
            rows.append(
                {
                    "node": code,
                    "other": None,
                    "kind": "constant",
                    "value": value,
                    "message": (
                        f"{name(code, 'en')} has the same value ({value:.4g}) in "
                        "every region with data: it carries no information and its correlations "
                        "are undefined."
                    ),
                    "message_id": (
                        f"{name(code, 'id')} bernilai sama ({value:.4g}) di semua "
                        "wilayah yang berdata: tidak membawa informasi dan korelasinya tidak "
                        "terdefinisi."
                    ),
                }
            )
    return pd.DataFrame(rows, columns=list(FLAG_COLUMNS))


# --------------------------------------------------------------------------- helpers
