"""A constant indicator (an incident type that happened nowhere, or everywhere equally):
``defaults.normalize.constant``.

COINr's behaviour, which ``coinr`` reproduces: ``n_minmax`` computes
``(x - min) / (max - min) * (u - l) + l`` (``R/normalise.R``), which is 0/0 = NaN on a column
without spread (likewise ``n_zscore`` with ``sd = 0`` and ``n_dist2max``); COINr's ``Aggregate``
then computes each parent with ``a_amean``/``a_gmean`` over the non-missing children, i.e. the
weighted mean of the other children with their weights rescaled to sum to one. ``lower`` keeps
the method's defined value (min-max: ``lower``) with the indicator's full weight.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ikp import recipes
from ikp.audit import audit
from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.issues import MethodError, ValidationFailed
from ikp.methods.normalize import no_spread, normalize
from ikp.run import compute

FW: dict[str, Any] = {
    "id": "constant-test",
    "name": {"id": "Uji konstan"},
    "region_levels": ["regency"],
    "defaults": {"treat": {"method": "none"}},
    "classification": {"method": "fixed", "cutoffs": {"default": [30, 60]}},
    "nodes": [
        {"code": "X", "name": {"id": "Indeks"}, "level": 3},
        {"code": "P", "name": {"id": "P"}, "level": 2, "parent": "X", "weight": 1},
        {"code": "Q", "name": {"id": "Q"}, "level": 2, "parent": "X", "weight": 1},
        {"code": "c", "name": {"id": "c"}, "level": 1, "parent": "P", "weight": 1},
        {"code": "d", "name": {"id": "d"}, "level": 1, "parent": "P", "weight": 2},
        {"code": "e", "name": {"id": "e"}, "level": 1, "parent": "P", "weight": 3},
        {"code": "q1", "name": {"id": "q1"}, "level": 1, "parent": "Q"},
        {"code": "q2", "name": {"id": "q2"}, "level": 1, "parent": "Q"},
    ],
}

# c: 5 incidents in every region (constant); q1 and q2: constant too, so Q has nothing left
RAW = Dataset(
    ("r1", "r2", "r3", "r4"),
    ("c", "d", "e", "q1", "q2"),
    np.array(
        [
            [5.0, 0.0, 4.0, 0.0, 2.0],
            [5.0, 2.0, 0.0, 0.0, 2.0],
            [5.0, 4.0, np.nan, 0.0, 2.0],
            [5.0, 1.0, 8.0, 0.0, 2.0],
        ]
    ),
)


def framework(**defaults: Any) -> Framework:
    data = {**FW, "defaults": {**FW["defaults"], **defaults}}
    return Framework.from_dict(data)


def minmax(col: np.ndarray, lower: float = 0.0, upper: float = 100.0) -> np.ndarray:
    lo, hi = np.nanmin(col), np.nanmax(col)
    return (col - lo) / (hi - lo) * (upper - lower) + lower


def test_methods_blank_what_coinr_leaves_undefined() -> None:
    x = np.array([[3.0, 1.0, 7.0], [3.0, 2.0, np.nan], [3.0, 4.0, np.nan]])
    for method in ("minmax", "zscore", "dist2max"):
        coinr = normalize(x, method, constant="coinr")
        assert np.isnan(coinr[:, 0]).all() and np.isnan(coinr[:, 2]).all(), method
        np.testing.assert_array_equal(coinr[:, 1], normalize(x, method)[:, 1])
    np.testing.assert_array_equal(normalize(x, "minmax", constant="lower")[:, 0], [0.0] * 3)
    np.testing.assert_array_equal(normalize(x, "zscore", constant="lower")[:, 0], [0.0] * 3)
    # prank: COINr gives 0 to a constant column (ties share rank 1) and NaN to a single value
    p = normalize(x, "prank", constant="coinr")
    np.testing.assert_array_equal(p[:, 0], [0.0] * 3)
    assert np.isnan(p[0, 2])
    # rank, goal-posts: defined on a constant column in COINr as well
    np.testing.assert_array_equal(normalize(x, "rank", constant="coinr")[:, 0], [1.0] * 3)
    gp = normalize(x, "goalposts", constant="coinr", lower=0.0, upper=10.0)
    np.testing.assert_allclose(gp[:, 0], [30.0] * 3)
    assert no_spread(x, "minmax").tolist() == [True, False, True]
    assert no_spread(x, "rank").tolist() == [False, False, False]
    with pytest.raises(MethodError, match="constant must be one of"):
        normalize(x, "minmax", constant="zero")


def test_coinr_drops_the_constant_indicator_and_rescales_the_weights() -> None:
    run = compute(framework(), RAW, "regency")
    s = run.data["aggregated"].to_frame()
    assert s["c"].isna().all()
    d, e = minmax(RAW.column("d")), minmax(RAW.column("e"))
    # P = (2 d + 3 e) / 5 where e is present, d alone where it is missing (weights rescaled)
    expected = np.where(np.isnan(e), d, (2 * d + 3 * e) / 5)
    np.testing.assert_allclose(s["P"], expected)
    # Q has no indicator left: it is missing and X is P alone (not blanked by Q)
    assert s["Q"].isna().all()
    np.testing.assert_allclose(s["X"], expected)
    art = run.artefact("normalize")["constant"]
    assert art["dropped"] == {"c": 5.0, "q1": 0.0, "q2": 2.0}
    assert art["indicators"]["c"] == {"option": "coinr", "dropped": True, "value": 5.0}
    assert run.artefact("aggregate")["left_out"] == {"P": ["c"], "Q": ["q1", "q2"], "X": ["Q"]}
    assert run.artefact("normalize")["methods"]["c"]["constant"] == "coinr"


def test_ikp_2024_chooses_coinr_and_its_recipes_show_it(ikp2024: Framework) -> None:
    assert ikp2024.to_dict()["defaults"]["normalize"]["constant"] == "coinr"
    assert any("constant" in a and "COINr" in a for a in ikp2024.assumptions)
    raw = Dataset(("r1", "r2"), ikp2024.indicators, np.ones((2, len(ikp2024.indicators))))
    run = compute(ikp2024, raw, "regency")
    assert recipes.to_dict(run)["framework"]["defaults"]["normalize"]["constant"] == "coinr"


def test_lower_keeps_the_constant_indicator_at_the_bottom_with_its_weight() -> None:
    run = compute(framework(normalize={"constant": "lower"}), RAW, "regency")
    s = run.data["aggregated"].to_frame()
    np.testing.assert_array_equal(s["c"], [0.0] * 4)
    d, e = minmax(RAW.column("d")), minmax(RAW.column("e"))
    expected_p = np.where(np.isnan(e), (0 + 2 * d) / 3, (0 + 2 * d + 3 * e) / 6)
    np.testing.assert_allclose(s["P"], expected_p)
    np.testing.assert_array_equal(s["Q"], [0.0] * 4)
    np.testing.assert_allclose(s["X"], (expected_p + 0.0) / 2)
    art = run.artefact("normalize")["constant"]
    assert art["dropped"] == {}
    assert art["indicators"]["c"]["option"] == "lower"
    assert run.artefact("aggregate")["left_out"] == {}


def test_geometric_mean_under_both_options() -> None:
    """Geometric mean (min-max onto 1-100 so every value is positive): COINr's weighted
    geometric mean of the other children, weights rescaled; ``lower`` multiplies in 1^(w/Σw),
    which shrinks the parent towards 1 and changes the order of regions with missing data."""
    spec = {
        "normalize": {"method": "minmax", "lower": 1.0, "upper": 100.0},
        "aggregate": {"method": "geometric"},
    }
    d, e = minmax(RAW.column("d"), 1, 100), minmax(RAW.column("e"), 1, 100)
    coinr = compute(framework(**spec), RAW, "regency").data["aggregated"].to_frame()
    present = ~np.isnan(e)
    both = np.exp((2 * np.log(d) + 3 * np.log(np.where(present, e, 1.0))) / 5)
    np.testing.assert_allclose(coinr["P"], np.where(present, both, d))
    spec["normalize"]["constant"] = "lower"
    lower = compute(framework(**spec), RAW, "regency").data["aggregated"].to_frame()
    with_c = np.exp((np.log(1.0) + 2 * np.log(d) + 3 * np.log(np.where(present, e, 1.0))) / 6)
    only_d = np.exp((np.log(1.0) + 2 * np.log(d)) / 3)
    np.testing.assert_allclose(lower["P"], np.where(present, with_c, only_d))
    # r3 (e missing) is ahead of r4 under COINr's rule and falls behind it under "lower"
    assert coinr["P"]["r3"] > coinr["P"]["r4"]
    assert lower["P"]["r3"] < lower["P"]["r4"]


def test_min_coverage_does_not_count_the_dropped_indicator_as_missing() -> None:
    """P needs 2/3 of its children present; c is dropped everywhere, so the share is taken over
    d and e: r3 (e missing) has 1 of 2 and is blanked, the others have 2 of 2 and are kept.
    Counting c as missing would blank every region (at most 2 of 3)."""
    spec = {"aggregate": {"method": "arithmetic", "min_coverage": 0.66}}
    s = compute(framework(**spec), RAW, "regency").data["aggregated"].to_frame()
    assert s["P"].isna().tolist() == [False, False, True, False]


def test_reliability_does_not_count_a_constant_indicator_as_missing() -> None:
    run = compute(framework(), RAW, "regency")
    rel = run.reliability().set_index("region_code")
    assert rel.loc["r1", "share_missing"] == 0.0
    assert rel.loc["r3", "share_missing"] == pytest.approx(1 / 5)


def test_audit_flags_the_dropped_indicator() -> None:
    run = compute(framework(), RAW, "regency")
    flags = audit(run).flags_of("constant").set_index("node")
    assert set(flags.index) == {"c", "q1", "q2"}
    assert flags.loc["c", "other"] == "P"
    assert "rescaled" in flags.loc["c", "message"]
    assert "disesuaikan" in flags.loc["c", "message_id"]
    assert flags.loc["c", "value"] == 5.0


def test_option_is_validated_in_the_framework_and_the_step() -> None:
    with pytest.raises(ValidationFailed, match="normalize.constant"):
        framework(normalize={"constant": "zero"})
    run = compute(framework(), RAW, "regency")
    with pytest.raises(ValueError, match="Normalize.constant must be one of"):
        run.with_params("normalize", constant="zero")


def test_uncertainty_engine_leaves_the_dropped_indicator_out_as_the_pipeline() -> None:
    """The Monte Carlo engine uses the same rule: with no noise every replication reproduces
    the pipeline's scores, also with min_coverage (c is not a missing child) and with Q, whose
    children are all constant, left out of the index."""
    from ikp.uncertainty import UncertaintySpec, run_uncertainty

    spec = {"aggregate": {"method": "arithmetic", "min_coverage": 0.66}}
    run = compute(framework(**spec), RAW, "regency")
    nothing = UncertaintySpec(
        n_runs=5,
        weight_noise={},
        impute_alternatives=[],
        data_noise={"model": "none"},
        targets="all",
    )
    table = run_uncertainty(run, nothing).table
    scores = run.data["scores"].to_frame()
    for node in ("X", "P"):
        rows = table[table["node_code"] == node].set_index("region_code")
        np.testing.assert_allclose(rows["score_median"], scores[node], equal_nan=True)
    assert set(table["node_code"]) == {"X", "P"}
    noisy = run_uncertainty(run, UncertaintySpec(n_runs=50, impute_alternatives=[]))
    assert np.isnan(noisy.table.set_index("region_code").loc["r3", "score_median"]) == bool(
        np.isnan(scores.loc["r3", "X"])
    )
