"""Index frameworks as data.

A framework is a tree of nodes of any depth: indicators (level 1) aggregate into
sub-dimensions, dimensions and finally the index (the single root, highest level). It is read
from a YAML file (format in docs/framework-format.md) or from a COINr-style indicator-metadata
table (``iCode, Parent, Level, Weight, Direction, Type``).

Loading validates the whole file and reports **every** problem at once as a
:class:`~ikp.issues.ValidationReport` (unknown parent, aggregate without children, bad weight or
direction, duplicate code, skipped level, ...), each naming the codes involved.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ikp._types import FloatArray
from ikp.issues import (
    IssueCode,
    MethodError,
    Severity,
    ValidationFailed,
    ValidationReport,
    did_you_mean,
)
from ikp.methods.weights import AhpResult, ahp_node_weights

REGION_LEVELS = ("province", "regency")
#: The level of units that are not Kemendagri regions (countries, firms, ...): data read with
#: ``regions=None`` / ``--regions none``. Every framework accepts it; node weights without a
#: ``unit`` entry take their ``default``.
GENERIC_LEVEL = "unit"
INPUT_TYPES = ("count", "rate", "binary", "score")
STEP_KEYS = ("screen", "impute", "treat", "normalize", "weight", "aggregate", "rescale")
INDICATOR_STEPS = ("impute", "treat", "normalize")
AGGREGATE_STEPS = ("aggregate", "rescale")
CLASS_METHODS = ("fixed", "mean_sd", "quantile", "natural_breaks", "none")

DEFAULT_LEVEL_NAMES: dict[int, tuple[str, str]] = {
    1: ("indikator", "indicator"),
    2: ("subdimensi", "sub-dimension"),
    3: ("dimensi", "dimension"),
    4: ("indeks", "index"),
}

DEFAULT_METHODS: dict[str, dict[str, Any]] = {
    "screen": {"min_region_coverage": 0.0, "min_indicator_coverage": 0.0, "flag_below": 0.5},
    "impute": {"method": "none"},
    "treat": {
        "method": "winsorise",
        "skew_threshold": 2.0,
        "kurtosis_threshold": 3.5,
        "max_points": 5,
        "log_fallback": True,
    },
    "normalize": {"method": "minmax", "lower": 0.0, "upper": 100.0, "constant": "coinr"},
    # framework = each node's own weight in the file; CR > max_cr is a warning unless
    # allow_inconsistent is false
    "weight": {"method": "framework", "max_cr": 0.1, "allow_inconsistent": True},
    "aggregate": {"method": "arithmetic", "min_coverage": 0.0},
    "rescale": {"method": "none"},
}
# keys of a step's spec that are not parameters of its method: they survive a change of method
# (a node override or a step argument that picks another method keeps them)
METHOD_INDEPENDENT_KEYS = ("min_coverage", "constant", "max_cr", "allow_inconsistent")
# normalize.constant: what a column without spread becomes (docs/methodology/normalize.md)
CONSTANT_OPTIONS = ("coinr", "lower")


# --------------------------------------------------------------------------- file schema

RegionLevelName = Literal["province", "regency", "district", "village", "unit"]


def _default_region_levels() -> list[RegionLevelName]:
    return ["province", "regency"]


class Text(BaseModel):
    """A name in Bahasa Indonesia (``id``) and English (``en``)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    en: str = ""


class IncidenceLevel(BaseModel):
    """A *tingkat kejadian*: counts at this level are multiplied by ``weight``."""

    model_config = ConfigDict(extra="forbid")
    code: str
    name: Text
    weight: float = Field(gt=0)


ClassMethod = Literal["fixed", "mean_sd", "quantile", "natural_breaks", "none"]


class ClassLevelSpec(BaseModel):
    """The class method of one region level (``classification.per_level.<level>``); a parameter
    left out falls back to the classification's own (``cutoffs.<level>``, ``k``, ``probs``)."""

    model_config = ConfigDict(extra="forbid")
    method: ClassMethod
    cutoffs: list[float] | None = None
    k: float | None = None
    probs: list[float] | None = None


class ClassificationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: ClassMethod = "fixed"
    labels: list[Text] = Field(
        default_factory=lambda: [
            Text(id="rendah", en="low"),
            Text(id="sedang", en="medium"),
            Text(id="tinggi", en="high"),
        ]
    )
    cutoffs: dict[str, list[float]] = Field(default_factory=dict)
    k: float = 1.0
    probs: list[float] = Field(default_factory=lambda: [1 / 3, 2 / 3])
    per_level: dict[str, ClassLevelSpec] = Field(default_factory=dict)
    source: str | None = None

    def for_level(self, region_level: str) -> dict[str, Any]:
        """The effective class method of ``region_level`` and its parameters: ``method`` and,
        as the method needs, ``cutoffs``, ``k`` or ``probs``."""
        own = self.per_level.get(region_level)
        method = own.method if own is not None else self.method
        out: dict[str, Any] = {"method": method}
        if method == "fixed":
            given = own.cutoffs if own is not None and own.cutoffs is not None else None
            cut = self.cutoffs.get(region_level, self.cutoffs.get("default", []))
            out["cutoffs"] = [float(c) for c in (given if given is not None else cut)]
        elif method == "mean_sd":
            out["k"] = float(own.k if own is not None and own.k is not None else self.k)
        elif method == "quantile":
            probs = own.probs if own is not None and own.probs is not None else self.probs
            out["probs"] = [float(p) for p in probs]
        return out


