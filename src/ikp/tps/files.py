"""Write TPS tables (a checklist, an aggregated level) as CSV, XLSX or Parquet, by suffix."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ikp.io.xlsx import write_xlsx

SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
XLSX_MAX_ROWS = 1_048_575  # one header row + this many rows fill a worksheet


def table_format(path: str | Path) -> str:
    """``csv``, ``xlsx`` or ``parquet`` from the file name; ValueError otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"cannot tell the format of {Path(path).name!r}: use .csv, .xlsx or .parquet"
        )
    return SUFFIXES[suffix]


def write_table(frame: pl.DataFrame, path: str | Path, *, sheet: str = "data") -> Path:
    """Write ``frame`` to ``path`` (format from the suffix). CSV is UTF-8 with a comma; XLSX one
    sheet (``data``) of plain values, written by :func:`ikp.io.xlsx.write_xlsx`."""
    path = Path(path)
    fmt = table_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.write_csv(path)
    elif fmt == "parquet":
        frame.write_parquet(path)
    else:
        if frame.height > XLSX_MAX_ROWS:
            raise ValueError(f"{frame.height} rows do not fit in one XLSX sheet; use CSV/Parquet")
        write_xlsx(path, {sheet: [frame.columns, *frame.iter_rows()]})
    return path
