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

import math
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ikp._types import BoolArray, FloatArray, IntArray

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


def count_columns_mask(framework: Framework, columns: tuple[str, ...]) -> BoolArray:
    """True for the columns whose indicator counts incidents."""
    return np.array(
        [c in framework.nodes and framework.nodes[c].input_type == "count" for c in columns],
        dtype=bool,
    )


#: Poisson means up to this value are drawn by table inversion; larger ones by numpy
TABLE_MAX_MEAN = 1000.0


class CountSampler:
    """Draws resampled counts for the cells of a matrix of weighted counts.

    ``values`` (regions × indicators) are the observed weighted counts; the cells that vary are
    those of ``counted`` columns that are observed and greater than zero (see the module
    docstring). :meth:`draw` returns, for every such cell, a whole number ``k`` with the
    resampled value ``scale · k``. Poisson draws use inversion of the cumulative distribution,
    tabulated once per distinct mean (counts repeat a lot: one uniform number and one binary
    search per cell and draw); the negative binomial draws a gamma rate, then a Poisson count."""

    def __init__(self, values: FloatArray, counted: BoolArray, noise: DataNoise) -> None:
        x = np.asarray(values, dtype=np.float64)
        self.noise = noise
        self.scale = float(noise.scale)
        vary = np.isfinite(x) & (x > 0) & np.asarray(counted, dtype=bool)[None, :]
        self.cells: IntArray = np.flatnonzero(vary)
        self.columns: IntArray = self.cells % x.shape[1]
        self.lam: FloatArray = x.reshape(-1)[self.cells] / self.scale
        self._table: FloatArray | None = None
        if noise.model == "poisson":
            self._tabulate()

    def _tabulate(self) -> None:
        small = self.lam <= TABLE_MAX_MEAN
        means, group = np.unique(self.lam[small], return_inverse=True)
        parts: list[FloatArray] = []
        starts = np.zeros(means.size, dtype=np.int64)
        pos = 0
        for g, m in enumerate(means):
            k = np.arange(int(m + 10.0 * math.sqrt(m) + 20.0) + 1, dtype=np.float64)
            # log P(k) = k log m - m - log k!; cumulative sums of the probabilities
            logp = k * math.log(m) - m - np.cumsum(np.log(np.maximum(k, 1.0)))
            cdf = np.cumsum(np.exp(logp))
            parts.append(g + np.minimum(cdf, 1.0))
            starts[g] = pos
            pos += k.size
        self._small = small
        self._group = group.astype(np.int64)
        self._starts = starts
        self._lengths = np.diff(np.append(starts, pos))
        self._table = np.concatenate(parts) if parts else np.empty(0)

    def draw(self, rng: np.random.Generator) -> IntArray:
        """One resampled whole number per varying cell."""
        if self.noise.model == "negbin":
            k = float(self.noise.dispersion)
            return rng.poisson(rng.gamma(k, self.lam / k)).astype(np.int64)
        out = np.empty(self.cells.size, dtype=np.int64)
        if self._table is not None and self._small.any():
            g = self._group
            u = rng.random(g.size)
            pos = np.searchsorted(self._table, g + u, side="left") - self._starts[g]
            out[self._small] = np.clip(pos, 0, self._lengths[g] - 1)
        large = ~self._small if self._table is not None else np.ones(out.size, dtype=bool)
        if large.any():
            out[large] = rng.poisson(self.lam[large])
        return out

    def resample(self, values: FloatArray, rng: np.random.Generator) -> FloatArray:
        """A resampled copy of ``values`` (the matrix the sampler was built on)."""
        out = np.array(values, dtype=np.float64, copy=True)
        out.reshape(-1)[self.cells] = self.scale * self.draw(rng)
        return out


__all__ = ["TABLE_MAX_MEAN", "CountSampler", "DataNoise", "count_columns_mask"]
