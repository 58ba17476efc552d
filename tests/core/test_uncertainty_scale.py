"""The default uncertainty analysis measures genuine uncertainty on the scale the cut-offs are
defined on (issue 6, ADR 0005): data noise in the counts, weights, imputation; method
alternatives that change the scale vary ranks only, or are classified by quantile-mapped
cut-offs."""

from __future__ import annotations

import numpy as np
import pytest

from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.noise import CountSampler, DataNoise, count_columns_mask
from ikp.run import IndexRun, compute
from ikp.sample import generate
from ikp.uncertainty import UncertaintySpec, run_uncertainty

NOTHING = {
    "weight_noise": {},
    "normalize_alternatives": [],
    "aggregate_alternatives": [],
    "impute_alternatives": [],
    "data_noise": {"model": "none"},
}


@pytest.fixture(scope="module")
def regency(ikp2024: Framework) -> IndexRun:
    s = generate(ikp2024, "regency", seed=2024)
    return compute(ikp2024, s.values, "regency", metadata=s.metadata)


def own_class_probability(run: IndexRun, table: object, labels: tuple[str, ...]) -> np.ndarray:
    t = table  # type: ignore[assignment]
    cut = np.asarray(run.framework.cutoffs(run.region_level))
    own = np.searchsorted(cut, t["score_nominal"].to_numpy(), side="right")
    probs = t[[f"prob_{lab}" for lab in labels]].to_numpy()
    return probs[np.arange(len(t)), own]


# --------------------------------------------------------------------------- the defaults


def test_default_spec_varies_data_weights_and_imputation_on_one_scale() -> None:
    spec = UncertaintySpec()
    assert spec.data_noise.model == "poisson" and spec.data_noise.draws == 50
    assert spec.weight_noise == {1: 0.25, 2: 0.25, 3: 0.25}
    assert spec.normalize_alternatives == [] and spec.aggregate_alternatives == []
    assert [a["method"] for a in spec.impute_alternatives] == ["none", "median"]
    assert spec.other_scale_classes == "exclude"


def test_synthetic_regency_sample_intervals_are_narrow_and_far_regions_keep_their_class(
    regency: IndexRun,
) -> None:
    """The issue's expectation on the synthetic kab/kota sample with the defaults: the median
    p05–p95 score interval is well under 10 points, and regions at least 10 points from every
    cut-off are not given material probabilities of another class."""
    res = run_uncertainty(regency, UncertaintySpec(n_runs=1000))
    t = res.table
    width = (t["score_p95"] - t["score_p05"]).to_numpy()
    assert np.median(width) < 8.0
    cut = np.asarray(regency.framework.cutoffs("regency"))
    score = t["score_nominal"].to_numpy()
    far = np.abs(score[:, None] - cut[None, :]).min(axis=1) >= 10.0
    assert far.sum() > 100
    p_own = own_class_probability(regency, t, res.class_labels)
    assert p_own[far].min() >= 0.95
    # probabilities are not a count of a 2x2 method grid: they take many values
    assert len(np.unique(np.round(p_own, 3))) > 20
    assert res.inputs == ("weights_L1", "weights_L2", "weights_L3", "impute", "data")


