"""Alert rules (*aturan peringatan*): pure, vectorised evaluation over a region-state table and an
incident table. No Django, no database: the web layer (``ikp_web.apps.alerts``) builds the tables
and stores what this module returns.

Inputs
------
* a **region-state table**, one row per region × component (``component`` is a node code of the
  framework: the index root such as ``IKP``, a dimension ``D1`` or a sub-dimension ``D1.S1``):
  ``region_code``, ``parent_code``, ``component``, ``published_score``, ``published_class``,
  ``current_score``, ``current_class`` and ``prob_<label>`` columns (``prob_tinggi``: the
  probability of class *tinggi* from the uncertainty analysis). "Published" is the published
  snapshot; "current" is what the index says now (the live index, or the published snapshot
  again until there is one).
* an **incident table**, one row per verified incident: ``incident_id``, ``region_code`` (the
  kab/kota), ``province_code``, ``indicator_code``, ``occurred_at`` (naive times, here and in
  ``at``, are taken as UTC).
* the rules (:class:`Rule`) and, for components above indicators, which indicator codes each
  component covers (``component_indicators``).

Output: a list of :class:`Trigger` records, one per rule × region that fires, each with the
values that made it fire and an explanation naming the indicators and incidents involved.

Kinds
-----
``class_transition``  the current class is ``to_class`` and the published one is in
                      ``from_classes`` (empty: any other class), e.g. sedang → tinggi.
``score_rise``        current score − published score > ``points``.
``spike``             verified incidents of the component's indicators in the last
                      ``window_days`` days ≥ ``min_count``, and (if ``rate_factor`` is set)
                      > ``rate_factor`` × the region's baseline (the count in the
                      ``baseline_days`` before the window, scaled to the window's length).
``prob_threshold``    P(``label``) > ``threshold``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

KINDS = ("class_transition", "score_rise", "spike", "prob_threshold")

STATE_COLUMNS = (
    "region_code",
    "parent_code",
    "component",
    "published_score",
    "published_class",
    "current_score",
    "current_class",
)
INCIDENT_COLUMNS = ("incident_id", "region_code", "province_code", "indicator_code", "occurred_at")


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: the days of verified incidents an explanation lists (and a spike counts)
    window_days: int = Field(7, ge=1, le=366)


class ClassTransitionParams(_Params):
    from_classes: list[str] = Field(default_factory=list, max_length=10)
    to_class: str = Field("tinggi", min_length=1, max_length=32)


class ScoreRiseParams(_Params):
    points: float = Field(..., gt=0, le=100)


class SpikeParams(_Params):
    min_count: int = Field(1, ge=1, le=100_000)
    rate_factor: float | None = Field(None, gt=0, le=1000)
    baseline_days: int = Field(90, ge=1, le=3660)


class ProbThresholdParams(_Params):
    label: str = Field("tinggi", min_length=1, max_length=32)
    threshold: float = Field(..., ge=0, lt=1)


PARAMS: dict[str, type[_Params]] = {
    "class_transition": ClassTransitionParams,
    "score_rise": ScoreRiseParams,
    "spike": SpikeParams,
    "prob_threshold": ProbThresholdParams,
}


def check_params(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` validated for ``kind`` and completed with defaults; raises ``ValueError``
    (a pydantic ``ValidationError`` listing every problem) when they are not valid."""
    if kind not in PARAMS:
        raise ValueError(f"Rule.kind must be one of {set(KINDS)}; got {kind!r}")
    return PARAMS[kind].model_validate(dict(params)).model_dump()