class PlausibleSpec(BaseModel):
    """``plausible: {max: …, warn_above: …}`` of an indicator: a value above ``max`` is an
    error, above ``warn_above`` a warning (both checked cell by cell; ``null`` = no bound)."""

    model_config = ConfigDict(extra="forbid")
    max: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    warn_above: float | None = Field(default=None, ge=0, allow_inf_nan=False)


#: IKP's plausibility bounds for ``count`` indicators without their own ``plausible``: a
#: regency (kab/kota) records at most a few hundred incidents of one kind in an election, so
#: more than 1,000 in one cell is worth a second look and more than 100,000 is a typing or
#: export error (a value pasted into the wrong column, an exponent).
DEFAULT_COUNT_PLAUSIBLE = PlausibleSpec(max=100_000, warn_above=1_000)


class NodeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1)
    name: Text
    level: int = Field(ge=1)
    parent: str | None = None
    weight: Any = 1.0
    direction: Any = 1
    type: Literal["count", "rate", "binary", "score"] | None = None
    unit: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    plausible: PlausibleSpec | None = None
    description: str | None = None
    methods: dict[str, dict[str, Any]] = Field(default_factory=dict)


class FrameworkHeader(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    version: str = "1"
    name: Text
    description: str | None = None
    sources: list[str] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    level_names: dict[int, Text] = Field(default_factory=dict)
    region_levels: list[RegionLevelName] = Field(default_factory=_default_region_levels)
    incidence_levels: list[IncidenceLevel] = Field(default_factory=list)
    defaults: dict[str, dict[str, Any]] = Field(default_factory=dict)
    classification: ClassificationSpec = Field(default_factory=ClassificationSpec)
    uncertainty: dict[str, Any] | None = None
    nodes: list[Any] = Field(default_factory=list)


# --------------------------------------------------------------------------- runtime model


@dataclass(frozen=True)
class Node:
    code: str
    name_id: str
    name_en: str
    level: int
    parent: str | None
    weights: Mapping[str, float]
    direction: int
    input_type: str | None
    unit: str | None
    min_value: float | None
    max_value: float | None
    description: str | None
    methods: Mapping[str, Mapping[str, Any]]
    children: tuple[str, ...] = ()
    #: plausibility bounds of an indicator's cells: error above ``plausible_max``, warning
    #: above ``warn_above`` (None: no bound)
    plausible_max: float | None = None
    warn_above: float | None = None

    @property
    def is_indicator(self) -> bool:
        return self.level == 1

    def weight(self, region_level: str) -> float:
        if region_level in self.weights:
            return self.weights[region_level]
        return self.weights.get("default", 1.0)

    def name(self, lang: str = "id") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_id


@dataclass(frozen=True)
class Framework:
    """A validated index framework. Build it with :func:`load_framework` or
    :meth:`Framework.from_dict` / :meth:`Framework.from_table`."""

    id: str
    version: str
    name_id: str
    name_en: str
    nodes: Mapping[str, Node]
    root: str
    n_levels: int
    level_names: Mapping[int, tuple[str, str]]
    region_levels: tuple[str, ...]
    incidence_levels: tuple[IncidenceLevel, ...]
    defaults: Mapping[str, Mapping[str, Any]]
    classification: ClassificationSpec
    description: str | None = None
    sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    #: the file's ``uncertainty:`` mapping (keyword arguments of ikp.uncertainty.UncertaintySpec)
    uncertainty: Mapping[str, Any] = field(default_factory=dict)
    source_dict: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # ---- construction -------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, file: str | None = None) -> Framework:
        """Validate ``data`` (the parsed YAML) and build the framework; raise
        :class:`~ikp.issues.ValidationFailed` with every problem found."""
        framework, report = cls.check_dict(data, file=file)
        if framework is None:
            raise ValidationFailed(report, what=f"framework {file or ''}".strip())
        return framework

    @classmethod
    def check_dict(
        cls, data: Mapping[str, Any], *, file: str | None = None
    ) -> tuple[Framework | None, ValidationReport]:
        """Validate without raising: the framework (``None`` on errors) and the report."""
        report = ValidationReport()
        if not isinstance(data, Mapping):
            report.add(IssueCode.SCHEMA, "a framework file must be a mapping", file=file)
            return None, report
        raw = dict(data)
        raw_nodes = raw.get("nodes") or []
        try:
            header = FrameworkHeader.model_validate({**raw, "nodes": []})
        except ValidationError as exc:
            _pydantic_issues(report, exc, file=file, prefix="")
            header = None
        if not isinstance(raw_nodes, list) or not raw_nodes:
            report.add(
                IssueCode.SCHEMA,
                "the framework has no nodes",
                file=file,
                hint="add a 'nodes:' list with the index, its groups and its indicators",
            )
            return None, report

        specs: list[NodeSpec] = []
        for i, raw_node in enumerate(raw_nodes):
            code = raw_node.get("code") if isinstance(raw_node, Mapping) else None
            try:
                specs.append(NodeSpec.model_validate(raw_node))
            except ValidationError as exc:
                _pydantic_issues(report, exc, file=file, prefix=f"nodes[{i}]", node=code)
        region_levels = tuple(header.region_levels) if header else REGION_LEVELS
        nodes = _build_nodes(specs, region_levels, report, file)
        defaults = _merge_defaults(header.defaults if header else {}, report, file)
        for node in nodes.values():
            _check_methods(node, report, file)
        if nodes:
            _check_weight_block(defaults["weight"], nodes, report, file)
        if header is not None and header.uncertainty is not None:
            _check_uncertainty(header.uncertainty, report, file)

        root = ""
        if nodes:
            roots = [n.code for n in nodes.values() if n.parent is None]
            if len(roots) != 1:
                report.add(
                    IssueCode.MULTIPLE_ROOTS,
                    f"a framework needs exactly one root (the index); found {len(roots)}: "
                    + ", ".join(roots),
                    file=file,
                    hint="give every node but the index a 'parent'",
                )
            else:
                root = roots[0]
        if header is not None and nodes and root:
            _check_cutoffs(header.classification, region_levels, report, file)
        if not report.ok or header is None or not root:
            return None, report

        n_levels = nodes[root].level
        level_names = dict(DEFAULT_LEVEL_NAMES)
        if n_levels != 4:
            level_names[n_levels] = ("indeks", "index")
        for lvl, text in header.level_names.items():
            level_names[lvl] = (text.id, text.en or text.id)
        framework = cls(
            id=header.id,
            version=header.version,
            name_id=header.name.id,
            name_en=header.name.en or header.name.id,
            nodes=nodes,
            root=root,
            n_levels=n_levels,
            level_names=level_names,
            region_levels=region_levels,
            incidence_levels=tuple(header.incidence_levels),
            defaults=defaults,
            classification=header.classification,
            description=header.description,
            sources=tuple(header.sources),
            assumptions=tuple(header.assumptions),
            uncertainty=dict(header.uncertainty or {}),
            source_dict=copy.deepcopy(dict(data)),
        )
        return framework, report

    # ---- tree queries -------------------------------------------------------------------

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(c for c, n in self.nodes.items() if n.level == 1)

    def at_level(self, level: int) -> tuple[str, ...]:
        return tuple(c for c, n in self.nodes.items() if n.level == level)

    @property
    def aggregates(self) -> tuple[str, ...]:
        """Aggregate nodes from the lowest level up to the root."""
        return tuple(c for lvl in range(2, self.n_levels + 1) for c in self.at_level(lvl))

    def node(self, code: str) -> Node:
        try:
            return self.nodes[code]
        except KeyError:
            hint = did_you_mean(code, list(self.nodes))
            raise KeyError(
                f"no node {code!r} in framework {self.id}" + (f"; {hint}" if hint else "")
            ) from None

    def children(self, code: str) -> tuple[str, ...]:
        return self.node(code).children

    def ancestors(self, code: str) -> tuple[str, ...]:
        out: list[str] = []
        parent = self.node(code).parent
        while parent is not None:
            out.append(parent)
            parent = self.nodes[parent].parent
        return tuple(out)

    def indicators_under(self, code: str) -> tuple[str, ...]:
        node = self.node(code)
        if node.level == 1:
            return (code,)
        return tuple(i for c in node.children for i in self.indicators_under(c))

    def directions(self) -> FloatArray:
        return np.array([self.nodes[c].direction for c in self.indicators], dtype=np.float64)

    def weight(self, code: str, region_level: str) -> float:
        return self.node(code).weight(region_level)

    def child_weights(self, code: str, region_level: str) -> FloatArray:
        return np.array(
            [self.nodes[c].weight(region_level) for c in self.children(code)], dtype=np.float64
        )

    def effective_weights(
        self, region_level: str, weights: Mapping[str, float] | None = None
    ) -> dict[str, float]:
        """Each node's share of the index: the product, along its path to the root, of its
        weight divided by the sum of its siblings' weights (assuming no missing data).
        ``weights`` (node → weight) replaces the framework's weights for ``region_level``."""
        w = (
            weights
            if weights is not None
            else {c: n.weight(region_level) for c, n in self.nodes.items()}
        )
        out: dict[str, float] = {self.root: 1.0}
        for lvl in range(self.n_levels, 1, -1):
            for code in self.at_level(lvl):
                kids = self.children(code)
                total = sum(w[k] for k in kids)
                for kid in kids:
                    out[kid] = out[code] * (w[kid] / total if total > 0 else 0.0)
        return {c: out[c] for c in self.nodes}

    def method(self, step: str, code: str | None = None) -> dict[str, Any]:
        """The method spec for ``step``: global default merged with the node's override."""
        spec = dict(self.defaults.get(step, {}))
        if code is not None:
            override = self.node(code).methods.get(step)
            if override:
                if "method" in override and override["method"] != spec.get("method"):
                    spec = {k: v for k, v in spec.items() if k in METHOD_INDEPENDENT_KEYS}
                spec.update(override)
        return spec

    def cutoffs(self, region_level: str) -> tuple[float, ...]:
        """The fixed cut-offs of ``region_level`` (its ``per_level`` entry first)."""
        own = self.classification.per_level.get(region_level)
        if own is not None and own.cutoffs is not None:
            return tuple(float(v) for v in own.cutoffs)
        cut = self.classification.cutoffs
        values = cut.get(region_level, cut.get("default", []))
        return tuple(float(v) for v in values)

    def method_weights(
        self, region_level: str, method: str | None = None, ahp: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, float], dict[str, AhpResult]]:
        """Every node's weight under a weighting ``method`` that needs no data (``framework``,
        ``equal``, ``ahp``; default: the file's ``defaults.weight.method``), and for ``ahp`` each
        matrix's result (``ahp`` adds to the file's matrices). PCA needs data: see the
        ``Weight`` step."""
        method = method or str(self.method("weight").get("method", "framework"))
        weights = {c: n.weight(region_level) for c, n in self.nodes.items()}
        results: dict[str, AhpResult] = {}
        if method == "equal":
            weights = dict.fromkeys(self.nodes, 1.0)
        elif method == "ahp":
            evaluated = self.ahp_weights(ahp)
            if not evaluated:
                raise MethodError(
                    f"kerangka {self.id} tidak memuat matriks AHP (defaults.weight.ahp) / "
                    f"framework {self.id} has no AHP matrices (defaults.weight.ahp); add them "
                    "to the framework file or choose equal, pca or framework"
                )
            for code, (child_weights, result) in evaluated.items():
                weights.update(child_weights)
                results[code] = result
        elif method != "framework":
            raise MethodError(f"weights of method {method!r} depend on the data")
        return weights, results

    def ahp_weights(
        self, extra: Mapping[str, Any] | None = None
    ) -> dict[str, tuple[dict[str, float], AhpResult]]:
        """Each AHP matrix of ``defaults.weight.ahp`` (then ``extra``, parent code → entry)
        evaluated, lowest level first: parent code → (child → weight,
        :class:`~ikp.methods.weights.AhpResult`)."""
        entries = {**dict(self.defaults.get("weight", {}).get("ahp") or {}), **dict(extra or {})}
        for code in entries:
            if self.node(code).level == 1:  # an unknown code: KeyError naming the nearest
                raise MethodError(f"AHP matrix of {code!r}: an indicator has no children")
        out: dict[str, tuple[dict[str, float], AhpResult]] = {}
        for code in (c for c in self.aggregates if c in entries):
            entry = entries[code]
            try:
                out[code] = ahp_node_weights(entry, self.children(code))
            except MethodError as exc:
                raise MethodError(f"AHP matrix of {code!r}: {exc}") from None
        return out

    def class_labels(self, lang: str = "id") -> tuple[str, ...]:
        return tuple((t.en or t.id) if lang == "en" else t.id for t in self.classification.labels)

    def level_name(self, level: int, lang: str = "id") -> str:
        names = self.level_names.get(level, (f"level {level}", f"level {level}"))
        return names[1] if lang == "en" else names[0]

    def incidence_weights(self) -> dict[str, float]:
        return {lv.code: lv.weight for lv in self.incidence_levels}

    # ---- serialisation ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The framework as a plain mapping (the YAML file's content)."""
        if self.source_dict:
            return copy.deepcopy(dict(self.source_dict))
        return _framework_to_dict(self)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)

    def content_hash(self) -> str:
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_table(self, region_level: str | None = None) -> pd.DataFrame:
        """COINr-style indicator metadata (iMeta): ``iCode, iName, Parent, Level, Weight,
        Direction, Type`` plus ``iName_en`` and, if ``region_level`` is None, one
        ``Weight_<level>`` column per region level."""
        rows: list[dict[str, Any]] = []
        for code, node in self.nodes.items():
            row: dict[str, Any] = {
                "iCode": code,
                "iName": node.name_id,
                "iName_en": node.name_en,
                "Parent": node.parent if node.parent is not None else "",
                "Level": node.level,
                "Weight": node.weight(region_level or self.region_levels[0]),
                "Direction": node.direction if node.level == 1 else 1,
                "Type": "Indicator" if node.level == 1 else "Aggregate",
                "InputType": node.input_type or "",
            }
            if region_level is None:
                for lv in self.region_levels:
                    row[f"Weight_{lv}"] = node.weight(lv)
            rows.append(row)
        frame = pd.DataFrame(rows)
        return frame.sort_values("Level", kind="stable").reset_index(drop=True)

    @classmethod
    def from_table(
        cls,
        table: pd.DataFrame,
        *,
        framework_id: str = "imported",
        name: str = "Imported framework",
        file: str | None = None,
        **header: Any,
    ) -> Framework:
        """Build a framework from a COINr-style iMeta table. Rows of Type ``Group``,
        ``Denominator`` or ``Other`` are ignored; ``Weight_<region level>`` columns, if present,
        give weights per region level. Raises ValidationFailed with every problem."""
        data, report = table_to_dict(table, framework_id=framework_id, name=name, file=file)
        data.update(header)
        framework, more = cls.check_dict(data, file=file)
        report.extend(more)
        if framework is None or not report.ok:
            if not report.ok and data.get("nodes") is None:
                report.issues = [
                    i
                    for i in report.issues
                    if i.code is not IssueCode.SCHEMA or "no nodes" not in i.message
                ]
            raise ValidationFailed(report, what=f"framework table {file or ''}".strip())
        return framework


