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
:func:`clearances` answers the other question: which open alerts no longer hold (with a
hysteresis margin per rule), with the values read now and a closing note.

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


def _prepare(
    states: pd.DataFrame, incidents: pd.DataFrame | None, at: dt.datetime
) -> tuple[pd.Timestamp, pd.DataFrame, _Incidents, dict[str, pd.DataFrame]]:
    """``at`` as a UTC timestamp, the regions (with their positions), the incident arrays and
    the state rows per component: what every evaluation starts from."""
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
    return when, regions, table, by_component


def _indicators(
    rule: Rule, mapping: Mapping[str, Collection[str]], root_codes: Collection[str]
) -> Collection[str] | None:
    """The indicator codes a rule's component covers (None: every indicator, the root)."""
    indicators = mapping.get(rule.component)
    if indicators is None and rule.component not in root_codes:
        indicators = [rule.component]
    return indicators


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
    when, regions, table, by_component = _prepare(states, incidents, at)
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
        indicators = _indicators(rule, mapping, root_codes)
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


# --------------------------------------------------------------------------- clearing


@dataclass(frozen=True)
class Clearance:
    """An open alert (rule × region) whose condition no longer holds: the values read now and
    the automatic closing note, in Indonesian and English."""

    rule: str
    region_code: str
    values: dict[str, Any]
    text_id: str
    text_en: str


def _id(value: Any) -> str:
    """A number as Indonesian writes it (decimal comma)."""
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


def _limit(base: float, margin: float, op: str) -> tuple[str, str]:
    """``≤ 2`` or, with a margin, ``≤ 1,5 (2 − margin 0,5)``: Indonesian and English."""
    if not margin:
        return f"{op} {_id(float(base))}", f"{op} {float(base):g}"
    at = round(base - margin, 4)
    return (
        f"{op} {_id(at)} ({_id(float(base))} − margin {_id(float(margin))})",
        f"{op} {at:g} ({float(base):g} − margin {float(margin):g})",
    )


def _clear_texts(
    rule: Rule, v: Mapping[str, Any], margin: float, floor: float | None
) -> tuple[str, str]:
    """Why the condition no longer holds, in Indonesian and English (the numbers read now)."""
    c, p = rule.component, rule.params
    if rule.kind == "score_rise":
        lid, len_ = _limit(p["points"], margin, "≤")
        return (
            f"kenaikan skor {c} {_id(v['rise'])} poin {lid}; "
            f"skor {_id(v['published_score'])} → {_id(v['current_score'])}",
            f"{c} score rise {v['rise']:g} points {len_}; "
            f"score {v['published_score']:g} → {v['current_score']:g}",
        )
    if rule.kind == "prob_threshold":
        lid, len_ = _limit(p["threshold"], margin, "≤")
        return (
            f"P({p['label']}) untuk {c} = {_id(v['probability'])} {lid}",
            f"P({p['label']}) for {c} = {v['probability']:g} {len_}",
        )
    if rule.kind == "spike":
        lid, len_ = _limit(p["min_count"], margin, "<")
        rate_id = rate_en = ""
        if p["rate_factor"] is not None and v["count"] >= p["min_count"] - margin:
            rate_id = f", tidak > {_id(float(p['rate_factor']))} × dasar {_id(v['baseline'])}"
            rate_en = f", not > {float(p['rate_factor']):g} × baseline {v['baseline']:g}"
        return (
            f"{v['count']} kejadian terverifikasi pada {c} dalam {p['window_days']} hari "
            f"{lid}{rate_id}",
            f"{v['count']} verified incidents in {c} within {p['window_days']} days "
            f"{len_}{rate_en}",
        )
    where_id = f"kelas {c} sekarang {v['current_class']}, skor {_id(v['current_score'])}"
    where_en = f"{c} class now {v['current_class']}, score {v['current_score']:g}"
    if floor is not None and margin:
        lid, len_ = _limit(floor, margin, "<")
        where_id, where_en = f"{where_id} {lid}", f"{where_en} {len_}"
    if v["published_class"] == p["to_class"] or (
        p["from_classes"] and v["published_class"] not in p["from_classes"]
    ):
        where_id += f"; kelas terbit {v['published_class']}"
        where_en += f"; published class {v['published_class']}"
    return where_id, where_en


