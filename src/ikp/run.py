"""IndexRun: named datasets plus an ordered log of steps that can be replayed.

``run = IndexRun.start(framework, raw, region_level="regency")`` then
``run = run.apply(Normalize(method="zscore"))``; every ``apply`` returns a **new** run whose log
has one more entry (step name, step class, parameters, input and output dataset names, ikp
version, input-data hash, timestamp). ``run.regenerate()`` replays the log from the raw data;
``run.with_params("aggregate", method="geometric")`` builds a variant; :func:`compare` reports
score and rank changes per region.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

import ikp
from ikp._types import FloatArray
from ikp.dataset import Dataset
from ikp.framework import GENERIC_LEVEL, Framework
from ikp.jsonsafe import plain as _plain
from ikp.steps import STEPS, Step, default_chain


@dataclass(frozen=True)
class LogEntry:
    name: str
    step: str
    params: dict[str, Any]
    input: str
    output: str
    version: str
    input_hash: str
    timestamp: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "step": self.step,
            "params": _plain(self.params),
            "input": self.input,
            "output": self.output,
            "version": self.version,
            "input_hash": self.input_hash,
            "timestamp": self.timestamp,
        }


@dataclass(frozen=True, eq=False)
class IndexRun:
    framework: Framework
    region_level: str
    data: Mapping[str, Dataset]
    log: tuple[LogEntry, ...] = ()
    artefacts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    region_names: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)

    # ---- construction -------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        framework: Framework,
        raw: Dataset,
        region_level: str = "regency",
        *,
        region_names: Mapping[str, str] | None = None,
        groups: Mapping[str, str] | Sequence[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> IndexRun:
        if region_level not in framework.region_levels and region_level != GENERIC_LEVEL:
            raise ValueError(
                f"region_level must be one of {{{', '.join(repr(x) for x in framework.region_levels)}}}; "
                f"got {region_level!r}."
            )
        missing = [c for c in framework.indicators if c not in raw.columns]
        extra = [c for c in raw.columns if c not in framework.nodes]
        if extra:
            raise ValueError(f"data has columns that are not indicators of {framework.id}: {extra}")
        if missing:
            # absent indicators are all-missing columns; screening reports them
            values = np.full((len(raw.regions), len(framework.indicators)), np.nan)
            for j, c in enumerate(framework.indicators):
                if c in raw.columns:
                    values[:, j] = raw.column(c)
            raw = Dataset(raw.regions, framework.indicators, values)
        else:
            raw = raw.select(framework.indicators)
        if groups is not None and not isinstance(groups, Mapping):
            groups = dict(zip(raw.regions, groups, strict=True))
        return cls(
            framework=framework,
            region_level=region_level,
            data={"raw": raw},
            region_names=dict(region_names or {}),
            groups=dict(groups or {}),
            metadata=dict(metadata or {}),
        )

    def apply(self, step: Step, name: str | None = None) -> IndexRun:
        """Apply ``step`` and return a new run with its output dataset and a log entry."""
        name = name or step.key
        if any(e.name == name for e in self.log):
            raise ValueError(f"step name {name!r} is already in the log; pass name=... to apply()")
        source = self.data.get(step.input)
        if source is None:
            raise ValueError(
                f"{type(step).__name__} needs dataset {step.input!r}; this run has "
                f"{sorted(self.data)} — apply the earlier steps first"
            )
        output, artefacts = step.apply(self)
        entry = LogEntry(
            name=name,
            step=step.key,
            params=copy.deepcopy(step.get_params()),
            input=step.input,
            output=step.output,
            version=ikp.__version__,
            input_hash=source.content_hash(),
            timestamp=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        return replace(
            self,
            data={**self.data, step.output: output},
            log=(*self.log, entry),
            artefacts={**self.artefacts, name: artefacts},
        )

    def apply_all(self, steps: Sequence[Step] | None = None) -> IndexRun:
        run = self
        for step in steps if steps is not None else default_chain():
            run = run.apply(step)
        return run

    def steps(self) -> list[Step]:
        return [STEPS[e.step](**copy.deepcopy(e.params)) for e in self.log]

    def regenerate(self, from_step: str | None = None) -> IndexRun:
        """Replay the log on the raw data (from ``from_step`` on, reusing earlier outputs)."""
        entries = list(self.log)
        start = 0
        if from_step is not None:
            names = [e.name for e in entries]
            if from_step not in names:
                raise ValueError(f"no step {from_step!r} in the log; steps: {names}")
            start = names.index(from_step)
        keep = entries[:start]
        kept_outputs = {"raw"} | {e.output for e in keep}
        run = replace(
            self,
            data={k: v for k, v in self.data.items() if k in kept_outputs},
            log=tuple(keep),
            artefacts={e.name: self.artefacts[e.name] for e in keep},
        )
        for entry in entries[start:]:
            run = run.apply(STEPS[entry.step](**copy.deepcopy(entry.params)), name=entry.name)
        return run

    def with_params(self, step_name: str, **params: Any) -> IndexRun:
        """A variant: the same log with ``params`` changed for one step, replayed from it."""
        names = [e.name for e in self.log]
        if step_name not in names:
            raise ValueError(f"no step {step_name!r} in the log; steps: {names}")
        entries = [
            replace(e, params={**e.params, **params}) if e.name == step_name else e
            for e in self.log
        ]
        return replace(self, log=tuple(entries)).regenerate(from_step=step_name)

    def with_data(self, raw: Dataset) -> IndexRun:
        """The same recipe on other raw data."""
        fresh = IndexRun.start(
            self.framework,
            raw,
            self.region_level,
            region_names=self.region_names,
            groups=self.groups,
            metadata=self.metadata,
        )
        return (
            replace(fresh, log=self.log).regenerate(from_step=self.log[0].name)
            if self.log
            else fresh
        )

    # ---- helpers used by steps ----------------------------------------------------------

    def groups_for(self, regions: Sequence[str]) -> np.ndarray[Any, np.dtype[Any]] | None:
        if not self.groups:
            return None
        return np.array([self.groups.get(r, "") for r in regions], dtype=object)

    def current_weights(self) -> dict[str, float]:
        for entry in reversed(self.log):
            if entry.step == "weight":
                return dict(self.artefacts[entry.name]["weights"])
        return {c: n.weight(self.region_level) for c, n in self.framework.nodes.items()}

    def artefact(self, step: str) -> Mapping[str, Any]:
        for entry in reversed(self.log):
            if entry.step == step:
                return self.artefacts[entry.name]
        raise KeyError(f"no {step!r} step in this run")

    @property
    def input_hash(self) -> str:
        return self.data["raw"].content_hash()

    # ---- results ------------------------------------------------------------------------

    def results(self, lang: str = "id") -> pd.DataFrame:
        """Long results: one row per region × node with score, rank and class."""
        return results_frame(self, lang=lang)

    def reliability(self) -> pd.DataFrame:
        return reliability_frame(self)


# --------------------------------------------------------------------------- results


def results_frame(run: IndexRun, lang: str = "id") -> pd.DataFrame:
    fw = run.framework
    scores = run.data["scores"]
    ranks = run.data["ranks"].values
    classify = run.artefact("classify")
    classes = classify["classes"]
    labels_id = classify["labels_id"]
    labels_en = classify["labels_en"]
    n_r, n_c = scores.shape
    region = np.repeat(np.array(scores.regions, dtype=object), n_c)
    node = np.tile(np.array(scores.columns, dtype=object), n_r)
    cls_idx = classes.reshape(-1)
    lab_id = np.array([None, *labels_id], dtype=object)[(cls_idx + 1).astype(int)]
    lab_en = np.array([None, *labels_en], dtype=object)[(cls_idx + 1).astype(int)]
    return pd.DataFrame(
        {
            "region_code": region,
            "region_name": [run.region_names.get(r, "") for r in region],
            "node_code": node,
            "node_name": [fw.nodes[c].name(lang) for c in node],
            "level": [fw.nodes[c].level for c in node],
            "score": scores.values.reshape(-1),
            "rank": ranks.reshape(-1),
            "class_index": cls_idx.astype(int),
            "class": lab_id,
            "class_en": lab_en,
        }
    )


def reliability_frame(run: IndexRun) -> pd.DataFrame:
    """Per region: share of indicators missing in the raw data, share imputed, and the
    reliability figure = share of indicator values that were observed (1 − missing)."""
    raw = run.data["raw"]
    missing = np.isnan(raw.values).mean(axis=1) if raw.shape[1] else np.zeros(raw.shape[0])
    imputed_share = np.zeros(raw.shape[0])
    try:
        art = run.artefact("impute")
        mask = art["imputed_mask"]
        data = run.data["imputed"]
        pos = {r: i for i, r in enumerate(raw.regions)}
        for i, r in enumerate(data.regions):
            imputed_share[pos[r]] = mask[i].sum() / max(raw.shape[1], 1)
    except KeyError:
        pass
    scored = set(run.data["scores"].regions) if "scores" in run.data else set(raw.regions)
    return pd.DataFrame(
        {
            "region_code": list(raw.regions),
            "share_missing": missing,
            "share_imputed": imputed_share,
            "reliability": 1.0 - missing,
            "scored": [r in scored for r in raw.regions],
        }
    )


def compare(run_a: IndexRun, run_b: IndexRun, node: str | None = None) -> pd.DataFrame:
    """Score and rank changes per region between two runs, for ``node`` (default the index)."""
    from ikp.compare import compare_results

    return compare_results(run_a.results(), run_b.results(), node=node or run_a.framework.root)


def compute(
    framework: Framework,
    raw: Dataset,
    region_level: str = "regency",
    *,
    steps: Sequence[Step] | None = None,
    region_names: Mapping[str, str] | None = None,
    groups: Mapping[str, str] | Sequence[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> IndexRun:
    """Run the whole chain (the framework's defaults unless ``steps`` is given)."""
    run = IndexRun.start(
        framework, raw, region_level, region_names=region_names, groups=groups, metadata=metadata
    )
    return run.apply_all(steps)


def index_scores(run: IndexRun) -> FloatArray:
    """The index column of the final scores."""
    return run.data["scores"].column(run.framework.root)
