"""Pipeline steps, following the scikit-learn contract.

A step's constructor stores its keyword parameters unchanged; a class-level ``constraints`` table
declares the allowed values; validation happens in :meth:`Step.apply` with one message format;
statistics learned from the data go into the returned artefacts (published in the methodology
annex); steps never mutate their input.

Parameters left at ``None`` take the framework's defaults and per-node overrides, so the default
chain reproduces what the framework file says; values given here override the framework globally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ikp._types import FloatArray
from ikp.dataset import Dataset
from ikp.framework import METHOD_INDEPENDENT_KEYS
from ikp.issues import MethodError
from ikp.methods import aggregate as agg
from ikp.methods import classify as cls
from ikp.methods import impute as imp
from ikp.methods import normalize as nrm
from ikp.methods import treat as trt
from ikp.methods import weights as wts

if TYPE_CHECKING:
    from ikp.run import IndexRun

StepOutput = tuple[Dataset, dict[str, Any]]


class Step:
    """Base class. Subclasses set ``key`` (registry name), ``input`` and ``output`` dataset
    names and ``constraints`` (parameter → allowed values tuple, a type, or None for free)."""

    key: ClassVar[str] = ""
    input: ClassVar[str] = ""
    output: ClassVar[str] = ""
    constraints: ClassVar[dict[str, Any]] = {}

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(self.constraints)
        if unknown:
            raise TypeError(
                f"{type(self).__name__} got unexpected parameter(s) {sorted(unknown)}; "
                f"parameters: {sorted(self.constraints)}"
            )
        self._params = {name: params.get(name) for name in self.constraints}

    def get_params(self) -> dict[str, Any]:
        return dict(self._params)

    def set_params(self, **params: Any) -> Step:
        return type(self)(**{**self._params, **params})

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self._params.items() if v is not None)
        return f"{type(self).__name__}({given})"

    def validate(self) -> None:
        for name, allowed in self.constraints.items():
            value = self._params.get(name)
            if value is None or allowed is None:
                continue
            if isinstance(allowed, tuple):
                if value not in allowed:
                    choices = ", ".join(repr(a) for a in allowed)
                    raise ValueError(
                        f"{type(self).__name__}.{name} must be one of {{{choices}}}; got {value!r}."
                    )
            elif isinstance(allowed, type) and (
                not isinstance(value, allowed) or (isinstance(value, bool) and allowed is not bool)
            ):
                if allowed is float and isinstance(value, int) and not isinstance(value, bool):
                    continue
                raise ValueError(
                    f"{type(self).__name__}.{name} must be of type {allowed.__name__}; "
                    f"got {value!r}."
                )

    def apply(self, run: IndexRun) -> StepOutput:
        self.validate()
        return self._apply(run)

    def _apply(self, run: IndexRun) -> StepOutput:
        raise NotImplementedError

    def _spec(
        self, run: IndexRun, code: str | None = None, per_node: str = "per_indicator"
    ) -> dict[str, Any]:
        """Framework default (+ node override), then this step's global params, then the
        step's own per-node override."""
        spec = run.framework.method(self.key, code)
        own = {  # mappings (per-node overrides, recorded limits) are not method parameters
            k: v for k, v in self._params.items() if v is not None and not isinstance(v, Mapping)
        }
        if "method" in own and own["method"] != spec.get("method"):
            spec = {k: v for k, v in spec.items() if k in METHOD_INDEPENDENT_KEYS}
        spec.update(own)
        overrides = self._params.get(per_node) or {}
        if code is not None and code in overrides:
            extra = dict(overrides[code])
            if "method" in extra and extra["method"] != spec.get("method"):
                spec = {k: v for k, v in spec.items() if k in METHOD_INDEPENDENT_KEYS}
            spec.update(extra)
        return spec


def _float_params(spec: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: spec[k] for k in names if k in spec}


# --------------------------------------------------------------------------- screen