# --------------------------------------------------------------------------- helpers


def _pydantic_issues(
    report: ValidationReport,
    exc: ValidationError,
    *,
    file: str | None,
    prefix: str,
    node: Any = None,
) -> None:
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        where = f"{prefix}.{loc}" if prefix and loc else (prefix or loc)
        hint = None
        if err["type"] == "extra_forbidden":
            allowed = (
                list(NodeSpec.model_fields)
                if prefix.startswith("nodes")
                else list(FrameworkHeader.model_fields)
            )
            hint = did_you_mean(str(err["loc"][-1]), allowed) or (
                "allowed keys: " + ", ".join(allowed)
            )
        report.add(
            IssueCode.SCHEMA,
            f"{where}: {err['msg']}",
            file=file,
            node_code=str(node) if node is not None else None,
            hint=hint,
        )


def _parse_weights(
    spec: NodeSpec, region_levels: tuple[str, ...], report: ValidationReport, file: str | None
) -> dict[str, float]:
    raw = spec.weight
    items: dict[str, Any] = dict(raw) if isinstance(raw, Mapping) else {"default": raw}
    out: dict[str, float] = {}
    for key, value in items.items():
        if key != "default" and key not in region_levels:
            report.add(
                IssueCode.BAD_WEIGHT,
                f"weight for unknown region level {key!r}",
                file=file,
                node_code=spec.code,
                hint=f"use one of {', '.join(region_levels)} or 'default'",
            )
            continue
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not np.isfinite(float(value)) or float(value) < 0:
            report.add(
                IssueCode.BAD_WEIGHT,
                f"weight {value!r} ({key}) must be a number >= 0",
                file=file,
                node_code=spec.code,
            )
            continue
        out[str(key)] = float(value)
    return out


