"""Monte Carlo uncertainty and variance-based sensitivity analysis (ikp.uncertainty)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pydantic
import pytest

from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.methods import aggregate as agg
from ikp.run import IndexRun, compute
from ikp.steps import Aggregate, Classify, Impute, Normalize, Rescale, Screen, Treat, Weight
from ikp.uncertainty import (
    UncertaintySpec,
    aggregate_stacked,
    column_quantiles,
    rank_rows,
    run_sensitivity,
    run_uncertainty,
    sobol_indices,
)

NO_VARIATION = {
    "weight_noise": {},
    "normalize_alternatives": [],
    "aggregate_alternatives": [],
    "impute_alternatives": [],
    "data_noise": {"model": "none"},
}


def random_counts(fw: Framework, n: int = 60, seed: int = 11, missing: float = 0.04) -> Dataset:
    """Skewed incident counts (many zeros) with a few missing cells."""
    rng = np.random.default_rng(seed)
    k = len(fw.indicators)
    scale = rng.gamma(2.0, 1.0, size=(n, 1))  # a region effect so indicators correlate
    values = rng.poisson(scale * rng.gamma(0.6, 2.0, size=(n, k))).astype(np.float64)
    values[rng.random((n, k)) < missing] = np.nan
    return Dataset(tuple(f"R{i:03d}" for i in range(n)), fw.indicators, values)


def chain(**overrides: object) -> list[object]:
    steps: dict[str, object] = {
        "screen": Screen(),
        "impute": Impute(),
        "treat": Treat(),
        "normalize": Normalize(),
        "weight": Weight(),
        "aggregate": Aggregate(),
        "rescale": Rescale(),
        "classify": Classify(),
    }
    steps.update(overrides)
    return list(steps.values())


@pytest.fixture(scope="module")
def run(ikp2024: Framework) -> IndexRun:
    return compute(ikp2024, random_counts(ikp2024), "regency")


def nominal_index(run: IndexRun) -> np.ndarray:
    return run.data["scores"].column(run.framework.root)


# --------------------------------------------------------------------------- reproducibility


def test_same_seed_gives_identical_results(run: IndexRun) -> None:
    spec = UncertaintySpec(n_runs=300, seed=5)
    a = run_uncertainty(run, spec)
    b = run_uncertainty(run, spec)
    pd.testing.assert_frame_equal(a.table, b.table)
    np.testing.assert_array_equal(a.replications["scores"], b.replications["scores"])
    c = run_uncertainty(run, spec.model_copy(update={"seed": 6}))
    assert not np.array_equal(a.replications["scores"], c.replications["scores"])


def test_chunk_size_does_not_change_results(run: IndexRun) -> None:
    spec = UncertaintySpec(n_runs=250, seed=3)
    a = run_uncertainty(run, spec)
    b = run_uncertainty(run, spec.model_copy(update={"chunk_size": 37}))
    np.testing.assert_allclose(a.replications["scores"], b.replications["scores"], atol=1e-12)
    pd.testing.assert_frame_equal(a.table, b.table, atol=1e-12)


# --------------------------------------------------------------------------- consistency


def test_zero_noise_reproduces_nominal_scores_and_ranks(run: IndexRun) -> None:
    res = run_uncertainty(run, UncertaintySpec(n_runs=200, **NO_VARIATION))
    reps = res.replications["scores"]
    assert reps.shape == (200, 60)
    np.testing.assert_allclose(reps, np.broadcast_to(nominal_index(run), reps.shape), atol=1e-9)
    t = res.table
    for col in ("rank_median", "rank_mean", "rank_p05", "rank_p95"):
        np.testing.assert_array_equal(t[col].to_numpy(), t["rank_nominal"].to_numpy())
    assert (t["rank_width"] == 0).all()
    assert np.allclose(t["score_p05"], t["score_nominal"], atol=1e-9)
    assert res.inputs == ()


def test_zero_noise_with_explicit_nominal_alternatives(run: IndexRun) -> None:
    spec = UncertaintySpec(
        n_runs=200,
        weight_noise={1: 0.0, 2: 0.0, 3: 0.0},
        normalize_alternatives=[{"method": "minmax"}],
        aggregate_alternatives=[{"method": "arithmetic"}],
        impute_alternatives=[{"method": "none"}],
        data_noise={"model": "none"},
    )
    reps = run_uncertainty(run, spec).replications["scores"]
    np.testing.assert_allclose(reps, np.broadcast_to(nominal_index(run), reps.shape), atol=1e-9)


@pytest.mark.parametrize(
    ("classify", "rescale"),
    [("quantile", "max"), ("mean_sd", "minmax"), ("natural_breaks", "none")],
)
def test_zero_noise_with_generalised_mean_rescale_and_recomputed_classes(
    ikp2024: Framework, classify: str, rescale: str
) -> None:
    raw = random_counts(ikp2024, seed=4)
    run = compute(
        ikp2024,
        raw,
        "province",
        steps=chain(
            aggregate=Aggregate(method="generalised", p=0.5),
            rescale=Rescale(method=rescale),
            classify=Classify(method=classify),
        ),
    )
    res = run_uncertainty(run, UncertaintySpec(n_runs=50, **NO_VARIATION))
    reps = res.replications["scores"]
    np.testing.assert_allclose(reps, np.broadcast_to(nominal_index(run), reps.shape), atol=1e-9)
    classes = run.artefact("classify")["classes"][:, run.data["scores"].columns.index("IKP")]
    probs = res.table[[f"prob_{lab}" for lab in res.class_labels]].to_numpy()
    np.testing.assert_array_equal(probs.argmax(axis=1), classes)
    assert set(np.unique(probs)) <= {0.0, 1.0}


@pytest.mark.parametrize(
    ("alternative", "steps", "factor"),
    [
        (
            {"aggregate_alternatives": [{"method": "generalised", "p": 0.5}]},
            {"aggregate": Aggregate(method="generalised", p=0.5)},
            1.0,
        ),
        (
            {"normalize_alternatives": [{"method": "prank", "times": 100.0}]},
            {"normalize": Normalize(method="prank")},
            100.0,
        ),
        ({"impute_alternatives": [{"method": "median"}]}, {"impute": Impute(method="median")}, 1.0),
    ],
)
def test_an_alternative_equals_the_pipeline_with_that_setting(
    ikp2024: Framework, run: IndexRun, alternative: dict, steps: dict, factor: float
) -> None:
    spec = UncertaintySpec(n_runs=20, **{**NO_VARIATION, **alternative})
    reps = run_uncertainty(run, spec).replications["scores"]
    other = compute(ikp2024, run.data["raw"], "regency", steps=chain(**steps))
    expected = nominal_index(other) * factor
    np.testing.assert_allclose(reps, np.broadcast_to(expected, reps.shape), atol=1e-9)


@pytest.mark.parametrize(
    "spec",
    [
        {"method": "arithmetic"},
        {"method": "geometric"},
        {"method": "harmonic"},
        {"method": "generalised", "p": 0.5},
        {"method": "generalised", "p": -2.0},
        {"method": "arithmetic", "min_coverage": 0.6},
    ],
)
def test_aggregate_stacked_matches_methods_aggregate(spec: dict) -> None:
    rng = np.random.default_rng(2)
    k, n, r = 4, 30, 7
    values = rng.uniform(0.5, 100.0, size=(k, n, r))
    values[rng.random(values.shape) < 0.2] = np.nan
    weights = rng.uniform(0.1, 2.0, size=(k, r))
    got = aggregate_stacked(values, weights, spec)
    for j in range(r):
        expected = agg.aggregate(
            values[:, :, j].T,
            weights[:, j],
            method=spec["method"],
            p=spec.get("p"),
            min_coverage=spec.get("min_coverage", 0.0),
        )
        np.testing.assert_allclose(got[:, j], expected, rtol=1e-12, equal_nan=True)


# --------------------------------------------------------------------------- summaries


def test_rank_intervals_are_ordered_and_probabilities_sum_to_one(run: IndexRun) -> None:
    res = run_uncertainty(run, UncertaintySpec(n_runs=400, seed=2))
    t = res.table
    assert list(t.columns[:11]) == [
        "region_code",
        "rank_nominal",
        "rank_median",
        "rank_mean",
        "rank_p05",
        "rank_p95",
        "rank_width",
        "score_nominal",
        "score_median",
        "score_p05",
        "score_p95",
    ]
    assert (t["rank_p05"] <= t["rank_median"]).all()
    assert (t["rank_median"] <= t["rank_p95"]).all()
    assert (t["score_p05"] <= t["score_p95"]).all()
    assert t["rank_p05"].min() >= 1 and t["rank_p95"].max() <= len(t)
    assert (t["rank_width"] > 0).any()
    probs = t[[f"prob_{lab}" for lab in ("rendah", "sedang", "tinggi")]].sum(axis=1)
    np.testing.assert_allclose(probs + t["prob_missing"], 1.0)
    assert (t["prob_missing"] == 0).all()
    assert res.inputs == ("weights_L1", "weights_L2", "weights_L3", "impute", "data")
    assert res.classified_runs == 400
    assert [x["input"] for x in res.input_labels] == list(res.inputs)


def test_rank_statistics_match_numpy_on_the_replications(run: IndexRun) -> None:
    res = run_uncertainty(run, UncertaintySpec(n_runs=300, seed=9))
    ranks = rank_rows(res.replications["scores"])
    t = res.table
    np.testing.assert_allclose(t["rank_median"], np.median(ranks, axis=0))
    np.testing.assert_allclose(t["rank_p05"], np.quantile(ranks, 0.05, axis=0))
    np.testing.assert_allclose(t["rank_p95"], np.quantile(ranks, 0.95, axis=0))
    np.testing.assert_allclose(t["rank_mean"], ranks.mean(axis=0))
    scores = res.replications["scores"]
    np.testing.assert_allclose(t["score_p95"], np.quantile(scores, 0.95, axis=0))
    cut = run.framework.cutoffs("regency")
    high = (scores >= cut[1]).mean(axis=0)
    np.testing.assert_allclose(t["prob_tinggi"], high)


def test_rank_rows_ties_share_the_lowest_rank() -> None:
    scores = np.array([[3.0, 1.0, 3.0, np.nan, 2.0], [1.0, 1.0 + 1e-13, 0.0, 5.0, 5.0]])
    np.testing.assert_array_equal(
        rank_rows(scores), np.array([[1.0, 4.0, 1.0, np.nan, 3.0], [3.0, 3.0, 5.0, 1.0, 1.0]])
    )


def test_column_quantiles_match_numpy() -> None:
    x = np.random.default_rng(0).normal(size=(101, 5))
    np.testing.assert_allclose(
        column_quantiles(x, (0.05, 0.5, 0.95)), np.quantile(x, [0.05, 0.5, 0.95], axis=0)
    )
    x[3, 1] = np.nan
    np.testing.assert_allclose(column_quantiles(x, (0.5,)), np.nanquantile(x, [0.5], axis=0))


def test_all_targets_and_progress_and_json(run: IndexRun) -> None:
    calls: list[tuple[int, int]] = []
    spec = UncertaintySpec(n_runs=200, targets="all", chunk_size=64)
    res = run_uncertainty(run, spec, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (200, 200)
    assert all(b == 200 for _, b in calls)
    assert set(res.table["node_code"]) == set(run.framework.aggregates)
    assert len(res.table) == 60 * len(run.framework.aggregates)
    json.dumps(res.to_dict())


# --------------------------------------------------------------------------- sensitivity


def test_sobol_estimators_on_a_linear_model() -> None:
    rng = np.random.default_rng(1)
    n, d = 20000, 3
    coef = np.array([1.0, 2.0, 3.0])
    a = rng.random((n, d))
    b = rng.random((n, d))
    ab = np.stack([np.where(np.arange(d) == i, b, a) @ coef for i in range(d)], axis=1)
    est = sobol_indices(a @ coef, b @ coef, ab, n_boot=100, rng=np.random.default_rng(2))
    expected = coef**2 / (coef**2).sum()
    np.testing.assert_allclose(est["first_order"], expected, atol=0.03)
    np.testing.assert_allclose(est["total"], expected, atol=0.03)
    assert np.all(est["first_order_low"] <= est["first_order_high"])
    assert np.all((est["total_low"] <= est["total"]) & (est["total"] <= est["total_high"]))


def test_sensitivity_only_one_input_matters(ikp2024: Framework) -> None:
    raw = random_counts(ikp2024, seed=8, missing=0.0)  # nothing to impute: imputation is inert
    run = compute(ikp2024, raw, "regency")
    spec = UncertaintySpec(
        n_runs=250,
        method="sa",
        weight_noise={1: 0.5},
        normalize_alternatives=[],
        aggregate_alternatives=[],
        impute_alternatives=[{"method": "none"}, {"method": "median"}],
        data_noise={"model": "none"},
        n_boot=50,
    )
    res = run_uncertainty(run, spec)
    sens = res.sensitivity.set_index("input")
    assert list(sens.index) == ["weights_L1", "impute"]
    assert sens.loc["impute", "total"] == 0.0
    assert abs(sens.loc["impute", "first_order"]) < 1e-12
    assert 0.85 < sens.loc["weights_L1", "total"] < 1.15
    assert 0.7 < sens.loc["weights_L1", "first_order"] < 1.3
    assert res.n_evaluations == 250 * 4 and res.n_summarised == 500
    assert {"first_order_low", "first_order_high", "total_low", "total_high"} <= set(sens.columns)


def test_sensitivity_ranks_inputs_and_per_region(run: IndexRun) -> None:
    spec = UncertaintySpec(n_runs=150, sa_per_region=True, n_boot=0)
    res = run_sensitivity(run, spec, n_base=150)
    sens = res.sensitivity
    assert list(sens.columns) == ["input", "label", "label_id", "first_order", "total"]
    assert len(sens) == 5
    assert (sens["total"] >= 0).all()
    assert res.sensitivity_per_region is not None
    assert len(res.sensitivity_per_region) == 60 * 5
    assert res.variance is not None and res.variance > 0
    json.dumps(res.to_dict())


def test_sensitivity_needs_an_uncertain_input(run: IndexRun) -> None:
    with pytest.raises(ValueError, match="nothing varies"):
        run_sensitivity(run, UncertaintySpec(n_runs=10, **NO_VARIATION))


# --------------------------------------------------------------------------- validation


def test_spec_validation(run: IndexRun) -> None:
    with pytest.raises(pydantic.ValidationError):
        UncertaintySpec(weight_noise={1: 1.5})
    with pytest.raises(pydantic.ValidationError):
        UncertaintySpec(n_runs=0)
    with pytest.raises(ValueError, match="normalize alternative"):
        run_uncertainty(
            run, UncertaintySpec(n_runs=10, normalize_alternatives=[{"method": "nope"}])
        )
    with pytest.raises(ValueError, match="geometric"):
        run_uncertainty(
            run, UncertaintySpec(n_runs=10, aggregate_alternatives=[{"method": "geometric"}])
        )


def test_all_targets_zero_noise_reproduce_every_aggregate(run: IndexRun) -> None:
    res = run_uncertainty(run, UncertaintySpec(n_runs=30, targets="all", **NO_VARIATION))
    scores = run.data["scores"]
    for code, part in res.table.groupby("node_code"):
        nominal = scores.column(code)
        np.testing.assert_allclose(part["score_median"], nominal, rtol=1e-6)
        # ranks agree except where the run's exact-equality ranking split scores that differ
        # only by float rounding (e.g. 26.666666666666664 vs 26.666666666666668): the Monte
        # Carlo ranks treat those as ties
        differ = np.flatnonzero(part["rank_median"].to_numpy() != part["rank_nominal"].to_numpy())
        for i in differ:
            near = np.abs(nominal - nominal[i]) <= 1e-9 * max(1.0, np.nanmax(np.abs(nominal)))
            assert near.sum() > 1
            assert part["rank_median"].iloc[i] == part["rank_nominal"].to_numpy()[near].min()


def test_single_threaded_blas_restores_the_thread_count() -> None:
    from threadpoolctl import threadpool_info

    from ikp.uncertainty import single_threaded_blas

    def blas_threads() -> list[int]:
        return [int(p["num_threads"]) for p in threadpool_info() if p["user_api"] == "blas"]

    before = blas_threads()
    with single_threaded_blas():
        assert all(n == 1 for n in blas_threads())
    assert blas_threads() == before
