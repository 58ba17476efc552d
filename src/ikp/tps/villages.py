"""The region code list as polars tables, for joining TPS to their desa, kecamatan, kab/kota and
province without building 91,000 :class:`~ikp.regions.Region` objects.

Read from the package's ``data/regions/wilayah.csv.gz`` and ``population.csv`` (the same files
:mod:`ikp.regions` reads; see ``data/README.md`` for their source and licence).
"""

from __future__ import annotations

import functools
import gzip
from importlib import resources

import polars as pl

#: Aggregation levels, finest first, with the Kemendagri level number and the length of the
#: dotted code (``NN`` / ``NN.NN`` / ``NN.NN.NN`` / ``NN.NN.NN.NNNN``).
LEVELS: dict[str, tuple[int, int]] = {
    "village": (4, 13),
    "district": (3, 8),
    "regency": (2, 5),
    "province": (1, 2),
}
LEVEL_NAMES_ID = {
    "village": "desa/kelurahan",
    "district": "kecamatan",
    "regency": "kabupaten/kota",
    "province": "provinsi",
    "nation": "nasional",
}


def _data(*parts: str) -> bytes:
    return resources.files("ikp").joinpath("data", *parts).read_bytes()


@functools.cache
def regions_table() -> pl.DataFrame:
    """Every region: ``code`` (dotted), ``name`` (trimmed), ``level`` (1–4)."""
    frame = pl.read_csv(
        gzip.decompress(_data("regions", "wilayah.csv.gz")),
        schema_overrides={"kode": pl.String, "nama": pl.String, "parent": pl.String},
    )
    return frame.select(
        pl.col("kode").alias("code"),
        pl.col("nama").str.strip_chars().alias("name"),
        pl.col("level").cast(pl.Int8),
    )


@functools.cache
def villages() -> pl.DataFrame:
    """The 83,762 desa/kelurahan: ``village_code`` (dotted), ``village_digits`` (10 digits),
    ``district_code``, ``regency_code``, ``province_code``, in code-list order."""
    table = regions_table().filter(pl.col("level") == 4)
    code = pl.col("code")
    return table.select(
        code.alias("village_code"),
        code.str.replace_all(".", "", literal=True).alias("village_digits"),
        code.str.slice(0, 8).alias("district_code"),
        code.str.slice(0, 5).alias("regency_code"),
        code.str.slice(0, 2).alias("province_code"),
    )


@functools.cache
def regency_population() -> pl.DataFrame:
    """``regency_code``, ``population`` (Dukcapil, December 2024) for the 514 kab/kota."""
    frame = pl.read_csv(_data("regions", "population.csv"), schema_overrides={"kode": pl.String})
    return frame.filter(pl.col("kode").str.len_chars() == 5).select(
        pl.col("kode").alias("regency_code"), pl.col("total").cast(pl.Int64).alias("population")
    )


def names(level: str) -> pl.DataFrame:
    """``code``, ``name`` of every region at ``level`` (village … province)."""
    number = LEVELS[level][0]
    return regions_table().filter(pl.col("level") == number).select("code", "name")
