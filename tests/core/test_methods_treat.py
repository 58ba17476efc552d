"""Outlier treatment (ikp.methods.treat) against COINr's documented behaviour
(R/treat.R winsorise(), check_SkewKurt(), log_CT(); tests/testthat/test-treat.R; the example in
https://bluefoxr.github.io/COINr/reference/winsorise.html)."""

from __future__ import annotations

import csv
import math
from dataclasses import FrozenInstanceError
from pathlib import Path

import numpy as np
import pytest

from ikp.methods.stats import kurtosis, skewness
from ikp.methods.treat import TREATERS, check_skew_kurt, log_ct, treat, winsorise_column

ASEM = Path(__file__).parents[1] / "fixtures" / "asem" / "iData.csv"
NAN = np.nan


def test_registry_keys() -> None:
    assert set(TREATERS) >= {"none", "winsorise"}


def test_passing_column_untouched() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    out, info = winsorise_column(x)
    np.testing.assert_array_equal(out, x)
    assert not info.treated and info.method == "none" and info.points == 0


def test_coinr_single_outlier() -> None:
    # COINr test-treat.R: x = c(1:10, 100) fails the check; winsorising sets 100 -> 10, then passes
    x = np.r_[np.arange(1.0, 11.0), 100.0]
    assert check_skew_kurt(x)[0] is False
    out, info = winsorise_column(x)
    np.testing.assert_array_equal(out, np.r_[np.arange(1.0, 11.0), 10.0])
    assert info.method == "winsorise" and info.points == 1 and info.upper_bound == 10.0
    assert info.lower_bound is None and info.passed is True
    assert check_skew_kurt(out)[0] is True


def test_coinr_reference_example() -> None:
    # COINr reference page for winsorise(): x = c(1:10, 30, 100) -> 1..10, 30, 30 with nwin = 1
    x = np.r_[np.arange(1.0, 11.0), 30.0, 100.0]
    out, info = winsorise_column(x)
    np.testing.assert_array_equal(out, np.r_[np.arange(1.0, 11.0), 30.0, 30.0])
    assert info.points == 1


def test_two_outliers_winmax_and_log_fallback() -> None:
    # COINr test-treat.R: x = c(1:20, 100, 200) with winmax = 1 does not pass after winsorising
    x = np.r_[np.arange(1.0, 21.0), 100.0, 200.0]
    out, info = winsorise_column(x, max_points=1, log_fallback=False)
    assert info.method == "winsorise" and info.points == 1 and info.passed is False
    np.testing.assert_array_equal(out[-2:], [100.0, 100.0])
    # with the fallback the ORIGINAL column is log_CT-transformed
    out, info = winsorise_column(x, max_points=1)
    assert info.method == "log" and info.points == 0
    rng = 200.0 - 1.0
    np.testing.assert_allclose(out, np.log(x - 1.0 + 0.01 * rng))
    # default winmax = 5: two steps (200 -> 100, then both -> 20) count 2 points
    out, info = winsorise_column(x)
    assert info.method == "winsorise" and info.points == 2 and info.upper_bound == 20.0
    np.testing.assert_array_equal(out[-3:], [20.0, 20.0, 20.0])


def test_negative_skew_winsorises_low_side() -> None:
    x = -np.r_[np.arange(1.0, 11.0), 100.0]
    out, info = winsorise_column(x)
    assert out[-1] == -10.0 and info.lower_bound == -10.0 and info.upper_bound is None


def test_ties_counted_together() -> None:
    # two tied maxima are winsorised in one step and count as 2 points (COINr's nwin)
    x = np.r_[np.arange(1.0, 21.0), 300.0, 300.0]
    _, info = winsorise_column(x, max_points=5)
    assert info.points >= 2


def test_log_ct_hand() -> None:
    # log(x - min + 0.01 (max - min)): 1, 2, 101 -> log(1), log(2), log(101)
    np.testing.assert_allclose(log_ct(np.array([1.0, 2.0, 101.0])), np.log([1.0, 2.0, 101.0]))
    out = log_ct(np.array([1.0, NAN, 101.0]))
    assert np.isnan(out[1])


def test_missing_values_kept() -> None:
    x = np.r_[np.arange(1.0, 11.0), NAN, 100.0]
    out, info = winsorise_column(x)
    assert np.isnan(out[10]) and out[11] == 10.0 and info.points == 1


def test_undecidable_columns_untreated() -> None:
    for x in (np.array([1.0, 2.0]), np.full(6, 3.0), np.full(4, NAN)):
        out, info = winsorise_column(x)
        np.testing.assert_array_equal(out, x)
        assert info.method == "none" and not info.treated


def test_info_frozen_and_stats() -> None:
    x = np.r_[np.arange(1.0, 11.0), 100.0]
    out, info = winsorise_column(x)
    assert info.skew_before == pytest.approx(float(skewness(x)))
    assert info.kurtosis_after == pytest.approx(float(kurtosis(out)))
    with pytest.raises(FrozenInstanceError):
        info.points = 3  # type: ignore[misc]


def test_treat_matrix_and_not_mutated() -> None:
    x = np.column_stack([np.r_[np.arange(1.0, 11.0), 100.0], np.arange(11.0)])
    before = x.copy()
    out, infos = treat(x)
    np.testing.assert_array_equal(x, before)
    assert [i.method for i in infos] == ["winsorise", "none"]
    assert out[-1, 0] == 10.0
    out2, infos2 = treat(x, method="none")
    np.testing.assert_array_equal(out2, x)
    assert all(not i.treated for i in infos2)


def test_asem_treated_columns_pass_or_are_logged() -> None:
    with ASEM.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    codes = ["Flights", "Goods", "Services", "FDI", "ForPort", "CostImpEx", "Tariff", "LPI"]
    x = np.array([[float(r[c]) if r[c] else math.nan for c in codes] for r in rows])
    out, infos = treat(x)
    for j, info in enumerate(infos):
        if info.method == "winsorise":
            assert info.points <= 5 + 1  # ties can push COINr's count past winmax by one step
            assert info.passed is True
        elif info.method == "none":
            np.testing.assert_array_equal(out[:, j], x[:, j])
        else:
            assert info.points == 0
    assert any(i.treated for i in infos)  # Flights is flagged by COINr's own tests
