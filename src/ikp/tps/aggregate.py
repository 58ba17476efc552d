"""TPS rawan per area: desa/kelurahan, kecamatan, kab/kota, province and the nation.

Rules (Bawaslu's TPS rawan mapping, as ikp reads it):

* a TPS is **checked** when at least one of its 22 indicators has an answer;
* a TPS is **rawan on an indicator** when that indicator is flagged;
* a TPS is **rawan on a variable** (V1 … V7) when any of the variable's indicators is flagged;
* a TPS is **rawan** (overall) when any indicator is flagged.

Columns of every table (one row per area that has TPS, in code order):

``code``, ``name``, ``level``, the parent codes (``province_code`` …), ``n_tps``,
``n_checked``, ``n_rawan``, ``rawan_pct`` (100 × n_rawan / n_checked), per variable ``V1_n``,
``V1_pct`` (of checked TPS), per indicator ``T01_n`` (flagged), ``T01_checked`` (answered),
``T01_pct`` (100 × flagged / answered; null where none answered), and ``top_1`` … ``top_3``:
the indicators flagged at the most TPS in the area (ties in code order; null if fewer are
flagged). The nation is one row with ``code`` ``"ID"``.

The ``T01_pct`` … ``T22_pct`` columns are the ``tps-2024`` framework's indicators (unit
``% TPS``): :func:`indicator_dataset` hands them to the index engine for any level.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ikp.dataset import Dataset
from ikp.tps.indicators import indicator_codes, variables
from ikp.tps.villages import LEVELS, names, villages

AREA_LEVELS = ("village", "district", "regency", "province", "nation")
TOP = 3
NATION_CODE = "ID"
NATION_NAME = "Indonesia"


def _count_columns() -> list[str]:
    inds = indicator_codes()
    return [
        "n_tps",
        "n_checked",
        "n_rawan",
        *(f"{v}_n" for v in variables()),
        *(f"{c}_n" for c in inds),
        *(f"{c}_checked" for c in inds),
    ]


def _facts() -> dict[str, pl.Expr]:
    """The per-TPS yes/no facts that are counted, by output column."""
    inds = list(indicator_codes())
    return {
        "n_checked": pl.any_horizontal(pl.col(inds).is_not_null()),
        "n_rawan": pl.any_horizontal(pl.col(inds).fill_null(False)),
        **{
            f"{v}_n": pl.any_horizontal(pl.col(list(codes)).fill_null(False))
            for v, codes in variables().items()
        },
        **{f"{c}_n": pl.col(c).fill_null(False) for c in inds},
        **{f"{c}_checked": pl.col(c).is_not_null() for c in inds},
    }


def village_counts(checks: pl.DataFrame) -> pl.DataFrame:
    """Counts per village (``code`` = village code): the one pass over the TPS rows; every
    coarser level sums these.

    The 53 per-TPS yes/no facts (checked, rawan, rawan per variable, flagged and answered per
    indicator) are packed into lanes of one UInt64 per 64 // ``bits`` facts, ``bits`` wide enough
    for the largest village's number of TPS (10 bits for ≤ 1,023), so a lane's sum never
    carries into the next. Each packed column is summed per village with
    ``numpy.add.reduceat`` over the rows in village order (files are normally sorted by TPS code
    already, else one stable argsort) and unpacked: 9 sums instead of 53, several times faster
    than a hash group-by."""
    order_table = villages().with_row_index("_i").select("village_code", "_i")
    joined = checks.join(order_table, on="village_code", how="left", maintain_order="left")
    if joined["_i"].null_count():
        raise ValueError("the checklist has village codes outside the code list; validate it first")
    index = joined["_i"].to_numpy()
    order = None
    if len(index) > 1 and not (index[1:] >= index[:-1]).all():
        order = np.argsort(index, kind="stable")
        index = index[order]
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]]) if len(index) else index
    sizes = np.diff(np.r_[starts, len(index)]).astype(np.int64)
    bits = max(10, int(sizes.max(initial=0)).bit_length())
    lanes = 64 // bits
    facts = _facts()
    names = list(facts)
    packs = [names[k : k + lanes] for k in range(0, len(names), lanes)]
    packed = joined.select(
        pl.sum_horizontal(
            facts[name].cast(pl.UInt64) * pl.lit(1 << (bits * lane), dtype=pl.UInt64)
            for lane, name in enumerate(pack)
        ).alias(f"_pack{k}")
        for k, pack in enumerate(packs)
    )
    mask = np.uint64((1 << bits) - 1)
    sums: dict[str, np.ndarray] = {"n_tps": sizes}
    for k, pack in enumerate(packs):
        column = packed[f"_pack{k}"].to_numpy()
        if order is not None:
            column = column[order]
        total = (
            np.add.reduceat(column, starts, dtype=np.uint64)
            if len(index)
            else np.zeros(0, np.uint64)
        )
        for lane, name in enumerate(pack):
            sums[name] = ((total >> np.uint64(bits * lane)) & mask).astype(np.int64)
    codes = order_table["village_code"].gather(index[starts] if len(index) else [])
    return pl.DataFrame({"code": codes, **sums}).select("code", *_count_columns())


def roll_up(counts: pl.DataFrame, level: str) -> pl.DataFrame:
    """Sum village counts to ``level`` (``district`` … ``province``, or ``nation``)."""
    if level == "village":
        return counts
    key = (
        pl.lit(NATION_CODE) if level == "nation" else pl.col("code").str.slice(0, LEVELS[level][1])
    )
    return (
        counts.lazy()
        .group_by(key.alias("code"))
        .agg(pl.col(_count_columns()).sum())
        .sort("code")
        .collect()
    )


def _top(counts: pl.DataFrame) -> pl.DataFrame:
    """``top_1`` … ``top_3``: the indicators flagged at the most TPS (ties in code order)."""
    inds = indicator_codes()
    matrix = counts.select(f"{c}_n" for c in inds).to_numpy()
    order = np.argsort(-matrix, axis=1, kind="stable")[:, :TOP]
    flagged = np.take_along_axis(matrix, order, axis=1) > 0
    positions = list(range(len(inds)))
    return pl.DataFrame(
        {
            f"top_{k + 1}": pl.Series(np.where(flagged[:, k], order[:, k], -1)).replace_strict(
                positions, list(inds), default=None, return_dtype=pl.String
            )
            for k in range(TOP)
        }
    )


def _finish(counts: pl.DataFrame, level: str) -> pl.DataFrame:
    inds = indicator_codes()

    def pct(num: str, den: str) -> pl.Expr:
        return pl.when(pl.col(den) > 0).then(100.0 * pl.col(num) / pl.col(den)).otherwise(None)

    if level == "nation":
        labelled = counts.with_columns(pl.lit(NATION_NAME).alias("name"))
        parents: list[pl.Expr] = []
    else:
        labelled = counts.join(names(level), on="code", how="left", maintain_order="left")
        parents = [
            pl.col("code").str.slice(0, LEVELS[up][1]).alias(f"{up}_code")
            for up in ("province", "regency", "district")
            if LEVELS[up][0] < LEVELS[level][0]
        ]
    table = labelled.select(
        "code",
        "name",
        pl.lit(level).alias("level"),
        *parents,
        "n_tps",
        "n_checked",
        "n_rawan",
        pct("n_rawan", "n_checked").alias("rawan_pct"),
        *(
            e
            for v in variables()
            for e in (pl.col(f"{v}_n"), pct(f"{v}_n", "n_checked").alias(f"{v}_pct"))
        ),
        *(
            e
            for c in inds
            for e in (
                pl.col(f"{c}_n"),
                pl.col(f"{c}_checked"),
                pct(f"{c}_n", f"{c}_checked").alias(f"{c}_pct"),
            )
        ),
    )
    return pl.concat([table, _top(counts)], how="horizontal")


def aggregate(checks: pl.DataFrame, level: str) -> pl.DataFrame:
    """The TPS rawan table of one level (``village``, ``district``, ``regency``, ``province``
    or ``nation``) from a validated checklist (:attr:`ikp.tps.CheckedTps.frame`)."""
    if level not in AREA_LEVELS:
        raise ValueError(f"level must be one of {', '.join(AREA_LEVELS)}; got {level!r}")
    return _finish(roll_up(village_counts(checks), level), level)


def aggregate_levels(
    checks: pl.DataFrame, levels: tuple[str, ...] = AREA_LEVELS
) -> dict[str, pl.DataFrame]:
    """Several levels from one pass over the TPS rows (the village counts are summed up)."""
    for level in levels:
        if level not in AREA_LEVELS:
            raise ValueError(f"level must be one of {', '.join(AREA_LEVELS)}; got {level!r}")
    counts = village_counts(checks)
    return {level: _finish(roll_up(counts, level), level) for level in levels}


def indicator_dataset(table: pl.DataFrame) -> Dataset:
    """The indicator rates (% of answered TPS flagged, ``T01_pct`` … ``T22_pct``) of an
    aggregated table as the engine's :class:`~ikp.dataset.Dataset`, one row per area, NaN where
    no TPS answered: the input of the ``tps-2024`` framework at that level."""
    inds = indicator_codes()
    values = table.select(pl.col(f"{c}_pct").cast(pl.Float64) for c in inds).to_numpy()
    return Dataset(tuple(table["code"].to_list()), inds, np.where(np.isnan(values), np.nan, values))
