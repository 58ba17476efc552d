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
from collections.abc import Callable
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
    centre: bool = True

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
#: resolution of the guide table that starts each inversion near its answer
GUIDE_SIZE = 256


class CountSampler:
    """Draws resampled counts for the cells of a matrix of weighted counts.

    ``values`` (regions × indicators) are the observed weighted counts; the cells that vary are
    those of ``counted`` columns that are observed and greater than zero (see the module
    docstring). :meth:`draw` returns, for every such cell, a whole number ``k`` with the
    resampled value ``scale · k``. The probability mass function of the model is tabulated
    once per distinct mean (counts repeat a lot), so a draw is one uniform number and one
    binary search per cell (inversion of the cumulative distribution); means above
    ``TABLE_MAX_MEAN`` are drawn by numpy (Poisson, or gamma then Poisson).
    :meth:`expectation` gives the exact expected value of any function of the count."""

    def __init__(self, values: FloatArray, counted: BoolArray, noise: DataNoise) -> None:
        x = np.asarray(values, dtype=np.float64)
        self.noise = noise
        self.scale = float(noise.scale)
        vary = np.isfinite(x) & (x > 0) & np.asarray(counted, dtype=bool)[None, :]
        self.cells: IntArray = np.flatnonzero(vary)
        self.columns: IntArray = self.cells % x.shape[1]
        self.lam: FloatArray = x.reshape(-1)[self.cells] / self.scale
        self.small: BoolArray = self.lam <= TABLE_MAX_MEAN
        means, group = np.unique(self.lam[self.small], return_inverse=True)
        self.group: IntArray = group.astype(np.int64)  # per small cell: its mean's table
        self.pmfs: list[FloatArray] = [self._pmf(float(m)) for m in means]
        lengths = np.array([q.size for q in self.pmfs], dtype=np.int64)
        self._lengths = lengths
        self._starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        # cumulative tables side by side, table g shifted by g
        cdfs = [np.minimum(np.cumsum(q), 1.0) for q in self.pmfs]
        self._table = np.concatenate([g + c for g, c in enumerate(cdfs)]) if cdfs else np.empty(0)
        # guide table (Chen & Asau 1974): for u in [j/M, (j+1)/M) the answer is at least
        # guide[g, j], the smallest k with F(k) >= j/M; a step or two forward finds it
        grid = np.arange(GUIDE_SIZE) / GUIDE_SIZE
        self._guide = (
            np.stack(
                [np.minimum(np.searchsorted(c, grid, side="left"), c.size - 1) for c in cdfs]
            ).astype(np.int64)
            if cdfs
            else np.empty((0, GUIDE_SIZE), dtype=np.int64)
        )

    def _pmf(self, m: float) -> FloatArray:
        """P(K = k) for k = 0 … well beyond the mean (the tail left out is below 1e-15)."""
        if self.noise.model == "negbin":
            r = float(self.noise.dispersion)
            sd = math.sqrt(m * (1.0 + m / r))
            k = np.arange(int(m + 12.0 * sd + 30.0) + 1, dtype=np.float64)
            # log P(k) = log Γ(k + r) − log Γ(r) − log k! + r log(r/(r+m)) + k log(m/(r+m))
            rising = np.concatenate([[0.0], np.cumsum(np.log(r + k[:-1]))])
            logp = (
                rising - _log_factorial(k) + r * math.log(r / (r + m)) + k * math.log(m / (r + m))
            )
        else:
            k = np.arange(int(m + 10.0 * math.sqrt(m) + 20.0) + 1, dtype=np.float64)
            logp = k * math.log(m) - m - _log_factorial(k)
        return np.asarray(np.exp(logp), dtype=np.float64)

    def draw(self, rng: np.random.Generator) -> IntArray:
        """One resampled whole number per varying cell."""
        out = np.empty(self.cells.size, dtype=np.int64)
        if self.group.size:
            g = self.group
            u = rng.random(g.size)
            k = self._guide[g, (u * GUIDE_SIZE).astype(np.int64)]
            last = self._lengths[g] - 1
            # step forward while F(k) < u (rarely more than once)
            pos = self._starts[g] + k
            todo = np.flatnonzero((self._table[pos] < g + u) & (k < last))
            while todo.size:
                k[todo] += 1
                pos[todo] += 1
                todo = todo[(self._table[pos[todo]] < g[todo] + u[todo]) & (k[todo] < last[todo])]
            out[self.small] = k
        large = ~self.small
        if large.any():
            lam = self.lam[large]
            if self.noise.model == "negbin":
                shape = float(self.noise.dispersion)
                lam = rng.gamma(shape, lam / shape)
            out[large] = rng.poisson(lam)
        return out

    def expectation(self, of: Callable[[IntArray, IntArray], FloatArray]) -> FloatArray:
        """Per varying cell, E[f(K)] under the model, with ``of(cell positions, k)`` giving
        f for those cells at counts ``k``; cells with a mean above ``TABLE_MAX_MEAN`` get
        f at their observed count."""
        out = np.empty(self.cells.size, dtype=np.float64)
        where = np.flatnonzero(self.small)
        for g, q in enumerate(self.pmfs):
            pos = where[self.group == g]
            k = np.arange(q.size, dtype=np.int64)
            values = of(np.repeat(pos, q.size), np.tile(k, pos.size)).reshape(pos.size, q.size)
            out[pos] = values @ q
        large = np.flatnonzero(~self.small)
        if large.size:
            out[large] = of(large, np.rint(self.lam[large]).astype(np.int64))
        return out

    def resample(self, values: FloatArray, rng: np.random.Generator) -> FloatArray:
        """A resampled copy of ``values`` (the matrix the sampler was built on)."""
        out = np.array(values, dtype=np.float64, copy=True)
        out.reshape(-1)[self.cells] = self.scale * self.draw(rng)
        return out


def _log_factorial(k: FloatArray) -> FloatArray:
    """log k! for k = 0, 1, 2, … (consecutive whole numbers from 0)."""
    return np.asarray(np.cumsum(np.log(np.maximum(k, 1.0))), dtype=np.float64)


__all__ = ["TABLE_MAX_MEAN", "CountSampler", "DataNoise", "count_columns_mask"]