def _build_nodes(
    specs: list[NodeSpec],
    region_levels: tuple[str, ...],
    report: ValidationReport,
    file: str | None,
) -> dict[str, Node]:
    seen: dict[str, NodeSpec] = {}
    for spec in specs:
        if spec.code in seen:
            report.add(
                IssueCode.DUPLICATE_CODE,
                f"code {spec.code!r} is used by more than one node",
                file=file,
                node_code=spec.code,
            )
            continue
        seen[spec.code] = spec

    children: dict[str, list[str]] = {c: [] for c in seen}
    for spec in seen.values():
        if spec.parent is None:
            continue
        if spec.parent not in seen:
            candidates = [c for c, o in seen.items() if o.level == spec.level + 1]
            hint = did_you_mean(spec.parent, list(seen)) or (
                f"nodes at level {spec.level + 1}: " + ", ".join(candidates[:12])
                if candidates
                else None
            )
            report.add(
                IssueCode.UNKNOWN_PARENT,
                f"node {spec.code!r} names parent {spec.parent!r}, which is not in the framework",
                file=file,
                node_code=spec.code,
                hint=hint,
            )
            continue
        parent = seen[spec.parent]
        if parent.level != spec.level + 1:
            report.add(
                IssueCode.SKIPPED_LEVEL,
                f"node {spec.code!r} (level {spec.level}) has parent {parent.code!r} at level "
                f"{parent.level}; a parent must be exactly one level up",
                file=file,
                node_code=spec.code,
            )
        children[spec.parent].append(spec.code)

    # cycles (only possible with inconsistent levels, but report them clearly)
    for code in seen:
        visited = {code}
        up = seen[code].parent
        while up is not None and up in seen:
            if up in visited:
                report.add(
                    IssueCode.CYCLE, f"node {code!r} is its own ancestor", file=file, node_code=code
                )
                break
            visited.add(up)
            up = seen[up].parent

    nodes: dict[str, Node] = {}
    for code, spec in seen.items():
        weights = _parse_weights(spec, region_levels, report, file)
        plausible = spec.plausible
        if plausible is None and spec.level == 1 and spec.type == "count":
            plausible = DEFAULT_COUNT_PLAUSIBLE
        if (
            plausible is not None
            and plausible.max is not None
            and plausible.warn_above is not None
            and plausible.warn_above > plausible.max
        ):
            report.add(
                IssueCode.SCHEMA,
                f"plausible.warn_above ({plausible.warn_above:g}) of {code!r} is above "
                f"plausible.max ({plausible.max:g})",
                file=file,
                node_code=code,
                hint="warn_above must not exceed max",
            )
        direction = spec.direction
        if spec.level == 1:
            if direction not in (1, -1) or isinstance(direction, bool):
                report.add(
                    IssueCode.BAD_DIRECTION,
                    f"direction {direction!r} must be 1 (higher = more vulnerable) or -1",
                    file=file,
                    node_code=code,
                )
                direction = 1
            if children[code]:
                report.add(
                    IssueCode.SKIPPED_LEVEL,
                    f"indicator {code!r} (level 1) cannot have children: "
                    + ", ".join(children[code]),
                    file=file,
                    node_code=code,
                )
        else:
            if not children[code]:
                report.add(
                    IssueCode.AGGREGATE_WITHOUT_CHILDREN,
                    f"aggregate {code!r} (level {spec.level}) has no children",
                    file=file,
                    node_code=code,
                    hint="remove it or give it at least one child with parent: " + code,
                )
            elif all(seen[k].weight == 0 for k in children[code]):
                report.add(
                    IssueCode.BAD_WEIGHT,
                    f"all children of {code!r} have weight 0",
                    file=file,
                    node_code=code,
                )
            if direction not in (1, -1):
                report.add(
                    IssueCode.BAD_DIRECTION,
                    f"direction {direction!r} must be 1 or -1",
                    file=file,
                    node_code=code,
                )
            direction = 1
        nodes[code] = Node(
            code=code,
            name_id=spec.name.id,
            name_en=spec.name.en or spec.name.id,
            level=spec.level,
            parent=spec.parent,
            weights=weights,
            direction=int(direction),
            input_type=spec.type if spec.level == 1 else None,
            unit=spec.unit,
            min_value=spec.min_value,
            max_value=spec.max_value,
            description=spec.description,
            methods={k: dict(v) for k, v in spec.methods.items()},
            children=tuple(children[code]),
            plausible_max=plausible.max if plausible else None,
            warn_above=plausible.warn_above if plausible else None,
        )
    # indicators come first in file order; aggregates keep file order within a level
    ordered = sorted(nodes.values(), key=lambda n: n.level)
    return {n.code: n for n in ordered}


