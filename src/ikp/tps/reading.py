"""Read a TPS checklist file (CSV, XLSX, Parquet) or a DataFrame into a polars table of
text (and, where the file says so, integer) columns, nothing interpreted yet, with the row number
the user sees.

CSV files go straight to polars' reader (comma, semicolon or tab, sniffed from the header line;
UTF-8, else the encodings :func:`ikp.validation.files.decode_text` knows, with its warning).
XLSX files go through the project's own reader (:func:`ikp.validation.files.read_raw`: sheet
choice, merged cells, formulas), Parquet files and DataFrames through polars. Integer columns
stay integers (a CSV's ``T01`` … are first read as Int8: the fast path), whole floats become
integers, booleans ``"true"``/``"false"``, anything else text, so one set of spellings applies to
every format.

Row numbers: the header is row 1, the first data row row 2 (for XLSX the spreadsheet's own row
numbers). Header names are trimmed and lower-cased (``T01`` and ``t01`` are the same column);
the column ``_row`` holds the row number.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import polars as pl

from ikp.issues import IssueCode, ValidationReport
from ikp.validation.files import (
    DELIMITER_NAMES,
    PARQUET_SUFFIXES,
    XLSX_SUFFIXES,
    decode_text,
    read_raw,
    sniff_delimiter,
)

ROW = "_row"
Source = str | os.PathLike[str] | pl.DataFrame | Any  # Any: a pandas DataFrame
DtypeGuess = Callable[[str], Any]


@dataclass(frozen=True)
class TextTable:
    """The cells of one table as strings (null = empty cell), with where they came from."""

    frame: pl.DataFrame
    file: str
    format: str
    sha256: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None


def _unreadable(report: ValidationReport, name: str, why: str, hint: str) -> None:
    report.add(IssueCode.FILE_UNREADABLE, f"{name!r} cannot be read: {why}", file=name, hint=hint)


def _plain_types(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns as String or integer: booleans as ``true``/``false``, whole floats as integers
    (``1.0`` → ``1``), other floats and types as text."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.String or dtype.is_integer():
            expr = col
        elif dtype.is_float():
            whole = frame.select((col.is_null() | (col == col.round(0))).all()).item()
            expr = col.cast(pl.Int64) if whole else col.cast(pl.String)
        elif dtype == pl.Boolean:
            expr = pl.when(col).then(pl.lit("true")).when(~col).then(pl.lit("false"))
        else:
            expr = col.cast(pl.String)
        exprs.append(expr.alias(name))
    return frame.select(exprs)


def _numbered(frame: pl.DataFrame, first: int = 2) -> pl.DataFrame:
    return frame.with_row_index(ROW, offset=first).with_columns(pl.col(ROW).cast(pl.Int64))


def _clean_header(frame: pl.DataFrame, name: str, report: ValidationReport) -> pl.DataFrame | None:
    clean = [str(c).strip().lower() for c in frame.columns]
    seen: set[str] = set()
    for c in clean:
        if c in seen:
            report.add(
                IssueCode.DUPLICATE_COLUMN,
                f"column {c!r} appears more than once",
                file=name,
                column=c,
                hint="keep one column per name",
                params={"column": c},
            )
        seen.add(c)
    if len(seen) != len(clean):
        return None
    return frame.rename(dict(zip(frame.columns, clean, strict=True)))


def _read_csv(
    path: Path, data: bytes, report: ValidationReport, dtype_of: DtypeGuess | None
) -> TextTable | None:
    """Fast path: polars reads the columns ``dtype_of`` names as typed (T01 … as Int8); if any
    cell does not parse (``ya``, a stray letter) or the bytes are not UTF-8, everything is read
    again as text."""
    name = path.name
    encoding = "utf-8"
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    delimiter = sniff_delimiter(body[:65536].decode("utf-8", errors="replace"))
    frame = None
    if dtype_of is not None:
        try:
            header = pl.read_csv(body, separator=delimiter, n_rows=0, infer_schema=False).columns
            schema = {h: dtype_of(h) for h in header}
            frame = pl.read_csv(
                body, separator=delimiter, infer_schema=False, schema_overrides=schema
            )
        except (pl.exceptions.PolarsError, OSError):
            frame = None
    if frame is None:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            decoded = decode_text(name, data, report)
            if decoded is None:
                return None
            text, encoding = decoded
            body = text.encode("utf-8")
        try:
            frame = pl.read_csv(body, separator=delimiter, infer_schema=False)
        except (pl.exceptions.PolarsError, OSError) as exc:
            _unreadable(
                report,
                name,
                f"{type(exc).__name__}: {str(exc).splitlines()[0]}",
                f"check that it is a {DELIMITER_NAMES[delimiter]}-separated table with one "
                "header row",
            )
            return None
    return TextTable(frame, name, "csv", delimiter=delimiter, encoding=encoding)


def _read_xlsx(path: Path, sheet: str | None, report: ValidationReport) -> TextTable | None:
    raw, file_report = read_raw(path, sheet=sheet, max_bytes=None)
    report.extend(file_report)
    if raw is None:
        return None
    pdf = raw.frame
    columns = {
        str(c): [None if v is None else _cell_text(v) for v in pdf.iloc[:, j].tolist()]
        for j, c in enumerate(pdf.columns)
    }
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    frame = frame.with_columns(pl.Series(ROW, list(pdf.index), dtype=pl.Int64))
    return TextTable(frame, raw.file, "xlsx", sha256=raw.sha256, sheet=raw.sheet)


def _cell_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def _read_file(
    path: Path,
    data: bytes,
    sheet: str | None,
    report: ValidationReport,
    dtype_of: DtypeGuess | None,
) -> TextTable | None:
    name = path.name
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() in XLSX_SUFFIXES:
        return _read_xlsx(path, sheet, report)
    if data[:4] == b"PAR1" or path.suffix.lower() in PARQUET_SUFFIXES:
        try:
            frame = pl.read_parquet(data)
        except (pl.exceptions.PolarsError, OSError) as exc:
            _unreadable(report, name, str(exc), "write it again, or upload CSV/XLSX")
            return None
        return TextTable(_numbered(_plain_types(frame)), name, "parquet")
    table = _read_csv(path, data, report, dtype_of)
    return None if table is None else replace(table, frame=_numbered(table.frame))


def read_text_table(
    source: Source, *, sheet: str | None = None, dtype_of: DtypeGuess | None = None
) -> tuple[TextTable | None, ValidationReport]:
    """The table in ``source`` (a path, a polars or pandas DataFrame) with ``_row``; columns are
    String or integer (see the module docstring); ``None`` and a ``FILE_UNREADABLE``/
    ``EMPTY_FILE`` issue if it cannot be read. ``dtype_of(header)`` names the type a CSV column
    is first tried as (``pl.String`` for text)."""
    report = ValidationReport()
    if isinstance(source, pl.DataFrame) or hasattr(source, "to_numpy"):
        frame = source if isinstance(source, pl.DataFrame) else pl.from_pandas(cast(Any, source))
        table: TextTable | None = TextTable(_numbered(_plain_types(frame)), "<DataFrame>", "frame")
    else:
        path = Path(source)
        name = path.name
        if not path.is_file():
            _unreadable(report, name, "no such file", "check the path")
            return None, report
        data = path.read_bytes()
        # the file's sha256 (provenance) in a thread while polars parses: both release the GIL
        with ThreadPoolExecutor(max_workers=1) as hashing:
            digest = hashing.submit(hashlib.sha256, data)
            table = _read_file(path, data, sheet, report, dtype_of)
            if table is not None:
                table = replace(table, sha256=digest.result().hexdigest())
    if table is None:
        return None, report
    frame = _clean_header(table.frame, table.file, report)
    if frame is None:
        return None, report
    data_columns = [c for c in frame.columns if c != ROW]
    if data_columns:  # blank rows keep their numbers but are not data
        frame = frame.filter(~pl.all_horizontal(pl.col(data_columns).is_null()))
    if frame.height == 0:
        report.add(
            IssueCode.EMPTY_FILE,
            f"{table.file!r} has no data rows",
            file=table.file,
            hint="add one row per TPS (wide layout) or per TPS and indicator (long layout)",
        )
        return None, report
    return replace(table, frame=frame), report