class Screen(Step):
    """Data availability per region and per indicator; drops what falls below the thresholds
    and flags regions whose coverage is below ``flag_below``."""

    key = "screen"
    input = "raw"
    output = "screened"
    constraints: ClassVar[dict[str, Any]] = {
        "min_region_coverage": float,
        "min_indicator_coverage": float,
        "flag_below": float,
    }

    def _apply(self, run: IndexRun) -> StepOutput:
        data = run.data[self.input]
        spec = self._spec(run)
        present = ~np.isnan(data.values)
        n_r, n_c = data.shape
        region_cov = present.mean(axis=1) if n_c else np.zeros(n_r)
        ind_cov = present.mean(axis=0) if n_r else np.zeros(n_c)
        keep_r = region_cov >= float(spec.get("min_region_coverage", 0.0))
        keep_c = ind_cov >= float(spec.get("min_indicator_coverage", 0.0))
        flag = float(spec.get("flag_below", 0.5))
        out = Dataset(
            tuple(r for r, k in zip(data.regions, keep_r, strict=True) if k),
            tuple(c for c, k in zip(data.columns, keep_c, strict=True) if k),
            data.values[np.ix_(keep_r, keep_c)],
        )
        return out, {
            "params": spec,
            "region_coverage": dict(zip(data.regions, region_cov.round(6).tolist(), strict=True)),
            "indicator_coverage": dict(zip(data.columns, ind_cov.round(6).tolist(), strict=True)),
            "dropped_regions": [r for r, k in zip(data.regions, keep_r, strict=True) if not k],
            "dropped_indicators": [c for c, k in zip(data.columns, keep_c, strict=True) if not k],
            "flagged_regions": [
                r for r, c in zip(data.regions, region_cov, strict=True) if c < flag
            ],
        }


# --------------------------------------------------------------------------- impute


class Impute(Step):
    key = "impute"
    input = "screened"
    output = "imputed"
    constraints: ClassVar[dict[str, Any]] = {
        "method": tuple(imp.IMPUTERS),
        "per_indicator": dict,
    }

    def _apply(self, run: IndexRun) -> StepOutput:
        data = run.data[self.input]
        groups = run.groups_for(data.regions)
        out = np.array(data.values, copy=True)
        mask = np.zeros(data.shape, dtype=bool)
        methods: dict[str, str] = {}
        for method, cols in _group_columns(
            data.columns, lambda c: self._spec(run, c)["method"]
        ).items():
            idx = [data.columns.index(c) for c in cols]
            values, imputed = imp.impute(data.values[:, idx], method, groups=groups)
            out[:, idx] = values
            mask[:, idx] = imputed
            methods.update(dict.fromkeys(cols, method))
        cells = [
            {
                "region_code": data.regions[i],
                "indicator_code": data.columns[j],
                "value": float(out[i, j]),
            }
            for i, j in zip(*np.nonzero(mask), strict=True)
        ]
        return data.with_values(out), {
            "methods": methods,
            "imputed_mask": mask,
            "imputed_cells": cells,
            "n_imputed": int(mask.sum()),
        }


def _group_columns(columns: tuple[str, ...], key: Any) -> dict[Any, list[str]]:
    groups: dict[Any, list[str]] = {}
    for c in columns:
        groups.setdefault(key(c), []).append(c)
    return groups


# --------------------------------------------------------------------------- treat


class Treat(Step):
    """Outlier treatment per indicator (COINr's winsorisation with a log fallback, or none).

    ``limits`` (indicator → limits recorded by another run, see
    :func:`ikp.methods.treat.apply_limits`) treats those indicators with the given limits instead
    of fitting them to this data: how a province is computed on the national scale
    (:mod:`ikp.coverage`). The artefact records the input range of every indicator, which the
    log transform uses."""

    key = "treat"
    input = "imputed"
    output = "treated"
    constraints: ClassVar[dict[str, Any]] = {
        "method": tuple(trt.TREATERS),
        "skew_threshold": float,
        "kurtosis_threshold": float,
        "max_points": int,
        "log_fallback": bool,
        "per_indicator": dict,
        "limits": dict,
    }

    def _apply(self, run: IndexRun) -> StepOutput:
        data = run.data[self.input]
        out = np.array(data.values, copy=True)
        info: dict[str, Any] = {}
        limits = self._params.get("limits") or {}
        for c, lim in limits.items():
            if c in data.columns:
                j = data.columns.index(c)
                out[:, j] = trt.apply_limits(data.values[:, j], dict(lim))
                method = lim.get("method", "none")
                info[c] = {"treated": method != "none", "method": method, "limits": dict(lim)}
        own = tuple(c for c in data.columns if c not in limits)
        keyed = _group_columns(own, lambda c: _freeze(self._spec(run, c)))
        for frozen, cols in keyed.items():
            spec = dict(frozen)
            if spec.get("method", "none") == "none":
                continue
            idx = [data.columns.index(c) for c in cols]
            params = _float_params(
                spec, ("skew_threshold", "kurtosis_threshold", "max_points", "log_fallback")
            )
            values, infos = trt.winsorise_matrix(data.values[:, idx], **params)
            out[:, idx] = values
            info.update((c, asdict(ti)) for c, ti in zip(cols, infos, strict=True))
        return data.with_values(out), {
            "treatment": info,
            "treated_indicators": [c for c, i in info.items() if i.get("treated")],
            "input_stats": _column_stats(data),
        }