def _merge_defaults(
    given: Mapping[str, Mapping[str, Any]], report: ValidationReport, file: str | None
) -> dict[str, dict[str, Any]]:
    out = {k: dict(v) for k, v in DEFAULT_METHODS.items()}
    for step, spec in given.items():
        if step not in STEP_KEYS:
            report.add(
                IssueCode.BAD_METHOD,
                f"unknown step {step!r} in defaults",
                file=file,
                hint=did_you_mean(step, STEP_KEYS) or "steps: " + ", ".join(STEP_KEYS),
            )
            continue
        if "method" in spec and spec["method"] != out[step].get("method"):
            out[step] = {k: v for k, v in out[step].items() if k in METHOD_INDEPENDENT_KEYS}
        out[step].update(spec)
    for step, spec in out.items():
        _check_method_name(step, spec, report, file, None)
    return out


#: parameters that hold whatever the method (kept when a file or a node changes the method)

WEIGHT_KEYS = ("method", "ahp", "max_cr", "allow_inconsistent")


def _check_weight_block(
    spec: Mapping[str, Any], nodes: Mapping[str, Node], report: ValidationReport, file: str | None
) -> None:
    """``defaults.weight``: known keys, a method, and every AHP matrix square, positive,
    reciprocal and ordered like its node's children; a CR above ``max_cr`` is a warning (an
    error if ``allow_inconsistent`` is false)."""
    for key in spec:
        if key not in WEIGHT_KEYS:
            report.add(
                IssueCode.BAD_METHOD,
                f"unknown key {key!r} in defaults.weight",
                file=file,
                hint=did_you_mean(str(key), WEIGHT_KEYS) or "keys: " + ", ".join(WEIGHT_KEYS),
            )
    max_cr = spec.get("max_cr", 0.1)
    if isinstance(max_cr, bool) or not isinstance(max_cr, int | float) or not 0 < max_cr <= 1:
        report.add(
            IssueCode.BAD_METHOD,
            f"defaults.weight.max_cr must be a number in (0, 1]; got {max_cr!r}",
            file=file,
            hint="Saaty's rule of thumb is 0.1",
        )
        max_cr = 0.1
    strict = spec.get("allow_inconsistent", True)
    if not isinstance(strict, bool):
        report.add(
            IssueCode.BAD_METHOD,
            f"defaults.weight.allow_inconsistent must be true or false; got {strict!r}",
            file=file,
        )
        strict = True
    ahp = spec.get("ahp") or {}
    if not isinstance(ahp, Mapping):
        report.add(
            IssueCode.BAD_AHP_MATRIX,
            "defaults.weight.ahp must map an aggregate code to its matrix",
            file=file,
            hint="ahp: {D1: {order: [D1.1, D1.2], matrix: [[1, 3], [1/3, 1]]}}",
        )
        return
    if spec.get("method") == "ahp" and not ahp:
        report.add(
            IssueCode.BAD_AHP_MATRIX,
            "weight method 'ahp' needs pairwise-comparison matrices in defaults.weight.ahp",
            file=file,
            hint="ahp: {<aggregate code>: {order: [<its children>], matrix: [[1, 3], [1/3, 1]]}}",
        )
    for code, entry in ahp.items():
        node = nodes.get(str(code))
        if node is None or node.level == 1:
            aggregates = [c for c, n in nodes.items() if n.level > 1]
            report.add(
                IssueCode.BAD_AHP_MATRIX,
                f"defaults.weight.ahp names {code!r}, which is not an aggregate of the framework",
                file=file,
                node_code=str(code),
                hint=did_you_mean(str(code), aggregates) or "aggregates: " + ", ".join(aggregates),
            )
            continue
        try:
            _, result = ahp_node_weights(entry, node.children)
        except MethodError as exc:
            report.add(
                IssueCode.BAD_AHP_MATRIX,
                f"AHP matrix of {code!r}: {exc}",
                file=file,
                node_code=str(code),
                hint="entries 1/9 … 9, 1 on the diagonal, a_ji = 1/a_ij; fractions as '1/3'",
            )
            continue
        if result.cr > float(max_cr):
            report.add(
                IssueCode.AHP_INCONSISTENT,
                f"AHP matrix of {code!r} is inconsistent: CR = {result.cr:.3f} > {float(max_cr):g} "
                f"(lambda_max = {result.lambda_max:.3f}, CI = {result.ci:.3f}, RI = {result.ri})",
                severity=Severity.WARNING if strict else Severity.ERROR,
                file=file,
                node_code=str(code),
                params={"cr": result.cr, "ci": result.ci, "lambda_max": result.lambda_max},
                hint="revise the comparisons (Saaty: CR <= 0.1)",
            )


