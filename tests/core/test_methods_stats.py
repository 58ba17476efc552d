"""Skewness, kurtosis and ranks (ikp.methods.stats) against hand-computed values and COINr's
formulas (COINr R/treat.R skew()/kurt(), e1071 type 2)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ikp.methods.stats import kurtosis, rank_min, skewness

ASEM = Path(__file__).parents[1] / "fixtures" / "asem" / "iData.csv"


def loop_skew(values: list[float]) -> float:
    """COINr's skew() written out with plain loops (e1071 type 2)."""
    v = [x for x in values if not math.isnan(x)]
    n = len(v)
    m = sum(v) / n
    s2 = sum((x - m) ** 2 for x in v)
    s3 = sum((x - m) ** 3 for x in v)
    g1 = math.sqrt(n) * s3 / s2**1.5
    return float(g1 * math.sqrt(n * (n - 1)) / (n - 2))


def loop_kurt(values: list[float]) -> float:
    """COINr's kurt() written out with plain loops (e1071 type 2)."""
    v = [x for x in values if not math.isnan(x)]
    n = len(v)
    m = sum(v) / n
    s2 = sum((x - m) ** 2 for x in v)
    s4 = sum((x - m) ** 4 for x in v)
    r = n * s4 / s2**2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def test_skew_hand_computed() -> None:
    # x = 1, 2, 3, 10: mean 4, d = -3, -2, -1, 6; sum d^2 = 50, sum d^3 = -27 - 8 - 1 + 216 = 180
    # g1 = sqrt(4) * 180 / 50^1.5 = 360 / 353.5534 = 1.018234; G1 = g1 * sqrt(12) / 2 = 1.763633
    expected = 2 * 180 / 50**1.5 * math.sqrt(12) / 2
    assert float(skewness(np.array([1.0, 2.0, 3.0, 10.0]))) == pytest.approx(expected, rel=1e-14)
    assert expected == pytest.approx(1.763633, abs=1e-6)


def test_kurt_hand_computed() -> None:
    # same x: sum d^4 = 81 + 16 + 1 + 1296 = 1394; r = 4 * 1394 / 2500 = 2.2304
    # G2 = ((5)(2.2304 - 3) + 6) * 3 / (2 * 1) = (−3.848 + 6) * 1.5 = 3.228
    assert float(kurtosis(np.array([1.0, 2.0, 3.0, 10.0]))) == pytest.approx(3.228, rel=1e-12)


def test_symmetric_sample_has_zero_skew() -> None:
    assert float(skewness(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))) == pytest.approx(0.0, abs=1e-15)


def test_columnwise_and_nan_aware() -> None:
    x = np.array([[1.0, 1.0], [2.0, np.nan], [3.0, 2.0], [10.0, 3.0], [np.nan, 10.0]])
    sk = skewness(x)
    kt = kurtosis(x)
    assert sk.shape == (2,)
    # both columns hold the values 1, 2, 3, 10 once missing cells are dropped
    assert sk[0] == pytest.approx(sk[1], rel=1e-14)
    assert kt[0] == pytest.approx(3.228, rel=1e-12)


def test_too_few_points_and_constant_give_nan() -> None:
    assert np.isnan(skewness(np.array([1.0, 2.0])))  # COINr: min 3 points
    assert np.isnan(kurtosis(np.array([1.0, 2.0, 5.0])))  # COINr: min 4 points
    assert np.isnan(skewness(np.full(5, 7.0)))  # 0/0
    assert np.isnan(kurtosis(np.full(5, 7.0)))
    assert np.all(np.isnan(skewness(np.full((4, 2), np.nan))))


def test_input_not_mutated() -> None:
    x = np.array([[1.0, np.nan], [2.0, 3.0], [9.0, 4.0], [4.0, 8.0]])
    before = x.copy()
    skewness(x)
    kurtosis(x)
    rank_min(x)
    np.testing.assert_array_equal(x, before)


def test_asem_columns_match_loop_formula() -> None:
    with ASEM.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for code in ("Flights", "Goods", "LPI", "CO2"):
        col = [float(r[code]) if r[code] not in ("", "NA") else math.nan for r in rows]
        arr = np.array(col)
        assert float(skewness(arr)) == pytest.approx(loop_skew(col), rel=1e-12)
        assert float(kurtosis(arr)) == pytest.approx(loop_kurt(col), rel=1e-12)
    # COINr's own test (tests/testthat/test-stats.R) asserts Flights is flagged as an outlier
    # column: |skew| > 2 and kurt > 3.5
    flights = np.array([float(r["Flights"]) if r["Flights"] else math.nan for r in rows])
    assert abs(float(skewness(flights))) > 2 and float(kurtosis(flights)) > 3.5


def test_rank_min_ties_and_nan() -> None:
    # ascending, ties share the lowest rank (R rank(ties.method = "min", na.last = "keep"))
    x = np.array([[10.0, 3.0], [20.0, np.nan], [20.0, 1.0], [30.0, 3.0]])
    expected = np.array([[1.0, 2.0], [2.0, np.nan], [2.0, 1.0], [4.0, 2.0]])
    np.testing.assert_array_equal(rank_min(x), expected)
    np.testing.assert_array_equal(rank_min(np.array([5.0])), np.array([1.0]))


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 30), elements=st.floats(-1e6, 1e6)))
def test_rank_min_matches_count_definition(x: np.ndarray) -> None:
    r = rank_min(x)
    expected = np.array([1.0 + np.sum(x < v) for v in x])
    np.testing.assert_array_equal(r, expected)