# --------------------------------------------------------------------------- normalize


NORMALIZE_PARAMS = ("lower", "upper", "mean", "sd", "scale", "trunc", "target", "cap")


class Normalize(Step):
    """Normalises each indicator with its method. ``constant`` (framework default
    ``defaults.normalize.constant``): an indicator without spread, where COINr's formula is
    0/0, is blanked (``coinr``: its parents leave it out and rescale the other weights) or
    kept at the method's defined value (``lower``); the artefacts list those indicators."""

    key = "normalize"
    input = "treated"
    output = "normalized"
    constraints: ClassVar[dict[str, Any]] = {
        "method": tuple(nrm.NORMALIZERS),
        "lower": None,
        "upper": None,
        "mean": None,
        "sd": None,
        "scale": None,
        "trunc": None,
        "target": None,
        "cap": None,
        "constant": nrm.CONSTANT_OPTIONS,
        "per_indicator": dict,
    }

    def _apply(self, run: IndexRun) -> StepOutput:
        data = run.data[self.input]
        out = np.empty(data.shape, dtype=np.float64)
        direction = np.array(
            [run.framework.nodes[c].direction for c in data.columns], dtype=np.float64
        )
        used: dict[str, dict[str, Any]] = {}
        constant: dict[str, dict[str, Any]] = {}
        # group columns sharing the same spec so each method runs vectorised
        keyed = _group_columns(data.columns, lambda c: _freeze(self._spec(run, c)))
        for frozen, cols in keyed.items():
            spec = dict(frozen)
            idx = [data.columns.index(c) for c in cols]
            method = spec.get("method", "minmax")
            params = _float_params(spec, NORMALIZE_PARAMS)
            for name in ("lower", "upper", "target"):
                if method in ("goalposts", "dist2target") and name in params:
                    params[name] = np.broadcast_to(
                        np.asarray(params[name], dtype=np.float64), (len(idx),)
                    ).copy()
            params = {k: v for k, v in params.items() if k in _accepted(method)}
            option = spec.get("constant", "coinr")
            out[:, idx] = nrm.normalize(
                data.values[:, idx], method, direction=direction[idx], constant=option, **params
            )
            flat = nrm.no_spread(data.values[:, idx], method)
            for c, is_flat in zip(cols, flat, strict=True):
                used[c] = spec
                if is_flat:
                    constant[c] = {"option": option, "dropped": option == "coinr"}
        stats = _column_stats(data)
        for c, entry in constant.items():
            entry["value"] = stats[c]["min"]
        dropped = {c: e["value"] for c, e in constant.items() if e["dropped"]}
        return data.with_values(out), {
            "methods": used,
            "input_stats": stats,
            "constant": {"indicators": constant, "dropped": dropped},
        }


def _accepted(method: str) -> tuple[str, ...]:
    return {
        "minmax": ("lower", "upper"),
        "zscore": ("mean", "sd"),
        "goalposts": ("lower", "upper", "scale", "trunc"),
        "dist2target": ("target", "cap"),
    }.get(method, ())


