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
from ikp.run import IndexRun
from ikp.steps import Impute, Normalize, Rescale, Step, Treat, Weight

__all__ = [
    "IncidentCounts",
    "Window",
    "compare_live",
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


def effective_weights(run: IndexRun) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Per region × indicator: the indicator's share of the index score, the product down the
    tree of its weight over the weights of its siblings present for that region (0 where the
    indicator is missing)."""
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
    return np.stack([share[c] for c in fw.indicators], axis=1)


def compare_live(published: IndexRun, live: IndexRun) -> pd.DataFrame:
    """Per region: ``score_published``, ``score_live``, ``delta``, ``class_published``,
    ``class_live`` (labels), ``contributions`` (indicator → points of the change, non-zero
    only) and ``residual`` (the change the contributions do not explain; 0 for arithmetic
    aggregation)."""
    fw = published.framework
    root = fw.root

    def parts(run: IndexRun) -> tuple[pd.DataFrame, np.ndarray[Any, Any]]:
        scores = run.data["scores"]
        values = np.nan_to_num(np.asarray(scores.select(fw.indicators).values))
        res = run.results()
        res = res[res["node_code"] == root].set_index("region_code")
        return res.reindex(list(scores.regions)), effective_weights(run) * values

    pub, pub_part = parts(published)
    now, now_part = parts(live)
    if list(pub.index) != list(now.index):
        raise IkpError("the live run must hold the published run's regions, in the same order")
    change = now_part - pub_part
    delta = now["score"].to_numpy(dtype=float) - pub["score"].to_numpy(dtype=float)
    contributions = []
    for row in change:
        nz = np.nonzero(np.abs(row) > 1e-12)[0]
        contributions.append({fw.indicators[j]: float(row[j]) for j in nz})
    return pd.DataFrame(
        {
            "region_code": list(pub.index),
            "score_published": pub["score"].to_numpy(dtype=float),
            "score_live": now["score"].to_numpy(dtype=float),
            "delta": delta,
            "class_published": pub["class"].tolist(),
            "class_live": now["class"].tolist(),
            "rank_published": pub["rank"].to_numpy(dtype=float),
            "rank_live": now["rank"].to_numpy(dtype=float),
            "contributions": contributions,
            "residual": np.nan_to_num(delta - change.sum(axis=1)),
        }
    )
