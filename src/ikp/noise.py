"""Data uncertainty in incident counts: resampled copies of a run's raw indicator values.

An IKP indicator value is a weighted count, ``v = Σ_l w_l · c_l`` over the levels of incidence
(*tingkat kejadian*). An incident count is a noisy measure of the underlying rate: the same
region in a comparable period would have reported a somewhat different number. The models here
draw plausible alternative data sets, one per *draw*; the uncertainty engine maps every
resampled value onto the run's fitted 0–100 scale (:mod:`ikp.uncertainty`, ADR 0005).

* ``poisson``: the count is Poisson with mean equal to the observed count. The engine sees
  the weighted value only, so it uses the quasi-Poisson form ``v* = s · Poisson(v / s)``:
  mean ``v``, variance ``s · v``. With ``c_l* ~ Poisson(c_l)`` the exact variance of
  ``Σ w_l c_l*`` is ``Σ w_l² c_l``, i.e. ``s = Σ w_l² c_l / Σ w_l c_l``, which needs the split
  by level. The default ``scale = 1`` keeps resampled values whole numbers and is exact for
  level-1 incidents; it understates the variance of higher-level incidents (by up to their
  level weight). ``scale = Σ w_l² / Σ w_l`` (14/6 ≈ 2.33 for IKP 2024's weights 1/2/3) assumes
  incidents equally likely at every level. Both are documented choices, not Bawaslu's.
* ``negbin``: overdispersed counts, gamma–Poisson with shape ``dispersion`` (``k``):
  ``v* = s · NB(mean v / s, size k)``, variance ``s · v · (1 + v / (s k))``. Smaller ``k`` is
  noisier; ``k → ∞`` is the Poisson model.
* ``none``: the data do not vary.

Only indicators of input type ``count`` are resampled; other indicators (shares, scores) and
missing cells are left as they are. An observed zero stays zero under both models (a rate
estimated as zero has no sampling noise in this model): documented in
``docs/methodology/uncertainty.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ikp._types import FloatArray

if TYPE_CHECKING:
    from ikp.framework import Framework


class DataNoise(BaseModel):
    """How incident counts vary in an uncertainty analysis (see the module docstring).

    ``draws``: how many resampled data sets are prepared; each replication uses one, drawn
    uniformly (the data sets are prepared once, so the cost grows with ``draws``, not with the
    number of replications)."""

    model_config = ConfigDict(extra="forbid")

    model: Literal["poisson", "negbin", "none"] = "poisson"
    draws: int = Field(50, ge=1, le=10_000)
    dispersion: float = Field(10.0, gt=0.0)
    scale: float = Field(1.0, gt=0.0)

    @property
    def active(self) -> bool:
        return self.model != "none"


def count_columns_mask(framework: Framework, columns: tuple[str, ...]) -> np.ndarray:
    """True for the columns whose indicator counts incidents."""
    return np.array(
        [c in framework.nodes and framework.nodes[c].input_type == "count" for c in columns],
        dtype=bool,
    )


def resample_values(
    values: FloatArray,
    counted: np.ndarray,
    noise: DataNoise,
    scale: float,
    rng: np.random.Generator,
) -> FloatArray:
    """A resampled copy of ``values`` (regions × indicators, or draws × regions × indicators
    for several copies at once); only ``counted`` columns (the last axis) vary, missing cells
    stay missing, zero and negative values are left as they are."""
    out = np.array(values, dtype=np.float64, copy=True)
    if not noise.active or not counted.any():
        return out
    block = out[..., counted]
    ok = np.isfinite(block) & (block > 0)
    lam = block[ok] / scale
    if noise.model == "poisson":
        draw = rng.poisson(lam)
    else:
        k = float(noise.dispersion)
        # gamma–Poisson: rate ~ Gamma(k, lam / k), count ~ Poisson(rate)
        draw = rng.poisson(rng.gamma(k, lam / k))
    block[ok] = scale * draw
    out[..., counted] = block
    return out


__all__ = [
    "DataNoise",
    "count_columns_mask",
    "resample_values",
]
