"""TPS rawan: Bawaslu's polling-station vulnerability mapping (22 yes/no indicators in 7
variables per TPS), from a checklist file to counts per desa, kecamatan, kab/kota, province and
nation, fast enough for all 820,161 TPS (polars).

The web platform calls the same functions; they take and return polars DataFrames::

    checked = load_tps("tps.csv")            # CSV/XLSX/Parquet or a DataFrame; ValidationFailed
    tables = aggregate_levels(checked.frame) # {"village": …, "district": …, …, "nation": …}
    data = indicator_dataset(tables["district"])  # the tps-2024 framework's input

Modules: :mod:`~ikp.tps.indicators` (the 22 indicators, national counts, TPS code format),
:mod:`~ikp.tps.villages` (region tables), :mod:`~ikp.tps.reading` (files to text tables),
:mod:`~ikp.tps.checks` (validation), :mod:`~ikp.tps.aggregate` (counts and rates),
:mod:`~ikp.tps.sample` (the SYNTHETIC national list), :mod:`~ikp.tps.files` (writing tables).
Formats and rules: docs/tps.md.
"""

from __future__ import annotations

from ikp.tps.aggregate import AREA_LEVELS, aggregate, aggregate_levels, indicator_dataset
from ikp.tps.checks import CheckedTps, check_tps, load_tps
from ikp.tps.indicators import NATIONAL_TPS_2024, indicator_codes, indicators, tps_code, variables
from ikp.tps.sample import sample_tps

__all__ = [
    "AREA_LEVELS",
    "NATIONAL_TPS_2024",
    "CheckedTps",
    "aggregate",
    "aggregate_levels",
    "check_tps",
    "indicator_codes",
    "indicator_dataset",
    "indicators",
    "load_tps",
    "sample_tps",
    "tps_code",
    "variables",
]
