"""Validation stage 1, the file: can we read a table out of it at all?

:func:`read_table` opens a CSV, XLSX or Parquet file (or takes an in-memory DataFrame) and
returns the cells **as they are** (strings for CSV, the spreadsheet's own objects for XLSX and
Parquet) plus a :class:`~ikp.issues.ValidationReport`. Nothing is converted to numbers here, so
the table stage (:mod:`ikp.validation.tables`) can report every non-numeric cell with its row.

What this stage checks and reports:

* the file exists, is not larger than :data:`MAX_BYTES` (50 MB), is not empty and can be
  parsed (``FILE_UNREADABLE``, ``EMPTY_FILE``);
* CSV: the encoding (UTF-8, UTF-8 with BOM, then UTF-16 with or without BOM and Windows-1252
  with a ``NOT_UTF8`` warning) and the delimiter (``,`` ``;`` or tab, sniffed from the header
  line); rows with more non-empty cells than the header has names (``RAGGED_ROW``);
* XLSX: the sheet (``data`` by default, else the only sheet; otherwise ``WRONG_SHEET`` naming
  the sheets present); merged cells in the header or data area (``MERGED_CELLS``).

Row numbers are the ones the user sees: the header is row 1 of the file (of the sheet), the
first data row is row 2. Blank rows are dropped but keep their numbers, so later rows are still
numbered as in the spreadsheet. For Parquet files and DataFrames, row *n* is the (n-1)-th record
(header = row 1), matching what the same table looks like exported to CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ikp.issues import IssueCode, Severity, ValidationReport, did_you_mean
from ikp.validation.xlsx_stream import SheetScan, scan_sheet, sheet_records, workbook_sheets

DEFAULT_SHEET = "data"
MAX_BYTES = 50 * 1024 * 1024  # default size limit of an uploaded file
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

Source = str | os.PathLike[str] | pd.DataFrame


@dataclass(frozen=True)
class RawTable:
    """The cells of one table, unconverted, with where they came from.

    ``frame`` has the header cells as column names (duplicates are kept as they are), object
    dtype, and the user-visible row number as its index (named ``row``).
    """

    frame: pd.DataFrame
    file: str
    sheet: str | None
    format: str
    sha256: str | None
    encoding: str | None = None
    delimiter: str | None = None
    sheets: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def header(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


def is_blank(value: object) -> bool:
    """True for a cell that holds nothing: None, NaN, NaT, pandas NA, or only whitespace."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return False


def read_table(
    path: Source, sheet: str | None = None
) -> tuple[pd.DataFrame | None, ValidationReport]:
    """Read the table in ``path`` without converting cells; ``None`` if it cannot be read.

    The frame's columns are the header cells, its index the row numbers the user sees (header =
    row 1), its cells strings (CSV) or the file's own objects (XLSX, Parquet)."""
    raw, report = read_raw(path, sheet=sheet)
    return (raw.frame if raw is not None else None), report


def read_raw(
    source: Source, *, sheet: str | None = None, max_bytes: int | None = MAX_BYTES
) -> tuple[RawTable | None, ValidationReport]:
    """Like :func:`read_table` but returns the :class:`RawTable` with its metadata;
    ``max_bytes`` (None: no limit) bounds the file size."""
    report = ValidationReport()
    if isinstance(source, pd.DataFrame):
        return _from_frame(source, "<DataFrame>", "frame", None, report), report
    path = Path(source)
    name = path.name
    if not path.exists():
        report.add(
            IssueCode.FILE_UNREADABLE,
            f"file {name!r} does not exist",
            file=name,
            hint="check the path",
        )
        return None, report
    if path.is_dir():
        report.add(IssueCode.FILE_UNREADABLE, f"{name!r} is a folder, not a file", file=name)
        return None, report
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        report.add(
            IssueCode.FILE_UNREADABLE,
            f"{name!r} is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB",
            file=name,
            hint="upload one file per region level (and per period); remove unused sheets",
            params={"bytes": size, "max_bytes": max_bytes},
        )
        return None, report
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.add(
            IssueCode.FILE_UNREADABLE,
            f"file {name!r} cannot be opened: {exc.strerror or exc}",
            file=name,
            hint="check that the file is not open in another program and that you may read it",
        )
        return None, report
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        report.add(
            IssueCode.EMPTY_FILE,
            f"file {name!r} is empty",
            file=name,
            hint="fill in the template (one row per region) and upload it again",
        )
        return None, report
    kind = _kind(path, data)
    if kind == "xls":
        report.add(
            IssueCode.FILE_UNREADABLE,
            f"{name!r} is an old Excel 97-2003 (.xls) workbook, which is not supported",
            file=name,
            hint="open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook) or CSV UTF-8",
        )
        return None, report
    if kind == "xlsx":
        return _read_xlsx(path, data, digest, sheet, report), report
    if kind == "parquet":
        return _read_parquet(path, digest, report), report
    return _read_csv(name, data, digest, report), report


