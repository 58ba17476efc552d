"""The live index: verified incidents in a window, on the published snapshot's scale.

Three pure steps, no Django:

1. :func:`incident_counts` counts incidents (region code, indicator, level of incidence, time)
   inside a :class:`Window` into a region × indicator × level array, vectorised (200,000
   incidents in a few tens of milliseconds), and weights them by the framework's incidence-level
   weights into a region × indicator :class:`~ikp.dataset.Dataset`.
2. :func:`live_inputs` adds those weighted counts to the published snapshot's raw inputs (a
   cell missing in the snapshot and evidenced by incidents takes the incidents' value; a cell
   missing and without incidents stays missing).
3. :func:`live_run` computes the live inputs with the published run's methods and **fixed**
   to the published run: its outlier limits and min-max bounds (:mod:`ikp.coverage`: goal-posts
   at the published minimum and maximum, truncated), and its final weights. A region's live
   score therefore moves only because its own inputs moved; every other region keeps its
   published score exactly. A value beyond the published range scores 100 (the published scale
   has no room above its maximum).

:func:`compare_live` then lays the two runs side by side per region: score and class now and
published, the change, and the **contribution** of each indicator to the change. With the
arithmetic aggregation and no rescaling (IKP 2024), a region's index score is
``Σ_i e_i · n_i``: ``n_i`` the indicator's normalised value, ``e_i`` its effective weight (the
product, down the tree, of each node's weight divided by the weights of its siblings present for
that region). The contribution of indicator ``i`` is ``e_i' · n_i' − e_i · n_i`` (live minus
published); the contributions sum to the score change. For other aggregations the sum is not
exact and the rest is reported as ``residual``. docs/live-index.md has the details.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ikp.coverage import Reference, bounds_of
from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.issues import IkpError
from ikp.methods import classify as cls
from ikp.run import IndexRun
from ikp.steps import Impute, Normalize, Rescale, Step, Treat, Weight

__all__ = [
    "IncidentCounts",
    "Window",
    "compare_live",
    "compare_live_nodes",
    "effective_weights",
    "node_shares",
    "fixed_steps",
    "incident_counts",
    "live_inputs",
    "live_run",
]


@dataclass(frozen=True)
class Window:
    """Incidents with ``start <= occurred_at < end`` count (an open end: no limit)."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    @classmethod
    def last(cls, days: int, now: dt.datetime) -> Window:
        return cls(start=now - dt.timedelta(days=days), end=None)

    def mask(self, occurred_at: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """Which of ``occurred_at`` (datetime64, UTC) fall inside the window."""
        keep = np.ones(len(occurred_at), dtype=bool)
        if self.start is not None:
            keep &= occurred_at >= _utc64(self.start)
        if self.end is not None:
            keep &= occurred_at < _utc64(self.end)
        return keep


def _utc64(value: dt.datetime) -> np.datetime64:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return np.datetime64(value, "ns")


@dataclass(frozen=True)
class IncidentCounts:
    """``counts[r, i, l]``: incidents of region ``regions[r]``, indicator ``indicators[i]``,
    level ``levels[l]`` in the window; ``weighted``: Σ count × level weight per region ×
    indicator; ``n_in_window``: incidents counted; ``n_ignored``: incidents in the window whose
    region, indicator or level is not in the edition."""

    regions: tuple[str, ...]
    indicators: tuple[str, ...]
    levels: tuple[str, ...]
    counts: np.ndarray[Any, np.dtype[np.int64]]
    weighted: Dataset
    n_in_window: int
    n_ignored: int

    def long(self) -> pd.DataFrame:
        """The non-zero counts as rows: region_code, indicator_code, level, count."""
        r, i, lv = np.nonzero(self.counts)
        return pd.DataFrame(
            {
                "region_code": np.asarray(self.regions, dtype=object)[r],
                "indicator_code": np.asarray(self.indicators, dtype=object)[i],
                "level": np.asarray(self.levels, dtype=object)[lv],
                "count": self.counts[r, i, lv],
            }
        )


def incident_counts(
    incidents: pd.DataFrame | Mapping[str, Any],
    framework: Framework,
    regions: Sequence[str],
    window: Window,
) -> IncidentCounts:
    """Count ``incidents`` (columns ``region_code``, ``indicator_code``, ``incidence_level``,
    ``occurred_at``; without ``occurred_at`` only with an open ``Window()``: the caller chose
    them) inside ``window`` per region × indicator × level. Regions, indicators or
    levels unknown to ``regions`` / ``framework`` are counted in ``n_ignored``; a framework
    without incidence levels counts every incident at one level ``""`` of weight 1."""
    weights = framework.incidence_weights() or {"": 1.0}
    levels = tuple(weights)
    indicators = framework.indicators
    regions = tuple(regions)
    frame = incidents if isinstance(incidents, pd.DataFrame) else pd.DataFrame(dict(incidents))
    if "occurred_at" in frame.columns:
        when = pd.to_datetime(frame["occurred_at"], utc=True).dt.tz_localize(None).to_numpy()
        inside = window.mask(when)
    elif window.start is None and window.end is None:
        inside = np.ones(len(frame), dtype=bool)  # already chosen, e.g. by a database query
    else:
        raise ValueError("incidents without an occurred_at column need an open Window()")
    r = _positions(regions, frame["region_code"].to_numpy()[inside])
    i = _positions(indicators, frame["indicator_code"].to_numpy()[inside])
    lv = (
        _positions(levels, frame["incidence_level"].to_numpy()[inside])
        if levels != ("",)
        else np.zeros(int(inside.sum()), dtype=np.int64)
    )
    known = (r >= 0) & (i >= 0) & (lv >= 0)
    shape = (len(regions), len(indicators), len(levels))
    flat = np.ravel_multi_index((r[known], i[known], lv[known]), shape)
    counts = np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape).astype(np.int64)
    w = np.array([weights[x] for x in levels], dtype=np.float64)
    weighted = Dataset(regions, indicators, counts @ w)
    return IncidentCounts(
        regions=regions,
        indicators=indicators,
        levels=levels,
        counts=counts,
        weighted=weighted,
        n_in_window=int(known.sum()),
        n_ignored=int((~known).sum()),
    )