def _still_holds(rule: Rule, v: Mapping[str, Any], margin: float, floor: float | None) -> bool:
    """The rule's condition, loosened by ``margin`` (the hysteresis of closing)."""
    p = rule.params
    if rule.kind == "score_rise":
        return bool(v["rise"] > p["points"] - margin)
    if rule.kind == "prob_threshold":
        return bool(v["probability"] > p["threshold"] - margin)
    if rule.kind == "spike":
        enough = v["count"] >= p["min_count"] - margin
        fast = p["rate_factor"] is None or v["count"] > p["rate_factor"] * v["baseline"]
        return bool(enough and fast)
    published = v["published_class"]
    moved = published != p["to_class"] and (not p["from_classes"] or published in p["from_classes"])
    near = floor is not None and v["current_score"] >= floor - margin
    return bool(moved and (v["current_class"] == p["to_class"] or near))


def _readings(
    rule: Rule,
    rows: pd.DataFrame,
    regions: pd.DataFrame,
    table: _Incidents,
    indicators: Collection[str] | None,
    when: pd.Timestamp,
) -> dict[str, dict[str, Any]]:
    """What the rule reads now, per region code (regions without a value are left out)."""
    if rule.kind == "spike":
        loose = {**rule.params, "min_count": 0, "rate_factor": None}
        probe = rule.model_copy(update={"params": loose})
        counted = _spike(probe, regions, table, indicators, when)
        return {
            str(code): {"count": int(n), "baseline": float(b)}
            for code, n, b in zip(
                counted["region_code"], counted["count"], counted["baseline"], strict=True
            )
        }
    out: dict[str, dict[str, Any]] = {}
    column = f"prob_{rule.params['label']}" if rule.kind == "prob_threshold" else None
    if column is not None and column not in rows.columns:
        return out
    for row in rows.to_dict("records"):
        published, current = _num(row["published_score"]), _num(row["current_score"])
        v: dict[str, Any] = {
            "published_score": published,
            "current_score": current,
            "published_class": str(row["published_class"]),
            "current_class": str(row["current_class"]),
        }
        if rule.kind == "score_rise":
            if published is None or current is None:
                continue
            v["rise"] = round(current - published, 4)
        elif column is not None:
            v["probability"] = _num(row[column])
            if v["probability"] is None:
                continue
        elif v["current_score"] is None:
            continue
        out[str(row["region_code"])] = v
    return out


def clearances(
    rules: Sequence[Rule],
    states: pd.DataFrame,
    incidents: pd.DataFrame | None,
    open_alerts: Collection[tuple[str, str]],
    *,
    at: dt.datetime,
    margins: Mapping[str, float] | None = None,
    class_floors: Mapping[str, float] | None = None,
    component_indicators: Mapping[str, Collection[str]] | None = None,
) -> list[Clearance]:
    """The open alerts (``open_alerts``: rule slug × region code pairs) whose condition no
    longer holds at ``at``, in rule order then region-code order.

    Closing has a hysteresis so that an alert does not close and open again while its value
    hovers at the threshold: the condition is tested loosened by the rule's margin
    (``margins``: rule slug → margin, default 0) — a score rise must fall to ``points −
    margin`` or below, a probability to ``threshold − margin`` or below, a spike's count under
    ``min_count − margin`` (or the rate condition fail); a class transition clears when the
    current class is no longer ``to_class`` and, if ``class_floors`` gives the lower cut-off
    of ``to_class`` (fixed classes), the current score is also below ``cut-off − margin``; it
    clears too when the published class no longer matches (a new publication). A region the
    rule cannot read now (no row, no value) is left open: not knowing is not clearing."""
    when, regions, table, by_component = _prepare(states, incidents, at)
    mapping = component_indicators or {}
    root_codes = set(by_component) - set(mapping)
    margins = margins or {}
    floors = class_floors or {}
    wanted: dict[str, list[str]] = {}
    for slug, code in open_alerts:
        wanted.setdefault(slug, []).append(code)
    out: list[Clearance] = []
    for rule in rules:
        codes = sorted(set(wanted.get(rule.slug, ())))
        if not codes:
            continue
        margin = float(margins.get(rule.slug, 0.0))
        floor = floors.get(rule.slug)
        rows = by_component.get(rule.component, states.iloc[0:0])
        indicators = _indicators(rule, mapping, root_codes)
        now = _readings(rule, rows, regions, table, indicators, when)
        for code in codes:
            values = now.get(code)
            if values is None or _still_holds(rule, values, margin, floor):
                continue
            why_id, why_en = _clear_texts(rule, values, margin, floor)
            out.append(
                Clearance(
                    rule=rule.slug,
                    region_code=code,
                    values=values,
                    text_id=f"Ditutup otomatis: kondisi tidak lagi terpenuhi ({why_id}).",
                    text_en=f"Closed automatically: the condition no longer holds ({why_en}).",
                )
            )
    return out