def test_far_under_every_input_keeps_its_class(ikp2024: Framework) -> None:
    """Regions built to sit far from every cut-off whatever the weights, imputation and count
    noise (a region with many incidents everywhere, a quiet one, ...) keep their class with
    probability >= 0.95."""
    rng = np.random.default_rng(3)
    k = len(ikp2024.indicators)
    values = rng.poisson(4.0, size=(60, k)).astype(np.float64)
    values[0] = 60.0  # far above the top cut-off on every indicator
    values[1] = 0.0  # nothing happened: far below the lowest cut-off
    values[2:6, : k // 2] = np.nan  # missing halves, so imputation matters elsewhere
    raw = Dataset(tuple(f"R{i:02d}" for i in range(60)), ikp2024.indicators, values)
    run = compute(ikp2024, raw, "regency")
    res = run_uncertainty(run, UncertaintySpec(n_runs=600, seed=4))
    t = res.table.set_index("region_code")
    assert t.loc["R00", "score_p05"] > 49.33 + 10 and t.loc["R01", "score_p95"] < 13.47 - 10
    assert t.loc["R00", "prob_tinggi"] >= 0.95
    assert t.loc["R01", "prob_rendah"] >= 0.95


# --------------------------------------------------------------------------- data noise


def test_data_noise_widens_intervals_most_where_counts_are_small(ikp2024: Framework) -> None:
    """Poisson noise has a relative size of 1/sqrt(count): the same pattern of incidents at
    a hundredfold scale has much narrower relative score intervals."""
    rng = np.random.default_rng(12)
    k = len(ikp2024.indicators)
    small = rng.poisson(rng.gamma(1.5, 1.0, size=(80, 1)) * 2.0, size=(80, k)).astype(float)
    regions = tuple(f"R{i:02d}" for i in range(80))
    spec = UncertaintySpec(n_runs=400, **{**NOTHING, "data_noise": {"model": "poisson"}})
    widths = {}
    for name, values in (("small", small), ("large", small * 100.0)):
        run = compute(ikp2024, Dataset(regions, ikp2024.indicators, values), "regency")
        t = run_uncertainty(run, spec).table
        widths[name] = float(np.median(t["score_p95"] - t["score_p05"]))
    assert widths["small"] > 3.0 * widths["large"] > 0.0
    # without noise nothing varies
    run = compute(ikp2024, Dataset(regions, ikp2024.indicators, small), "regency")
    t = run_uncertainty(run, UncertaintySpec(n_runs=50, **NOTHING)).table
    assert (t["score_p95"] - t["score_p05"]).abs().max() < 1e-9


def test_negative_binomial_is_noisier_than_poisson(regency: IndexRun) -> None:
    def width(noise: dict[str, object]) -> float:
        spec = UncertaintySpec(n_runs=400, **{**NOTHING, "data_noise": noise})
        t = run_uncertainty(regency, spec).table
        return float(np.median(t["score_p95"] - t["score_p05"]))

    assert width({"model": "negbin", "dispersion": 1.0}) > width({"model": "poisson"}) > 0.0


def test_resampled_counts_have_the_models_moments_and_keep_zeros_and_gaps() -> None:
    values = np.array([[0.0, 4.0, np.nan, 0.5, 2500.0], [10.0, 100.0, 3.0, 0.2, 0.7]])
    counted = np.array([True, True, True, False, True])

    def many(noise: DataNoise, n: int = 20000) -> np.ndarray:
        sampler = CountSampler(values, counted, noise)
        rng = np.random.default_rng(0)
        return np.stack([sampler.resample(values, rng) for _ in range(n)])

    pois = many(DataNoise())
    assert (pois[:, 0, 0] == 0).all()  # an observed zero stays zero
    assert np.isnan(pois[:, 0, 2]).all()  # a missing cell stays missing
    np.testing.assert_array_equal(pois[:, :, 3], np.broadcast_to(values[:, 3], (20000, 2)))
    # Poisson: mean = variance = the observed count (table inversion for small means, numpy
    # above TABLE_MAX_MEAN), whole numbers; 0.7 is a mean like any other
    for r, c in ((0, 1), (1, 0), (1, 1), (0, 4), (1, 4)):
        assert pois[:, r, c].mean() == pytest.approx(values[r, c], rel=0.03)
        assert pois[:, r, c].var() == pytest.approx(values[r, c], rel=0.06)
        assert np.allclose(pois[:, r, c], np.round(pois[:, r, c]))
    # P(X = 0) for a Poisson mean of 4 is exp(-4)
    assert (pois[:, 0, 1] == 0).mean() == pytest.approx(np.exp(-4.0), abs=0.004)
    scaled = many(DataNoise(scale=3.0))
    assert scaled[:, 1, 1].mean() == pytest.approx(100.0, rel=0.03)
    assert scaled[:, 1, 1].var() == pytest.approx(300.0, rel=0.06)  # quasi-Poisson: s * v
    nb = many(DataNoise(model="negbin", dispersion=2.0))
    # negative binomial: variance = v (1 + v / k)
    assert nb[:, 1, 0].mean() == pytest.approx(10.0, rel=0.03)
    assert nb[:, 1, 0].var() == pytest.approx(10.0 * (1 + 10.0 / 2.0), rel=0.08)


def test_only_count_indicators_are_resampled(ikp2024: Framework) -> None:
    mask = count_columns_mask(ikp2024, ikp2024.indicators)
    assert mask.all()  # every IKP 2024 indicator counts incidents
    assert not count_columns_mask(ikp2024, ("not-a-code",)).any()


def test_data_noise_spec_is_validated() -> None:
    with pytest.raises(ValueError):
        UncertaintySpec(data_noise={"model": "gaussian"})
    with pytest.raises(ValueError):
        UncertaintySpec(data_noise={"draws": 0})
    with pytest.raises(ValueError):
        UncertaintySpec(data_noise={"dispersion": -1})


# --------------------------------------------------------------------------- other scales


def test_percentile_rank_alternative_varies_ranks_but_not_classes(regency: IndexRun) -> None:
    both = [{"method": "minmax"}, {"method": "prank", "times": 100.0}]
    spec = UncertaintySpec(n_runs=400, seed=5, **{**NOTHING, "normalize_alternatives": both})
    res = run_uncertainty(regency, spec)
    t = res.table
    # about half the replications are percentile ranks: they move ranks ...
    assert 150 < res.classified_runs < 250
    assert (t["rank_width"] > 0).mean() > 0.5
    # ... but neither classes nor score intervals, which come from the min-max replications
    p_own = own_class_probability(regency, t, res.class_labels)
    np.testing.assert_allclose(p_own, 1.0)
    np.testing.assert_allclose(t["score_p05"], t["score_nominal"], atol=1e-9)
    np.testing.assert_allclose(t["score_p95"], t["score_nominal"], atol=1e-9)


def test_quantile_mapped_cutoffs_keep_the_class_shares(regency: IndexRun) -> None:
    """With ``other_scale_classes = "quantile"`` a percentile-rank replication is classified
    with each cut-off moved to the quantile it holds among the nominal scores, so the share of
    regions per class matches the nominal shares."""
    spec = UncertaintySpec(
        n_runs=40,
        **{
            **NOTHING,
            "normalize_alternatives": [{"method": "prank", "times": 100.0}],
            "other_scale_classes": "quantile",
        },
    )
    res = run_uncertainty(regency, spec)
    assert res.classified_runs == 40
    t = res.table
    expected = np.bincount(
        np.searchsorted(regency.framework.cutoffs("regency"), t["score_nominal"], "right"),
        minlength=3,
    ) / len(t)
    shares = t[[f"prob_{lab}" for lab in res.class_labels]].mean().to_numpy()
    np.testing.assert_allclose(shares, expected, atol=3 / len(t))
    # excluded by default: the same spec without the mapping classifies nothing
    spec_ex = spec.model_copy(update={"other_scale_classes": "exclude"})
    res_ex = run_uncertainty(regency, spec_ex)
    assert res_ex.classified_runs == 0
    assert res_ex.table["prob_tinggi"].isna().all()


def test_aggregation_alternatives_are_other_scale_unless_declared(regency: IndexRun) -> None:
    alts = [{"method": "arithmetic"}, {"method": "generalised", "p": 0.5}]
    spec = UncertaintySpec(n_runs=300, seed=2, **{**NOTHING, "aggregate_alternatives": alts})
    res = run_uncertainty(regency, spec)
    assert 100 < res.classified_runs < 200
    declared = [{"method": "arithmetic"}, {"method": "generalised", "p": 0.5, "scale": "same"}]
    spec2 = spec.model_copy(update={"aggregate_alternatives": declared})
    res2 = run_uncertainty(regency, spec2)
    assert res2.classified_runs == 300
    width = res2.table["score_p95"] - res2.table["score_p05"]
    assert width.median() > 0
    with pytest.raises(ValueError, match="scale must be"):
        bad = [{"method": "arithmetic", "scale": "maybe"}]
        run_uncertainty(regency, spec.model_copy(update={"aggregate_alternatives": bad}))


def test_input_labels_are_bilingual(regency: IndexRun) -> None:
    res = run_uncertainty(regency, UncertaintySpec(n_runs=20))
    labels = {x["input"]: x for x in res.input_labels}
    assert labels["data"]["label_en"].startswith("incident counts (Poisson, 50")
    assert labels["data"]["label_id"].startswith("jumlah kejadian (Poisson, 50")
    d = res.to_dict()
    assert d["classified_runs"] == 20 and d["spec"]["data_noise"]["model"] == "poisson"


def test_noisy_values_are_placed_on_the_nominal_min_max_scale(ikp2024: Framework) -> None:
    """Without treatment, min-max with the nominal bounds is linear: a resampled count v* maps
    to (v* - min) / (max - min) · 100, held at 0 and 100 beyond the observed range (the
    documented definition, not the engine's interpolation)."""
    from ikp.uncertainty import _Engine

    rng = np.random.default_rng(5)
    k = len(ikp2024.indicators)
    values = rng.poisson(3.0, size=(50, k)).astype(np.float64)
    values[3, 4] = np.nan
    raw = Dataset(tuple(f"R{i:02d}" for i in range(50)), ikp2024.indicators, values)
    run = compute(ikp2024, raw, "regency").with_params("treat", method="none")
    noise = {"model": "poisson", "centre": False}
    spec = UncertaintySpec(n_runs=10, **{**NOTHING, "data_noise": noise})
    engine = _Engine(run, spec)
    assert engine.noisy is not None
    noisy = engine.noisy.matrix(7, 0, 0).T  # stored indicators × regions, missing cells 0
    counts = engine.noisy.counts(7)
    resampled = values.copy()
    resampled.reshape(-1)[engine.noisy.cells] = counts
    order = [ikp2024.indicators.index(c) for c in engine.levels[1].codes]
    lo = np.nanmin(values, axis=0)[order]
    hi = np.nanmax(values, axis=0)[order]
    expected = np.clip((resampled[:, order] - lo) / (hi - lo) * 100.0, 0.0, 100.0)
    missing = np.isnan(expected)
    np.testing.assert_allclose(noisy[~missing], expected[~missing], atol=1e-9)
    assert missing[3, order.index(4)] and noisy[3, order.index(4)] == 0.0
    assert not np.allclose(noisy[~missing], engine.matrices[(0, 0, 0)][~missing])


def test_centred_noise_has_the_nominal_value_as_its_mean(regency: IndexRun) -> None:
    """With ``centre`` (the default) each resampled normalised value is shifted by the nominal
    value minus its exact expectation under the model, so averaged over draws it returns the
    nominal value, also where the scale is concave (log treatment) or held at 100."""
    from ikp.uncertainty import _Engine

    for model in ("poisson", "negbin"):
        spec = UncertaintySpec(n_runs=10, **{**NOTHING, "data_noise": {"model": model}})
        engine = _Engine(regency, spec)
        assert engine.noisy is not None
        mean = np.mean([engine.noisy.matrix(d, 0, 0).T.copy() for d in range(3000)], axis=0)
        base = engine.matrices[(0, 0, 0)]
        cells = engine.noisy.cells
        err = np.abs(mean.reshape(-1)[cells] - base.reshape(-1)[cells])
        assert np.median(err) < 0.2 and err.max() < 3.0
        # without centring the concave, capped scale pulls the mean down
        raw = UncertaintySpec(
            n_runs=10, **{**NOTHING, "data_noise": {"model": model, "centre": False}}
        )
        plain = _Engine(regency, raw)
        assert plain.noisy is not None
        low = np.mean([plain.noisy.matrix(d, 0, 0).T.copy() for d in range(300)], axis=0)
        assert np.median(low.reshape(-1)[cells] - base.reshape(-1)[cells]) < -0.5


@pytest.mark.parametrize("targets", ["index", "all"])
def test_threads_do_not_change_the_result(regency: IndexRun, targets: str) -> None:
    """The groups of replications are shared out between worker threads, each with its own
    positions and class counts: one or two threads give the same table and replications (to
    the last bits of rounding, which depend on how many replications share a matrix product,
    as for ``chunk_size``)."""
    one = run_uncertainty(
        regency, UncertaintySpec(n_runs=300, seed=3, workers=1, targets=targets, chunk_size=64)
    )
    two = run_uncertainty(
        regency, UncertaintySpec(n_runs=300, seed=3, workers=2, targets=targets, chunk_size=64)
    )
    assert one.classified_runs == two.classified_runs == 300
    np.testing.assert_allclose(one.replications["scores"], two.replications["scores"], atol=1e-9)
    np.testing.assert_array_equal(one.replications["rank_shift"], two.replications["rank_shift"])
    for col in one.table.columns:
        if col in ("region_code", "node_code"):
            assert list(one.table[col]) == list(two.table[col])
        else:
            np.testing.assert_allclose(one.table[col], two.table[col], rtol=0, atol=1e-9)
