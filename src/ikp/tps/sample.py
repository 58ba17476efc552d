"""A SYNTHETIC national TPS list with its 22-indicator checklist, generated on demand.

Nothing here is Bawaslu or KPU data: the villages are real (the Kemendagri code list), the
polling stations and their checklist are made up, and every frame carries a ``synthetic``
column (true) so every file written from it says so.

How it is made (seeded, deterministic for a given ``seed``; about a second for 820,161 TPS):

* **TPS per village.** Every village gets one TPS; the rest are spread over villages in
  proportion to an estimated village population: its kab/kota's population (Dukcapil, Dec 2024)
  divided by the kab/kota's number of villages, times a random factor (gamma, mean 1), because
  the code list has no population below kab/kota. No village gets more than 999 TPS.
* **Voters per TPS.** Normal around 250 (the 2024 average: 204.8 million voters on 820,161 TPS),
  clipped to 60 … 300.
* **Checklist.** Indicator *k* is flagged with probability ``p_k × m``: ``p_k`` is Bawaslu's
  national count divided by 820,161 (``tps2024-indicators.csv``), ``m`` a random multiplier per
  kab/kota and per kecamatan (log-normal, rescaled so the national expectation stays ``p_k``),
  so maps have regional texture. About 1 % of TPS are left unchecked (all blank) and 0.2 % of
  the remaining cells are blank.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from ikp.tps.indicators import MAX_TPS_NUMBER, NATIONAL_TPS_2024, NUMBER_DIGITS, indicators
from ikp.tps.villages import regency_population, villages

DEFAULT_SEED = 2024
UNCHECKED_TPS = 0.01
BLANK_CELLS = 0.002
MEAN_VOTERS = 250
SPREAD = {"regency": 0.8, "district": 0.5}  # sigma of the log-normal multipliers


def _tps_per_village(weights: np.ndarray, n_tps: int, rng: np.random.Generator) -> np.ndarray:
    """One TPS per village plus a multinomial share of the rest, at most 999 per village."""
    n_villages = len(weights)
    if n_tps < n_villages:
        raise ValueError(f"n_tps ({n_tps}) is smaller than the number of villages ({n_villages})")
    if n_tps > n_villages * MAX_TPS_NUMBER:
        raise ValueError(f"n_tps ({n_tps}) exceeds {MAX_TPS_NUMBER} TPS per village")
    counts = 1 + rng.multinomial(n_tps - n_villages, weights / weights.sum())
    while (over := counts > MAX_TPS_NUMBER).any():  # rare: move the excess to other villages
        excess = int((counts[over] - MAX_TPS_NUMBER).sum())
        counts[over] = MAX_TPS_NUMBER
        room = np.where(counts < MAX_TPS_NUMBER, weights, 0.0)
        counts += rng.multinomial(excess, room / room.sum())
    return counts


def _multipliers(codes: np.ndarray, sigma: float, n_ind: int, rng: np.random.Generator) -> Any:
    """A log-normal multiplier per distinct code and indicator, expanded to the rows of
    ``codes`` (an array of group indices)."""
    n_groups = int(codes.max()) + 1
    return rng.lognormal(0.0, sigma, size=(n_groups, n_ind)).astype(np.float32)[codes]


def sample_tps(
    n_tps: int = NATIONAL_TPS_2024,
    *,
    seed: int = DEFAULT_SEED,
    province: str | None = None,
) -> pl.DataFrame:
    """The synthetic TPS list with checklist: ``tps_code``, ``village_code``, ``tps_number``,
    ``voters``, ``T01`` … ``T22`` (Int8: 1 flagged, 0 not, null not checked), ``synthetic``.

    ``province`` (a code such as ``"32"``) limits it to that province's villages (``n_tps`` is
    then that province's total), for tests and demos."""
    rng = np.random.default_rng(seed)
    vil = villages()
    if province is not None:
        vil = vil.filter(pl.col("province_code") == province)
        if vil.is_empty():
            raise ValueError(f"no villages in province {province!r}")
    vil = vil.join(regency_population(), on="regency_code", how="left")
    per_regency = vil.group_by("regency_code").len("n_villages")
    vil = vil.join(per_regency, on="regency_code", how="left", maintain_order="left")
    base = (vil["population"].fill_null(1).cast(pl.Float64) / vil["n_villages"]).to_numpy()
    weights = base * rng.gamma(4.0, 0.25, size=len(vil))
    counts = _tps_per_village(weights, n_tps, rng)

    owner = np.repeat(np.arange(len(vil)), counts)  # village index of each TPS
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    number = (np.arange(len(owner)) - starts + 1).astype(np.int16)
    tps = vil.select("village_code", "village_digits", "district_code", "regency_code")[owner]
    tps = tps.with_columns(pl.Series("tps_number", number))

    inds = indicators()
    p = np.array([i.national_flagged for i in inds], dtype=np.float32) / NATIONAL_TPS_2024
    p /= 1.0 - UNCHECKED_TPS
    groups = {  # each TPS's kab/kota and kecamatan as a dense group index
        level: np.unique(vil[f"{level}_code"].to_numpy(), return_inverse=True)[1][owner]
        for level in SPREAD
    }
    mult = np.ones((len(tps), len(inds)), dtype=np.float32)
    for level, sigma in SPREAD.items():
        mult *= _multipliers(groups[level], sigma, len(inds), rng)
    mult /= mult.mean(axis=0, keepdims=True)
    rates = np.minimum(mult * p, 0.9)
    del mult
    rates = np.minimum(rates * (p / rates.mean(axis=0)), 0.9)  # undo most of the clipping
    unchecked = rng.random(len(tps)) < UNCHECKED_TPS
    columns: dict[str, pl.Series] = {}
    for j, ind in enumerate(inds):
        flags = (rng.random(len(tps), dtype=np.float32) < rates[:, j]).astype(np.int8)
        blank = unchecked | (rng.random(len(tps), dtype=np.float32) < BLANK_CELLS)
        columns[ind.code] = pl.Series(ind.code, flags).set(pl.Series(blank), None)
    voters = np.clip(rng.normal(MEAN_VOTERS, 30, size=len(tps)), 60, 300).astype(np.int16)
    return tps.select(
        (
            pl.col("village_digits") + pl.col("tps_number").cast(pl.String).str.zfill(NUMBER_DIGITS)
        ).alias("tps_code"),
        "village_code",
        "tps_number",
        pl.Series("voters", voters),
        *columns.values(),
        pl.lit(True).alias("synthetic"),
    )