def _check_uncertainty(spec: Any, report: ValidationReport, file: str | None) -> None:
    """``uncertainty:`` must be valid keyword arguments of ikp.uncertainty.UncertaintySpec."""
    from ikp.uncertainty import UncertaintySpec  # the uncertainty engine imports this module

    try:
        UncertaintySpec.model_validate(dict(spec))
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            hint = None
            if err["type"] == "extra_forbidden":
                allowed = list(UncertaintySpec.model_fields)
                hint = did_you_mean(str(err["loc"][-1]), allowed) or "keys: " + ", ".join(allowed)
            report.add(IssueCode.SCHEMA, f"uncertainty.{loc}: {err['msg']}", file=file, hint=hint)


def _check_methods(node: Node, report: ValidationReport, file: str | None) -> None:
    allowed = INDICATOR_STEPS if node.level == 1 else AGGREGATE_STEPS
    for step, spec in node.methods.items():
        if step not in allowed:
            report.add(
                IssueCode.BAD_METHOD,
                f"{'indicator' if node.level == 1 else 'aggregate'} {node.code!r} cannot override "
                f"step {step!r}",
                file=file,
                node_code=node.code,
                hint="allowed here: " + ", ".join(allowed),
            )
            continue
        _check_method_name(step, spec, report, file, node.code)


METHOD_NAMES: dict[str, tuple[str, ...]] = {
    "screen": (),
    "impute": ("none", "mean", "median", "group_mean", "group_median"),
    "treat": ("none", "winsorise"),
    "normalize": (
        "none",
        "minmax",
        "zscore",
        "rank",
        "prank",
        "goalposts",
        "dist2max",
        "dist2target",
        "borda",
    ),
    "weight": ("framework", "equal", "ahp", "pca"),
    "aggregate": ("arithmetic", "geometric", "harmonic", "generalised"),
    "rescale": ("none", "minmax", "max"),
}


