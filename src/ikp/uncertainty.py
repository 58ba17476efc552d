"""Monte Carlo uncertainty analysis and variance-based sensitivity analysis of a run.

The uncertain inputs (OECD/JRC Handbook 2008, step 7; COINr ``get_sensitivity``), each on the
scale the class cut-offs are defined on:

* the data: incident counts resampled from a Poisson or negative-binomial model
  (:mod:`ikp.noise`); ``spec.data_noise.draws`` resampled data sets go through the run's own
  imputation, treatment and normalisation; one input;
* the weights of every framework level: each weight of a node at level ``l`` is multiplied by
  ``U(1 - noise_l, 1 + noise_l)`` (COINr ``get_noisy_weights``); one input per level;
* the imputation method and the aggregation method: each a discrete uniform choice among a
  list of alternatives (by default no imputation or median imputation; the arithmetic mean or
  the generalised mean with p = 0.5, both means of the same 0–100 scale); one input each;
* the normalisation method, only when the spec gives alternatives (none by default). An
  alternative that changes the meaning of the scale (percentile ranks, z-scores) varies ranks
  but is not classified against cut-offs calibrated for the nominal scale: its replications
  are left out of the class probabilities (``other_scale_classes = "exclude"``, the default)
  or classified with the cut-offs mapped by quantile (``"quantile"``). ADR 0005.

``run_uncertainty(run, spec)`` draws ``spec.n_runs`` replications and reports, per region, the
nominal, median, mean, 5th and 95th percentile rank, the scores' 5th/95th percentiles and the
probability of every class. ``run_sensitivity(run, spec)`` (or ``spec.method = "sa"``) uses
Saltelli's A, B, A_B^i design and estimates first-order (Saltelli et al. 2010) and total
(Jansen 1999) indices of the mean absolute rank shift with respect to the nominal ranking,
COINr's default target.

Speed: the step pipeline is never called per replication. The normalised matrix of every
(data draw × imputation × normalisation) alternative is computed once by replaying the run's
own logged steps; each chunk of replications is then aggregated level by level with batched
matrix products (``numerator = T(X)0 @ W``, ``denominator = M @ W`` with ``M`` the present
mask, the same rule as :func:`ikp.methods.aggregate.aggregate`). Ranks are kept per
replication (memory linear in the regions) and summarised by column quantiles. Formulas,
defaults and references: ``docs/methodology/uncertainty.md``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import copy
import math
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator
from threadpoolctl import threadpool_limits

from ikp._types import BoolArray, FloatArray, IntArray
from ikp.issues import MethodError
from ikp.jsonsafe import plain as _plain
from ikp.jsonsafe import records as _records
from ikp.methods import classify as cls
from ikp.noise import CountSampler, DataNoise, count_columns_mask
from ikp.steps import STEPS, Step, dropped_constants

if TYPE_CHECKING:
    from ikp.run import IndexRun

Progress = Callable[[int, int], None]

#: relative tolerance under which two replicated scores count as tied when ranking
RANK_TIE_TOL = 1e-9


def _default_impute() -> list[dict[str, Any]]:
    return [{"method": "none"}, {"method": "median"}]


class UncertaintySpec(BaseModel):
    """What varies in an uncertainty or sensitivity analysis.

    ``data_noise``: the model of the incident counts (:class:`ikp.noise.DataNoise`; Poisson
    with 50 resampled data sets by default, ``{"model": "none"}`` to keep the data fixed).
    ``weight_noise``: framework level of the child → noise factor ``a`` (each weight at that
    level is multiplied by ``U(1 - a, 1 + a)``); levels at or above the root are ignored.
    ``*_alternatives``: a list of step parameter sets, one drawn uniformly per replication; an
    empty list keeps the run's own setting (the input does not vary). A normalisation
    alternative may carry ``times`` (a factor applied to the normalised values, e.g. 100 to put
    percentile ranks on 0–100) and ``scale`` (``same`` or ``other``: whether its scores live on
    the scale the cut-offs were calibrated for; by default ``same`` only for the run's own
    method with the same parameters); the other keys are the step's parameters and override
    the run's logged step parameters (the step's ``per_indicator`` / ``per_node`` overrides
    stay). ``other_scale_classes``: how replications on another scale are classified under
    fixed cut-offs — ``exclude`` (they vary ranks and scores only) or ``quantile`` (each
    cut-off is mapped to the quantile it holds among the nominal scores).
    ``method``: ``ua`` (uncertainty only) or ``sa`` (Saltelli design, ``n_base`` base rows,
    default ``n_runs``, giving ``n_base · (d + 2)`` evaluations). ``targets``: ``index`` or
    ``all`` aggregates."""

    model_config = ConfigDict(extra="forbid")

    n_runs: int = Field(1000, ge=1)
    seed: int = 1
    data_noise: DataNoise = Field(default_factory=DataNoise)
    weight_noise: dict[int, float] = Field(default_factory=lambda: {1: 0.25, 2: 0.25, 3: 0.25})
    normalize_alternatives: list[dict[str, Any]] = Field(default_factory=list)
    aggregate_alternatives: list[dict[str, Any]] = Field(default_factory=list)
    impute_alternatives: list[dict[str, Any]] = Field(default_factory=_default_impute)
    other_scale_classes: Literal["exclude", "quantile"] = "exclude"
    method: Literal["ua", "sa"] = "ua"
    targets: Literal["index", "all"] = "index"
    n_base: int | None = Field(None, ge=2)
    n_boot: int = Field(200, ge=0)
    ci_level: float = Field(0.95, gt=0.0, lt=1.0)
    sa_per_region: bool = False
    chunk_size: int = Field(500, ge=1)
    workers: int | None = Field(None, ge=1)

    @field_validator("weight_noise")
    @classmethod
    def _check_noise(cls, value: dict[int, float]) -> dict[int, float]:
        for level, noise in value.items():
            if level < 1:
                raise ValueError(f"weight_noise level must be >= 1, got {level}")
            if not (0.0 <= float(noise) < 1.0):
                raise ValueError(
                    f"weight_noise[{level}] must be in [0, 1) so weights stay positive; got {noise}"
                )
        return value


@dataclass(frozen=True)
class UncertaintyResult:
    """Per-region summary (``table``), the spec, the seed, timing, and (after a sensitivity
    analysis) the sensitivity indices."""

    table: pd.DataFrame
    spec: UncertaintySpec
    seed: int
    n_evaluations: int
    n_summarised: int
    elapsed_seconds: float
    inputs: tuple[str, ...]
    class_labels: tuple[str, ...]
    input_labels: tuple[dict[str, str], ...] = ()
    classified_runs: int = 0
    sensitivity: pd.DataFrame | None = None
    sensitivity_per_region: pd.DataFrame | None = None
    variance: float | None = None
    replications: dict[str, FloatArray] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe content (NaN becomes ``None``; replications are left out)."""
        out: dict[str, Any] = {
            "spec": self.spec.model_dump(mode="json"),
            "seed": self.seed,
            "n_evaluations": self.n_evaluations,
            "n_summarised": self.n_summarised,
            "elapsed_seconds": self.elapsed_seconds,
            "inputs": list(self.inputs),
            "input_labels": [dict(x) for x in self.input_labels],
            "classified_runs": self.classified_runs,
            "class_labels": list(self.class_labels),
            "table": _records(self.table),
            "variance": _plain(self.variance),
        }
        if self.sensitivity is not None:
            out["sensitivity"] = _records(self.sensitivity)
        if self.sensitivity_per_region is not None:
            out["sensitivity_per_region"] = _records(self.sensitivity_per_region)
        return out


# =========================================================================== public API


