"""The vectorised winsorisation gives exactly what the per-column COINr procedure gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ikp.methods.treat import winsorise_column, winsorise_matrix


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 100_000), n=st.integers(1, 40), k=st.integers(1, 8), fallback=st.booleans()
)
def test_matrix_equals_per_column(seed: int, n: int, k: int, fallback: bool) -> None:
    rng = np.random.default_rng(seed)
    kind = seed % 3
    if kind == 0:
        x = rng.negative_binomial(1, 0.3, size=(n, k)).astype(float)
    elif kind == 1:
        x = rng.lognormal(0, 1.5, size=(n, k))
        x[:, ::2] *= -1
    else:
        x = rng.integers(0, 3, size=(n, k)).astype(float)
        x[rng.integers(0, n), :] = 500.0
    x[rng.random((n, k)) < 0.1] = np.nan
    before = x.copy()
    out, infos = winsorise_matrix(x, max_points=5, log_fallback=fallback)
    np.testing.assert_array_equal(x, before)
    for j in range(k):
        col, info = winsorise_column(x[:, j], max_points=5, log_fallback=fallback)
        np.testing.assert_allclose(out[:, j], col, equal_nan=True, rtol=0, atol=0)
        assert info.method == infos[j].method
        assert info.points == infos[j].points
        assert info.treated == infos[j].treated
        assert info.upper_bound == infos[j].upper_bound
        assert info.lower_bound == infos[j].lower_bound
        assert info.passed == infos[j].passed
