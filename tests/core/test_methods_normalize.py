"""Normalisation (ikp.methods.normalize): COINr's n_* definitions, directions, edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ikp.issues import MethodError
from ikp.methods.normalize import (
    NORMALIZERS,
    dist2max,
    dist2target,
    goalposts,
    minmax,
    normalize,
    prank,
    rank,
    zscore,
)

NAN = np.nan


def test_registry_keys() -> None:
    for key in (
        "minmax",
        "zscore",
        "rank",
        "prank",
        "goalposts",
        "dist2max",
        "dist2target",
        "none",
    ):
        assert key in NORMALIZERS


def test_minmax_hand() -> None:
    # column 2, 4, 6, 10: min 2, max 10 -> (x - 2) / 8 * 100
    x = np.array([[2.0], [4.0], [6.0], [10.0]])
    np.testing.assert_allclose(minmax(x)[:, 0], [0.0, 25.0, 50.0, 100.0])
    # onto [1, 100]: (x - 2) / 8 * 99 + 1
    np.testing.assert_allclose(minmax(x, 1, 100)[:, 0], [1.0, 25.75, 50.5, 100.0])


def test_minmax_missing_constant_all_missing() -> None:
    x = np.array([[1.0, 5.0, NAN], [NAN, 5.0, NAN], [3.0, 5.0, NAN]])
    y = minmax(x, 0, 100)
    np.testing.assert_array_equal(y[:, 0], [0.0, NAN, 100.0])  # missing stays missing
    np.testing.assert_array_equal(y[:, 1], [0.0, 0.0, 0.0])  # constant -> lower (COINr: NaN)
    assert np.all(np.isnan(y[:, 2]))


def test_zscore_hand() -> None:
    # 1, 2, 3: mean 2, sample sd 1 -> -1, 0, 1; with m_sd = (10, 2) -> 8, 10, 12
    x = np.array([[1.0], [2.0], [3.0]])
    np.testing.assert_allclose(zscore(x)[:, 0], [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(zscore(x, mean=10, sd=2)[:, 0], [8.0, 10.0, 12.0])
    np.testing.assert_array_equal(zscore(np.array([[4.0], [4.0]]), mean=10)[:, 0], [10.0, 10.0])
    with pytest.raises(MethodError):
        zscore(x, sd=0)


def test_rank_prank_hand() -> None:
    # 5, 1, 5, 9, NaN -> ranks (min ties) 2, 1, 2, 4, NaN; n = 4 -> prank (r-1)/3
    x = np.array([5.0, 1.0, 5.0, 9.0, NAN])
    np.testing.assert_array_equal(rank(x), [2.0, 1.0, 2.0, 4.0, NAN])
    np.testing.assert_allclose(prank(x), [1 / 3, 0.0, 1 / 3, 1.0, NAN])
    np.testing.assert_array_equal(prank(np.array([7.0])), [0.0])  # single value (COINr: NaN)


def test_dist2max_hand() -> None:
    # 1 - (max - x) / (max - min): 0, 2, 8 -> 0, 0.25, 1
    np.testing.assert_allclose(dist2max(np.array([0.0, 2.0, 8.0])), [0.0, 0.25, 1.0])
    np.testing.assert_array_equal(dist2max(np.array([3.0, 3.0])), [0.0, 0.0])


def test_dist2target_hand() -> None:
    # (x - min) / (target - min), target 6: 2, 4, 8 -> 0, 0.5, 1.5 (capped to 1)
    x = np.array([[2.0], [4.0], [8.0]])
    np.testing.assert_allclose(dist2target(x, [6.0], cap=False)[:, 0], [0.0, 0.5, 1.5])
    np.testing.assert_allclose(dist2target(x, [6.0])[:, 0], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(dist2target(x, [2.0])[:, 0], [1.0, 1.0, 1.0])  # target = min


def test_dist2target_negative_direction_matches_coinr() -> None:
    # COINr n_dist2targ(direction = -1): (max - x) / (max - targ); max 8, target 4
    x = np.array([[2.0], [4.0], [8.0]])
    y = normalize(x, "dist2target", direction=np.array([-1.0]), target=[4.0], cap=False)
    np.testing.assert_allclose(y[:, 0], [(8 - 2) / 4, 1.0, 0.0])


def test_goalposts_hand_and_direction() -> None:
    # posts 0..10, scale 100: 1 -> 10, 12 -> 120 -> truncated 100, -3 -> 0
    x = np.array([[1.0], [12.0], [-3.0], [NAN]])
    np.testing.assert_allclose(
        goalposts(x, [0.0], [10.0])[:, 0], [10.0, 100.0, 0.0, NAN], equal_nan=True
    )
    np.testing.assert_allclose(
        goalposts(x, 0.0, 10.0, trunc=False)[:, 0], [10.0, 120.0, -30.0, NAN]
    )
    # negative indicator: COINr flips data and posts -> (upper - x) / (upper - lower).
    # COINr doc example: n_goalposts(1, gposts = c(0, 10, 1), direction = -1) = 0.9
    y = normalize(
        np.array([[1.0]]), "goalposts", direction=np.array([-1.0]), lower=[0], upper=[10], scale=1
    )
    assert y[0, 0] == pytest.approx(0.9)
    with pytest.raises(MethodError):
        goalposts(x, [1.0], [1.0])


def test_normalize_applies_direction_before() -> None:
    # direction -1: x * -1 then minmax: 1, 2, 3 -> -1, -2, -3 -> 100, 50, 0
    x = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    y = normalize(x, "minmax", direction=np.array([-1.0, 1.0]))
    np.testing.assert_allclose(y, [[100.0, 0.0], [50.0, 50.0], [0.0, 100.0]])
    # "none" returns the direction-adjusted values, as COINr's f_n = "none"
    np.testing.assert_allclose(
        normalize(x, "none", direction=np.array([-1.0, 1.0]))[:, 0], [-1, -2, -3]
    )
    with pytest.raises(MethodError):
        normalize(x, "minmax", direction=np.array([2.0, 1.0]))
    with pytest.raises(MethodError):
        normalize(x, "nope")


def test_single_region() -> None:
    x = np.array([[5.0, 2.0]])
    np.testing.assert_array_equal(minmax(x), [[0.0, 0.0]])
    np.testing.assert_array_equal(zscore(x), [[0.0, 0.0]])
    np.testing.assert_array_equal(rank(x), [[1.0, 1.0]])


def test_inputs_not_mutated() -> None:
    x = np.array([[1.0, 4.0], [NAN, 2.0], [3.0, 9.0]])
    before = x.copy()
    d = np.array([-1.0, 1.0])
    for method in ("minmax", "zscore", "rank", "prank", "dist2max", "none"):
        normalize(x, method, direction=d)
    normalize(x, "goalposts", direction=d, lower=np.array([0.0, 0.0]), upper=np.array([5.0, 5.0]))
    normalize(x, "dist2target", direction=d, target=np.array([0.0, 9.0]))
    np.testing.assert_array_equal(x, before)
    np.testing.assert_array_equal(d, [-1.0, 1.0])


finite_cols = arrays(
    np.float64, st.integers(2, 25), elements=st.floats(-1e6, 1e6, allow_subnormal=False)
)


@settings(max_examples=80, deadline=None)
@given(finite_cols, st.floats(-50, 50), st.floats(1, 200))
def test_minmax_within_bounds(x: np.ndarray, lower: float, width: float) -> None:
    upper = lower + width
    y = minmax(x, lower, upper)
    assert np.all(y >= lower - 1e-9 * width) and np.all(y <= upper + 1e-9 * width)


@settings(max_examples=80, deadline=None)
@given(finite_cols, st.sampled_from(["minmax", "zscore", "rank", "prank", "dist2max"]))
def test_flipping_direction_reverses_order(x: np.ndarray, method: str) -> None:
    assume(np.ptp(x) > 1e-6 * max(1.0, float(np.max(np.abs(x)))))
    up = normalize(x[:, None], method, direction=np.array([1.0]))[:, 0]
    down = normalize(x[:, None], method, direction=np.array([-1.0]))[:, 0]
    i, j = np.argmin(x), np.argmax(x)
    assert up[i] < up[j]
    assert down[i] > down[j]
    # order is non-decreasing with x under +1 and non-increasing under -1
    order = np.argsort(x, kind="stable")
    assert np.all(np.diff(up[order]) >= -1e-9)
    assert np.all(np.diff(down[order]) <= 1e-9)
