"""Rescaling, ranks, classes and cut-off rules (ikp.methods.classify)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ikp.issues import MethodError
from ikp.methods.classify import (
    CLASS_LABELS_EN,
    CLASS_LABELS_ID,
    classify,
    cutoffs_mean_sd,
    cutoffs_natural_breaks,
    cutoffs_quantile,
    rank_desc,
    rescale,
)

NAN = np.nan

# IKP 2024 province totals, approach 1, as published (docs: /work/shared/domain/IKP.md §4)
IKP2024_PROVINCES = [
    88.95, 87.48, 84.86, 77.04, 77.04, 66.53, 64.61, 62.59, 57.27, 56.75, 55.43, 53.69, 53.48,
    53.35, 52.90, 52.75, 45.44, 43.44, 43.02, 40.33, 39.68, 38.32, 38.06, 35.07, 34.83, 29.89,
    20.36, 18.77, 14.74, 12.69, 12.03, 11.09, 10.20, 3.79,
]  # fmt: skip


def test_labels() -> None:
    assert CLASS_LABELS_ID == ("rendah", "sedang", "tinggi")
    assert CLASS_LABELS_EN == ("low", "medium", "high")


def test_rescale() -> None:
    x = np.array([10.0, 25.0, 50.0, NAN])
    np.testing.assert_allclose(rescale(x, "max"), [20.0, 50.0, 100.0, NAN])
    np.testing.assert_allclose(rescale(x, "minmax"), [0.0, 37.5, 100.0, NAN])
    np.testing.assert_array_equal(rescale(x, "none"), x)
    np.testing.assert_array_equal(rescale(np.zeros(3), "max"), np.zeros(3))
    np.testing.assert_array_equal(rescale(np.full(3, 7.0), "minmax"), np.zeros(3))
    with pytest.raises(MethodError):
        rescale(np.array([-5.0, -1.0]), "max")
    with pytest.raises(MethodError):
        rescale(x, "zscore")
    # column-wise on 2-D
    np.testing.assert_allclose(
        rescale(np.array([[1.0, 2.0], [2.0, 8.0]]), "max"), [[50, 25], [100, 100]]
    )


def test_rank_desc_ties_and_nan() -> None:
    np.testing.assert_array_equal(
        rank_desc([50.0, 80.0, 80.0, 10.0, NAN]), [3.0, 1.0, 1.0, 4.0, NAN]
    )
    np.testing.assert_array_equal(rank_desc([30.0, 20.0, 20.0, 10.0]), [1.0, 2.0, 2.0, 4.0])
    m = rank_desc(np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 1.0]]))
    np.testing.assert_array_equal(m, [[3, 1], [2, 1], [1, 3]])
    np.testing.assert_array_equal(rank_desc([42.0]), [1.0])


def test_classify_boundaries() -> None:
    cut = (21.7, 68.5)
    s = np.array([0.0, 21.6, 21.7, 50.0, 68.5, 100.0, NAN])
    np.testing.assert_array_equal(classify(s, cut), [0, 0, 1, 1, 2, 2, -1])  # equal goes up
    assert classify(s, [NAN, NAN]).tolist() == [-1] * 7
    with pytest.raises(MethodError):
        classify(s, (60.0, 20.0))
    assert classify(np.array([[5.0, 50.0]]), cut).shape == (1, 2)


def test_mean_sd_reproduces_ikp2024_province_cutoffs() -> None:
    # IKP.md: mean 45.19, SD 23.52 -> 21.67 / 68.71, close to Bawaslu's 21.7 / 68.5
    lo, hi = cutoffs_mean_sd(IKP2024_PROVINCES)
    assert (lo + hi) / 2 == pytest.approx(45.19, abs=0.005)
    assert (hi - lo) / 2 == pytest.approx(23.52, abs=0.005)
    assert lo == pytest.approx(21.67, abs=0.01) and hi == pytest.approx(68.71, abs=0.01)
    # with these cut-offs the published classes come out except for scores between 66.53 and 68.71
    classes = classify(np.array(IKP2024_PROVINCES), (lo, hi))
    assert int((classes == 0).sum()) == 8  # rendah: Kalimantan Utara 20.36 and below
    with pytest.raises(MethodError):
        cutoffs_mean_sd([1.0])


def test_quantile_type7() -> None:
    # 1..10, p = 1/3: h = 9 * 1/3 = 3 -> x[3] = 4 (0-based); p = 2/3: h = 6 -> 7
    assert cutoffs_quantile(np.arange(1.0, 11.0)) == pytest.approx((4.0, 7.0))
    assert cutoffs_quantile([1.0, 2.0, NAN, 3.0, 4.0], probs=(0.5,)) == pytest.approx((2.5,))


def brute_force_breaks(v: np.ndarray, k: int) -> float:
    """Smallest total within sum of squares over all splits of the distinct sorted values."""
    u = np.unique(v)
    best = np.inf
    for cuts in itertools.combinations(range(1, u.size), k - 1):
        bounds = [u[c] for c in cuts]
        cls = np.searchsorted(bounds, v, side="right")
        ssd = sum(((v[cls == c] - v[cls == c].mean()) ** 2).sum() for c in range(k))
        best = min(best, ssd)
    return float(best)


def test_natural_breaks_hand() -> None:
    # three clear clusters: breaks at the lowest value of each upper cluster
    v = np.array([1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 30.0, 31.0, 32.0])
    assert cutoffs_natural_breaks(v, 3) == (10.0, 30.0)
    assert classify(v, cutoffs_natural_breaks(v, 3)).tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert cutoffs_natural_breaks(v, 1) == ()
    with pytest.raises(MethodError):
        cutoffs_natural_breaks([1.0, 1.0, 2.0], 3)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 60), min_size=4, max_size=14).map(lambda v: np.array(v, dtype=float)),
    st.integers(2, 4),
)
def test_natural_breaks_is_optimal(v: np.ndarray, k: int) -> None:
    if np.unique(v).size < k:
        with pytest.raises(MethodError):
            cutoffs_natural_breaks(v, k)
        return
    cut = cutoffs_natural_breaks(v, k)
    assert len(cut) == k - 1 and list(cut) == sorted(cut)
    cls = classify(v, cut)
    ssd = sum(((v[cls == c] - v[cls == c].mean()) ** 2).sum() for c in range(k) if (cls == c).any())
    assert ssd == pytest.approx(brute_force_breaks(v, k), abs=1e-8)


def test_not_mutated() -> None:
    x = np.array([3.0, NAN, 1.0, 2.0])
    before = x.copy()
    rescale(x, "max")
    rank_desc(x)
    classify(x, (1.5,))
    cutoffs_mean_sd(x)
    cutoffs_quantile(x)
    cutoffs_natural_breaks(x, 2)
    np.testing.assert_array_equal(x, before)
