"""The results of one computation in the shapes the maps, rankings and profiles need, cached
for published computations (process memory, then Django's cache), and their placement on
today's map for editions on an older region edition."""

from __future__ import annotations

import functools
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from django.core.cache import cache

from ikp.framework import Framework
from ikp.methods import classify as cls
from ikp.regions import crosswalk, expand_to_edition
from ikp_web.apps.dashboards.queries.choices import (
    CACHE_SECONDS,
    Choice,
    Labels,
    cutoffs_for,
    framework_of,
    labels_of,
)
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Result

# --------------------------------------------------------------------------- results


class Row(NamedTuple):
    score: float | None
    rank: float | None
    klass: str
    rank_p05: float | None
    rank_p95: float | None
    rank_median: float | None
    probs: dict[str, float]
    reliability: float | None
    source: str


@dataclass
class CompData:
    """The aggregate results (index, dimensions, sub-dimensions) of one computation."""

    nodes: dict[str, dict[str, Row]] = field(default_factory=dict)
    node_order: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    province_of: dict[str, str] = field(default_factory=dict)
    province_names: dict[str, str] = field(default_factory=dict)
    cutoffs: dict[str, tuple[float, ...]] = field(default_factory=dict)
    n_scored: dict[str, int] = field(default_factory=dict)
    national_mean: dict[str, float] = field(default_factory=dict)
    province_mean: dict[str, dict[str, float]] = field(default_factory=dict)


class _LocalCache:
    """A small per-process LRU in front of Django's cache for derived data of published
    computations: reading it back needs no unpickling (Django's LocMemCache pickles every
    value, which costs more than the page for 8,000 results). Keys name an immutable
    computation, so entries never go stale."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            if key not in self.items:
                return None
            self.items.move_to_end(key)
            return self.items[key]

    def set(self, key: str, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


local_cache = _LocalCache()


def cached(choice: Choice, name: str, build: Callable[[], Any]) -> Any:
    """``build()`` once per published computation and ``name`` (process memory, then Django's
    cache); unpublished computations are built on every call."""
    if not choice.cacheable:
        return build()
    key = f"{choice.cache_key}:{name}"
    value = local_cache.get(key)
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    local_cache.set(key, value)
    return value


def comp_data(choice: Choice) -> CompData:
    """The aggregate results of the choice's computation (cached when published)."""
    data: CompData = cached(choice, "data", lambda: _load(choice))
    return data


def _load(choice: Choice) -> CompData:
    fw = framework_of(choice.edition)
    rows = Result.objects.filter(computation=choice.comp, level__gte=2).values_list(
        "region__code",
        "region__name",
        "region__province_code",
        "node_code",
        "score",
        "rank",
        "klass",
        "rank_p05",
        "rank_p95",
        "rank_median",
        "class_probabilities",
        "reliability",
        "source",
    )
    data = CompData()
    for code, name, prov, node, *values in rows:
        data.names[code] = name
        data.province_of[code] = prov
        data.nodes.setdefault(node, {})[code] = Row(
            values[0],
            values[1],
            values[2] or "",
            values[3],
            values[4],
            values[5],
            dict(values[6] or {}),
            values[7],
            values[8] or "",
        )
    data.province_names = dict(
        Region.objects.filter(edition=choice.region_edition, level=1).values_list("code", "name")
    )
    order = {code: i for i, code in enumerate(tree_order(fw))}
    data.node_order = sorted(data.nodes, key=lambda c: (order.get(c, len(order)), c))
    labels = labels_of(fw)
    for node, by_region in data.nodes.items():
        scores = [r.score for r in by_region.values() if r.score is not None]
        cut = cutoffs_for(fw, choice.level, scores)
        data.cutoffs[node] = cut
        data.n_scored[node] = len(scores)
        data.national_mean[node] = float(np.mean(scores)) if scores else math.nan
        if any(not r.klass and r.score is not None for r in by_region.values()):
            _fill_classes(by_region, cut, labels)
        per_prov: dict[str, list[float]] = {}
        for code, row in by_region.items():
            if row.score is not None:
                per_prov.setdefault(data.province_of[code], []).append(row.score)
        data.province_mean[node] = {p: float(np.mean(v)) for p, v in per_prov.items()}
    return data


def tree_order(fw: Framework) -> list[str]:
    """The framework's nodes depth-first from the index (IKP, D1, D1.S1, …, I01, …)."""
    out: list[str] = []

    def walk(code: str) -> None:
        out.append(code)
        for kid in fw.nodes[code].children:
            walk(kid)

    walk(fw.root)
    return out


def _fill_classes(by_region: dict[str, Row], cut: Sequence[float], labels: Labels) -> None:
    """Classes for stored results without one, from the framework's cut-offs (core
    ``ikp.methods.classify``)."""
    codes = [c for c, r in by_region.items() if not r.klass and r.score is not None]
    scores = np.array([by_region[c].score for c in codes], dtype=np.float64)
    if any(math.isnan(c) for c in cut):
        return
    idx = cls.classify(scores, cut)
    for code, i in zip(codes, idx.tolist(), strict=True):
        if 0 <= i < len(labels.id):
            by_region[code] = by_region[code]._replace(klass=labels.id[i])


# --------------------------------------------------------------------------- region editions


class Placed(NamedTuple):
    """A result placed on today's map: the row, the region code it belongs to in its own
    region edition, and the other codes it is also shown on (a province split since)."""

    row: Row
    source_code: str
    shared_with: tuple[str, ...]


def on_current_map(choice: Choice, rows: Mapping[str, Row]) -> dict[str, Placed]:
    """Rows keyed by today's region codes. Results on an older region edition (Bawaslu's
    published IKP 2024 on the 34 provinces of 2022) go through ``ikp.regions.expand_to_edition``:
    a province split since shows its parent's value on each successor."""
    if choice.region_edition == "current":
        return {code: Placed(row, code, ()) for code, row in rows.items()}
    return dict(_placed(choice.region_edition, choice.level, rows))


def _placed(region_edition: str, level: str, rows: Mapping[str, Row]) -> list[tuple[str, Placed]]:
    values = {c: (r.score if r.score is not None else math.nan) for c, r in rows.items()}
    expanded = expand_to_edition(values, from_edition=region_edition, to_edition="current")
    successors = successor_map(region_edition, level)
    predecessors = {kid: src for src, kids in successors.items() for kid in kids}
    out = []
    for code in sorted(expanded):
        source = predecessors.get(code, code)
        if source not in rows:
            continue
        kids = successors.get(source, (code,))
        shared = tuple(k for k in kids if k != code) if len(kids) > 1 else ()
        out.append((code, Placed(rows[source], source, shared)))
    return out


@functools.lru_cache(maxsize=8)
def successor_map(region_edition: str, level: str) -> dict[str, tuple[str, ...]]:
    """Region code in ``region_edition`` → today's codes it became."""
    cw = crosswalk(region_edition, "current", level=1 if level == "province" else 2)
    out: dict[str, list[str]] = {}
    for a, b, _relation in cw.itertuples(index=False, name=None):
        out.setdefault(str(a), []).append(str(b))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def source_code(choice: Choice, current_code: str) -> str:
    """The code a region of today's map has in the choice's region edition."""
    if choice.region_edition == "current":
        return current_code
    for source, kids in successor_map(choice.region_edition, choice.level).items():
        if current_code in kids:
            return source
    return current_code
