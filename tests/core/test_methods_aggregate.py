"""Aggregation (ikp.methods.aggregate): COINr a_amean / a_gmean / a_hmean / a_genmean with
missing children dropped, dat_thresh-style coverage, zero weights, batched weights."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ikp.issues import MethodError
from ikp.methods.aggregate import AGGREGATORS, aggregate, aggregate_batched

NAN = np.nan


def coinr_amean(x: list[float], w: list[float]) -> float:
    """COINr a_amean written out: drop NA and their weights, w / sum(w), sum(w * x)."""
    keep = [(xi, wi) for xi, wi in zip(x, w, strict=True) if not np.isnan(xi)]
    if not keep:
        return NAN
    tot = sum(wi for _, wi in keep)
    return sum(wi / tot * xi for xi, wi in keep)


def test_registry_keys() -> None:
    assert set(AGGREGATORS) >= {"arithmetic", "geometric", "harmonic", "generalised"}


def test_arithmetic_hand() -> None:
    # row 1: (1*10 + 1*20 + 2*40) / 4 = 27.5; row 2: 30 missing child dropped -> (10 + 2*40)/3 = 30
    x = np.array([[10.0, 20.0, 40.0], [10.0, NAN, 40.0], [NAN, NAN, NAN]])
    out = aggregate(x, [1, 1, 2])
    np.testing.assert_allclose(out, [27.5, 30.0, NAN])
    assert aggregate(x, [1, 1, 2], method="mean")[0] == 27.5
    for row in x[:2]:
        assert coinr_amean(list(row), [1, 1, 2]) == pytest.approx(
            aggregate(row[None, :], [1, 1, 2])[0]
        )


def test_geometric_harmonic_generalised_hand() -> None:
    # geometric of 1, 4, 16 equal weights = (64)^(1/3) = 4; weights 1, 1, 2: exp((0 + log4 + 2 log16)/4)
    # = (1 * 4 * 256)^(1/4) = 1024^(1/4) = 5.65685
    x = np.array([[1.0, 4.0, 16.0]])
    assert aggregate(x, [1, 1, 1], "geometric")[0] == pytest.approx(4.0)
    assert aggregate(x, [1, 1, 2], "geometric")[0] == pytest.approx(1024**0.25)
    # harmonic of 1, 4, 16: 3 / (1 + 1/4 + 1/16) = 3 / 1.3125 = 2.285714
    assert aggregate(x, [1, 1, 1], "harmonic")[0] == pytest.approx(3 / 1.3125)
    # generalised p = 2: sqrt((1 + 16 + 256) / 3) = sqrt(91)
    assert aggregate(x, [1, 1, 1], "generalised", p=2)[0] == pytest.approx(np.sqrt(91))
    assert aggregate(x, [1, 1, 1], "generalised", p=1)[0] == pytest.approx(7.0)
    assert aggregate(x, [1, 1, 1], "generalised", p=-1)[0] == pytest.approx(3 / 1.3125)
    assert aggregate(x, [1, 1, 1], "generalised", p=0)[0] == pytest.approx(4.0)  # geometric limit
    assert aggregate(x, [1, 1, 1], "generalised", p=1e-9)[0] == pytest.approx(4.0, rel=1e-6)
    with pytest.raises(MethodError):
        aggregate(x, [1, 1, 1], "generalised")


def test_geometric_rejects_non_positive() -> None:
    x = np.array([[1.0, 0.0, 3.0], [-1.0, 2.0, NAN]])
    with pytest.raises(MethodError, match=r"2 cell\(s\)") as exc:
        aggregate(x, [1, 1, 1], "geometric")
    assert "minmax" in str(exc.value) and "arithmetic" in str(exc.value)
    for method in ("harmonic",):
        with pytest.raises(MethodError):
            aggregate(x, [1, 1, 1], method)
    with pytest.raises(MethodError):
        aggregate(x, [1, 1, 1], "generalised", p=-2)
    # a missing cell is not a bad cell
    assert aggregate(np.array([[2.0, NAN]]), [1, 1], "geometric")[0] == pytest.approx(2.0)


def test_min_coverage() -> None:
    # 4 children; row 0 has 2 present (0.5), row 1 has 1 (0.25)
    x = np.array([[1.0, 3.0, NAN, NAN], [5.0, NAN, NAN, NAN]])
    np.testing.assert_allclose(aggregate(x, [1, 1, 1, 1], min_coverage=0.5), [2.0, NAN])
    np.testing.assert_allclose(aggregate(x, [1, 1, 1, 1], min_coverage=0.0), [2.0, 5.0])
    with pytest.raises(MethodError):
        aggregate(x, [1, 1, 1, 1], min_coverage=1.5)


def test_zero_weights() -> None:
    # zero-weight child does not count; a region whose present children all have weight 0 -> NaN
    x = np.array([[10.0, 99.0], [NAN, 99.0]])
    np.testing.assert_allclose(aggregate(x, [1, 0]), [10.0, NAN])
    with pytest.raises(MethodError, match="weight 0"):
        aggregate(x, [0, 0])
    with pytest.raises(MethodError):
        aggregate(x, [1, -1])
    with pytest.raises(MethodError):
        aggregate(x, [1, 1, 1])


def test_single_region_and_unknown_method() -> None:
    assert aggregate(np.array([[3.0, 5.0]]), [1, 1])[0] == 4.0
    with pytest.raises(MethodError):
        aggregate(np.array([[3.0, 5.0]]), [1, 1], method="median")


def test_batched_matches_single() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(1, 100, size=(30, 5))
    x[rng.random(x.shape) < 0.1] = NAN
    ws = rng.uniform(0, 1, size=(5, 7))
    for method, p in (
        ("arithmetic", None),
        ("geometric", None),
        ("harmonic", None),
        ("generalised", 3.0),
    ):
        batch = aggregate_batched(x, ws, method, p=p, min_coverage=0.6)
        for m in range(ws.shape[1]):
            single = aggregate(x, ws[:, m], method, p=p, min_coverage=0.6)
            np.testing.assert_allclose(batch[:, m], single, rtol=1e-13, equal_nan=True)


def test_not_mutated() -> None:
    x = np.array([[1.0, NAN], [2.0, 3.0]])
    w = np.array([1.0, 2.0])
    xb, wb = x.copy(), w.copy()
    for method in ("arithmetic", "geometric", "harmonic"):
        aggregate(x, w, method)
    np.testing.assert_array_equal(x, xb)
    np.testing.assert_array_equal(w, wb)


values = arrays(
    np.float64,
    st.tuples(st.integers(1, 12), st.integers(1, 6)),
    elements=st.floats(0.5, 1000.0) | st.just(NAN),
)


@settings(max_examples=60, deadline=None)
@given(values, st.data())
def test_invariant_to_weight_scale_and_row_order(x: np.ndarray, data: st.DataObject) -> None:
    k = x.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.01, 10.0), min_size=k, max_size=k)))
    c = data.draw(st.floats(0.001, 1000.0))
    perm = np.array(data.draw(st.permutations(list(range(x.shape[0])))))
    method = data.draw(st.sampled_from(["arithmetic", "geometric", "harmonic", "generalised"]))
    p = 2.0 if method == "generalised" else None
    base = aggregate(x, w, method, p=p)
    np.testing.assert_allclose(aggregate(x, w * c, method, p=p), base, rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(
        aggregate(x[perm], w, method, p=p), base[perm], rtol=0, equal_nan=True
    )
