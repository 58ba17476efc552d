"""Weights (ikp.methods.weights): equal, normalisation, AHP (Saaty) and PCA (COINr get_PCA)."""

from __future__ import annotations

import numpy as np
import pytest

from ikp.issues import MethodError
from ikp.methods.weights import (
    SAATY_RANDOM_INDEX,
    ahp_weights,
    equal_weights,
    normalize_weights,
    pca_weights,
)


def test_equal_and_normalize() -> None:
    np.testing.assert_allclose(equal_weights(4), [0.25] * 4)
    np.testing.assert_allclose(normalize_weights([2, 0, 6]), [0.25, 0.0, 0.75])
    for bad in ([0, 0], [1, -1], [1, np.nan], []):
        with pytest.raises(MethodError):
            normalize_weights(bad)
    with pytest.raises(MethodError):
        equal_weights(0)


def power_iteration(a: np.ndarray, steps: int = 200) -> tuple[np.ndarray, float]:
    """Independent check of the principal eigenpair."""
    v = np.ones(a.shape[0])
    for _ in range(steps):
        v = a @ v
        v = v / v.sum()
    lam = float((a @ v / v).mean())
    return v, lam


def test_ahp_consistent_matrix() -> None:
    # a_ij = w_i / w_j with w = (0.5, 0.3, 0.2) is perfectly consistent: lambda_max = n, CR = 0
    w = np.array([0.5, 0.3, 0.2])
    res = ahp_weights(w[:, None] / w[None, :])
    np.testing.assert_allclose(res.weights, w, rtol=1e-12)
    assert res.lambda_max == pytest.approx(3.0, abs=1e-12)
    assert res.cr == pytest.approx(0.0, abs=1e-10)


def test_ahp_textbook_example() -> None:
    # a widely reproduced 3x3 textbook example (criteria A, B, C):
    # A vs B 1/3, A vs C 1/2, B vs C 3. Published: w = (0.157, 0.594, 0.249),
    # lambda_max = 3.054, CI = 0.027, CR = CI / 0.58 = 0.046 < 0.1
    m = np.array([[1, 1 / 3, 1 / 2], [3, 1, 3], [2, 1 / 3, 1]])
    res = ahp_weights(m)
    v, lam = power_iteration(m)
    np.testing.assert_allclose(res.weights, v, rtol=1e-9)
    assert res.lambda_max == pytest.approx(lam, rel=1e-9)
    np.testing.assert_allclose(res.weights, [0.157, 0.594, 0.249], atol=5e-4)
    assert res.lambda_max == pytest.approx(3.054, abs=5e-4)
    assert res.ci == pytest.approx((res.lambda_max - 3) / 2)
    assert res.cr == pytest.approx(res.ci / SAATY_RANDOM_INDEX[3])
    assert res.cr == pytest.approx(0.046, abs=5e-4) and res.consistent


def test_ahp_inconsistent_refused() -> None:
    # A > B by 9, B > C by 9, but C > A by 9: circular judgements
    m = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    with pytest.raises(MethodError, match="CR"):
        ahp_weights(m)
    res = ahp_weights(m, allow_inconsistent=True)
    assert res.cr > 0.1 and not res.consistent
    np.testing.assert_allclose(res.weights.sum(), 1.0)


def test_ahp_validation_messages() -> None:
    with pytest.raises(MethodError, match="square"):
        ahp_weights(np.ones((2, 3)))
    with pytest.raises(MethodError, match="> 0"):
        ahp_weights([[1.0, -2.0], [-0.5, 1.0]])
    with pytest.raises(MethodError, match="reciprocal"):
        ahp_weights([[1, 3], [3, 1]])
    with pytest.raises(MethodError, match="diagonal"):
        ahp_weights([[2, 1], [1, 1]])
    # 1/3 typed as 0.33 is accepted
    res = ahp_weights([[1.0, 3.0], [0.33, 1.0]])
    assert res.cr == 0.0 and res.weights[0] > res.weights[1]
    # a 1x1 matrix is trivially consistent
    assert ahp_weights([[1.0]]).weights.tolist() == [1.0]


def test_pca_weights_definition() -> None:
    # PC1 loadings of standardised complete rows = principal eigenvector of the correlation matrix
    rng = np.random.default_rng(3)
    base = rng.normal(size=40)
    x = np.column_stack([base + 0.3 * rng.normal(size=40) for _ in range(4)]) * [1, 10, 100, 0.1]
    x[5, 2] = np.nan  # one incomplete row: dropped (COINr na.omit)
    w = pca_weights(x)
    complete = x[~np.isnan(x).any(axis=1)]
    corr = np.corrcoef(complete, rowvar=False)
    vals, vecs = np.linalg.eigh(corr)
    v1 = vecs[:, np.argmax(vals)]
    v1 = v1 if v1.sum() > 0 else -v1
    np.testing.assert_allclose(w, v1, atol=1e-10)
    assert np.linalg.norm(w) == pytest.approx(1.0)
    assert np.all(w > 0)


def test_pca_weights_errors() -> None:
    with pytest.raises(MethodError):
        pca_weights(np.array([[1.0, 2.0], [np.nan, 3.0]]))
    with pytest.raises(MethodError, match="constant"):
        pca_weights(np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]]))


def test_inputs_not_mutated() -> None:
    m = np.array([[1, 1 / 3, 1 / 2], [3, 1, 3], [2, 1 / 3, 1]])
    x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]])
    w = np.array([2.0, 1.0])
    copies = (m.copy(), x.copy(), w.copy())
    ahp_weights(m)
    pca_weights(x)
    normalize_weights(w)
    for a, b in zip((m, x, w), copies, strict=True):
        np.testing.assert_array_equal(a, b)
