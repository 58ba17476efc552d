"""Seeded generator of SYNTHETIC incident data for every kabupaten/kota and province.

DATA SINTETIS — bukan data Bawaslu. The numbers only look plausible: incident counts per
indicator and *tingkat kejadian* are drawn from a gamma–Poisson (negative binomial) model whose
mean grows with population (elasticity 0.6), with a province effect and a region effect, so the
data are skewed, have many zeros and a few missing cells. Province figures are the sums of their
kabupaten/kota counts (like Bawaslu's approach 2) with their own missing cells.

Every frame this module returns carries ``synthetic = True`` in ``frame.attrs`` and a
``synthetic`` column, and every output written from it is labelled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ikp import SYNTHETIC_LABEL, SYNTHETIC_LABEL_EN
from ikp.dataset import Dataset
from ikp.framework import Framework
from ikp.regions import RegionRegistry

LEVEL_SHARES = (0.62, 0.28, 0.10)


@dataclass(frozen=True)
class SampleData:
    """Synthetic counts in the template's wide layout plus the derived indicator values."""

    counts: pd.DataFrame
    values: Dataset
    region_names: dict[str, str]
    groups: dict[str, str]
    region_level: str
    seed: int

    @property
    def metadata(self) -> dict[str, object]:
        return {
            "synthetic": True,
            "label": SYNTHETIC_LABEL,
            "label_en": SYNTHETIC_LABEL_EN,
            "generator": "ikp.sample",
            "seed": self.seed,
            "region_level": self.region_level,
        }


def count_columns(framework: Framework) -> list[str]:
    """The template's data columns: ``I01_L1 …`` for count indicators, ``I05`` otherwise."""
    cols: list[str] = []
    levels = [lv.code for lv in framework.incidence_levels]
    for code in framework.indicators:
        if framework.nodes[code].input_type == "count" and levels:
            cols.extend(f"{code}_{lv}" for lv in levels)
        else:
            cols.append(code)
    return cols


def combine_levels(counts: pd.DataFrame, framework: Framework) -> Dataset:
    """Indicator value = Σ count at each incidence level × that level's weight. A region's
    indicator is missing only when all its level cells are missing."""
    weights = framework.incidence_weights()
    out = np.full((len(counts), len(framework.indicators)), np.nan)
    for j, code in enumerate(framework.indicators):
        cols = [f"{code}_{lv}" for lv in weights if f"{code}_{lv}" in counts.columns]
        if cols:
            block = counts[cols].to_numpy(dtype=np.float64, na_value=np.nan)
            w = np.array([weights[c.rsplit("_", 1)[1]] for c in cols])
            present = ~np.isnan(block)
            total = np.where(present, block, 0.0) @ w
            combined = np.where(present.any(axis=1), total, np.nan)
            if code in counts.columns:  # rows that give the weighted value directly
                direct = counts[code].to_numpy(dtype=np.float64, na_value=np.nan)
                combined = np.where(np.isnan(combined), direct, combined)
            out[:, j] = combined
        elif code in counts.columns:
            out[:, j] = counts[code].to_numpy(dtype=np.float64, na_value=np.nan)
    return Dataset(tuple(counts["region_code"].astype(str)), framework.indicators, out)


def generate(
    framework: Framework,
    region_level: str = "regency",
    *,
    seed: int = 2024,
    missing_share: float = 0.01,
    registry: RegionRegistry | None = None,
) -> SampleData:
    """Synthetic incident counts for all 514 kab/kota (``regency``) or 38 provinces."""
    if region_level not in ("regency", "province"):
        raise ValueError(
            f"region_level must be one of {{'regency', 'province'}}; got {region_level!r}."
        )
    reg = registry or RegionRegistry.load("current", max_level=2)
    regencies = reg.frame(2)
    rng = np.random.default_rng(seed)
    counts = _regency_counts(framework, regencies, rng, missing_share)
    if region_level == "province":
        counts = _province_counts(framework, counts, reg, rng, missing_share)
    counts = pd.concat([pd.DataFrame({"synthetic": True}, index=counts.index), counts], axis=1)
    counts.attrs["synthetic"] = True
    counts.attrs["label"] = SYNTHETIC_LABEL
    values = combine_levels(counts, framework)
    names = dict(zip(counts["region_code"], counts["region_name"], strict=True))
    groups = {r: r.split(".")[0] for r in counts["region_code"]}
    return SampleData(counts, values, names, groups, region_level, seed)


