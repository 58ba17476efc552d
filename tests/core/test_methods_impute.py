"""Imputation (ikp.methods.impute): COINr i_mean / i_median / i_mean_grp / i_median_grp."""

from __future__ import annotations

import numpy as np
import pytest

from ikp.issues import MethodError
from ikp.methods.impute import IMPUTERS, impute

NAN = np.nan


def test_registry_keys() -> None:
    assert set(IMPUTERS) >= {"none", "mean", "median", "group_mean", "group_median"}


def test_mean_and_median_hand() -> None:
    # column 1, 2, NaN, 9: mean 4, median 2; column NaN, 4, 6, 8: mean 6, median 6
    x = np.array([[1.0, NAN], [2.0, 4.0], [NAN, 6.0], [9.0, 8.0]])
    out, mask = impute(x, "mean")
    np.testing.assert_array_equal(out, [[1, 6], [2, 4], [4, 6], [9, 8]])
    np.testing.assert_array_equal(
        mask, [[False, True], [False, False], [True, False], [False, False]]
    )
    out, _ = impute(x, "median")
    np.testing.assert_array_equal(out, [[1, 6], [2, 4], [2, 6], [9, 8]])
    # even count: R's median averages the middle two -> 1, 2, 9, 10 -> 5.5
    out, _ = impute(np.array([1.0, 2.0, NAN, 9.0, 10.0]), "median")
    assert out[2] == 5.5


def test_none_keeps_missing() -> None:
    x = np.array([[1.0], [NAN]])
    out, mask = impute(x, "none")
    assert np.isnan(out[1, 0]) and not mask.any()


def test_all_missing_column_stays_missing() -> None:
    x = np.array([[NAN, 1.0], [NAN, NAN]])
    for method in ("mean", "median"):
        out, mask = impute(x, method)
        assert np.all(np.isnan(out[:, 0]))
        np.testing.assert_array_equal(mask, [[False, False], [False, True]])


def test_group_mean_hand() -> None:
    # groups a, a, a, b, b: column a-values 1, 3, NaN -> fill 2; b-values NaN, 10 -> fill 10
    x = np.array([[1.0], [3.0], [NAN], [NAN], [10.0]])
    g = np.array(["a", "a", "a", "b", "b"])
    out, mask = impute(x, "group_mean", groups=g)
    np.testing.assert_array_equal(out[:, 0], [1, 3, 2, 10, 10])
    np.testing.assert_array_equal(mask[:, 0], [False, False, True, True, False])


def test_group_median_hand() -> None:
    # group a: 1, 2, 10, NaN -> median 2; group b: 4, NaN -> 4
    x = np.array([[1.0], [2.0], [10.0], [NAN], [4.0], [NAN]])
    g = np.array(["a", "a", "a", "a", "b", "b"])
    out, _ = impute(x, "group_median", groups=g)
    np.testing.assert_array_equal(out[:, 0], [1, 2, 10, 2, 4, 4])


def test_group_all_missing_and_unlabelled_rows() -> None:
    # group b has no value in column 0: stays missing, not recorded; row 4 has no label: unchanged
    x = np.array([[1.0, 5.0], [NAN, NAN], [NAN, 7.0], [NAN, NAN], [NAN, 1.0]])
    g = np.array(["a", "a", "b", "b", None], dtype=object)
    for method in ("group_mean", "group_median"):
        out, mask = impute(x, method, groups=g)
        assert out[1, 0] == 1.0 and out[1, 1] == 5.0
        assert np.isnan(out[2, 0]) and np.isnan(out[3, 0])
        assert out[3, 1] == 7.0
        assert np.isnan(out[4, 0])
        assert not mask[2, 0] and not mask[3, 0] and not mask[4, 0]
        assert int(mask.sum()) == 3


def test_group_errors() -> None:
    with pytest.raises(MethodError):
        impute(np.array([[1.0], [NAN]]), "group_mean")
    with pytest.raises(MethodError):
        impute(np.array([[1.0], [NAN]]), "group_mean", groups=np.array(["a"]))
    with pytest.raises(MethodError):
        impute(np.array([[1.0]]), "meen")


def test_not_mutated_and_single_region() -> None:
    x = np.array([[1.0, NAN], [NAN, 2.0]])
    before = x.copy()
    g = np.array(["a", "a"])
    for method in IMPUTERS:
        impute(x, method, groups=g)
    np.testing.assert_array_equal(x, before)
    out, mask = impute(np.array([[3.0, NAN]]), "mean")
    assert out[0, 0] == 3.0 and np.isnan(out[0, 1]) and not mask.any()