def _positions(labels: Sequence[str], values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The position of each value in ``labels`` (-1 when absent)."""
    return np.asarray(pd.Index(labels).get_indexer(pd.Index(values)), dtype=np.int64)


def live_inputs(published: Dataset, weighted: Dataset) -> Dataset:
    """The published raw inputs plus the weighted incident counts (matched by region and
    indicator; regions or indicators only in ``weighted`` are left out). A cell missing in
    ``published`` takes the incidents' value when there are any, else stays missing."""
    add = np.zeros(published.shape)
    rows = {code: k for k, code in enumerate(weighted.regions)}
    cols = {code: k for k, code in enumerate(weighted.columns)}
    ri = np.array([rows.get(code, -1) for code in published.regions])
    ci = np.array([cols.get(code, -1) for code in published.columns])
    if len(ri) and len(ci):
        take = np.asarray(weighted.values)[np.ix_(np.maximum(ri, 0), np.maximum(ci, 0))]
        add = np.where((ri[:, None] >= 0) & (ci[None, :] >= 0), take, 0.0)
    base = np.asarray(published.values, dtype=np.float64)
    values = np.where(np.isnan(base), np.where(add > 0, add, np.nan), base + add)
    return published.with_values(values)


def fixed_steps(published: IndexRun) -> list[Step]:
    """The published run's steps with everything fitted to its data fixed: the treatment
    limits and normalisation bounds (:meth:`ikp.coverage.Reference.steps`) and the final
    weights. Imputation and rescaling that depend on the other regions cannot be fixed and are
    refused."""
    fw = published.framework
    reference = Reference(
        source="published",
        framework_id=fw.id,
        framework_version=str(fw.version),
        region_level=published.region_level,
        input_hash=published.input_hash,
        bounds=bounds_of(published),
    )
    fixed = {type(s): s for s in reference.steps(fw, published.region_level)}
    weights = published.current_weights()
    out: list[Step] = []
    for step, entry in zip(published.steps(), published.log, strict=True):
        if isinstance(step, Impute) and published.artefacts[entry.name].get("n_imputed"):
            raise IkpError(
                "indeks langsung tidak mendukung imputasi / the live index cannot reuse a run "
                "that imputed values (imputation depends on the other regions)"
            )
        if isinstance(step, Rescale) and any(
            m != "none" for m in published.artefacts[entry.name]["methods"].values()
        ):
            raise IkpError(
                "indeks langsung tidak mendukung penskalaan ulang relatif / the live index cannot "
                "reuse a relative rescaling (it depends on the other regions)"
            )
        if isinstance(step, Treat):
            step = fixed[Treat]
        elif isinstance(step, Normalize):
            own = step.get_params()
            per = {
                **(own.get("per_indicator") or {}),
                **fixed[Normalize].get_params()["per_indicator"],
            }
            step = step.set_params(per_indicator=per)
        elif isinstance(step, Weight):
            step = Weight(method="framework", explicit=dict(weights))
        out.append(step)
    return out


def live_run(
    published: IndexRun, raw: Dataset, *, metadata: Mapping[str, Any] | None = None
) -> IndexRun:
    """Compute ``raw`` (:func:`live_inputs`) with :func:`fixed_steps` of ``published``."""
    run = IndexRun.start(
        published.framework,
        raw,
        published.region_level,
        region_names=published.region_names,
        groups=published.groups,
        metadata={**published.metadata, "live": True, **(metadata or {})},
    )
    return run.apply_all(fixed_steps(published))


def node_shares(run: IndexRun) -> dict[str, np.ndarray[Any, np.dtype[np.float64]]]:
    """Per node: its share of the index score per region, the product down the tree of its
    weight over the weights of its siblings present for that region (0 where it is missing)."""
    fw = run.framework
    scores = run.data["scores"]
    weights = run.current_weights()
    col = {c: j for j, c in enumerate(scores.columns)}
    present = ~np.isnan(np.asarray(scores.values))
    n = len(scores.regions)
    share: dict[str, np.ndarray[Any, np.dtype[np.float64]]] = {fw.root: np.ones(n)}
    for code in reversed(fw.aggregates):  # root first
        kids = fw.children(code)
        w = np.array([weights[k] for k in kids], dtype=np.float64)
        here = np.stack([present[:, col[k]] for k in kids], axis=1) * w
        total = here.sum(axis=1, keepdims=True)
        part = np.divide(here, total, out=np.zeros_like(here), where=total > 0)
        for k, kid in enumerate(kids):
            share[kid] = share[code] * part[:, k]
    return share


def effective_weights(
    run: IndexRun, node: str | None = None
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Per region × indicator under ``node`` (default the index): the indicator's share of the
    node's score (:func:`node_shares` of the indicator over that of the node; 0 where missing)."""
    return _relative(node_shares(run), run.framework, node or run.framework.root)


def _relative(
    share: Mapping[str, np.ndarray[Any, np.dtype[np.float64]]], fw: Framework, node: str
) -> np.ndarray[Any, np.dtype[np.float64]]:
    below = np.stack([share[c] for c in fw.indicators_under(node)], axis=1)
    top = share[node][:, None]
    return np.divide(below, top, out=np.zeros_like(below), where=top > 0)


@dataclass(frozen=True)
class _Side:
    """One run's pieces for the comparison: scores, ranks and node shares."""

    scores: Dataset
    ranks: np.ndarray[Any, Any]
    share: dict[str, np.ndarray[Any, np.dtype[np.float64]]]

    @classmethod
    def of(cls, run: IndexRun) -> _Side:
        return cls(run.data["scores"], np.asarray(run.data["ranks"].values), node_shares(run))

    def column(self, code: str) -> np.ndarray[Any, Any]:
        return np.asarray(self.scores.values)[:, self.scores.columns.index(code)]

    def parts(self, fw: Framework, node: str) -> np.ndarray[Any, Any]:
        """Per region × indicator under ``node``: its effective weight times its value."""
        values = np.nan_to_num(np.asarray(self.scores.select(fw.indicators_under(node)).values))
        return _relative(self.share, fw, node) * values


def compare_live(published: IndexRun, live: IndexRun, node: str | None = None) -> pd.DataFrame:
    """Per region, for ``node`` (default the index; any aggregate node: dimension,
    sub-dimension): ``score_published``, ``score_live``, ``delta``, ``class_published``,
    ``class_live`` (labels), ``rank_published``, ``rank_live``, ``contributions`` (indicator
    under the node → points of the node's change, non-zero only) and ``residual`` (the change the
    contributions do not explain; 0 for arithmetic aggregation). Live classes use the published
    run's cut-offs of the node (the published scale); a node the published run did not classify
    has no class ("")."""
    return compare_live_nodes(published, live, [node or published.framework.root])[
        node or published.framework.root
    ]


def compare_live_nodes(
    published: IndexRun,
    live: IndexRun,
    nodes: Sequence[str] | None = None,
    *,
    decimals: int | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`compare_live` for each of ``nodes`` (default every aggregate node, the index
    included), the runs' shares computed once; ``decimals``: the contributions rounded (for
    storage; which are non-zero is decided before rounding)."""
    fw = published.framework
    nodes = list(nodes) if nodes is not None else list(reversed(fw.aggregates))
    unknown = [n for n in nodes if n not in fw.aggregates]
    if unknown:
        raise IkpError(f"not aggregate nodes of {fw.id}: {', '.join(unknown)}")
    if list(published.data["scores"].regions) != list(live.data["scores"].regions):
        raise IkpError("the live run must hold the published run's regions, in the same order")
    pub, now = _Side.of(published), _Side.of(live)
    classify = published.artefact("classify")
    labels = np.array(["", *classify["labels_id"]], dtype=object)
    regions = list(published.data["scores"].regions)
    out: dict[str, pd.DataFrame] = {}
    for node in nodes:
        j = pub.scores.columns.index(node)
        below = fw.indicators_under(node)
        change = now.parts(fw, node) - pub.parts(fw, node)
        before, after = pub.column(node), now.column(node)
        delta = after - before
        cut = classify["cutoffs"].get(node)
        if cut is None:
            class_pub = class_now = np.full(len(regions), "", dtype=object)
        else:
            class_pub = labels[np.asarray(classify["classes"])[:, j].astype(int) + 1]
            class_now = labels[cls.classify(after, cut) + 1]
        moved = np.abs(change) > 1e-12
        points = change if decimals is None else np.round(change, decimals)
        any_moved = moved.any(axis=1).tolist()
        contributions = [
            {n: v for n, v, m in zip(below, row, mask, strict=True) if m} if hit else {}
            for row, mask, hit in zip(points.tolist(), moved.tolist(), any_moved, strict=True)
        ]
        out[node] = pd.DataFrame(
            {
                "region_code": regions,
                "score_published": before,
                "score_live": after,
                "delta": delta,
                "class_published": class_pub,
                "class_live": class_now,
                "rank_published": pub.ranks[:, j],
                "rank_live": now.ranks[:, j],
                "contributions": contributions,
                "residual": np.nan_to_num(delta - change.sum(axis=1)),
            }
        )
    return out