def _regency_counts(
    framework: Framework, regencies: pd.DataFrame, rng: np.random.Generator, missing_share: float
) -> pd.DataFrame:
    n = len(regencies)
    indicators = framework.indicators
    k = len(indicators)
    pop = regencies["population"].to_numpy(dtype=np.float64, na_value=np.nan)
    pop = np.where(np.isfinite(pop) & (pop > 0), pop, np.nanmedian(pop))
    size = (pop / np.median(pop)) ** 0.6
    provinces = regencies["province_code"].astype(str).to_numpy()
    uniq, prov_idx = np.unique(provinces, return_inverse=True)
    prov_effect = rng.lognormal(0.0, 0.45, size=len(uniq))[prov_idx]
    region_effect = rng.lognormal(0.0, 0.55, size=n)
    # indicator base rates: most incidents are rare, a few are common
    base = rng.lognormal(mean=-0.4, sigma=1.1, size=k)
    mean = (size * prov_effect * region_effect)[:, None] * base[None, :]
    shape = 0.7  # gamma–Poisson dispersion: strong skew and many zeros
    lam = rng.gamma(shape, mean / shape)
    total = rng.poisson(lam).astype(np.float64)
    # split each total count over the incidence levels
    split = rng.multinomial(total.astype(np.int64).reshape(-1), LEVEL_SHARES).reshape(n, k, 3)
    columns: dict[str, np.ndarray] = {}
    levels = [lv.code for lv in framework.incidence_levels] or ["L1", "L2", "L3"]
    for j, code in enumerate(indicators):
        for li, lv in enumerate(levels[:3]):
            columns[f"{code}_{lv}"] = split[:, j, li].astype(np.float64)
    frame = pd.DataFrame(columns)
    _blank_cells(frame, framework, rng, missing_share)
    ids = pd.DataFrame(
        {
            "region_code": regencies["region_code"].astype(str).to_numpy(),
            "region_name": regencies["region_name"].to_numpy(),
        }
    )
    return pd.concat([ids, frame], axis=1)


def _blank_cells(
    frame: pd.DataFrame, framework: Framework, rng: np.random.Generator, share: float
) -> None:
    """Blank whole indicators (all their level cells) for a few region × indicator pairs,
    and most of the data of two regions (late reporters)."""
    n = len(frame)
    levels = [lv.code for lv in framework.incidence_levels] or ["L1", "L2", "L3"]
    for code in framework.indicators:
        rows = np.nonzero(rng.random(n) < share)[0]
        for lv in levels:
            col = f"{code}_{lv}"
            if col in frame.columns and rows.size:
                frame.loc[rows, col] = np.nan
    late = rng.choice(n, size=min(2, n), replace=False)
    for code in framework.indicators[: int(len(framework.indicators) * 0.6)]:
        for lv in levels:
            col = f"{code}_{lv}"
            if col in frame.columns:
                frame.loc[late, col] = np.nan


def _province_counts(
    framework: Framework,
    regency_counts: pd.DataFrame,
    reg: RegionRegistry,
    rng: np.random.Generator,
    missing_share: float,
) -> pd.DataFrame:
    value_cols = [c for c in regency_counts.columns if c not in ("region_code", "region_name")]
    prov = regency_counts["region_code"].str.split(".").str[0]
    summed = regency_counts[value_cols].groupby(prov.to_numpy()).sum(min_count=1)
    provinces = reg.frame(1)
    summed = summed.reindex(provinces["region_code"].astype(str).to_numpy())
    frame = summed.reset_index(drop=True)
    _blank_cells(frame, framework, rng, missing_share / 2)
    ids = pd.DataFrame(
        {
            "region_code": provinces["region_code"].astype(str).to_numpy(),
            "region_name": provinces["region_name"].to_numpy(),
        }
    )
    return pd.concat([ids, frame], axis=1)