def _check_method_name(
    step: str, spec: Mapping[str, Any], report: ValidationReport, file: str | None, code: str | None
) -> None:
    if step == "normalize" and spec.get("constant", "coinr") not in CONSTANT_OPTIONS:
        report.add(
            IssueCode.BAD_METHOD,
            f"normalize.constant must be one of {{{', '.join(repr(c) for c in CONSTANT_OPTIONS)}}}; "
            f"got {spec['constant']!r}",
            file=file,
            node_code=code,
            hint=did_you_mean(str(spec["constant"]), CONSTANT_OPTIONS),
        )
    names = METHOD_NAMES.get(step, ())
    method = spec.get("method")
    if names and method is not None and method not in names:
        report.add(
            IssueCode.BAD_METHOD,
            f"{step}.method must be one of {{{', '.join(repr(n) for n in names)}}}; got {method!r}",
            file=file,
            node_code=code,
            hint=did_you_mean(str(method), names),
        )


def _check_cutoffs(
    spec: ClassificationSpec,
    region_levels: tuple[str, ...],
    report: ValidationReport,
    file: str | None,
) -> None:
    n_labels = len(spec.labels)
    for level in spec.per_level:
        if level not in region_levels:
            report.add(
                IssueCode.BAD_CUTOFFS,
                f"classification.per_level names region level {level!r}, which the framework "
                "does not have",
                file=file,
                hint="region levels: " + ", ".join(region_levels),
            )
    for level in region_levels:
        effective = spec.for_level(level)
        if effective["method"] == "quantile":
            probs = effective["probs"]
            if len(probs) != n_labels - 1 or not all(
                a < b for a, b in zip([0.0, *probs], [*probs, 1.0], strict=True)
            ):
                report.add(
                    IssueCode.BAD_CUTOFFS,
                    f"quantile probabilities for {level!r} must be {n_labels - 1} increasing "
                    f"numbers between 0 and 1; got {probs}",
                    file=file,
                )
        if effective["method"] != "fixed":
            continue
        own = spec.per_level.get(level)
        cut = own.cutoffs if own is not None and own.cutoffs is not None else None
        if cut is None:
            cut = spec.cutoffs.get(level, spec.cutoffs.get("default"))
        if cut is None:
            report.add(
                IssueCode.BAD_CUTOFFS,
                f"fixed classification needs cut-offs for region level {level!r}",
                file=file,
                hint="add classification.cutoffs." + level,
            )
            continue
        if len(cut) != n_labels - 1 or any(b <= a for a, b in zip(cut, cut[1:], strict=False)):
            report.add(
                IssueCode.BAD_CUTOFFS,
                f"cut-offs for {level!r} must be {n_labels - 1} increasing numbers; got {cut}",
                file=file,
            )


def _framework_to_dict(fw: Framework) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    for code in (fw.root, *[c for c in fw.aggregates if c != fw.root][::-1], *fw.indicators):
        n = fw.nodes[code]
        item: dict[str, Any] = {
            "code": code,
            "name": {"id": n.name_id, "en": n.name_en},
            "level": n.level,
        }
        if n.parent:
            item["parent"] = n.parent
        weights = dict(n.weights)
        item["weight"] = (
            weights.get("default", 1.0) if list(weights) in ([], ["default"]) else weights
        )
        if n.level == 1:
            item["direction"] = n.direction
            if n.input_type:
                item["type"] = n.input_type
            default = DEFAULT_COUNT_PLAUSIBLE if n.input_type == "count" else PlausibleSpec()
            if (n.plausible_max, n.warn_above) != (default.max, default.warn_above):
                item["plausible"] = {"max": n.plausible_max, "warn_above": n.warn_above}
        if n.methods:
            item["methods"] = {k: dict(v) for k, v in n.methods.items()}
        nodes.append(item)
    return {
        "id": fw.id,
        "version": fw.version,
        "name": {"id": fw.name_id, "en": fw.name_en},
        "region_levels": list(fw.region_levels),
        "incidence_levels": [lv.model_dump() for lv in fw.incidence_levels],
        "defaults": {k: dict(v) for k, v in fw.defaults.items()},
        "classification": fw.classification.model_dump(exclude_none=True),
        **({"uncertainty": dict(fw.uncertainty)} if fw.uncertainty else {}),
        "nodes": nodes,
    }


COINR_COLUMNS = ("iCode", "Parent", "Level", "Weight", "Direction", "Type")
#: COINr 1.1's defaults when a step is called without specifications: ``Normalise()`` uses
#: ``f_n = "n_minmax", f_n_para = list(l_u = c(0, 100))``, ``Aggregate()`` uses
#: ``f_ag = "a_amean"``; ``Impute()`` and ``Treat()`` are steps a COINr user adds, so an imported
#: table imputes and treats nothing.
COINR_DEFAULTS: dict[str, dict[str, Any]] = {
    "impute": {"method": "none"},
    "treat": {"method": "none"},
    "normalize": {"method": "minmax", "lower": 0.0, "upper": 100.0},
    "aggregate": {"method": "arithmetic", "min_coverage": 0.0},
    "rescale": {"method": "none"},
}


