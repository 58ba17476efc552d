"""Coverage: how much of a region level a data set holds, and computing part of a level on the
scale of a reference (national) run.

The relative steps (winsorisation, the log fallback, min-max normalisation) are fitted to the
data they are given. On 5 of 514 kabupaten/kota, min-max spreads those 5 over 0–100, while the
class cut-offs are national: the classes then mean nothing. So every run records its
:class:`Coverage` (in the run metadata, hence the recipe and every output file), and a partial
run warns, in Bahasa Indonesia first and English.

A national run records the **bounds** its relative steps used (:func:`bounds_of`): per indicator
the winsorisation limits (or the range the log transform used) and the minimum and maximum
min-max normalisation used. A partial run given that run as ``reference``
(:func:`load_reference`, :meth:`Reference.steps`) treats its data with those limits and
normalises it with those bounds (goal-posts at the national minimum and maximum, truncated:
a value beyond the national range scores 0 or 100), so each region gets its national-scale
score. docs/methodology/coverage.md has the details.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ikp.framework import Framework
from ikp.issues import IkpError
from ikp.regions import LEVEL_NAMES_ID, RegionRegistry
from ikp.steps import Normalize, Step, Treat, default_chain

if TYPE_CHECKING:
    from ikp.run import IndexRun

__all__ = ["Coverage", "Reference", "bounds_of", "load_reference", "measure"]

LEVEL_NAMES_EN = {1: "provinces", 2: "regencies/cities"}
_LEVEL_NUMBER = {"province": 1, "regency": 2}
#: normalisation methods whose result does not depend on the other regions
ABSOLUTE_NORMALIZERS = ("goalposts", "none")


@dataclass(frozen=True)
class Coverage:
    """``n_units`` regions of ``level`` in the data, of ``n_national`` in the region edition
    (and ``n_province`` in ``province`` when the data were declared to be one province's).
    ``reference`` describes the reference run whose bounds were used, if any."""

    level: str
    n_units: int
    n_national: int
    edition: str
    province: str | None = None
    province_name: str | None = None
    n_province: int | None = None
    reference: Mapping[str, Any] | None = field(default=None)

    @property
    def share(self) -> float:
        return self.n_units / self.n_national if self.n_national else 1.0

    @property
    def complete(self) -> bool:
        return self.n_units >= self.n_national

    def warning(self) -> tuple[str, str] | None:
        """The (Indonesian, English) warning for partial coverage; None when complete."""
        if self.complete:
            return None
        number = _LEVEL_NUMBER.get(self.level, 2)
        what_id = LEVEL_NAMES_ID.get(number, self.level)
        what_en = LEVEL_NAMES_EN.get(number, self.level)
        where_id = where_en = ""
        if self.province is not None:
            name = self.province_name or self.province
            where_id = f", provinsi {self.province} {name} ({self.n_units} dari {self.n_province})"
            where_en = f", province {self.province} {name} ({self.n_units} of {self.n_province})"
        head_id = (
            f"CAKUPAN SEBAGIAN: data memuat {self.n_units} dari {self.n_national} {what_id} "
            f"({self.share:.1%}){where_id}."
        )
        head_en = (
            f"PARTIAL COVERAGE: the data hold {self.n_units} of {self.n_national} {what_en} "
            f"({self.share:.1%}){where_en}."
        )
        if self.reference:
            source = self.reference.get("source", "?")
            return (
                f"{head_id} Perlakuan pencilan dan normalisasi min-maks memakai batas nasional "
                f"dari rujukan {source}: skor berada pada skala nasional.",
                f"{head_en} Outlier treatment and min-max normalisation used the national "
                f"bounds of the reference {source}: scores are on the national scale.",
            )
        return (
            f"{head_id} Normalisasi relatif (min-maks, winsorisasi) dihitung hanya pada subset "
            "ini, sedangkan ambang kelas nasional diterapkan: skor dan kelas tidak sebanding "
            "dengan hasil nasional. Pakai --reference dengan resep run nasional untuk skala "
            "nasional.",
            f"{head_en} Relative normalisation (min-max, winsorisation) was fitted on this "
            "subset only, while the national class cut-offs were applied: scores and classes "
            "are not comparable with national results. Use --reference with the recipe of a "
            "national run for the national scale.",
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["reference"] = dict(self.reference) if self.reference else None
        out["share"] = round(self.share, 6)
        out["complete"] = self.complete
        text = self.warning()
        out["warning"] = text[0] if text else None
        out["warning_en"] = text[1] if text else None
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Coverage:
        names = ("level", "n_units", "n_national", "edition", "province", "province_name")
        return cls(
            **{k: data.get(k) for k in names},  # type: ignore[arg-type]
            n_province=data.get("n_province"),
            reference=data.get("reference"),
        )


def measure(
    regions: Sequence[str],
    level: str,
    *,
    registry: RegionRegistry,
    province: str | None = None,
) -> Coverage:
    """The coverage of ``regions`` (codes at ``level``) against ``registry``'s edition."""
    number = _LEVEL_NUMBER[level]
    every = registry.at_level(number)
    prov_name: str | None = None
    n_prov: int | None = None
    if province is not None:
        prov = registry.get(province)
        province, prov_name = prov.code, prov.name
        n_prov = sum(1 for r in every if registry.province_code(r.code) == prov.code)
    return Coverage(
        level=level,
        n_units=len(set(regions)),
        n_national=len(every),
        edition=registry.edition_info.id,
        province=province,
        province_name=prov_name,
        n_province=n_prov,
    )


# --------------------------------------------------------------------------- bounds


def bounds_of(run: IndexRun) -> dict[str, dict[str, dict[str, Any]]]:
    """The limits the run's relative steps used, per indicator: ``treat`` (winsorisation
    limits, or the range the log transform used) and ``normalize`` (method, and for min-max
    the minimum and maximum of the treated data and the target range)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    try:
        treat = run.artefact("treat")
    except KeyError:
        treat = None
    if treat is not None:
        stats = treat.get("input_stats", {})
        limits: dict[str, dict[str, Any]] = {}
        for code in stats or treat["treatment"]:  # untreated indicators have no entry
            info = treat["treatment"].get(code, {})
            if "limits" in info:  # this run reused another run's limits: pass them on
                limits[code] = dict(info["limits"])
            elif info.get("method") == "winsorise":
                limits[code] = {
                    "method": "winsorise",
                    "lower": info.get("lower_bound"),
                    "upper": info.get("upper_bound"),
                }
            elif info.get("method") == "log":
                s = stats.get(code, {})
                limits[code] = {"method": "log", "min": s.get("min"), "max": s.get("max")}
            else:
                limits[code] = {"method": "none"}
        out["treat"] = limits
    try:
        norm = run.artefact("normalize")
    except KeyError:
        return out
    stats = norm.get("input_stats", {})
    used: dict[str, dict[str, Any]] = {}
    for code, spec in norm["methods"].items():
        method = spec.get("method", "minmax")
        item: dict[str, Any] = {"method": method}
        if method == "minmax":
            s = stats.get(code, {})
            item.update(
                min=s.get("min"),
                max=s.get("max"),
                lower=float(spec.get("lower", 0.0)),
                upper=float(spec.get("upper", 100.0)),
            )
        elif method == "goalposts":
            item.update({k: spec[k] for k in ("lower", "upper", "scale", "trunc") if k in spec})
        used[code] = item
    out["normalize"] = used
    return out


# --------------------------------------------------------------------------- reference


@dataclass(frozen=True)
class Reference:
    """A reference run's identity and bounds, read from its recipe or results JSON."""

    source: str
    framework_id: str
    framework_version: str
    region_level: str
    input_hash: str | None
    bounds: Mapping[str, Mapping[str, Mapping[str, Any]]]
    coverage: Mapping[str, Any] | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "framework": self.framework_id,
            "framework_version": self.framework_version,
            "region_level": self.region_level,
            "input_hash": self.input_hash,
        }

    def check(self, framework: Framework, region_level: str) -> None:
        """Refuse a reference of another framework, version or level, or a partial one."""
        problems = []
        if (self.framework_id, str(self.framework_version)) != (
            framework.id,
            str(framework.version),
        ):
            problems.append(
                f"its framework is {self.framework_id} v{self.framework_version}, this run's is "
                f"{framework.id} v{framework.version}"
            )
        if self.region_level != region_level:
            problems.append(f"its region level is {self.region_level!r}, not {region_level!r}")
        if self.coverage and not self.coverage.get("complete", True):
            problems.append(
                f"it covers only {self.coverage.get('n_units')} of "
                f"{self.coverage.get('n_national')} regions (a reference must be national)"
            )
        if not self.bounds.get("normalize"):
            problems.append("it records no normalisation bounds (written by an older ikp?)")
        if problems:
            raise IkpError(
                f"rujukan {self.source} tidak cocok / the reference {self.source} does not fit: "
                + "; ".join(problems)
            )

    def steps(self, framework: Framework, region_level: str) -> list[Step]:
        """The default chain with treatment and normalisation fixed to the reference's bounds."""
        self.check(framework, region_level)
        limits = {c: dict(v) for c, v in self.bounds.get("treat", {}).items()}
        per: dict[str, dict[str, Any]] = {}
        for code, b in self.bounds["normalize"].items():
            method = b.get("method")
            if method in ABSOLUTE_NORMALIZERS:
                continue  # the same result on any subset
            if method != "minmax":
                raise IkpError(
                    f"indikator {code}: normalisasi {method!r} tidak dapat memakai rujukan / "
                    f"indicator {code}: {method!r} normalisation cannot be reused on a subset "
                    "(only min-max bounds can)"
                )
            lo, hi = b.get("min"), b.get("max")
            if lo is None or hi is None or lo == hi:
                continue  # constant nationally: min-max gives the lower end on any subset
            if float(b.get("lower", 0.0)) != 0.0:
                raise IkpError(
                    f"indicator {code}: min-max onto [{b['lower']}, {b['upper']}] cannot be "
                    "expressed as goal-posts; the reference must normalise onto [0, upper]"
                )
            per[code] = {
                "method": "goalposts",
                "lower": float(lo),
                "upper": float(hi),
                "scale": float(b.get("upper", 100.0)),
                "trunc": True,
            }
        chain: list[Step] = []
        for step in default_chain():
            if isinstance(step, Treat):
                step = Treat(limits=limits)
            elif isinstance(step, Normalize):
                step = Normalize(per_indicator=per)
            chain.append(step)
        return chain

    def annotate(self, metadata: Mapping[str, Any]) -> dict[str, Any]:
        """``metadata`` with its coverage marked as computed against this reference."""
        out = dict(metadata)
        cov = out.get("coverage")
        if cov is not None:
            out["coverage"] = replace(Coverage.from_dict(cov), reference=self.summary()).to_dict()
        return out


def load_reference(path: str | Path) -> Reference:
    """Read a reference: a recipe (YAML/JSON) or a results JSON written by ``ikp compute``."""
    p = Path(path)
    text = p.read_text("utf-8")
    data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    if not isinstance(data, Mapping):
        raise IkpError(f"{p.name}: not a recipe or results file")
    meta = data.get("meta")
    ident: Mapping[str, Any] | None
    if "steps" in data and "framework_id" in data:  # a recipe
        ident = {**data, "framework": data["framework_id"]}
        coverage = (data.get("data") or {}).get("coverage")
    elif isinstance(meta, Mapping) and "framework" in meta:  # a results JSON
        ident, coverage = meta, meta.get("coverage")
    else:
        ident = None
    if ident is not None:
        return Reference(
            source=p.name,
            framework_id=str(ident["framework"]),
            framework_version=str(ident.get("framework_version", "")),
            region_level=str(ident["region_level"]),
            input_hash=ident.get("input_hash"),
            bounds=data.get("bounds") or {},
            coverage=coverage,
        )
    raise IkpError(
        f"{p.name}: bukan resep atau hasil JSON ikp / not an ikp recipe or results JSON "
        "(expected the -recipe.yaml or -results.json written by ikp compute --out)"
    )