# --------------------------------------------------------------------------- format detection


def _kind(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    return "csv"


# --------------------------------------------------------------------------- CSV


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` if ``data`` looks like UTF-16 text saved without a
    byte-order mark (a NUL byte beside most characters of Latin text, always on the same side),
    else None."""
    sample = data[:4096]
    if len(sample) < 4 or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0), odd.count(0)
    for encoding, nul_high, nul_low, high in (
        ("utf-16-le", nul_odd, nul_even, odd),
        ("utf-16-be", nul_even, nul_odd, even),
    ):
        if nul_high >= 0.6 * len(high) and nul_low <= 0.02 * len(high):
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding
    return None


def decode_text(name: str, data: bytes, report: ValidationReport) -> tuple[str, str] | None:
    """The text of a CSV file and its encoding (UTF-8, UTF-8 with BOM, UTF-16, else
    Windows-1252 with a ``NOT_UTF8`` warning); None (and ``FILE_UNREADABLE``) if none fits."""
    bomless = utf16_without_bom(data)
    if bomless is not None:
        report.add(
            IssueCode.NOT_UTF8,
            f"{name!r} is encoded as UTF-16 without a byte-order mark ({bomless}), not UTF-8; "
            f"it was read as {bomless.upper()} — check that the names look right",
            severity=Severity.WARNING,
            file=name,
            hint="next time save it as 'CSV UTF-8 (Comma delimited)'",
            params={"encoding": bomless},
        )
        return data.decode(bomless), bomless
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            pass
        else:
            report.add(
                IssueCode.NOT_UTF8,
                f"{name!r} is encoded as UTF-16, not UTF-8; it was read as UTF-16",
                severity=Severity.WARNING,
                file=name,
                hint="next time save it as 'CSV UTF-8 (Comma delimited)'",
            )
            return text, "utf-16"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        return text, ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        report.add(
            IssueCode.FILE_UNREADABLE,
            f"{name!r} is not a text file in a known encoding (UTF-8 or Windows-1252)",
            file=name,
            hint="save it from Excel as 'CSV UTF-8 (Comma delimited)', or upload the .xlsx",
        )
        return None
    line = data.count(b"\n", 0, first_bad) + 1
    report.add(
        IssueCode.NOT_UTF8,
        f"{name!r} is not UTF-8 (first non-UTF-8 byte on line {line}); it was read as "
        "Windows-1252 — check that names with accents look right",
        severity=Severity.WARNING,
        file=name,
        row=line,
        hint="next time save it as 'CSV UTF-8 (Comma delimited)'",
        params={"encoding": "cp1252", "line": line},
    )
    return text, "cp1252"


def _ends_inside_quotes(text: str, delimiter: str) -> bool:
    """Whether the CSV text ends inside a quoted field (an unclosed quote: Python's reader
    then silently reads the rest of the file as one cell)."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _count_outside_quotes(line: str, char: str) -> int:
    count = 0
    quoted = False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def sniff_delimiter(text: str) -> str:
    """The delimiter (``,`` ``;`` or tab) that splits the first non-blank line most often.

    The header line is used because it holds names, not numbers, so decimal commas in the data
    cannot mislead the guess."""
    header = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(name: str, data: bytes, digest: str, report: ValidationReport) -> RawTable | None:
    if (
        b"\x00" in data
        and not data.startswith((b"\xff\xfe", b"\xfe\xff"))
        and utf16_without_bom(data) is None
    ):
        report.add(
            IssueCode.FILE_UNREADABLE,
            f"{name!r} looks like a binary file, not a CSV text file",
            file=name,
            hint="upload a .csv, .xlsx or .parquet file",
        )
        return None
    decoded = decode_text(name, data, report)
    if decoded is None:
        return None
    text, encoding = decoded
    delimiter = sniff_delimiter(text)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records: list[list[str]] = []
        starts: list[int] = []  # the line each record starts on
        last_line = 0
        for rec in reader:
            starts.append(last_line + 1)
            records.append(rec)
            last_line = reader.line_num
        if records and _ends_inside_quotes(text, delimiter):
            report.add(
                IssueCode.FILE_UNREADABLE,
                f'{name!r}: the quote (") opened on line {starts[-1]} is never closed, so '
                "everything after it was read as one cell",
                file=name,
                row=starts[-1],
                hint="close the quote on that line or remove it; or save the sheet again as CSV UTF-8",
            )
            return None
    except csv.Error as exc:
        report.add(
            IssueCode.FILE_UNREADABLE,
            f"{name!r} is not a valid CSV file: {exc}",
            file=name,
            hint='check for an unclosed quote ("); or save the sheet again as CSV UTF-8',
        )
        return None
    header_at = next((i for i, rec in enumerate(records) if any(c.strip() for c in rec)), None)
    if header_at is None:
        report.add(IssueCode.EMPTY_FILE, f"file {name!r} has no content", file=name)
        return None
    header = [c.strip() for c in records[header_at]]
    rows: list[list[Any]] = []
    numbers: list[int] = []
    width = len(header)
    for i in range(header_at + 1, len(records)):
        rec = [c.strip() for c in records[i]]
        row_no = i + 1
        if not any(rec):
            continue
        if len(rec) > width:
            extra = rec[width:]
            if any(extra):
                report.add(
                    IssueCode.RAGGED_ROW,
                    f"row {row_no} has {len(rec)} cells but the header has {width} names; "
                    f"the cells after column {width} ({', '.join(repr(c) for c in extra if c)}) "
                    "were ignored",
                    file=name,
                    row=row_no,
                    hint=(
                        f"a value may contain the delimiter ({DELIMITER_NAMES[delimiter]}): "
                        "write decimals with a point (1.5) or quote the value, or a column "
                        "header is missing"
                    ),
                    params={"cells": len(rec), "header_cells": width},
                )
            rec = rec[:width]
        elif len(rec) < width:
            rec = rec + [""] * (width - len(rec))
        rows.append(rec)
        numbers.append(row_no)
    return _make_raw(
        header,
        rows,
        numbers,
        name,
        None,
        "csv",
        digest,
        report,
        encoding=encoding,
        delimiter=delimiter,
    )


# --------------------------------------------------------------------------- XLSX


def choose_sheet(sheets: Sequence[str], wanted: str | None) -> tuple[str | None, str | None]:
    """The sheet to read and, if there is none, why (a message)."""
    by_key = {s.strip().lower(): s for s in sheets}
    if wanted is not None:
        if wanted in sheets:
            return wanted, None
        if wanted.strip().lower() in by_key:
            return by_key[wanted.strip().lower()], None
        return None, f"there is no sheet {wanted!r}"
    if DEFAULT_SHEET in by_key:
        return by_key[DEFAULT_SHEET], None
    if len(sheets) == 1:
        return sheets[0], None
    return None, f"there is no sheet {DEFAULT_SHEET!r} and the workbook has {len(sheets)} sheets"


def _read_xlsx_fast(
    path: Path, data: bytes, digest: str, sheet: str | None, report: ValidationReport
) -> tuple[bool, RawTable | None]:
    """``(True, table)``: the sheet read by :mod:`ikp.validation.xlsx_stream` (large files in
    a fraction of openpyxl's time; table None if empty, reported); ``(False, None)``: that
    reader leaves the workbook to openpyxl (merged cells, formulas, a sheet that is not there,
    anything unexpected)."""
    sheets = workbook_sheets(data)
    if sheets is None:
        return False, None
    chosen, _why = choose_sheet(sheets, sheet)
    records = sheet_records(data, chosen) if chosen is not None else None
    if chosen is None or records is None:
        return False, None
    return True, _raw_from_records(records, path.name, chosen, digest, sheets, [], report)


def _read_xlsx(
    path: Path, data: bytes, digest: str, sheet: str | None, report: ValidationReport
) -> RawTable | None:
    import openpyxl

    name = path.name
    handled, fast = _read_xlsx_fast(path, data, digest, sheet, report)
    if handled:
        return fast
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        report.add(
            IssueCode.FILE_UNREADABLE,
            f"{name!r} cannot be read as an Excel workbook ({type(exc).__name__}: {exc})",
            file=name,
            hint="open it in Excel or LibreOffice and save it again as .xlsx, or upload CSV UTF-8",
        )
        return None
    try:
        sheets = tuple(str(s) for s in wb.sheetnames)
        chosen, why = choose_sheet(sheets, sheet)
        if chosen is None:
            wanted = sheet if sheet is not None else DEFAULT_SHEET
            hint = did_you_mean(wanted, sheets)
            report.add(
                IssueCode.WRONG_SHEET,
                f"{why}; the sheets are: {', '.join(repr(s) for s in sheets)}",
                file=name,
                sheet=wanted,
                hint=(hint + " " if hint else "")
                + f"put the data in a sheet named {DEFAULT_SHEET!r} or choose the sheet to read",
                params={"sheets": list(sheets), "wanted": wanted},
            )
            return None
        ws = wb[chosen]
        scan = scan_sheet(data, getattr(ws, "_worksheet_path", None))
        records = _sheet_records(ws, scan)
        if scan is None or scan.formulas:
            _mark_unsaved_formulas(data, chosen, records)
        merged = scan.merged if scan is not None else []
    except Exception as exc:
        report.add(
            IssueCode.FILE_UNREADABLE,
            f"{name!r} cannot be read ({type(exc).__name__}: {exc})",
            file=name,
            hint="open it in Excel or LibreOffice and save it again as .xlsx",
        )
        return None
    finally:
        wb.close()
    return _raw_from_records(records, name, chosen, digest, sheets, merged, report)


def _raw_from_records(
    records: Sequence[list[Any] | None],
    name: str,
    chosen: str,
    digest: str,
    sheets: tuple[str, ...],
    merged: list[tuple[int, int, int, int]],
    report: ValidationReport,
) -> RawTable | None:
    """The table of a sheet's rows: the first non-blank row is the header; blank rows are
    dropped, keeping the numbers of the others."""
    header_at = next(
        (
            i
            for i, rec in enumerate(records)
            if rec is not None and any(not is_blank(c) for c in rec)
        ),
        None,
    )
    if header_at is None:
        report.add(
            IssueCode.EMPTY_FILE,
            f"sheet {chosen!r} of {name!r} is empty",
            file=name,
            sheet=chosen,
            hint="fill in the template (one row per region) and upload it again",
        )
        return None
    header = [_header_text(c) for c in records[header_at] or []]
    rows: list[list[Any]] = []
    numbers: list[int] = []
    for i in range(header_at + 1, len(records)):
        record = records[i]
        if record is None:  # a blank row, not kept (see _sheet_records)
            continue
        rec = [c.strip() if isinstance(c, str) else c for c in record]
        if all(is_blank(c) for c in rec):
            continue
        rec = (rec + [None] * len(header))[: max(len(header), len(rec))]
        rows.append(rec)
        numbers.append(i + 1)
    width = max([len(header)] + [len(r) for r in rows])
    header = header + [""] * (width - len(header))
    rows = [r + [None] * (width - len(r)) for r in rows]
    if merged:
        used = [j for j, h in enumerate(header) if h or any(not is_blank(r[j]) for r in rows)]
        area = (header_at + 1, numbers[-1] if numbers else header_at + 1, max(used, default=0) + 1)
        _report_merged(merged, header, area, name, chosen, report)
    return _make_raw(header, rows, numbers, name, chosen, "xlsx", digest, report, sheets=sheets)


def _sheet_records(ws: Any, scan: SheetScan | None) -> list[list[Any] | None]:
    """The sheet's rows down to the last one with data (``scan``), as value lists; blank rows
    are kept as ``None`` (one list entry, no cells), so that a sheet with one far cell costs
    a list of references, not a million padded rows. Without a scan every row is read."""
    if scan is None:
        return [list(r) for r in ws.iter_rows(values_only=True)]
    if scan.last_row == 0:
        return []
    out: list[list[Any] | None] = []
    for row in ws.iter_rows(max_row=scan.last_row, max_col=scan.last_column, values_only=True):
        out.append(list(row) if any(c is not None for c in row) or scan.formulas else None)
    return out


def cell_address(row: int, column: int) -> str:
    """``(4, 2)`` → ``"B4"``."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _report_merged(
    merged: list[tuple[int, int, int, int]],
    header: list[str],
    area: tuple[int, int, int],
    name: str,
    sheet: str,
    report: ValidationReport,
) -> None:
    """Merged cells keep their value only in the first cell; the others read as empty (and an
    empty level of incidence counts as 0). Every merge that touches the header or the data
    (rows from the header down, columns up to the last one with a name or a value) is an
    error at its address. ``area``: the header row, the last data row, the last used column."""
    header_row, last_row, last_column = area
    for r1, c1, r2, c2 in sorted(merged):
        if r2 < header_row or r1 > last_row or c1 > last_column:
            continue
        ref = f"{cell_address(r1, c1)}:{cell_address(r2, c2)}"
        column = header[c1 - 1] if c1 <= len(header) and header[c1 - 1] else None
        report.add(
            IssueCode.MERGED_CELLS,
            f"sel {ref} digabung (merge); hanya {cell_address(r1, c1)} yang terbaca, sel "
            f"lainnya kosong / cells {ref} are merged; only {cell_address(r1, c1)} is read, "
            "the other cells are empty",
            file=name,
            sheet=sheet,
            row=r1,
            column=column,
            hint="pisahkan sel (unmerge) dan isi setiap sel / unmerge the cells and fill each one",
            params={"range": ref},
        )


def _mark_unsaved_formulas(data: bytes, sheet: str, records: list[list[Any] | None]) -> None:
    """A formula whose result was not saved in the file (written by a program, not Excel) reads
    as an empty cell, which would pass for a missing value. Put the formula text in those cells
    instead, so that validation reports them (``parse_number``). Only workbooks whose sheets
    hold formulas at all are read a second time."""
    import zipfile

    import openpyxl

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets_xml = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        if not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets_xml):
            return
    if not records:
        return
    width = max((len(r) for r in records if r is not None), default=0) or None
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        rows = wb[sheet].iter_rows(max_row=len(records), max_col=width, values_only=True)
        for i, row in enumerate(rows):
            if i >= len(records):
                break
            record = records[i]
            if record is None:
                continue
            for j, cell in enumerate(row):
                if (
                    isinstance(cell, str)
                    and cell.startswith("=")
                    and j < len(record)
                    and record[j] is None
                ):
                    record[j] = cell
    finally:
        wb.close()


def _header_text(value: object) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --------------------------------------------------------------------------- Parquet / frames


def _read_parquet(path: Path, digest: str, report: ValidationReport) -> RawTable | None:
    import pyarrow.parquet as pq

    name = path.name
    try:
        frame = pq.read_table(path).to_pandas()
    except Exception as exc:
        report.add(
            IssueCode.FILE_UNREADABLE,
            f"{name!r} cannot be read as a Parquet file ({type(exc).__name__}: {exc})",
            file=name,
            hint="write it again with pandas.DataFrame.to_parquet, or upload CSV/XLSX",
        )
        return None
    return _from_frame(frame, name, "parquet", digest, report)


def _from_frame(
    frame: pd.DataFrame, name: str, fmt: str, digest: str | None, report: ValidationReport
) -> RawTable | None:
    if not isinstance(frame.index, pd.RangeIndex) or any(n is not None for n in frame.index.names):
        frame = frame.reset_index()
    if digest is None:
        digest = hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()
    header = [_header_text(c) for c in frame.columns]
    columns = [[_plain(v) for v in frame.iloc[:, j].tolist()] for j in range(frame.shape[1])]
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    numbers = list(range(2, len(rows) + 2))
    keep = [i for i, r in enumerate(rows) if not all(is_blank(c) for c in r)]
    return _make_raw(
        header,
        [rows[i] for i in keep],
        [numbers[i] for i in keep],
        name,
        None,
        fmt,
        digest,
        report,
    )


def _plain(value: object) -> object:
    """numpy scalars to Python objects; missing markers to None."""
    if is_blank(value) and not isinstance(value, str):
        return None
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, (str, bytes, dt.datetime, dt.date)):
        try:
            return item()
        except (TypeError, ValueError):
            return value
    return value


# --------------------------------------------------------------------------- shared


def _make_raw(
    header: list[str],
    rows: list[list[Any]],
    numbers: list[int],
    name: str,
    sheet: str | None,
    fmt: str,
    digest: str | None,
    report: ValidationReport,
    **meta: Any,
) -> RawTable | None:
    # drop columns with neither a header nor any value (formatting left in spreadsheets)
    keep = [j for j, h in enumerate(header) if h or any(not is_blank(r[j]) for r in rows)]
    if len(keep) != len(header):
        header = [header[j] for j in keep]
        rows = [[r[j] for j in keep] for r in rows]
    if not rows:
        where = f"sheet {sheet!r} of {name!r}" if sheet else repr(name)
        report.add(
            IssueCode.EMPTY_FILE,
            f"{where} has a header row but no data rows",
            file=name,
            sheet=sheet,
            hint="add one row per region below the header row",
        )
        return None
    frame = pd.DataFrame(rows, columns=pd.Index(header, dtype=object), dtype=object)
    frame.index = pd.Index(numbers, name="row")
    return RawTable(frame=frame, file=name, sheet=sheet, format=fmt, sha256=digest, **meta)