def _column_stats(data: Dataset) -> dict[str, dict[str, float | None]]:
    """min, max, mean and sample SD of each column (None where undefined)."""
    x = data.values
    present = ~np.isnan(x)
    n = present.sum(axis=0)
    with np.errstate(all="ignore"):
        lo = np.where(present, x, np.inf).min(axis=0, initial=np.inf)
        hi = np.where(present, x, -np.inf).max(axis=0, initial=-np.inf)
        mean = np.where(present, x, 0.0).sum(axis=0) / n
        var = np.where(present, (x - mean) ** 2, 0.0).sum(axis=0) / (n - 1)
    table = {"min": lo, "max": hi, "mean": mean, "sd": np.sqrt(var)}
    return {
        c: {k: (float(v[j]) if np.isfinite(v[j]) else None) for k, v in table.items()}
        for j, c in enumerate(data.columns)
    }


def _freeze(spec: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in spec.items()))


# --------------------------------------------------------------------------- weight


class Weight(Step):
    """Chooses the weight of every node for the run's region level.

    ``method``: ``framework`` (the file's weights), ``equal``, ``pca`` (COINr-style PCA weights
    for each level-2 group's indicators, from the normalised data; other levels keep the file's
    weights) or ``ahp`` (Saaty's eigenvector weights for each aggregate with a pairwise-comparison
    matrix; aggregates without one keep the file's weights). Parameters left at ``None`` come
    from the framework file's ``defaults.weight``; ``ahp`` (aggregate code → matrix, or
    ``{matrix, order}``) adds to or replaces the file's matrices. A consistency ratio above
    ``max_cr`` is a warning recorded in the artefacts, or an error if ``allow_inconsistent`` is
    false. ``explicit`` overrides single node weights last."""

    key = "weight"
    input = "normalized"
    output = "normalized"
    constraints: ClassVar[dict[str, Any]] = {
        "method": ("framework", "equal", "pca", "ahp"),
        "ahp": dict,
        "explicit": dict,
        "max_cr": float,
        "allow_inconsistent": bool,
    }

    def _apply(self, run: IndexRun) -> StepOutput:
        fw = run.framework
        data = run.data[self.input]
        own = {k: v for k, v in self._params.items() if v is not None}
        spec = {**fw.method("weight"), **own}
        if "ahp" in own and "method" not in own:
            spec["method"] = "ahp"
        method = spec.get("method") or "framework"
        details: dict[str, Any] = {}
        warnings: list[str] = []
        if method == "pca":
            weights, _ = fw.method_weights(run.region_level, "framework")
            # a constant indicator the normalize step blanked (COINr) is left out of its
            # parent, so it takes no part in the PCA either
            dropped = set(dropped_constants(run))
            for code in fw.aggregates:
                kids = fw.children(code)
                if fw.nodes[code].level == 2 and len(kids) > 1:
                    cols = [c for c in kids if c in data.columns and c not in dropped]
                    if len(cols) > 1:
                        w = wts.pca_weights(data.select(cols).values)
                        if np.any(w < 0):
                            signs = ", ".join(f"{c} {x:+.2f}" for c, x in zip(cols, w, strict=True))
                            raise MethodError(
                                f"PCA weights of {code}: the first component's loadings have "
                                f"mixed signs ({signs}), which would give negative weights; "
                                "choose another weighting for this data"
                            )
                        weights.update(zip(cols, (float(x) for x in w), strict=True))
            details["note"] = "PCA weights for indicators within each level-2 group"
        else:
            weights, results = fw.method_weights(run.region_level, method, own.get("ahp"))
            max_cr = float(spec.get("max_cr", 0.1))
            for code, result in results.items():
                message = (
                    f"AHP {code}: CR = {result.cr:.3f} > {max_cr:g} (lambda_max = "
                    f"{result.lambda_max:.3f}, CI = {result.ci:.3f}, RI = {result.ri})"
                )
                if result.cr > max_cr:
                    if not spec.get("allow_inconsistent", True):
                        raise MethodError(
                            f"AHP judgements are inconsistent: {message}. Revise the comparisons "
                            "or set allow_inconsistent"
                        )
                    warnings.append(message)
                kids = fw.children(code)
                details[code] = {
                    "order": list(kids),
                    "weights": {k: weights[k] for k in kids},
                    "cr": result.cr,
                    "ci": result.ci,
                    "ri": result.ri,
                    "lambda_max": result.lambda_max,
                    "n": result.n,
                    "consistent": result.cr <= max_cr,
                }
        for code, value in (own.get("explicit") or {}).items():
            fw.node(code)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"Weight.explicit[{code!r}] must be a number >= 0; got {value!r}.")
            weights[code] = float(value)
        for code in fw.aggregates:
            if sum(weights[k] for k in fw.children(code)) <= 0:
                raise MethodError(f"all children of {code!r} have weight 0")
        effective = fw.effective_weights(run.region_level, weights)
        return data, {
            "method": method,
            "weights": weights,
            "effective": effective,
            "ahp": details,
            "max_cr": float(spec.get("max_cr", 0.1)),
            "warnings": warnings,
        }