class Rule(BaseModel):
    """One rule: a stable slug, a kind, the component it watches and its parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(..., min_length=1, max_length=64)
    kind: Literal["class_transition", "score_rise", "spike", "prob_threshold"]
    component: str = Field("IKP", min_length=1, max_length=32)
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _valid_params(self) -> Rule:
        object.__setattr__(self, "params", check_params(self.kind, self.params))
        return self


@dataclass(frozen=True)
class Trigger:
    """A rule that fired for a region: the values it read and why it fired."""

    rule: str
    kind: str
    region_code: str
    component: str
    values: dict[str, Any]
    explanation: dict[str, Any] = field(default_factory=dict)


def _num(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(out) else round(out, 4)


class _Incidents:
    """The incident table as arrays, prepared once per evaluation: times (ns since the epoch,
    UTC), indicator codes, and each incident's kab/kota and province as positions in
    ``codes`` (the state table's regions first)."""

    def __init__(self, incidents: pd.DataFrame, region_codes: Sequence[str]) -> None:
        times = pd.to_datetime(incidents["occurred_at"], utc=True)
        self.t = times.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        self.ids = incidents["incident_id"].to_numpy(dtype=np.int64)
        # codes as small integers (factorized once): every later test is on integers
        self.indicator, self.indicator_codes = pd.factorize(incidents["indicator_code"])
        position = {c: i for i, c in enumerate(dict.fromkeys(region_codes))}
        places = []
        for column in ("region_code", "province_code"):
            codes, uniques = pd.factorize(incidents[column])
            for code in uniques:
                position.setdefault(str(code), len(position))
            lookup = np.array([position[str(c)] for c in uniques] or [0], dtype=np.int64)
            places.append(lookup[codes])
        self.regency, self.province = places
        self.codes = list(position)
        self.position = position
        self._masks: dict[tuple[str, ...] | None, np.ndarray] = {}

    def of(self, indicators: Collection[str] | None) -> np.ndarray:
        key = None if indicators is None else tuple(sorted(indicators))
        if key not in self._masks:
            if key is None:
                self._masks[key] = np.ones(len(self.t), dtype=bool)
            else:
                wanted = np.array([str(c) in key for c in self.indicator_codes] + [False])
                self._masks[key] = wanted[self.indicator]
        return self._masks[key]

    def window(
        self, indicators: Collection[str] | None, start: pd.Timestamp, end: pd.Timestamp
    ) -> np.ndarray:
        """The positions of the incidents of ``indicators`` (all if None) in ``(start, end]``."""
        mask = self.of(indicators) & (self.t > start.value) & (self.t <= end.value)
        return np.flatnonzero(mask)

    def counts(self, rows: np.ndarray) -> np.ndarray:
        """Incidents per region position (a kab/kota's own, a province's of its kab/kota)."""
        n = len(self.codes)
        return np.bincount(self.regency[rows], minlength=n) + np.bincount(
            self.province[rows], minlength=n
        )

    def evidence(self, rows: np.ndarray, code: str) -> tuple[list[int], list[str]]:
        """The incident ids and indicator codes among ``rows`` that count for ``code``."""
        where = self.position.get(code)
        if where is None:
            return [], []
        picked = rows[(self.regency[rows] == where) | (self.province[rows] == where)]
        return (
            sorted(int(i) for i in np.unique(self.ids[picked])),
            sorted({str(self.indicator_codes[i]) for i in np.unique(self.indicator[picked])}),
        )


def _sentence(rule: Rule, values: Mapping[str, Any]) -> tuple[str, str]:
    """The explanation sentence, in Indonesian and English, naming the numbers involved."""
    c, p = rule.component, rule.params
    if rule.kind == "class_transition":
        return (
            f"Kelas {c} berubah dari {values['published_class']} menjadi "
            f"{values['current_class']} (skor {values['published_score']} → "
            f"{values['current_score']}).",
            f"{c} class changed from {values['published_class']} to {values['current_class']} "
            f"(score {values['published_score']} → {values['current_score']}).",
        )
    if rule.kind == "score_rise":
        return (
            f"Skor {c} naik {values['rise']} poin (> {p['points']}): "
            f"{values['published_score']} → {values['current_score']}.",
            f"{c} score rose by {values['rise']} points (> {p['points']}): "
            f"{values['published_score']} → {values['current_score']}.",
        )
    if rule.kind == "spike":
        return (
            f"{values['count']} kejadian terverifikasi pada {c} dalam {p['window_days']} hari "
            f"(ambang {p['min_count']}; dasar {values['baseline']}).",
            f"{values['count']} verified incidents in {c} within {p['window_days']} days "
            f"(threshold {p['min_count']}; baseline {values['baseline']}).",
        )
    return (
        f"P({p['label']}) untuk {c} = {values['probability']} (> {p['threshold']}).",
        f"P({p['label']}) for {c} = {values['probability']} (> {p['threshold']}).",
    )


def _fired_states(rule: Rule, states: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The state rows for which a state-based rule fires, and the value columns it reports."""
    p = rule.params
    rows = states
    cols = {
        "published_score": "published_score",
        "current_score": "current_score",
        "published_class": "published_class",
        "current_class": "current_class",
    }
    if rule.kind == "class_transition":
        current = rows["current_class"].astype(str)
        published = rows["published_class"].astype(str)
        mask = (current == p["to_class"]) & (published != p["to_class"])
        if p["from_classes"]:
            mask &= published.isin(p["from_classes"])
        return rows[mask], cols
    if rule.kind == "score_rise":
        rise = rows["current_score"].astype(float) - rows["published_score"].astype(float)
        fired = rows.assign(rise=rise.round(4))[rise > p["points"]]
        return fired, {**cols, "rise": "rise"}
    column = f"prob_{p['label']}"
    if column not in rows.columns:
        return rows.iloc[0:0], cols
    prob = rows[column].astype(float)
    return rows.assign(probability=prob.round(4))[prob > p["threshold"]], {
        "probability": "probability",
        "current_class": "current_class",
        "current_score": "current_score",
    }


def _spike(
    rule: Rule,
    regions: pd.DataFrame,
    incidents: _Incidents,
    indicators: Collection[str] | None,
    at: pd.Timestamp,
) -> pd.DataFrame:
    """The regions where the rule's spike condition holds, with ``count`` and ``baseline``."""
    p = rule.params
    window = pd.Timedelta(days=p["window_days"])
    before = at - window - pd.Timedelta(days=p["baseline_days"])
    where = regions["position"].to_numpy()
    count = incidents.counts(incidents.window(indicators, at - window, at))[where]
    base = incidents.counts(incidents.window(indicators, before, at - window))[where]
    baseline = np.round(base * p["window_days"] / p["baseline_days"], 4)
    mask = count >= p["min_count"]
    if p["rate_factor"] is not None:
        mask &= count > p["rate_factor"] * baseline
    fired: pd.DataFrame = regions.assign(count=count, baseline=baseline)[mask]
    return fired


def _drivers(
    rise: Mapping[tuple[str, str], float], region: str, children: Sequence[str]
) -> list[dict[str, Any]]:
    """The children of a component whose score rose most in ``region`` (at most three)."""
    found = [(c, rise.get((region, c))) for c in children]
    rising = sorted(
        ((c, float(r)) for c, r in found if r is not None and r > 0), key=lambda x: (-x[1], x[0])
    )
    return [{"component": c, "rise": round(r, 4)} for c, r in rising[:3]]


def evaluate(
    rules: Sequence[Rule],
    states: pd.DataFrame,
    incidents: pd.DataFrame | None = None,
    *,
    at: dt.datetime,
    component_indicators: Mapping[str, Collection[str]] | None = None,
    component_children: Mapping[str, Sequence[str]] | None = None,
) -> list[Trigger]:
    """Every rule × region that fires at ``at``, in rule order then region-code order.

    ``component_indicators`` maps a component code to the indicator codes under it (an
    indicator maps to itself when absent; the index root, when absent, covers every
    indicator)."""
    missing = [c for c in STATE_COLUMNS if c not in states.columns]
    if missing:
        raise ValueError(f"the region-state table lacks the columns {missing}")
    if incidents is None:
        incidents = pd.DataFrame({c: [] for c in INCIDENT_COLUMNS})
    when = pd.Timestamp(at)
    when = when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")
    regions = states.drop_duplicates("region_code")[["region_code"]].reset_index(drop=True)
    table = _Incidents(incidents, regions["region_code"].astype(str).tolist())
    regions["position"] = np.arange(len(regions))
    by_component = {str(k): v for k, v in states.groupby("component", sort=False)}
    mapping = component_indicators or {}
    children = component_children or {}
    delta = states["current_score"].astype(float) - states["published_score"].astype(float)
    rise = {
        (str(r), str(c)): float(d)
        for r, c, d in zip(states["region_code"], states["component"], delta, strict=True)
        if d == d  # not NaN
    }
    root_codes = set(by_component) - set(mapping)
    out: list[Trigger] = []
    for rule in rules:
        indicators = mapping.get(rule.component)
        if indicators is None and rule.component not in root_codes:
            indicators = [rule.component]
        days = pd.Timedelta(days=rule.params["window_days"])
        recent = table.window(indicators, when - days, when)
        if rule.kind == "spike":
            fired = _spike(rule, regions, table, indicators, when)
            value_cols = {"count": "count", "baseline": "baseline"}
        else:
            rows = by_component.get(rule.component, states.iloc[0:0])
            fired, value_cols = _fired_states(rule, rows)
        fired = fired.sort_values("region_code")
        columns = {k: fired[v].tolist() for k, v in value_cols.items()}
        for i, code in enumerate(fired["region_code"].astype(str)):
            values = {
                k: (_num(col[i]) if k not in ("published_class", "current_class") else col[i])
                for k, col in columns.items()
            }
            if "count" in values:
                values["count"] = int(columns["count"][i])
            ids, codes = table.evidence(recent, code)
            text_id, text_en = _sentence(rule, values)
            extra = {}
            if rule.kind != "spike" and children.get(rule.component):
                extra["drivers"] = _drivers(rise, code, children[rule.component])
            out.append(
                Trigger(
                    rule=rule.slug,
                    kind=rule.kind,
                    region_code=code,
                    component=rule.component,
                    values=values,
                    explanation={
                        "text_id": text_id,
                        "text_en": text_en,
                        "indicators": codes,
                        "incidents": ids,
                        "window_days": rule.params["window_days"],
                        **extra,
                    },
                )
            )
    return out
