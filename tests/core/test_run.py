"""The pipeline end to end: a hand-computed tiny index, recipes, variants, comparison, and the
edge cases (single region, constant / all-missing indicator, zero weights, geometric mean of
zeros)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ikp import recipes
from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.issues import MethodError, ValidationFailed
from ikp.run import IndexRun, compare, compute
from ikp.steps import Aggregate, Classify, Impute, Normalize, Rescale, Screen, Treat, Weight

TINY: dict[str, Any] = {
    "id": "tiny",
    "name": {"id": "Kecil", "en": "Tiny"},
    "region_levels": ["province", "regency"],
    "defaults": {"treat": {"method": "none"}},
    "classification": {"method": "fixed", "cutoffs": {"default": [30, 60]}},
    "nodes": [
        {"code": "X", "name": {"id": "Indeks"}, "level": 3},
        {
            "code": "A",
            "name": {"id": "A"},
            "level": 2,
            "parent": "X",
            "weight": {"regency": 3, "province": 1},
        },
        {"code": "B", "name": {"id": "B"}, "level": 2, "parent": "X", "weight": 1},
        {"code": "a1", "name": {"id": "a1"}, "level": 1, "parent": "A"},
        {"code": "a2", "name": {"id": "a2"}, "level": 1, "parent": "A", "direction": -1},
        {"code": "b1", "name": {"id": "b1"}, "level": 1, "parent": "B"},
    ],
}


@pytest.fixture()
def tiny() -> Framework:
    return Framework.from_dict(TINY)


def tiny_data() -> Dataset:
    return Dataset(
        ("r1", "r2", "r3"),
        ("a1", "a2", "b1"),
        np.array([[0.0, 10.0, 1.0], [5.0, 0.0, 3.0], [10.0, 5.0, np.nan]]),
    )


def test_hand_computed_index(tiny: Framework) -> None:
    run = compute(tiny, tiny_data(), "regency")
    s = run.data["scores"].to_frame()
    # min-max 0-100; a2 has direction -1 so its highest raw value scores 0
    np.testing.assert_allclose(s["a1"], [0, 50, 100])
    np.testing.assert_allclose(s["a2"], [0, 100, 50])
    np.testing.assert_allclose(s["b1"].to_numpy()[:2], [0, 100])
    assert np.isnan(s["b1"].iloc[2])
    np.testing.assert_allclose(s["A"], [0, 75, 75])
    np.testing.assert_allclose(s["B"].to_numpy()[:2], [0, 100])
    # regency weights A:B = 3:1; r3 misses B so A alone counts (weights rescaled)
    np.testing.assert_allclose(s["X"], [0, 0.75 * 75 + 0.25 * 100, 75])
    ranks = run.data["ranks"].to_frame()["X"].tolist()
    assert ranks == [3, 1, 2]
    res = run.results()
    x = res[res["node_code"] == "X"].set_index("region_code")
    assert x.loc["r1", "class"] == "rendah"
    assert x.loc["r2", "class"] == "tinggi"
    assert x.loc["r3", "class"] == "tinggi"


def test_province_weights_differ(tiny: Framework) -> None:
    run = compute(tiny, tiny_data(), "province")
    x = run.data["scores"].to_frame()["X"]
    assert x.iloc[1] == pytest.approx(0.5 * 75 + 0.5 * 100)


def test_reliability_is_share_observed(tiny: Framework) -> None:
    run = compute(tiny, tiny_data(), "regency")
    rel = run.reliability().set_index("region_code")
    assert rel.loc["r3", "share_missing"] == pytest.approx(1 / 3)
    assert rel.loc["r3", "reliability"] == pytest.approx(2 / 3)
    assert rel.loc["r1", "reliability"] == 1.0


def test_impute_records_every_cell(tiny: Framework) -> None:
    run = IndexRun.start(tiny, tiny_data(), "regency").apply(Screen()).apply(Impute(method="mean"))
    art = run.artefact("impute")
    assert art["n_imputed"] == 1
    assert art["imputed_cells"] == [{"region_code": "r3", "indicator_code": "b1", "value": 2.0}]
    run = run.apply_all([Treat(), Normalize(), Weight(), Aggregate(), Rescale(), Classify()])
    assert run.reliability().set_index("region_code").loc["r3", "share_imputed"] == pytest.approx(
        1 / 3
    )


def test_ties_share_the_lowest_rank(tiny: Framework) -> None:
    raw = Dataset(
        ("r1", "r2", "r3"), ("a1", "a2", "b1"), np.array([[1.0, 1, 1], [1, 1, 1], [0, 2, 0]])
    )
    run = compute(tiny, raw, "regency")
    assert run.data["ranks"].to_frame()["X"].tolist() == [1, 1, 3]


def test_single_region_and_constant_indicators(tiny: Framework) -> None:
    raw = Dataset(("r1",), ("a1", "a2", "b1"), np.array([[4.0, 2.0, 7.0]]))
    # COINr (the default): min-max of a single value is 0/0, so nothing can be scored
    run = compute(tiny, raw, "regency")
    assert np.isnan(run.data["scores"].values).all()
    assert sorted(run.artefact("normalize")["constant"]["dropped"]) == ["a1", "a2", "b1"]
    # "lower": every indicator sits at the bottom of the scale
    run = run.with_params("normalize", constant="lower")
    assert run.data["ranks"].to_frame()["X"].tolist() == [1]
    assert np.isfinite(run.data["scores"].values).all()


def test_all_missing_indicator_is_dropped_from_its_group(tiny: Framework) -> None:
    values = tiny_data().values.copy()
    values[:, 2] = np.nan
    run = compute(tiny, Dataset(("r1", "r2", "r3"), ("a1", "a2", "b1"), values), "regency")
    s = run.data["scores"].to_frame()
    assert s["B"].isna().all()
    np.testing.assert_allclose(s["X"], s["A"])
    cov = run.artefact("screen")["indicator_coverage"]
    assert cov["b1"] == 0.0


def test_min_indicator_coverage_drops_the_indicator(tiny: Framework) -> None:
    values = tiny_data().values.copy()
    values[:2, 2] = np.nan
    run = IndexRun.start(tiny, Dataset(("r1", "r2", "r3"), ("a1", "a2", "b1"), values), "regency")
    run = run.apply(Screen(min_indicator_coverage=0.5))
    assert run.data["screened"].columns == ("a1", "a2")
    assert run.artefact("screen")["dropped_indicators"] == ["b1"]


def test_zero_weight_child_does_not_count(tiny: Framework) -> None:
    run = compute(tiny, tiny_data(), "regency", steps=None).with_params(
        "weight", explicit={"B": 0.0}
    )
    s = run.data["scores"].to_frame()
    np.testing.assert_allclose(s["X"], s["A"])
    assert run.artefact("weight")["effective"]["B"] == 0.0


def test_geometric_mean_of_zeros_is_a_clear_error(tiny: Framework) -> None:
    run = compute(tiny, tiny_data(), "regency")
    with pytest.raises(MethodError, match="aggregating"):
        run.with_params("aggregate", method="geometric")


def test_geometric_mean_works_on_positive_scale(tiny: Framework) -> None:
    run = compute(tiny, tiny_data(), "regency")
    variant = run.with_params("normalize", method="minmax", lower=1.0, upper=100.0).with_params(
        "aggregate", method="geometric"
    )
    assert np.nanmin(variant.data["scores"].values) >= 1.0


def test_ahp_weights_and_refusal(tiny: Framework) -> None:
    run = compute(tiny, tiny_data(), "regency")
    ok = run.with_params("weight", method="ahp", ahp={"X": [[1, 3], [1 / 3, 1]]})
    assert ok.artefact("weight")["weights"]["A"] == pytest.approx(0.75)
    too_big = {"A": [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]}
    with pytest.raises(MethodError, match="3x3 but the node has 2 children: a1, a2"):
        run.with_params("weight", method="ahp", ahp=too_big)


def test_recipe_round_trip_reproduces_scores(tmp_path: Path, tiny: Framework) -> None:
    run = compute(tiny, tiny_data(), "regency", metadata={"synthetic": True})
    variant = run.with_params("normalize", method="rank")
    path = recipes.save(variant, tmp_path / "recipe.yaml")
    loaded = recipes.load(path)
    assert loaded["input_hash"] == variant.input_hash
    assert loaded["data"]["synthetic"] is True
    again = recipes.replay(loaded, tiny_data())
    np.testing.assert_array_equal(again.data["scores"].values, variant.data["scores"].values)
    assert [e.params for e in again.log] == [e.params for e in variant.log]


def test_recipe_refuses_other_data_unless_allowed(tmp_path: Path, tiny: Framework) -> None:
    run = compute(tiny, tiny_data(), "regency")
    loaded = recipes.load(recipes.save(run, tmp_path / "r.yaml"))
    other = Dataset(("r1", "r2", "r3"), ("a1", "a2", "b1"), tiny_data().values + 1)
    with pytest.raises(ValidationFailed, match="RECIPE_MISMATCH"):
        recipes.replay(loaded, other)
    assert recipes.replay(loaded, other, allow_other_data=True).data["scores"].shape == (3, 6)


def test_compare_reports_rank_and_score_changes(tiny: Framework) -> None:
    a = compute(tiny, tiny_data(), "regency")
    b = a.with_params("weight", method="equal")
    diff = compare(a, b).set_index("region_code")
    assert diff.loc["r2", "score_a"] == pytest.approx(81.25)
    assert diff.loc["r2", "score_b"] == pytest.approx(87.5)
    assert diff.loc["r2", "score_change"] == pytest.approx(6.25)
    assert set(diff.columns) >= {"rank_a", "rank_b", "rank_change", "class_changed"}


def test_regenerate_from_a_step_keeps_earlier_outputs(tiny: Framework) -> None:
    run = compute(tiny, tiny_data(), "regency")
    again = run.regenerate(from_step="aggregate")
    np.testing.assert_array_equal(again.data["scores"].values, run.data["scores"].values)
    assert [e.name for e in again.log] == [e.name for e in run.log]


def test_ikp2024_full_run(ikp2024: Framework, counts: Dataset, groups: dict[str, str]) -> None:
    run = compute(ikp2024, counts, "regency", groups=groups)
    idx = run.data["scores"].column("IKP")
    assert np.nanmin(idx) >= 0 and np.nanmax(idx) <= 100
    res = run.results()
    assert set(res["level"]) == {1, 2, 3, 4}
    assert len(res) == counts.shape[0] * len(ikp2024.nodes)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.1, 50))
def test_index_invariant_to_weight_scaling_and_region_order(seed: int, scale: float) -> None:
    fw = Framework.from_dict(TINY)
    rng = np.random.default_rng(seed)
    values = rng.gamma(1.0, 3.0, size=(12, 3))
    regions = tuple(f"r{i}" for i in range(12))
    raw = Dataset(regions, ("a1", "a2", "b1"), values)
    base = compute(fw, raw, "regency")
    scaled = base.with_params(
        "weight", explicit={"A": 3 * scale, "B": scale, "a1": scale, "a2": scale, "b1": scale}
    )
    np.testing.assert_allclose(scaled.data["scores"].values, base.data["scores"].values, atol=1e-9)
    order = rng.permutation(12)
    shuffled = compute(fw, raw.select_regions([regions[i] for i in order]), "regency")
    back = shuffled.data["scores"].select_regions(regions)
    np.testing.assert_allclose(back.values, base.data["scores"].values, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_more_incidents_never_lowers_the_index(seed: int) -> None:
    """Direction monotonicity: raising one region's value of a +1 indicator (keeping it below
    the max so no other region's normalised value changes) never lowers its index."""
    fw = Framework.from_dict({**TINY, "defaults": {"treat": {"method": "none"}}})
    rng = np.random.default_rng(seed)
    values = rng.uniform(0, 10, size=(8, 3))
    values[0, 0] = 20.0  # the max of a1 stays fixed
    raw = Dataset(tuple(f"r{i}" for i in range(8)), ("a1", "a2", "b1"), values)
    before = compute(fw, raw, "regency").data["scores"].column("X")
    bumped = values.copy()
    bumped[3, 0] = min(values[3, 0] + 5, 19.9)
    after = compute(fw, raw.with_values(bumped), "regency").data["scores"].column("X")
    assert after[3] >= before[3] - 1e-12


def test_counts_combine_per_level_or_take_the_weighted_value(ikp2024: Framework) -> None:
    import pandas as pd

    from ikp.sample import combine_levels

    frame = pd.DataFrame(
        {
            "region_code": ["32.01", "32.02"],
            "I01_L1": [2.0, np.nan],
            "I01_L2": [1.0, np.nan],
            "I01_L3": [0.0, np.nan],
            "I01": [np.nan, 7.0],
        }
    )
    values = combine_levels(frame, ikp2024)
    np.testing.assert_allclose(values.column("I01"), [2 * 1 + 1 * 2 + 0 * 3, 7.0])
    assert np.isnan(values.column("I02")).all()