# --------------------------------------------------------------------------- aggregate


class Aggregate(Step):
    """Aggregates level by level up to the index with each node's method and the run's weights.
    A child missing for a region is dropped and the remaining weights rescaled; below
    ``min_coverage`` (share of children present) the node is missing. A constant indicator that
    the normalize step blanked is not a child at all (artefact ``left_out``)."""

    key = "aggregate"
    input = "normalized"
    output = "aggregated"
    constraints: ClassVar[dict[str, Any]] = {
        "method": tuple(agg.AGGREGATORS),
        "p": None,
        "min_coverage": float,
        "per_node": dict,
    }

    def _apply(self, run: IndexRun) -> StepOutput:
        fw = run.framework
        data = run.data[self.input]
        weights = run.current_weights()
        values: dict[str, FloatArray] = {c: data.values[:, j] for j, c in enumerate(data.columns)}
        n = len(data.regions)
        used: dict[str, dict[str, Any]] = {}
        # constant indicators blanked by normalize (COINr) are left out of their parent, which
        # rescales the other weights; they do not count as missing children for min_coverage
        absent = set(dropped_constants(run))
        left_out: dict[str, list[str]] = {}
        for code in fw.aggregates:
            spec = self._spec(run, code, per_node="per_node")
            kids = [k for k in fw.children(code) if k in values and k not in absent]
            gone = [k for k in fw.children(code) if k in absent]
            if gone:
                left_out[code] = gone
            if not kids:
                values[code] = np.full(n, np.nan)
                absent.add(code)
                continue
            matrix = np.column_stack([values[k] for k in kids])
            w = np.array([weights[k] for k in kids], dtype=np.float64)
            method = spec.get("method", "arithmetic")
            try:
                values[code] = agg.aggregate(
                    matrix,
                    w,
                    method=method,
                    p=spec.get("p"),
                    min_coverage=float(spec.get("min_coverage", 0.0)),
                )
            except MethodError as exc:
                raise MethodError(f"aggregating {code!r}: {exc}") from exc
            used[code] = {
                "method": method,
                "p": spec.get("p"),
                "min_coverage": spec.get("min_coverage", 0.0),
            }
        columns = (*data.columns, *fw.aggregates)
        out = np.column_stack([values[c] for c in columns]) if columns else np.empty((n, 0))
        return Dataset(data.regions, columns, out), {"methods": used, "left_out": left_out}


def dropped_constants(run: IndexRun) -> list[str]:
    """Indicators the run's normalize step blanked because they had no spread."""
    try:
        art = run.artefact("normalize")
    except KeyError:
        return []
    return list(art.get("constant", {}).get("dropped", {}))


# --------------------------------------------------------------------------- rescale


class Rescale(Step):
    """Rescales aggregate scores to 0–100: ``none`` (keep, already 0–100 after min-max and a
    mean), ``minmax`` (lowest 0, highest 100) or ``max`` (highest observed = 100)."""

    key = "rescale"
    input = "aggregated"
    output = "scores"
    constraints: ClassVar[dict[str, Any]] = {
        "method": ("none", "minmax", "max"),
        "upper": float,
        "per_node": dict,
    }

    def _apply(self, run: IndexRun) -> StepOutput:
        fw = run.framework
        data = run.data[self.input]
        out = np.array(data.values, copy=True)
        used: dict[str, str] = {}
        for j, code in enumerate(data.columns):
            if fw.nodes[code].level == 1:
                continue
            spec = self._spec(run, code, per_node="per_node")
            method = spec.get("method", "none")
            used[code] = method
            if method != "none":
                out[:, j] = cls.rescale(
                    data.values[:, j], method, upper=float(spec.get("upper", 100.0))
                )
        return data.with_values(out), {"methods": used}