def table_to_dict(
    table: pd.DataFrame, *, framework_id: str, name: str, file: str | None = None
) -> tuple[dict[str, Any], ValidationReport]:
    """Turn a COINr-style iMeta table into framework-file content, reporting table problems."""
    report = ValidationReport()
    missing = [c for c in COINR_COLUMNS if c not in table.columns]
    for col in missing:
        report.add(
            IssueCode.MISSING_COLUMN,
            f"column {col!r} is missing",
            file=file,
            column=col,
            hint=did_you_mean(col, [str(c) for c in table.columns])
            or "COINr iMeta columns: " + ", ".join(COINR_COLUMNS),
        )
    if missing:
        return {"id": framework_id, "name": {"id": name}, "nodes": None}, report
    weight_cols = {
        str(c)[len("Weight_") :]: str(c) for c in table.columns if str(c).startswith("Weight_")
    }
    nodes: list[dict[str, Any]] = []
    for idx, row in table.reset_index(drop=True).iterrows():
        row_no = int(str(idx)) + 2
        kind = str(row["Type"]).strip()
        if kind in ("Group", "Denominator", "Other"):
            continue
        if kind not in ("Indicator", "Aggregate"):
            report.add(
                IssueCode.SCHEMA,
                f"Type {kind!r} must be Indicator, Aggregate, Group, Denominator or Other",
                file=file,
                row=row_no,
                column="Type",
            )
            continue
        code = str(row["iCode"]).strip()
        parent_raw = row["Parent"]
        parent = (
            None
            if pd.isna(parent_raw) or str(parent_raw).strip() == ""
            else str(parent_raw).strip()
        )
        try:
            level = int(row["Level"])
        except (TypeError, ValueError):
            report.add(
                IssueCode.SCHEMA,
                f"Level {row['Level']!r} is not a whole number",
                file=file,
                row=row_no,
                column="Level",
                node_code=code,
            )
            continue
        weight: Any = _num(row["Weight"])
        if weight_cols:
            weight = {
                lv: _num(row[col]) for lv, col in weight_cols.items() if not pd.isna(row[col])
            }
        node: dict[str, Any] = {
            "code": code,
            "name": {
                "id": str(row["iName"]) if "iName" in row and not pd.isna(row["iName"]) else code,
                "en": str(row["iName_en"])
                if "iName_en" in row and not pd.isna(row["iName_en"])
                else "",
            },
            "level": level,
            "weight": weight,
        }
        if parent is not None:
            node["parent"] = parent
        if level == 1:
            node["direction"] = _num(row["Direction"])
            if "InputType" in row and str(row["InputType"]).strip() in INPUT_TYPES:
                node["type"] = str(row["InputType"]).strip()
        nodes.append(node)
    data: dict[str, Any] = {"id": framework_id, "name": {"id": name}, "nodes": nodes}
    # A COINr table carries no method chain: COINr's own defaults apply, not IKP's. No
    # imputation, no outlier treatment, Normalise() = n_minmax onto [0, 100], Aggregate() =
    # a_amean (weighted arithmetic mean), and no classes. The units are generic (no Kemendagri
    # codes) unless the caller declares region levels. A header passed to from_table overrides.
    data["region_levels"] = [GENERIC_LEVEL, *REGION_LEVELS]
    data["defaults"] = copy.deepcopy(COINR_DEFAULTS)
    data["classification"] = {"method": "none"}
    return data, report


def _num(value: Any) -> Any:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


# --------------------------------------------------------------------------- loading


BUILTIN = {"ikp-2024": "ikp-2024.yaml", "tps-2024": "tps-2024.yaml"}


def builtin_frameworks() -> tuple[str, ...]:
    return tuple(BUILTIN)


def read_framework_dict(source: str | Path) -> tuple[dict[str, Any], str]:
    """Parse a framework file (YAML, or COINr-style CSV/XLSX) or a built-in id into a dict."""
    if isinstance(source, str) and source in BUILTIN:
        text = resources.files("ikp.frameworks").joinpath(BUILTIN[source]).read_text("utf-8")
        return yaml.safe_load(text), f"builtin:{source}"
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(
            f"framework {str(source)!r} not found; built-in frameworks: {', '.join(BUILTIN)}"
        )
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        return yaml.safe_load(path.read_text("utf-8")) or {}, str(path)
    raise ValueError(f"unsupported framework file type {suffix!r}; use .yaml, .csv or .xlsx")


def load_framework(source: str | Path) -> Framework:
    """Load a built-in framework by id (``ikp-2024``, ``tps-2024``) or a file: YAML, or a
    COINr-style iMeta table as CSV/XLSX. Raises ValidationFailed with every problem found."""
    path = Path(source)
    if path.suffix.lower() in (".csv", ".xlsx", ".xls") and path.exists():
        table = pd.read_csv(path) if path.suffix.lower() == ".csv" else pd.read_excel(path)
        return Framework.from_table(table, framework_id=path.stem, name=path.stem, file=str(path))
    data, label = read_framework_dict(source)
    return Framework.from_dict(data, file=label)


def check_framework(source: str | Path) -> tuple[Framework | None, ValidationReport]:
    """Validate a framework source without raising (for ``ikp framework check``); the report
    carries the warnings (e.g. an inconsistent AHP matrix) as well as the errors."""
    path = Path(source)
    if not (path.suffix.lower() in (".csv", ".xlsx", ".xls") and path.exists()):
        data, label = read_framework_dict(source)
        return Framework.check_dict(data, file=label)
    try:
        return load_framework(source), ValidationReport()
    except ValidationFailed as exc:
        return None, exc.report


def export_table(framework: Framework, path: str | Path) -> Path:
    """Write the framework as a COINr-style iMeta table (.csv or .xlsx)."""
    out = Path(path)
    table = framework.to_table()
    if out.suffix.lower() == ".xlsx":
        table.to_excel(out, index=False, sheet_name="iMeta")
    else:
        table.to_csv(out, index=False)
    return out


def iter_nodes(framework: Framework, level: int | None = None) -> Iterable[Node]:
    return (n for n in framework.nodes.values() if level is None or n.level == level)
