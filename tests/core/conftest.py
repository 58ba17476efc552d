"""Shared fixtures for the pure core tests: small, seeded, fast."""

from __future__ import annotations

import numpy as np
import pytest

from ikp.dataset import Dataset
from ikp.framework import Framework, load_framework


@pytest.fixture(scope="session")
def ikp2024() -> Framework:
    return load_framework("ikp-2024")


def make_counts(framework: Framework, n: int = 40, seed: int = 7, missing: float = 0.03) -> Dataset:
    """Skewed non-negative counts with a few missing cells, one row per made-up region."""
    rng = np.random.default_rng(seed)
    k = len(framework.indicators)
    values = rng.negative_binomial(1, 0.25, size=(n, k)).astype(np.float64)
    values[rng.random((n, k)) < missing] = np.nan
    regions = tuple(f"99.{i + 1:02d}" for i in range(n))
    return Dataset(regions, framework.indicators, values)


@pytest.fixture()
def counts(ikp2024: Framework) -> Dataset:
    return make_counts(ikp2024)


@pytest.fixture()
def groups(counts: Dataset) -> dict[str, str]:
    return {r: ("A" if i % 2 else "B") for i, r in enumerate(counts.regions)}