# --------------------------------------------------------------------------- classify


class Classify(Step):
    """Ranks (1 = most vulnerable; ties share the lowest rank number) and classes per node:
    ``fixed`` cut-offs per region level, ``mean_sd`` (mean ± k·SD), ``quantile``,
    ``natural_breaks`` or ``none``. Classes are computed for aggregate nodes. Parameters left at
    ``None`` come from the framework's classification for the run's region level
    (``classification.per_level``, then the classification's own method). With ``none`` (the
    default of an imported COINr table), or ``fixed`` without cut-offs for the run's region level
    (e.g. generic units), nothing is classified: every ``class_index`` is -1 and ``class`` empty."""

    key = "classify"
    input = "scores"
    output = "ranks"
    constraints: ClassVar[dict[str, Any]] = {
        "method": ("fixed", "mean_sd", "quantile", "natural_breaks", "none"),
        "cutoffs": None,
        "k": float,
        "probs": None,
    }

    def _apply(self, run: IndexRun) -> StepOutput:
        fw = run.framework
        data = run.data[self.input]
        spec = fw.classification
        method = self._params.get("method") or spec.for_level(run.region_level)["method"]
        # scores equal up to floating-point noise (e.g. 26.666666666666664 vs ...668) tie
        ranks = cls.rank_desc(np.round(data.values, 9))
        classes = np.full(data.shape, -1.0)
        cutoffs_used: dict[str, list[float]] = {}
        n_classes = len(spec.labels)
        if (
            method == "fixed"
            and not self._params.get("cutoffs")
            and not fw.cutoffs(run.region_level)
        ):
            method = "none"  # no cut-offs for this level: national ones do not fit other units
        for j, code in enumerate(data.columns):
            if fw.nodes[code].level == 1 or method == "none":
                continue
            scores = data.values[:, j]
            cut = self.cutoffs_for(run, method, scores, n_classes)
            cutoffs_used[code] = [float(c) for c in cut]
            classes[:, j] = cls.classify(scores, cut)
        return data.with_values(np.asarray(ranks, dtype=np.float64)), {
            "method": method,
            "region_level": run.region_level,
            "classes": classes,
            "cutoffs": cutoffs_used,
            "labels_id": list(fw.class_labels("id")),
            "labels_en": list(fw.class_labels("en")),
        }

    def cutoffs_for(
        self, run: IndexRun, method: str, scores: FloatArray, n_classes: int
    ) -> tuple[float, ...]:
        spec = run.framework.classification
        level = spec.for_level(run.region_level)
        if level["method"] != method:  # the step chose another method: its own defaults
            level = {}
        if method == "fixed":
            given = self._params.get("cutoffs")
            if isinstance(given, Mapping):
                given = given.get(run.region_level)
            return tuple(float(c) for c in (given or run.framework.cutoffs(run.region_level)))
        finite = scores[np.isfinite(scores)]
        if finite.size == 0:
            return tuple(float("nan") for _ in range(n_classes - 1))
        if method == "mean_sd":
            k = float(self._params.get("k") or level.get("k") or spec.k)
            return tuple(float(c) for c in cls.cutoffs_mean_sd(finite, k=k))
        if method == "quantile":
            probs = self._params.get("probs") or level.get("probs") or spec.probs
            return tuple(float(c) for c in cls.cutoffs_quantile(finite, probs=tuple(probs)))
        return tuple(float(c) for c in cls.cutoffs_natural_breaks(finite, n_classes=n_classes))


STEPS: dict[str, type[Step]] = {
    s.key: s for s in (Screen, Impute, Treat, Normalize, Weight, Aggregate, Rescale, Classify)
}


def default_chain() -> list[Step]:
    """The framework-driven chain: every parameter comes from the framework file."""
    return [Screen(), Impute(), Treat(), Normalize(), Weight(), Aggregate(), Rescale(), Classify()]
