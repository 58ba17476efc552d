"""An analyst's method choices: weighting, normalisation, aggregation and class method.

The command line (``ikp compute --weights ahp --normalize zscore ...``) and the web compute form
both turn their choices into a step chain with :func:`method_chain`; a choice equal to the
framework file's default is left to the framework (so the file's per-node overrides stay). What
the run actually used is summarised by :func:`methods_used` (written into every recipe under
``methods``) and :func:`describe_methods` (one bilingual line). :func:`uncertainty_spec` builds
the Monte Carlo specification from the framework file's ``uncertainty:`` block plus overrides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ikp.framework import CLASS_METHODS, METHOD_NAMES, Framework
from ikp.issues import MethodError, did_you_mean
from ikp.steps import Aggregate, Classify, Impute, Normalize, Rescale, Screen, Step, Treat, Weight

if TYPE_CHECKING:
    from ikp.run import IndexRun
    from ikp.uncertainty import UncertaintySpec

WEIGHT_METHODS: tuple[str, ...] = METHOD_NAMES["weight"]
#: normalisations that need no per-indicator parameters (goal-posts and targets are set per
#: indicator in the framework file, so they cannot be chosen for all indicators at once)
NORMALIZE_METHODS: tuple[str, ...] = ("minmax", "zscore", "rank", "prank", "borda", "dist2max")
AGGREGATE_METHODS: tuple[str, ...] = METHOD_NAMES["aggregate"]

_WHAT = {
    "weights": ("metode pembobotan", "weighting method"),
    "normalize": ("metode normalisasi", "normalisation method"),
    "aggregate": ("metode agregasi", "aggregation method"),
    "classes": ("metode kelas", "class method"),
}


def _check(kind: str, value: str, allowed: tuple[str, ...]) -> None:
    if value in allowed:
        return
    id_, en = _WHAT[kind]
    hint = did_you_mean(value, allowed)
    raise MethodError(
        f"{id_} tidak dikenal / unknown {en} {value!r}; pilihan / choices: {', '.join(allowed)}"
        + (f" ({hint})" if hint else "")
    )


def method_chain(
    framework: Framework,
    region_level: str,
    *,
    weights: str | None = None,
    normalize: str | None = None,
    aggregate: str | None = None,
    aggregate_p: float | None = None,
    classes: str | Mapping[str, str] | None = None,
) -> list[Step]:
    """The default step chain with the analyst's choices; ``None`` (or the framework's own
    default) keeps what the framework file says. ``classes`` is a method, or region level →
    method (only the run's level is used). Unknown methods and AHP without matrices in the
    framework raise :class:`~ikp.issues.MethodError` with a bilingual message."""
    if isinstance(classes, Mapping):
        classes = classes.get(region_level) or None
    if weights is not None:
        _check("weights", weights, WEIGHT_METHODS)
        if weights == "ahp":
            framework.method_weights(region_level, "ahp")  # refuses a file without matrices
    if normalize is not None:
        _check("normalize", normalize, (*NORMALIZE_METHODS, *METHOD_NAMES["normalize"]))
        if normalize not in NORMALIZE_METHODS and normalize != framework.method("normalize").get(
            "method"
        ):
            raise MethodError(
                f"normalisasi {normalize!r} memerlukan parameter per indikator di kerangka / "
                f"normalisation {normalize!r} needs per-indicator parameters in the framework "
                f"file; choices here: {', '.join(NORMALIZE_METHODS)}"
            )
    if aggregate is not None:
        _check("aggregate", aggregate, AGGREGATE_METHODS)
    if aggregate_p is not None and (aggregate or framework.method("aggregate").get("method")) != (
        "generalised"
    ):
        raise MethodError(
            "--aggregate-p hanya untuk agregasi 'generalised' / p is only used by the "
            "'generalised' aggregation"
        )
    if (
        aggregate == "generalised"
        and aggregate_p is None
        and "p" not in framework.method("aggregate")
    ):
        raise MethodError(
            "agregasi 'generalised' memerlukan p / the 'generalised' aggregation needs p "
            "(e.g. 0.5; 1 = arithmetic, 0 = geometric, -1 = harmonic)"
        )
    if classes is not None:
        _check("classes", classes, CLASS_METHODS)
        n_cut = len(framework.classification.labels) - 1
        if classes == "fixed" and len(framework.cutoffs(region_level)) != n_cut:
            raise MethodError(
                f"kerangka {framework.id} tidak memuat batas kelas tetap untuk {region_level} / "
                f"framework {framework.id} has no fixed cut-offs for {region_level} "
                f"(classification.cutoffs.{region_level}); choose quantile, mean_sd or "
                "natural_breaks"
            )

    def changed(value: str | None, default: Any) -> str | None:
        return value if value is not None and value != default else None

    weight = changed(weights, framework.method("weight").get("method"))
    norm = changed(normalize, framework.method("normalize").get("method"))
    agg = changed(aggregate, framework.method("aggregate").get("method"))
    klass = changed(classes, framework.classification.for_level(region_level)["method"])
    agg_params: dict[str, Any] = {}
    if agg is not None:
        agg_params["method"] = agg
    if aggregate_p is not None:
        agg_params["p"] = float(aggregate_p)
    return [
        Screen(),
        Impute(),
        Treat(),
        Normalize(**({"method": norm} if norm else {})),
        Weight(**({"method": weight} if weight else {})),
        Aggregate(**agg_params),
        Rescale(),
        Classify(**({"method": klass} if klass else {})),
    ]


def uncertainty_spec(framework: Framework, **overrides: Any) -> UncertaintySpec:
    """The Monte Carlo specification: the framework file's ``uncertainty:`` block, then
    ``overrides`` (e.g. ``n_runs``, ``seed``)."""
    from ikp.uncertainty import UncertaintySpec  # the uncertainty engine is heavy

    return UncertaintySpec.model_validate({**dict(framework.uncertainty), **overrides})


def _mostly(per_code: Mapping[str, Any]) -> dict[str, Any]:
    """``{"method": the most common value, "per_node": the codes that differ}``."""
    if not per_code:
        return {}
    common = Counter(repr(v) for v in per_code.values()).most_common(1)[0][0]
    value = next(v for v in per_code.values() if repr(v) == common)
    differ = {c: v for c, v in per_code.items() if repr(v) != common}
    return {"method": value, **({"per_node": differ} if differ else {})}


def methods_used(run: IndexRun) -> dict[str, Any]:
    """What the run used, per step, from its artefacts: the weighting method with each node's
    weight and effective weight and every AHP matrix's consistency ratio; the normalisation and
    aggregation methods (the most common one and the nodes that differ); the class method and
    cut-offs of the run's region level."""
    out: dict[str, Any] = {}
    names = {e.step: e.name for e in run.log}
    if "normalize" in names:
        art = run.artefacts[names["normalize"]]
        out["normalize"] = _mostly(
            {c: str(spec.get("method", "minmax")) for c, spec in art["methods"].items()}
        )
    if "weight" in names:
        art = run.artefacts[names["weight"]]
        out["weight"] = {
            "method": art["method"],
            "weights": dict(art["weights"]),
            "effective": dict(art["effective"]),
            "ahp": {
                code: {k: v for k, v in info.items() if k != "weights"}
                for code, info in art["ahp"].items()
                if isinstance(info, Mapping)
            },
            "max_cr": art.get("max_cr", 0.1),
            "warnings": list(art.get("warnings", [])),
        }
    if "aggregate" in names:
        art = run.artefacts[names["aggregate"]]
        out["aggregate"] = _mostly(
            {
                c: spec["method"] if spec.get("p") is None else f"{spec['method']} (p={spec['p']})"
                for c, spec in art["methods"].items()
            }
        )
    if "classify" in names:
        art = run.artefacts[names["classify"]]
        level = run.region_level
        spec = run.framework.classification.for_level(level)
        entry: dict[str, Any] = {"method": art["method"]}
        if art["method"] == spec["method"]:
            entry.update({k: v for k, v in spec.items() if k != "method"})
        entry["cutoffs"] = art["cutoffs"].get(run.framework.root, [])
        out["classify"] = {"region_level": level, **entry}
    return out


def describe_methods(used: Mapping[str, Any]) -> str:
    """One bilingual line: ``bobot / weights: ahp (CR D1 0.032) · normalisasi / ...``."""
    parts = []
    weight = used.get("weight")
    if weight:
        text = f"bobot / weights: {weight['method']}"
        crs = [
            f"{code} {info['cr']:.3f}{'' if info.get('consistent', True) else ' > ' + str(weight.get('max_cr', 0.1))}"
            for code, info in (weight.get("ahp") or {}).items()
        ]
        if crs:
            text += " (CR " + ", ".join(crs) + ")"
        parts.append(text)
    for key, label in (
        ("normalize", "normalisasi / normalisation"),
        ("aggregate", "agregasi / aggregation"),
    ):
        if used.get(key):
            extra = (
                " (+" + str(len(used[key]["per_node"])) + ")" if used[key].get("per_node") else ""
            )
            parts.append(f"{label}: {used[key]['method']}{extra}")
    classify = used.get("classify")
    if classify:
        parts.append(f"kelas / classes ({classify['region_level']}): {classify['method']}")
    return " · ".join(parts)