def run_uncertainty(
    run: IndexRun, spec: UncertaintySpec | None = None, progress: Progress | None = None
) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of ``run`` (``spec.method = "sa"`` adds sensitivity
    indices; see :func:`run_sensitivity`). Seeded: the same spec gives identical results."""
    spec = spec or UncertaintySpec()
    if spec.method == "sa":
        return run_sensitivity(run, spec, progress=progress)
    t0 = time.perf_counter()
    engine = _Engine(run, spec)
    rng = np.random.default_rng(spec.seed)
    u = rng.random((spec.n_runs, engine.n_dims))
    acc = engine.evaluate(u, progress=progress)
    table = acc.summary()
    return UncertaintyResult(
        table=table,
        spec=spec,
        seed=spec.seed,
        n_evaluations=spec.n_runs,
        n_summarised=spec.n_runs,
        elapsed_seconds=time.perf_counter() - t0,
        inputs=tuple(i.name for i in engine.inputs),
        class_labels=engine.labels,
        input_labels=engine.input_labels(),
        classified_runs=acc.classified_runs,
        replications=acc.root_replications(),
    )


def run_sensitivity(
    run: IndexRun,
    spec: UncertaintySpec | None = None,
    n_base: int | None = None,
    progress: Progress | None = None,
) -> UncertaintyResult:
    """Variance-based sensitivity analysis of the index ranking.

    Saltelli's design: two independent uniform samples ``A`` and ``B`` of ``n_base`` rows over
    the ``d`` uncertain inputs and, for every input ``i``, ``A_B^i`` (``A`` with input ``i``
    taken from ``B``): ``n_base · (d + 2)`` evaluations. Target ``y`` = mean over regions of
    ``|rank - nominal rank|`` of the index. ``first_order`` = Saltelli et al. (2010),
    ``total`` = Jansen (1999), with bootstrap percentile intervals if ``spec.n_boot > 0``.
    The per-region table (``spec.sa_per_region``) uses each region's rank as the target.
    Uncertainty statistics in ``table`` come from the ``A`` and ``B`` rows (as COINr)."""
    spec = spec or UncertaintySpec(method="sa")
    t0 = time.perf_counter()
    engine = _Engine(run, spec)
    d = len(engine.inputs)
    if d == 0:
        raise ValueError(
            "nothing varies: give weight_noise > 0 or at least two alternatives for a step"
        )
    nb = int(n_base or spec.n_base or spec.n_runs)
    if nb < 2:
        raise ValueError(f"n_base must be at least 2, got {nb}")
    rng = np.random.default_rng(spec.seed)
    base = rng.random((nb, 2 * engine.n_dims))
    a = base[:, : engine.n_dims]
    b = base[:, engine.n_dims :]
    blocks = [a, b]
    for inp in engine.inputs:
        ab = a.copy()
        ab[:, inp.columns] = b[:, inp.columns]
        blocks.append(ab)
    u = np.vstack(blocks)
    summarise = np.zeros(u.shape[0], dtype=bool)
    summarise[: 2 * nb] = True
    acc = engine.evaluate(u, progress=progress, summarise=summarise, keep_ranks=True)
    y = acc.rank_shift
    y_a, y_b = y[:nb], y[nb : 2 * nb]
    y_ab = y[2 * nb :].reshape(d, nb).T
    boot_rng = np.random.default_rng([spec.seed, 7919])
    est = sobol_indices(y_a, y_b, y_ab, n_boot=spec.n_boot, ci_level=spec.ci_level, rng=boot_rng)
    sens = pd.DataFrame(
        {
            "input": [i.name for i in engine.inputs],
            "label": [i.label_en for i in engine.inputs],
            "label_id": [i.label_id for i in engine.inputs],
            "first_order": est["first_order"],
            "total": est["total"],
        }
    )
    if spec.n_boot > 0:
        for key in ("first_order_low", "first_order_high", "total_low", "total_high"):
            sens[key] = est[key]
    per_region = None
    if spec.sa_per_region:
        ranks = np.asarray(acc.root_ranks, dtype=np.float64)  # (n_eval, n_regions)
        r_a, r_b = ranks[:nb], ranks[nb : 2 * nb]
        r_ab = ranks[2 * nb :].reshape(d, nb, -1)
        rows: list[pd.DataFrame] = []
        for j, inp in enumerate(engine.inputs):
            si, st = _sobol_matrix(r_a, r_b, r_ab[j])
            rows.append(
                pd.DataFrame(
                    {
                        "region_code": list(engine.regions),
                        "input": inp.name,
                        "first_order": si,
                        "total": st,
                    }
                )
            )
        per_region = pd.concat(rows, ignore_index=True)
    return UncertaintyResult(
        table=acc.summary(),
        spec=spec,
        seed=spec.seed,
        n_evaluations=int(u.shape[0]),
        n_summarised=2 * nb,
        elapsed_seconds=time.perf_counter() - t0,
        inputs=tuple(i.name for i in engine.inputs),
        class_labels=engine.labels,
        input_labels=engine.input_labels(),
        classified_runs=acc.classified_runs,
        sensitivity=sens,
        sensitivity_per_region=per_region,
        variance=float(est["variance"][0]),
        replications=acc.root_replications(),
    )


def sobol_indices(
    y_a: npt.ArrayLike,
    y_b: npt.ArrayLike,
    y_ab: npt.ArrayLike,
    *,
    n_boot: int = 0,
    ci_level: float = 0.95,
    rng: np.random.Generator | None = None,
) -> dict[str, FloatArray]:
    """First-order and total sensitivity indices from a Saltelli design.

    ``y_a``, ``y_b``: model outputs on ``A`` and ``B`` (``N`` each); ``y_ab``: ``(N, d)``, column
    ``i`` the outputs on ``A_B^i``. With ``V = var([y_a, y_b])``:

    * ``S_i  = mean(y_b · (y_ab_i - y_a)) / V`` (Saltelli et al. 2010, Table 2);
    * ``ST_i = mean((y_a - y_ab_i)^2) / (2 V)`` (Jansen 1999; Saltelli et al. 2010, Table 2).

    These are COINr's ``SA_estimate`` estimators. With ``n_boot > 0`` the rows are resampled
    with replacement ``n_boot`` times and the ``ci_level`` percentile interval is returned
    (``*_low``, ``*_high``). ``V = 0`` gives NaN indices."""
    ya = np.asarray(y_a, dtype=np.float64).reshape(-1)
    yb = np.asarray(y_b, dtype=np.float64).reshape(-1)
    yab = np.asarray(y_ab, dtype=np.float64)
    if yab.ndim == 1:
        yab = yab[:, None]
    n = ya.shape[0]
    if yb.shape[0] != n or yab.shape[0] != n:
        raise ValueError("y_a, y_b and y_ab must have the same number of rows")
    si, st, var = _sobol(ya[None, :], yb[None, :], yab.T[None, :, :])
    out: dict[str, FloatArray] = {
        "first_order": si[0],
        "total": st[0],
        "variance": np.array([var[0]]),
    }
    if n_boot > 0:
        gen = rng if rng is not None else np.random.default_rng(0)
        idx = gen.integers(0, n, size=(n_boot, n))
        bsi, bst, _ = _sobol(ya[idx], yb[idx], np.moveaxis(yab[idx], 2, 1))
        lo = (1.0 - ci_level) / 2.0
        with np.errstate(invalid="ignore"):
            out["first_order_low"] = np.nanquantile(bsi, lo, axis=0)
            out["first_order_high"] = np.nanquantile(bsi, 1.0 - lo, axis=0)
            out["total_low"] = np.nanquantile(bst, lo, axis=0)
            out["total_high"] = np.nanquantile(bst, 1.0 - lo, axis=0)
    return out


# =========================================================================== estimators


def _sobol(
    ya: FloatArray, yb: FloatArray, yab: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Batched estimators: ``ya``, ``yb`` ``(B, N)``, ``yab`` ``(B, d, N)`` → ``(B, d)`` twice
    and the variance ``(B,)``."""
    var = np.concatenate([ya, yb], axis=1).var(axis=1, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        vi = (yb[:, None, :] * (yab - ya[:, None, :])).mean(axis=2)
        vt = 0.5 * ((ya[:, None, :] - yab) ** 2).mean(axis=2)
        ok = (var > 0)[:, None]
        si = np.where(ok, vi / var[:, None], np.nan)
        st = np.where(ok, vt / var[:, None], np.nan)
    return si, st, var


def _sobol_matrix(ra: FloatArray, rb: FloatArray, rab: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per-region indices for one input: ``ra``, ``rb``, ``rab`` ``(N, n_regions)``."""
    var = np.concatenate([ra, rb], axis=0).var(axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        si = np.where(var > 0, (rb * (rab - ra)).mean(axis=0) / var, np.nan)
        st = np.where(var > 0, 0.5 * ((ra - rab) ** 2).mean(axis=0) / var, np.nan)
    return np.asarray(si, dtype=np.float64), np.asarray(st, dtype=np.float64)


# =========================================================================== engine


@dataclass(frozen=True)
class _Input:
    name: str
    label_en: str
    label_id: str
    columns: IntArray  # columns of the uniform sample that drive this input
    kind: Literal["weights", "choice"]
    level: int = 0
    noise: float = 0.0
    n_choices: int = 1


@dataclass(frozen=True)
class _AggSpec:
    method: str
    p: float | None
    min_coverage: float


@dataclass
class _Level:
    """Nodes of one framework level, ordered so that siblings are contiguous."""

    level: int
    codes: list[str]
    base_weights: FloatArray
    # for aggregate levels: per parent, the slice of child positions in the level below
    parents: list[str] = field(default_factory=list)
    child_slices: list[slice] = field(default_factory=list)


class _Engine:
    def __init__(self, run: IndexRun, spec: UncertaintySpec) -> None:
        fw = run.framework
        self.fw = fw
        self.run = run
        self.spec = spec
        for key in ("normalized", "scores", "ranks"):
            if key not in run.data:
                raise ValueError(
                    f"the run has no {key!r} dataset; run the whole chain (compute) first"
                )
        normalized = run.data["normalized"]
        self.regions = normalized.regions
        self.n = len(self.regions)
        weights = run.current_weights()
        present = set(normalized.columns)
        self.root = fw.root

        # constant indicators the normalize step blanked (COINr) are not children at all, and
        # an aggregate left without children is dropped from its parent (as the Aggregate step)
        absent = set(dropped_constants(run))
        for code in fw.aggregates:
            if not any(
                (k in present or k in fw.aggregates) and k not in absent for k in fw.children(code)
            ):
                absent.add(code)
        absent.discard(fw.root)
        self.absent = absent
        # ---- tree layout, top-down so that siblings are contiguous at every level
        self.levels: dict[int, _Level] = {}
        order: list[str] = [fw.root]
        self.levels[fw.n_levels] = _Level(fw.n_levels, order, np.ones(1))
        for lvl in range(fw.n_levels - 1, 0, -1):
            above = self.levels[lvl + 1]
            codes: list[str] = []
            for parent in above.codes:
                start = len(codes)
                kids = [
                    k for k in fw.children(parent) if (lvl > 1 or k in present) and k not in absent
                ]
                codes.extend(kids)
                above.parents.append(parent)
                above.child_slices.append(slice(start, len(codes)))
            self.levels[lvl] = _Level(
                lvl, codes, np.array([float(weights[c]) for c in codes], dtype=np.float64)
            )
            _check_weight_sets(self.levels[lvl].base_weights)
        ind_codes = self.levels[1].codes
        col_pos = {c: j for j, c in enumerate(normalized.columns)}
        self.ind_columns = np.array([col_pos[c] for c in ind_codes], dtype=np.int64)

        # ---- uncertain inputs and the columns of the uniform sample they use
        self.inputs: list[_Input] = []
        n_dims = 0
        for lvl in sorted(spec.weight_noise):
            noise = float(spec.weight_noise[lvl])
            if lvl >= fw.n_levels or noise <= 0.0:
                continue
            k = len(self.levels[lvl].codes)
            self.inputs.append(
                _Input(
                    name=f"weights_L{lvl}",
                    label_en=f"weights of the {fw.level_name(lvl, 'en')} level (±{noise:.0%})",
                    label_id=f"bobot tingkat {fw.level_name(lvl, 'id')} (±{noise:.0%})",
                    columns=np.arange(n_dims, n_dims + k),
                    kind="weights",
                    level=lvl,
                    noise=noise,
                )
            )
            n_dims += k

        self.impute_alts = _alternatives(spec.impute_alternatives)
        self.normalize_alts = _alternatives(spec.normalize_alternatives)
        self.aggregate_alts = _alternatives(spec.aggregate_alternatives)
        self.norm_same_scale = [self._same_scale("normalize", a) for a in self.normalize_alts]
        self.agg_same_scale = [self._same_scale("aggregate", a) for a in self.aggregate_alts]
        data_noise = spec.data_noise
        # the data draws: None = the observed data only; otherwise resampled draw d
        self.data_variants: list[int | None] = (
            list(range(data_noise.draws)) if data_noise.active else [None]
        )
        self.choice_input: dict[str, _Input | None] = {}
        for name, alts, en, idn in (
            ("normalize", self.normalize_alts, "normalisation method", "metode normalisasi"),
            ("aggregate", self.aggregate_alts, "aggregation method", "metode agregasi"),
            ("impute", self.impute_alts, "imputation method", "metode imputasi"),
            ("data", self.data_variants, "incident counts", "jumlah kejadian"),
        ):
            inp: _Input | None = None
            if len(alts) > 1 or (name == "data" and data_noise.active):
                label_en, label_id = _choice_labels(name, en, idn, len(alts), data_noise)
                inp = _Input(
                    name=name,
                    label_en=label_en,
                    label_id=label_id,
                    columns=np.array([n_dims], dtype=np.int64),
                    kind="choice",
                    n_choices=len(alts),
                )
                self.inputs.append(inp)
                n_dims += 1
            self.choice_input[name] = inp
        self.n_dims = max(n_dims, 1)

        # ---- precomputed normalised matrices and aggregation specs
        self.matrices = self._matrices()
        self._transposed: dict[tuple[int, int, int], FloatArray] = {}
        self.noisy: _NoisyData | None = _NoisyData(self) if data_noise.active else None
        self.agg_specs = [self._agg_specs(alt) for alt in self.aggregate_alts]
        self.rescale = self._rescale_specs()
        self.classify_method, self.cutoff_rule = self._classification()
        self.labels = tuple(run.framework.class_labels("id"))
        self.targets = (
            [fw.root]
            if spec.targets == "index"
            else [c for c in reversed(fw.aggregates) if c not in absent]
        )
        self.target_set = set(self.targets)
        ranks = run.data["ranks"]
        scores = run.data["scores"]
        self.nominal_rank = {c: ranks.column(c).copy() for c in self.targets}
        self.nominal_score = {c: scores.column(c).copy() for c in self.targets}

    # ---- precomputation --------------------------------------------------------------

    def _logged(self, key: str) -> tuple[int, Step] | None:
        for i in range(len(self.run.log) - 1, -1, -1):
            entry = self.run.log[i]
            if entry.step == key:
                return i, STEPS[key](**copy.deepcopy(entry.params))
        return None

    def _matrices(self) -> dict[tuple[int, int, int], FloatArray]:
        """The normalised indicator matrix (regions × indicators in tree order) of every
        (imputation, normalisation) alternative on the observed data, by replaying the run's
        logged steps; keyed (0, imputation, normalisation)."""
        log = list(self.run.log)
        norm_pos = max((i for i, e in enumerate(log) if e.step == "normalize"), default=None)
        varies = self.normalize_alts + self.impute_alts
        if norm_pos is None and (
            any(a is not None for a in varies) or self.data_variants[0] is not None
        ):
            raise ValueError(
                "the run has no normalize step; cannot vary the data, imputation or normalisation"
            )
        if any(a is not None for a in self.impute_alts) and not any(
            e.step == "impute" for e in log[: norm_pos or 0]
        ):
            raise ValueError("the run has no impute step; set impute_alternatives=[]")
        out: dict[tuple[int, int, int], FloatArray] = {}
        for i, ialt in enumerate(self.impute_alts):
            for j, values in enumerate(self._normalized_variants(ialt, log, norm_pos)):
                out[(0, i, j)] = np.ascontiguousarray(values[:, self.ind_columns])
        return out

    def _normalized_variants(
        self, ialt: dict[str, Any] | None, log: list[Any], norm_pos: int | None
    ) -> Iterator[FloatArray]:
        """The normalised matrix under every normalisation alternative for one imputation
        alternative (the steps before normalisation are replayed once)."""
        nominal = self.run.data["normalized"]
        base: IndexRun | None = None
        for nalt in self.normalize_alts:
            if ialt is None and nalt is None:
                yield nominal.values
                continue
            assert norm_pos is not None
            if base is None:
                base = self._replay(log[:norm_pos], ialt)
            entry = log[norm_pos]
            params = copy.deepcopy(entry.params)
            times = 1.0
            if nalt is not None:
                extra = dict(nalt)
                times = float(extra.pop("times", 1.0))
                extra.pop("scale", None)
                params.update(extra)
            step = _make_step("normalize", params, nalt)
            try:
                variant = base.apply(step, name=entry.name)
            except MethodError as exc:
                raise ValueError(f"normalize alternative {nalt}: {exc}") from exc
            data = variant.data["normalized"]
            if data.regions != nominal.regions or data.columns != nominal.columns:
                raise ValueError(
                    "an alternative changed the screened regions or indicators; "
                    "alternatives must keep the same data layout"
                )
            yield np.asarray(data.values, dtype=np.float64) * times

    def _same_scale(self, step: str, alt: dict[str, Any] | None) -> bool:
        """Whether scores under the ``step`` (normalize or aggregate) alternative ``alt`` live
        on the scale the cut-offs were calibrated for: the run's own setting, an alternative
        that says ``scale: same``, or one that repeats the run's own method and parameters
        (with no ``times`` factor)."""
        if alt is None:
            return True
        declared = alt.get("scale")
        if declared is not None:
            if declared not in ("same", "other"):
                raise ValueError(f"{step} alternative {alt}: scale must be 'same' or 'other'")
            return bool(declared == "same")
        if float(alt.get("times", 1.0)) != 1.0:
            return False
        logged = self._logged(step)
        nominal = dict(self.fw.method(step))
        if logged is not None:
            nominal.update({k: v for k, v in logged[1].get_params().items() if v is not None})
        return all(nominal.get(k) == v for k, v in alt.items() if k not in ("times", "scale"))

    def _replay(self, entries: Sequence[Any], impute_alt: dict[str, Any] | None) -> IndexRun:
        run = self.run
        state = replace(run, data={"raw": run.data["raw"]}, log=(), artefacts={})
        for entry in entries:
            params = copy.deepcopy(entry.params)
            if entry.step == "impute" and impute_alt is not None:
                params.update(impute_alt)
            step = _make_step(entry.step, params, impute_alt if entry.step == "impute" else None)
            try:
                state = state.apply(step, name=entry.name)
            except MethodError as exc:
                raise ValueError(f"impute alternative {impute_alt}: {exc}") from exc
        return state

    def _agg_specs(self, alt: dict[str, Any] | None) -> dict[str, _AggSpec]:
        logged = self._logged("aggregate")
        params: dict[str, Any] = copy.deepcopy(dict(logged[1].get_params())) if logged else {}
        if alt is not None:
            params.update({k: v for k, v in alt.items() if k != "scale"})
        step = _make_step("aggregate", params, alt)
        step.validate()
        out: dict[str, _AggSpec] = {}
        for code in self.fw.aggregates:
            s = step._spec(self.run, code, per_node="per_node")
            p = s.get("p")
            out[code] = _AggSpec(
                method=str(s.get("method", "arithmetic")),
                p=None if p is None else float(p),
                min_coverage=float(s.get("min_coverage", 0.0)),
            )
        return out

    def _rescale_specs(self) -> dict[str, tuple[str, float]]:
        logged = self._logged("rescale")
        out: dict[str, tuple[str, float]] = {}
        for code in self.fw.aggregates:
            if logged is None:
                out[code] = ("none", 100.0)
                continue
            s = logged[1]._spec(self.run, code, per_node="per_node")
            out[code] = (str(s.get("method", "none")), float(s.get("upper", 100.0)))
        return out

    def _classification(self) -> tuple[str, dict[str, Any]]:
        logged = self._logged("classify")
        fw = self.fw
        if logged is None:
            return "fixed", {"cutoffs": {c: fw.cutoffs(self.run.region_level) for c in fw.nodes}}
        step = logged[1]
        art = self.run.artefact("classify")
        method = str(art["method"])
        params = step.get_params()
        rule: dict[str, Any] = {"cutoffs": dict(art.get("cutoffs", {}))}
        if method == "mean_sd":
            rule["k"] = float(params.get("k") or fw.classification.k)
        elif method == "quantile":
            rule["probs"] = [float(p) for p in (params.get("probs") or fw.classification.probs)]
        elif method == "natural_breaks":
            rule["n_classes"] = len(fw.classification.labels)
        return method, rule

    # ---- evaluation ----------------------------------------------------------------

    def evaluate(
        self,
        u: FloatArray,
        *,
        progress: Progress | None = None,
        summarise: BoolArray | None = None,
        keep_ranks: bool = False,
    ) -> _Accumulator:
        """Evaluate every row of the uniform sample ``u`` (n_eval × n_dims)."""
        n_eval = u.shape[0]
        choice = {
            name: (
                np.minimum(
                    (u[:, inp.columns[0]] * inp.n_choices).astype(np.int64), inp.n_choices - 1
                )
                if inp is not None
                else np.zeros(n_eval, dtype=np.int64)
            )
            for name, inp in self.choice_input.items()
        }
        # one mixed-radix code per (data draw, imputation, normalisation, aggregation)
        combo = np.zeros(n_eval, dtype=np.int64)
        for name in ("data", "impute", "normalize", "aggregate"):
            combo = combo * self._radix(name) + choice[name]
        same_scale = (
            np.asarray(self.norm_same_scale, dtype=bool)[choice["normalize"]]
            & np.asarray(self.agg_same_scale, dtype=bool)[choice["aggregate"]]
        )
        with single_threaded_blas():
            return self._evaluate(u, combo, same_scale, progress, summarise, keep_ranks)

    def _radix(self, name: str) -> int:
        sizes = {
            "data": len(self.data_variants),
            "impute": len(self.impute_alts),
            "normalize": len(self.normalize_alts),
            "aggregate": len(self.aggregate_alts),
        }
        return sizes[name]

    def input_labels(self) -> tuple[dict[str, str], ...]:
        """Every varied input with its Indonesian and English label."""
        return tuple(
            {"input": i.name, "label_id": i.label_id, "label_en": i.label_en} for i in self.inputs
        )

    def _evaluate(
        self,
        u: FloatArray,
        combo: IntArray,
        same_scale: BoolArray,
        progress: Progress | None,
        summarise: BoolArray | None,
        keep_ranks: bool,
    ) -> _Accumulator:
        """Groups of replications that share a data draw and method set are aggregated to
        level 2 with matrix products; their level-2 values are pooled per aggregation method
        until a chunk is full, and the levels above, ranks and classes are computed per pooled
        chunk (few large operations instead of many small ones). The groups are shared out
        between ``spec.workers`` threads (numpy releases the GIL in its array operations); each
        writes its own positions of the accumulator and keeps its own class counts, so the
        result does not depend on the number of threads. Progress is reported from the calling
        thread only (a web job's progress callback writes to the database)."""
        n_eval = u.shape[0]
        acc = _Accumulator(self, n_eval, summarise, keep_ranks, same_scale)
        order = np.argsort(combo, kind="stable")
        bounds = np.flatnonzero(np.diff(combo[order])) + 1
        groups = [g for g in np.split(order, bounds) if g.size]
        sizes = np.array([g.size for g in groups], dtype=np.int64)
        workers = max(1, min(self._workers(), len(groups)))
        # contiguous shares of about equal rows; share w writes positions from starts[w]
        cut = np.searchsorted(np.cumsum(sizes), np.arange(1, workers) * n_eval / workers)
        shares = np.split(np.arange(len(groups)), cut)
        starts = [int(sizes[sh].sum()) for sh in shares]
        starts = [int(x) for x in np.concatenate([[0], np.cumsum(starts)[:-1]])]
        done = [0] * len(shares)
        if len(shares) == 1:

            def report(count: int) -> None:
                done[0] = count
                if progress is not None:
                    progress(count, n_eval)

            self._work_share([groups[i] for i in shares[0]], combo, u, acc, 0, report)
            return acc

        def quiet(w: int) -> Callable[[int], None]:
            def note(count: int) -> None:
                done[w] = count

            return note

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(shares)) as pool:
            futures = [
                pool.submit(
                    self._work_share,
                    [groups[i] for i in share],
                    combo,
                    u,
                    acc,
                    start,
                    quiet(w),
                )
                for w, (share, start) in enumerate(zip(shares, starts, strict=True))
            ]
            pending_futures = set(futures)
            while pending_futures:
                finished, pending_futures = concurrent.futures.wait(
                    pending_futures, timeout=0.2, return_when=concurrent.futures.FIRST_EXCEPTION
                )
                for f in finished:
                    f.result()  # re-raise a worker's error here
                if progress is not None:
                    progress(sum(done), n_eval)
        return acc

    def _workers(self) -> int:
        """Threads for the evaluation: ``spec.workers``, or the usable cores (at most 2: the
        target machines have 2, and more gives little on these array sizes)."""
        if self.spec.workers is not None:
            return int(self.spec.workers)
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        return max(1, min(2, cores))

    def _work_share(
        self,
        groups: list[IntArray],
        combo: IntArray,
        u: FloatArray,
        acc: _Accumulator,
        start_position: int,
        report: Callable[[int], None],
    ) -> None:
        """Evaluate ``groups`` into positions ``start_position …`` of ``acc``."""
        chunk = self._chunk_rows()
        k2 = len(self.levels[2].codes)
        # per aggregation method: a level-2 buffer (nodes, chunk, regions), its rows, fill
        pending: dict[int, tuple[FloatArray, IntArray, int]] = {}
        spare: dict[int, FloatArray] = {}  # flushed buffers, reused (no fresh pages per chunk)
        # per (imputation, normalisation, aggregation): the level-2 masks, which every data
        # draw shares (resampling never changes which cells are missing)
        masks: dict[tuple[int, int, int], list[_Mask | None]] = {}
        tally = acc.new_tally()
        position = start_position
        done = 0
        work = _NoisyWork() if self.noisy is not None else None

        def flush(ai: int) -> None:
            nonlocal done, position
            if ai not in pending:
                return
            buf, rows_buf, filled = pending.pop(ai)
            rows = rows_buf[:filled]
            level2 = buf[:, :filled]
            try:
                values = self._upper_levels(
                    level2, self._factors(u[rows]), self.agg_specs[ai], rows.size
                )
            except MethodError as exc:
                raise ValueError(f"aggregate alternative {self.aggregate_alts[ai]}: {exc}") from exc
            acc.add(rows, values, position, tally)
            position += rows.size
            spare[ai] = buf
            done += rows.size
            report(done)

        for group in groups:
            c = int(combo[group[0]])
            c, ai = divmod(c, self._radix("aggregate"))
            c, nj = divmod(c, self._radix("normalize"))
            di, ii = divmod(c, self._radix("impute"))
            specs = self.agg_specs[ai]
            try:
                xt = (
                    self.noisy.matrix(di, ii, nj, work)
                    if self.noisy is not None and work is not None
                    else self._zero_filled_t(ii, nj)
                )
                key = (ii, nj, ai)
                if key not in masks:
                    masks[key] = self._level2_masks(self.matrices[(0, ii, nj)], specs)
                blocks = self._level2_blocks(xt, masks[key])
                start = 0
                while start < group.size:
                    if ai not in pending:
                        reused = spare.pop(ai, None)
                        pending[ai] = (
                            reused if reused is not None else np.empty((k2, chunk, self.n)),
                            np.empty(chunk, dtype=np.int64),
                            0,
                        )
                    buf, rows_buf, filled = pending[ai]
                    rows = group[start : start + chunk - filled]
                    at = slice(filled, filled + rows.size)
                    w = self._level_weights(1, self._factors(u[rows]), rows.size)
                    for j, block in enumerate(blocks):
                        sl = self.levels[2].child_slices[j]
                        if block is None:
                            buf[j, at] = np.nan
                        else:
                            block.aggregate(w[sl], out=buf[j, at])
                    rows_buf[at] = rows
                    pending[ai] = (buf, rows_buf, filled + rows.size)
                    start += rows.size
                    if filled + rows.size >= chunk:
                        flush(ai)
            except MethodError as exc:
                raise ValueError(
                    f"aggregate alternative {self.aggregate_alts[ai]} with normalize "
                    f"alternative {self.normalize_alts[nj]} and impute alternative "
                    f"{self.impute_alts[ii]}: {exc}"
                ) from exc
        for ai in list(pending):
            flush(ai)
        acc.merge(tally)

    def _chunk_rows(self) -> int:
        """Replications per chunk: ``spec.chunk_size``, fewer when the level-2 values of a
        chunk (level-2 nodes × regions × replications) would pass 48 MB."""
        per_row = max(len(self.levels[2].codes), 1) * max(self.n, 1) * 8
        return int(max(16, min(self.spec.chunk_size, (48 * 2**20) // per_row)))

    def _zero_filled_t(self, i: int, j: int) -> FloatArray:
        """The observed data's normalised matrix of alternatives (i, j), transposed
        (indicators × regions, C order) with missing cells 0; cached."""
        key = (-1, i, j)
        if key not in self._transposed:
            self._transposed[key] = zero_filled_t(self.matrices[(0, i, j)])
        return self._transposed[key]

    def _level2_masks(self, x: FloatArray, specs: dict[str, _AggSpec]) -> list[_Mask | None]:
        """Per level-2 node, from a matrix with its missing cells (NaN): the method, the
        present mask (transposed; None when complete) and the regions whose coverage makes the
        node missing."""
        lv = self.levels[2]
        out: list[_Mask | None] = []
        for parent, sl in zip(lv.parents, lv.child_slices, strict=True):
            if sl.stop == sl.start:
                out.append(None)
                continue
            method, p = _resolve_method(specs[parent])
            present = ~np.isnan(x[:, sl])
            missing_rows = None
            mask_t = None
            if not present.all():
                coverage = present.sum(axis=1) / present.shape[1]
                rows = (coverage < specs[parent].min_coverage) | (coverage == 0)
                missing_rows = rows if rows.any() else None
                mask_t = np.ascontiguousarray(present.T)
            out.append(_Mask(method, p, mask_t, missing_rows))
        return out

    def _level2_blocks(self, xt: FloatArray, masks: list[_Mask | None]) -> list[_Block | None]:
        """Per level-2 node: its children's rows of ``xt`` (indicators × regions, missing cells
        0) transformed for the node's aggregation method — a view for the arithmetic mean."""
        out: list[_Block | None] = []
        for sl, m in zip(self.levels[2].child_slices, masks, strict=True):
            if m is None:
                out.append(None)
                continue
            x = xt[sl]
            if m.method == "arithmetic":
                transformed = x
            else:
                present = m.present_t if m.present_t is not None else np.ones(x.shape, dtype=bool)
                _check_domain(m.method, m.p, x, present)
                with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                    t = _transform(m.method, m.p, np.where(present, x, 1.0))
                transformed = np.where(present, t, 0.0)
            out.append(
                _Block(
                    method=m.method,
                    p=m.p,
                    transformed=transformed,
                    present=None if m.present_t is None else m.present_float(),
                    missing_rows=m.missing_rows,
                )
            )
        return out

    def _factors(self, u: FloatArray) -> dict[int, FloatArray]:
        """Weight multipliers per level, (R, k_level), from the uniform sample rows."""
        out: dict[int, FloatArray] = {}
        for inp in self.inputs:
            if inp.kind == "weights":
                out[inp.level] = 1.0 - inp.noise + 2.0 * inp.noise * u[:, inp.columns]
        return out

    def _level_weights(self, lvl: int, factors: dict[int, FloatArray], r: int) -> FloatArray:
        """Weights of the nodes at level ``lvl`` for ``r`` replications, (k_level, r)."""
        lower = self.levels[lvl]
        noise = factors.get(lvl)
        if noise is not None:
            return np.asarray(lower.base_weights[:, None] * noise.T, dtype=np.float64)
        return np.broadcast_to(lower.base_weights[:, None], (len(lower.codes), r))

    def _upper_levels(
        self,
        level2: FloatArray,
        factors: dict[int, FloatArray],
        specs: dict[str, _AggSpec],
        r: int,
    ) -> dict[str, FloatArray]:
        """From level-2 values (nodes, r, regions) aggregate the levels above; returns node →
        (r, n_regions) for the targets."""
        out: dict[str, FloatArray] = {}
        below = level2
        for j, code in enumerate(self.levels[2].codes):
            if code in self.target_set:
                out[code] = below[j]
        for lvl in range(3, self.fw.n_levels + 1):
            lv = self.levels[lvl]
            w = self._level_weights(lvl - 1, factors, r)
            current = np.empty((len(lv.codes), r, self.n))
            for j, (parent, sl) in enumerate(zip(lv.parents, lv.child_slices, strict=True)):
                if sl.stop == sl.start:
                    current[j] = np.nan
                else:
                    current[j] = _aggregate_stack(below[sl], w[sl][:, :, None], specs[parent])
            for j, code in enumerate(lv.codes):
                if code in self.target_set:
                    out[code] = current[j]
            below = current
        return out


@dataclass
class _NoisyWork:
    """One worker's state of :class:`_NoisyData`: the last draw's counts and a working matrix
    per (imputation, normalisation) alternative, rewritten in place."""

    last: tuple[int, IntArray] | None = None
    matrices: dict[tuple[int, int], FloatArray] = field(default_factory=dict)


class _NoisyData:
    """Data uncertainty on the fitted scale (ADR 0005). The counts are resampled
    (:class:`ikp.noise.CountSampler`) and every resampled value is mapped through the
    observed-data treatment and normalisation of each (imputation, normalisation) alternative.
    That map is monotone per indicator; it is evaluated by interpolating between the observed
    (raw, normalised) pairs and held at the scale's ends beyond them, so the cut-offs keep their
    meaning (the scale is not re-fitted to each noisy sample, whose extremes are biased
    outwards). Cells missing in the data keep their imputed (or missing) value.

    Nothing of size draws × regions × indicators is kept: a draw's matrix is built when its
    group of replications is evaluated (groups are ordered by draw, and the last draw's counts
    are cached), from a lookup table per alternative: resampled count ``k`` of a cell in
    column ``c`` → normalised value ``table[offset_c + min(k, K_c)]``."""

    def __init__(self, engine: _Engine) -> None:
        self.engine = engine
        spec = engine.spec
        self.seed = int(spec.seed)
        noise = spec.data_noise
        normalized = engine.run.data["normalized"]
        codes = tuple(normalized.columns[c] for c in engine.ind_columns)
        raw = engine.run.data["raw"].select(codes).select_regions(list(normalized.regions))
        x = np.asarray(raw.values, dtype=np.float64)
        counted = count_columns_mask(engine.fw, codes)
        scale = float(noise.scale)
        self.sampler = CountSampler(x, counted, noise)
        k = x.shape[1]
        # per (imputation, normalisation): flat lookup table and per-column offsets/limits
        self.tables: dict[tuple[int, int], tuple[FloatArray, IntArray, IntArray, BoolArray]] = {}
        observed = np.isfinite(x)
        for (_, i, j), base in engine.matrices.items():
            parts: list[FloatArray] = []
            offsets = np.zeros(k, dtype=np.int64)
            limits = np.zeros(k, dtype=np.int64)
            usable = np.zeros(k, dtype=bool)
            pos = 0
            for c in range(k):
                ok = observed[:, c] & np.isfinite(base[:, c])
                if not counted[c] or not ok.any():
                    continue
                xs, first = np.unique(x[ok, c], return_index=True)
                ys = base[ok, c][first]
                top = int(math.ceil(float(xs[-1]) / scale)) + 1
                parts.append(np.interp(scale * np.arange(top + 1, dtype=np.float64), xs, ys))
                offsets[c], limits[c], usable[c] = pos, top, True
                pos += top + 1
            table = np.concatenate(parts) if parts else np.empty(0)
            self.tables[(i, j)] = (table, offsets, limits, usable)
        cols = self.sampler.columns
        self.cells = self.sampler.cells
        self._cols = cols
        self._own = _NoisyWork()  # for calls without a worker's own state
        self._plans: dict[tuple[int, int], tuple[Any, ...]] = {}
        # the varying cells' positions in the transposed (indicators × regions) layout
        n_regions = x.shape[0]
        self.cells_t = cols * n_regions + self.cells // k
        # centring: per (imputation, normalisation) and varying cell, nominal value minus the
        # expected normalised value of the resampled count, so the noise has mean zero on
        # the fitted scale (the skew of the noise is kept)
        self.shift: dict[tuple[int, int], FloatArray] = {}
        for (i, j), (table, offsets, limits, usable) in self.tables.items():
            if not noise.centre:
                self.shift[(i, j)] = np.zeros(self.cells.size)
                continue
            base = engine.matrices[(0, i, j)].reshape(-1)

            def mapped(pos: IntArray, kk: IntArray, t: Any = (table, offsets, limits)) -> Any:
                tab, off, lim = t
                c = cols[pos]
                return tab[np.minimum(off[c] + np.minimum(kk, lim[c]), max(tab.size - 1, 0))]

            shift = np.zeros(self.cells.size)
            ok = usable[cols]
            if ok.any():
                expected = self.sampler.expectation(mapped)
                shift[ok] = base[self.cells[ok]] - expected[ok]
            self.shift[(i, j)] = shift

    def counts(self, d: int, work: _NoisyWork | None = None) -> IntArray:
        """The resampled counts of draw ``d`` (its own seeded stream: order-independent)."""
        work = work if work is not None else self._own
        if work.last is None or work.last[0] != d:
            rng = np.random.default_rng([self.seed, 104_729, d])
            work.last = (d, self.sampler.draw(rng))
        return work.last[1]

    def matrix(self, d: int, i: int, j: int, work: _NoisyWork | None = None) -> FloatArray:
        """The normalised matrix of draw ``d`` under alternatives (i, j), transposed
        (indicators × regions) with missing cells 0. Only the varying cells differ between
        draws, so one working copy per (i, j) is rewritten in place: the returned array is
        valid until the next call for the same (i, j)."""
        state = work if work is not None else self._own
        matrix = state.matrices.get((i, j))
        if matrix is None:
            matrix = state.matrices[(i, j)] = zero_filled_t(self.engine.matrices[(0, i, j)])
        table, offsets, limits, usable = self.tables[(i, j)]
        plan = self._plans.get((i, j))
        if plan is None:
            use = usable[self._cols]
            plan = self._plans[(i, j)] = (
                use,
                offsets[self._cols[use]],
                limits[self._cols[use]],
                self.cells_t[use],
                self.shift[(i, j)][use],
            )
        use, base, top, where, shift = plan
        k = self.counts(d, state)[use]
        np.minimum(k, top, out=k)
        matrix.reshape(-1)[where] = table[base + k] + shift
        return matrix


@dataclass(frozen=True)
class _Block:
    """A level-2 node's children, prepared for many weight sets: ``transformed`` (k, n) is
    T(x) with missing cells 0 (T = identity, log, 1/x or x**p), ``present`` (k, n) the mask as
    floats or None when nothing is missing, ``missing_rows`` the regions whose coverage makes
    the node missing."""

    method: str
    p: float | None
    transformed: FloatArray
    present: FloatArray | None
    missing_rows: BoolArray | None

    def aggregate(self, w: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """(R, n) scores for weight sets ``w`` (k, R): one row per replication, written into
        ``out`` (C-contiguous) when given. The engine's weight sets are positive by
        construction (base weights checked when the engine starts, noise factors in (0, 2)),
        so they are not checked again here."""
        dest = out if out is not None else np.empty((w.shape[1], self.transformed.shape[1]))
        if self.present is None:
            # nothing missing: weights rescaled to sum to 1 first, so the product is the mean
            # for the arithmetic mean (no division pass over regions × replications)
            np.matmul((w / w.sum(axis=0)).T, self.transformed, out=dest)
            if self.method != "arithmetic":
                _finish(self.method, self.p, dest, np.ones((1, 1)))
        else:
            np.matmul(w.T, self.transformed, out=dest)
            _finish(self.method, self.p, dest, w.T @ self.present)
        if self.missing_rows is not None:
            dest[:, self.missing_rows] = np.nan
        return dest


def _resolve_method(spec: _AggSpec) -> tuple[str, float | None]:
    method = _METHOD_ALIASES.get(spec.method, spec.method)
    p = spec.p
    if method == "generalised":
        if p is None or not math.isfinite(p):
            raise MethodError("generalised mean needs a finite exponent p")
        if p == 0.0:
            method = "geometric"
        elif p == 1.0:
            method = "arithmetic"
    if method not in ("arithmetic", "geometric", "harmonic", "generalised"):
        raise MethodError(f"unknown aggregation method {spec.method!r}")
    return method, p


def _check_domain(method: str, p: float | None, y: FloatArray, present: BoolArray) -> None:
    if method == "arithmetic":
        return
    strict = method != "generalised" or (p is not None and p < 0)
    bad = present & ((y <= 0) if strict else (y < 0))
    if bad.any():
        need = "> 0" if strict else ">= 0"
        what = f"generalised mean with p={p:g}" if method == "generalised" else f"{method} mean"
        raise MethodError(f"{what} needs values {need}; {int(bad.sum())} cell(s) are not")


def _transform(method: str, p: float | None, y: FloatArray) -> FloatArray:
    if method == "arithmetic":
        return y
    if method == "geometric":
        return np.asarray(np.log(y), dtype=np.float64)
    if method == "harmonic":
        return np.asarray(1.0 / y, dtype=np.float64)
    assert p is not None
    return np.asarray(y**p, dtype=np.float64)


def _finish(method: str, p: float | None, num: FloatArray, den: FloatArray) -> FloatArray:
    """The mean from its numerator and denominator; ``num`` (a fresh array with the result's
    shape) is overwritten."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if method == "harmonic":
            np.divide(den, num, out=num)
        else:
            np.divide(num, den, out=num)
            if method == "geometric":
                np.exp(num, out=num)
            elif method != "arithmetic":
                assert p is not None
                np.power(num, 1.0 / p, out=num)
    return num


def _check_weight_sets(w: FloatArray) -> None:
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise MethodError("weights must be finite numbers >= 0")


@dataclass
class _Mask:
    """What a level-2 node's blocks share across data draws (see ``_level2_masks``)."""

    method: str
    p: float | None
    present_t: BoolArray | None
    missing_rows: BoolArray | None
    _float: FloatArray | None = None

    def present_float(self) -> FloatArray:
        if self._float is None:
            assert self.present_t is not None
            self._float = np.ascontiguousarray(self.present_t, dtype=np.float64)
        return self._float


def zero_filled_t(x: FloatArray) -> FloatArray:
    """``x`` (regions × indicators) transposed to C order with missing cells 0."""
    out = np.ascontiguousarray(np.asarray(x, dtype=np.float64).T)
    out[np.isnan(out)] = 0.0
    return out


_METHOD_ALIASES = {
    "mean": "arithmetic",
    "amean": "arithmetic",
    "gmean": "geometric",
    "hmean": "harmonic",
    "generalized": "generalised",
    "genmean": "generalised",
}


def aggregate_stacked(
    values: npt.ArrayLike,
    weights: npt.ArrayLike,
    spec: _AggSpec | Mapping[str, Any],
) -> FloatArray:
    """Aggregate children whose values differ per replication.

    ``values`` ``(k, n, R)``: k children × n regions × R replications; ``weights`` ``(k, R)``;
    returns ``(n, R)``. Same rules as :func:`ikp.methods.aggregate.aggregate` (missing children
    dropped and the remaining weights rescaled; a coverage of zero or below ``min_coverage``
    gives NaN; geometric and harmonic need values > 0, generalised with p > 0 values >= 0).
    ``spec``: ``method``, ``p``, ``min_coverage``."""
    if isinstance(spec, Mapping):
        s = _AggSpec(
            str(spec.get("method", "arithmetic")),
            None if spec.get("p") is None else float(spec["p"]),
            float(spec.get("min_coverage", 0.0)),
        )
    else:
        s = spec
    y = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if y.ndim != 3:
        raise MethodError(f"values must be 3-D (children x regions x replications), got {y.ndim}-D")
    k, n, r = y.shape
    if w.shape != (k, r):
        raise MethodError(f"weights have shape {w.shape}, expected {(k, r)}")
    if k == 0:
        return np.full((n, r), np.nan)
    return _aggregate_stack(y, w[:, None, :], s)


def _aggregate_stack(y: FloatArray, wb: FloatArray, s: _AggSpec) -> FloatArray:
    """Aggregate a stack ``y`` (k, A, B) of children with weights ``wb`` of shape (k, 1, B) or
    (k, A, 1); returns (A, B). See :func:`aggregate_stacked`. Without missing values the
    numerator is one contraction over the children (``einsum``); with missing values the
    children are added one by one with the present mask."""
    shape = y.shape[1:]
    method, p = _resolve_method(s)
    _check_weight_sets(wb)
    if method != "arithmetic":
        _check_domain(method, p, y, ~np.isnan(y))
    per_row = wb.shape[2] == 1 and shape[1] != 1  # weights vary along A, not B
    w2 = wb[:, :, 0] if per_row else wb[:, 0, :]
    # weights rescaled to sum to 1 per replication: the weighted sum is then the mean
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        wn = w2 / w2.sum(axis=0)
        t = y if method == "arithmetic" else _transform(method, p, y)
        num = np.einsum("kab,ka->ab" if per_row else "kab,kb->ab", t, wn)
    bad = np.isnan(num)  # a missing child (NaN propagates through the sum)
    out = num if method == "arithmetic" else _finish(method, p, num, np.ones((1, 1)))
    if not bad.any():
        return out
    # redo only the regions with a missing child, dropping it and rescaling the weights
    if per_row:
        idx = np.flatnonzero(bad.any(axis=0))
        out[:, idx] = _aggregate_masked(y[:, :, idx], wb, method, p, s.min_coverage)
    else:
        idx = np.flatnonzero(bad.any(axis=1))
        out[idx, :] = _aggregate_masked(y[:, idx, :], wb, method, p, s.min_coverage)
    return out


def _aggregate_masked(
    y: FloatArray, wb: FloatArray, method: str, p: float | None, min_coverage: float
) -> FloatArray:
    """The masked rule of :func:`_aggregate_stack`: missing children dropped and the remaining
    weights rescaled; coverage 0 or below ``min_coverage`` gives NaN."""
    k = y.shape[0]
    shape = y.shape[1:]
    present = ~np.isnan(y)
    num = np.zeros(shape)
    den = np.zeros(shape)
    tmp = np.empty(shape)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for i in range(k):
            ti = _transform(method, p, np.where(present[i], y[i], 1.0))
            np.multiply(np.where(present[i], ti, 0.0), wb[i], out=tmp)
            den += present[i] * wb[i]
            num += tmp
    res = _finish(method, p, num, den)
    coverage = present.sum(axis=0) / k
    res[(coverage < min_coverage) | (coverage == 0)] = np.nan
    return res


# =========================================================================== accumulation


class _Accumulator:
    """Collects per-replication results chunk by chunk: replicated scores (float64 for the
    index, float32 for other aggregates) and ranks (float32) per target, class counts, and the
    rank shift of the index. Memory is linear in the regions: (replications × regions) per
    target, no (regions × ranks) histogram."""

    def __init__(
        self,
        engine: _Engine,
        n_eval: int,
        summarise: BoolArray | None,
        keep_ranks: bool,
        same_scale: BoolArray | None = None,
    ) -> None:
        self.engine = engine
        self.n_eval = n_eval
        self.summarise: BoolArray = (
            summarise if summarise is not None else np.ones(n_eval, dtype=bool)
        )
        self.same_scale: BoolArray = (
            same_scale if same_scale is not None else np.ones(n_eval, dtype=bool)
        )
        self.n = engine.n
        self.n_classes = len(engine.labels)
        self.class_counts = {
            c: np.zeros((self.n, self.n_classes + 1), dtype=np.int64) for c in engine.targets
        }
        # (positions × regions) in evaluation order, so chunks are written as contiguous
        # blocks; ``order[p]`` is the replication evaluated at position p. Every position is
        # written exactly once, so no initial fill is needed.
        self.order = np.empty(n_eval, dtype=np.int64)
        self._lock = threading.Lock()
        self.scores = {
            c: np.empty((n_eval, self.n), dtype=np.float64 if c == engine.root else np.float32)
            for c in engine.targets
        }
        self.ranks = {c: np.empty((n_eval, self.n), dtype=np.float32) for c in engine.targets}
        self.rank_shift = np.full(n_eval, np.nan)
        self.keep_ranks = keep_ranks
        self.classified_runs = 0
        self.quantile_levels = {
            c: _cutoff_quantiles(engine.nominal_score[c], engine.cutoff_rule, c)
            for c in engine.targets
        }

    def new_tally(self) -> dict[str, Any]:
        """A worker's own class counts (merged at its end with :meth:`merge`)."""
        return {
            "counts": {c: np.zeros_like(v) for c, v in self.class_counts.items()},
            "classified": 0,
        }

    def merge(self, tally: dict[str, Any]) -> None:
        with self._lock:
            for code, counts in tally["counts"].items():
                self.class_counts[code] += counts
            self.classified_runs += int(tally["classified"])

    def add(
        self,
        rows: IntArray,
        values: dict[str, FloatArray],
        position: int = 0,
        tally: dict[str, Any] | None = None,
    ) -> None:
        """Store replications ``rows`` at positions ``position …`` and count their classes in
        ``tally`` (the accumulator's own counts when None)."""
        eng = self.engine
        at = slice(position, position + rows.size)
        self.order[at] = rows
        own = tally is None
        tally = tally if tally is not None else {"counts": self.class_counts, "classified": 0}
        keep = self.summarise[rows]
        # replications on another scale under fixed cut-offs: excluded or quantile-mapped
        other = ~self.same_scale[rows]
        fixed = eng.classify_method == "fixed"
        classify_rows = (
            keep & ~other if fixed and eng.spec.other_scale_classes == "exclude" else keep
        )
        tally["classified"] += int(classify_rows.sum())
        if own:
            self.classified_runs += int(classify_rows.sum())
        for code in eng.targets:
            raw = values[code]  # (R, n)
            method, upper = eng.rescale[code]
            if method != "none":
                raw = cls.rescale(raw.T, method, upper=upper).T  # per replication
            scores = np.ascontiguousarray(raw)
            self.scores[code][at] = scores
            ranks = rank_rows(scores)
            self.ranks[code][at] = ranks
            if code == eng.root:
                nominal = eng.nominal_rank[code]
                with np.errstate(invalid="ignore"):
                    shift = np.abs(ranks - nominal[None, :])
                valid = ~np.isnan(shift)
                cnt = valid.sum(axis=1)
                self.rank_shift[rows] = np.where(
                    cnt > 0, np.where(valid, shift, 0.0).sum(axis=1) / np.maximum(cnt, 1), np.nan
                )
            if not classify_rows.any():
                continue
            sr = scores[classify_rows]
            mapped = other[classify_rows] if fixed else np.zeros(sr.shape[0], dtype=bool)
            classes = self._classes(code, sr, mapped)
            counts = tally["counts"][code]
            for c in range(self.n_classes):
                counts[:, c] += (classes == c).sum(axis=0)
            counts[:, self.n_classes] += (classes < 0).sum(axis=0)

    def _classes(self, code: str, scores: FloatArray, mapped: BoolArray) -> IntArray:
        """Class per replication and region with the run's classification rule; rows in
        ``mapped`` (fixed cut-offs, another scale) use the cut-offs mapped by quantile."""
        eng = self.engine
        method = eng.classify_method
        rule = eng.cutoff_rule
        r = scores.shape[0]
        if method == "none":  # the run classifies nothing (e.g. an imported COINr table)
            return np.full(scores.shape, -1, dtype=np.int64)
        finite = np.isfinite(scores)
        if method == "fixed":
            cut = [float(c) for c in rule["cutoffs"].get(code, ())]
            out = cls.classify(scores, cut)
            if mapped.any() and cut:
                sub = scores[mapped]
                with np.errstate(invalid="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    qcuts = np.nanquantile(sub, self.quantile_levels[code], axis=1).T
                qcuts = np.asarray(qcuts, dtype=np.float64).reshape(sub.shape[0], -1)
                cl = (sub[:, :, None] >= qcuts[:, None, :]).sum(axis=2).astype(np.int64)
                out[mapped] = np.where(np.isfinite(sub), cl, -1)
            return out
        with np.errstate(invalid="ignore"):
            if method == "mean_sd":
                cnt = finite.sum(axis=1)
                x0 = np.where(finite, scores, 0.0)
                mean = x0.sum(axis=1) / cnt
                sd = np.sqrt(
                    (np.where(finite, scores - mean[:, None], 0.0) ** 2).sum(axis=1) / (cnt - 1)
                )
                k = float(rule["k"])
                cuts = np.stack([mean - k * sd, mean + k * sd], axis=1)
            elif method == "quantile":
                probs = np.asarray(rule["probs"], dtype=np.float64)
                cuts = np.nanquantile(np.where(finite, scores, np.nan), probs, axis=1).T
            else:
                n_classes = int(rule["n_classes"])
                cuts = np.full((r, n_classes - 1), np.nan)
                for i in range(r):
                    vals = scores[i][finite[i]]
                    try:
                        cuts[i] = cls.cutoffs_natural_breaks(vals, n_classes=n_classes)
                    except MethodError:
                        cuts[i] = np.nan
        cuts = np.asarray(cuts, dtype=np.float64).reshape(r, -1)
        out = (scores[:, :, None] >= cuts[:, None, :]).sum(axis=2).astype(np.int64)
        no_cut: BoolArray = np.asarray(np.isnan(cuts).any(axis=1), dtype=bool)
        bad = ~finite | no_cut[:, None]
        return np.where(bad, -1, out)

    # ---- results -----------------------------------------------------------------------

    def _in_replication_order(self, x: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """(positions × regions) → (replications × regions) in replication order."""
        inverse = np.empty_like(self.order)
        inverse[self.order] = np.arange(self.order.size)
        return np.ascontiguousarray(x[inverse])

    @property
    def root_ranks(self) -> npt.NDArray[np.float32]:
        """Ranks of the index, replications × regions."""
        return self._in_replication_order(self.ranks[self.engine.root])

    def root_replications(self) -> dict[str, FloatArray]:
        """Scores of the index, replications × regions, and the rank shifts."""
        return {
            "scores": self._in_replication_order(self.scores[self.engine.root]),
            "rank_shift": self.rank_shift,
        }

    def summary(self) -> pd.DataFrame:
        eng = self.engine
        frames: list[pd.DataFrame] = []
        keep = self.summarise[self.order]  # in evaluation order, as the stored columns
        for code in eng.targets:
            rk = self.ranks[code] if bool(keep.all()) else self.ranks[code][keep]
            q05, q50, q95 = column_quantiles(rk, (0.05, 0.5, 0.95))
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # a region never ranked
                mean = np.nanmean(rk, axis=0, dtype=np.float64)
            stored = self.scores[code]
            on_scale = keep & self.same_scale[self.order]
            sc = stored if bool(on_scale.all()) else stored[on_scale]
            sq = column_quantiles(sc, (0.05, 0.5, 0.95))
            counts = self.class_counts[code]
            n_sum = counts.sum(axis=1)
            data: dict[str, Any] = {"region_code": list(eng.regions)}
            if eng.spec.targets == "all":
                data["node_code"] = code
            data.update(
                {
                    "rank_nominal": eng.nominal_rank[code],
                    "rank_median": q50,
                    "rank_mean": mean,
                    "rank_p05": q05,
                    "rank_p95": q95,
                    "rank_width": q95 - q05,
                    "score_nominal": eng.nominal_score[code],
                    "score_median": sq[1],
                    "score_p05": sq[0],
                    "score_p95": sq[2],
                }
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                for c, label in enumerate(eng.labels):
                    data[f"prob_{label}"] = counts[:, c] / n_sum
                data["prob_missing"] = counts[:, self.n_classes] / n_sum
            frames.append(pd.DataFrame(data))
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def column_quantiles(x: npt.ArrayLike, probs: Sequence[float]) -> FloatArray:
    """Quantiles of every column of ``x`` (replications × regions) with linear interpolation
    (numpy's default, R's type 7), ignoring NaN; ``(len(probs), n_columns)``. Uses one partial
    sort per column instead of a full sort."""
    arr = np.asarray(x)
    m, k = arr.shape
    q = np.asarray(list(probs), dtype=np.float64)
    if m == 0:
        return np.full((q.size, k), np.nan)
    if np.isnan(arr).any():
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns give NaN
            return np.asarray(np.nanquantile(arr.astype(np.float64), q, axis=0), dtype=np.float64)
    part = np.array(arr.T, order="C")  # our own copy, partitioned in place
    h = q * (m - 1)
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, m - 1)
    part.partition(np.unique(np.concatenate([lo, hi])), axis=1)
    a = part[:, lo].astype(np.float64)
    b = part[:, hi].astype(np.float64)
    return np.asarray((a + (h - lo) * (b - a)).T, dtype=np.float64)


def rank_rows(scores: FloatArray, tol: float = RANK_TIE_TOL) -> FloatArray:
    """Ranks within each row, 1 = highest; ties share the lowest rank number (as
    :func:`ikp.methods.classify.rank_desc`). Two scores count as tied when they differ by at
    most ``tol · max(1, max |score|)`` of their row, so rounding noise of the batched
    arithmetic does not split ties of the nominal run. Missing scores get NaN."""
    x = np.asarray(scores, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("scores must be 2-D (replications × regions)")
    r, n = x.shape
    if n == 0:
        return x.copy()
    missing = np.isnan(x)
    key = np.where(missing, np.inf, -x)
    order = np.argsort(key, axis=1)  # ties are resolved below, so stability is not needed
    s = np.take_along_axis(key, order, axis=1)
    with np.errstate(invalid="ignore"):
        scale = np.nanmax(np.where(missing, np.nan, np.abs(x)), axis=1, initial=0.0)
    eps = tol * np.maximum(scale, 1.0)[:, None]
    new_run = np.ones((r, n), dtype=bool)
    with np.errstate(invalid="ignore"):
        new_run[:, 1:] = (s[:, 1:] - s[:, :-1]) > eps
    pos = np.broadcast_to(np.arange(n, dtype=np.float64), (r, n))
    start = np.maximum.accumulate(np.where(new_run, pos, 0.0), axis=1)
    ranked = np.where(np.isinf(s), np.nan, start + 1.0)
    out = np.empty((r, n), dtype=np.float64)
    np.put_along_axis(out, order, ranked, axis=1)
    return out


# =========================================================================== helpers


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with the BLAS limited to one thread (threadpoolctl), then restore it.

    The products of the Monte Carlo engine are small (514 × ≤12 by ≤12 × 500); BLAS threads give
    no speed-up on them and, when another process holds one of the 2 cores, make every product
    wait for a descheduled thread (measured: 10 000 runs 1.0 s single-threaded against 2–4 s
    with 2 threads on a busy 2-core machine)."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _cutoff_quantiles(nominal: FloatArray, rule: Mapping[str, Any], code: str) -> FloatArray:
    """For fixed cut-offs: the share of the nominal scores below each cut-off of ``code`` (the
    quantile level a cut-off is mapped to on another scale)."""
    cut = np.asarray([float(c) for c in rule.get("cutoffs", {}).get(code, ())], dtype=np.float64)
    x = np.asarray(nominal, dtype=np.float64)
    x = x[np.isfinite(x)]
    if cut.size == 0 or x.size == 0:
        return np.zeros(cut.size)
    return np.asarray((x[None, :] < cut[:, None]).mean(axis=1), dtype=np.float64)


def _choice_labels(name: str, en: str, idn: str, n: int, noise: DataNoise) -> tuple[str, str]:
    if name != "data":
        return f"{en} ({n} alternatives)", f"{idn} ({n} alternatif)"
    model_en = {"poisson": "Poisson", "negbin": f"negative binomial, k = {noise.dispersion:g}"}
    model_id = {"poisson": "Poisson", "negbin": f"binomial negatif, k = {noise.dispersion:g}"}
    return (
        f"{en} ({model_en.get(noise.model, noise.model)}, {n} resampled data sets)",
        f"{idn} ({model_id.get(noise.model, noise.model)}, {n} sampel data)",
    )


def _alternatives(alts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any] | None]:
    """Deep copies of the alternatives; ``[None]`` (the run's own setting) when empty."""
    out: list[dict[str, Any] | None] = [copy.deepcopy(dict(a)) for a in alts]
    return out or [None]


def _make_step(key: str, params: dict[str, Any], alt: dict[str, Any] | None) -> Step:
    try:
        step = STEPS[key](**params)
        step.validate()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{key} alternative {alt}: {exc}") from exc
    return step


def class_probabilities(result: UncertaintyResult) -> pd.DataFrame:
    """The ``prob_*`` columns of ``result.table`` indexed by region code."""
    cols = [c for c in result.table.columns if c.startswith("prob_")]
    return result.table.set_index("region_code")[cols]


__all__ = [
    "RANK_TIE_TOL",
    "UncertaintyResult",
    "UncertaintySpec",
    "aggregate_stacked",
    "class_probabilities",
    "rank_rows",
    "run_sensitivity",
    "run_uncertainty",
    "sobol_indices",
]
