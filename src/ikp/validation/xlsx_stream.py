"""A fast reader of one worksheet's cell values, for large uploads (50,000 incident rows read in
about a second instead of openpyxl's ten).

:func:`sheet_records` streams the sheet's XML with ElementTree and returns the cell values as
openpyxl's read-only ``iter_rows(values_only=True)`` with ``data_only=True`` gives them: shared
and inline strings (rich-text runs joined, phonetic runs left out), numbers as ``int`` when
written without a decimal point or exponent and ``float`` otherwise, dates and times through
openpyxl's own format tests and ``from_excel`` (1900 and 1904 calendars), booleans, error codes
as text (``#N/A``). Row *i* of the result is sheet row *i + 1*, padded to the widest row.

It answers ``None`` — read the sheet with openpyxl instead — for what it does not handle the same
way: a sheet with merged cells or formulas (the file stage reports those), a missing part, or
any XML it does not expect.

:func:`scan_sheet` is the other streamed pass, for the sheets openpyxl reads: where the data
ends (a used range of styled empty rows can claim the whole sheet), whether any cell has a
formula, and the merged ranges.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from typing import Any

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _text(element: ET.Element) -> str:
    """The text of a shared or inline string: its ``t``, or its runs' ``t`` (not ``rPh``)."""
    parts: list[str] = []
    plain = element.find(f"{MAIN}t")
    if plain is not None and plain.text is not None:
        parts.append(plain.text)
    for run in element.findall(f"{MAIN}r"):
        t = run.find(f"{MAIN}t")
        if t is not None and t.text is not None:
            parts.append(t.text)
    return "".join(parts)


def _sheet_path(z: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{PKG_REL}Relationship")}
    for item in workbook.iter(f"{MAIN}sheet"):
        if item.get("name") == sheet:
            target = targets.get(item.get(f"{REL}id"), "")
            if not target:
                return None
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None


def _epoch(z: zipfile.ZipFile) -> Any:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    workbook = ET.fromstring(z.read("xl/workbook.xml"))
    pr = workbook.find(f"{MAIN}workbookPr")
    if pr is not None and pr.get("date1904") in ("1", "true"):
        return CALENDAR_MAC_1904
    return CALENDAR_WINDOWS_1900


def _date_styles(z: zipfile.ZipFile) -> tuple[set[int], set[int]]:
    """The style indexes whose number format is a date (and, of those, a duration)."""
    from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

    if "xl/styles.xml" not in z.namelist():
        return set(), set()
    root = ET.fromstring(z.read("xl/styles.xml"))
    custom: dict[int, str] = {}
    numfmts = root.find(f"{MAIN}numFmts")
    if numfmts is not None:
        for fmt in numfmts.findall(f"{MAIN}numFmt"):
            custom[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "")
    dates: set[int] = set()
    durations: set[int] = set()
    xfs = root.find(f"{MAIN}cellXfs")
    for idx, xf in enumerate(xfs.findall(f"{MAIN}xf") if xfs is not None else []):
        num = int(xf.get("numFmtId", "0"))
        code = custom.get(num) if num in custom else builtin_format_code(num)
        if code and is_date_format(code):
            dates.add(idx)
        if code and is_timedelta_format(code):
            durations.add(idx)
    return dates, durations


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    out: list[str] = []
    with z.open("xl/sharedStrings.xml") as fh:
        for _event, element in ET.iterparse(fh, events=("end",)):
            if element.tag == f"{MAIN}si":
                out.append(_text(element).replace("x005F_", ""))  # as openpyxl does
                element.clear()
    return out


def workbook_sheets(data: bytes) -> tuple[str, ...] | None:
    """The sheet names of a workbook, in order (None: not a workbook this module reads)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            workbook = ET.fromstring(z.read("xl/workbook.xml"))
        return tuple(str(item.get("name")) for item in workbook.iter(f"{MAIN}sheet"))
    except Exception:
        return None


def sheet_records(data: bytes, sheet: str) -> list[list[Any]] | None:
    """The values of ``sheet`` row by row (see the module docstring), or None: read it with
    openpyxl instead."""
    try:
        return _records(data, sheet)
    except Exception:  # any surprise: the caller falls back to openpyxl
        return None


# a cell, its attributes and its content; a value; inline text runs
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_ATTR = re.compile(rb'\b(r|t|s)="([^"]*)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.DOTALL)
_VALUE_EMPTY = re.compile(rb"<(?:\w+:)?v\s*/>")
_INLINE_T = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.DOTALL)
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _unescape(text: str) -> str:
    if "&" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED[name]

    return _ENTITY.sub(one, text)


def _records(data: bytes, sheet: str) -> list[list[Any]] | None:
    from openpyxl.utils.datetime import from_excel

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        path = _sheet_path(z, sheet)
        if path is None or path not in z.namelist():
            return None
        xml = z.read(path)
        if re.search(rb"mergeCell|<(?:\w+:)?f[\s>/]|_x[0-9A-Fa-f]{4}_|rPh", xml):
            return None
        strings = _shared_strings(z)
        dates, durations = _date_styles(z)
        epoch = _epoch(z)
    rows: dict[int, dict[int, Any]] = {}
    width = 0
    for match in _CELL.finditer(xml):
        attrs = dict(_ATTR.findall(match.group(1)))
        ref = attrs.get(b"r")
        if ref is None:
            return None  # cells without their address: leave them to openpyxl
        where = _CELL_REF.fullmatch(ref.decode("ascii"))
        if where is None:
            return None
        column = _column_index(where.group(1))
        row = int(where.group(2))
        kind = attrs.get(b"t", b"n")
        body = match.group(2) or b""
        value: Any = None
        if kind == b"inlineStr":
            if b"<" in body:
                value = _unescape("".join(t.decode("utf-8") for t in _INLINE_T.findall(body)))
        else:
            found = _VALUE.search(body)
            text = _unescape(found.group(1).decode("utf-8")) if found else ""
            if text:
                if kind == b"n":
                    number: int | float = (
                        float(text) if "." in text or "E" in text or "e" in text else int(text)
                    )
                    value = number
                    style = int(attrs.get(b"s", b"0") or 0)
                    if style in dates:
                        value = from_excel(number, epoch, timedelta=style in durations)
                elif kind == b"s":
                    value = strings[int(text)]
                elif kind == b"b":
                    value = bool(int(text))
                elif kind in (b"str", b"e"):
                    value = text
                else:
                    return None  # "d" (ISO dates in cells) and anything unknown
        if value is not None:
            rows.setdefault(row, {})[column] = value
            width = max(width, column + 1)
    last = max(rows, default=0)
    out: list[list[Any]] = []
    for i in range(1, last + 1):
        cells = rows.get(i)
        record: list[Any] = [None] * width
        if cells:
            for j, value in cells.items():
                record[j] = value
        out.append(record)
    return out


@dataclass(frozen=True)
class SheetScan:
    """What one pass over a sheet's XML finds: the last row and column holding a cell with
    content (``0`` if none), whether any cell has a formula, and the merged ranges."""

    last_row: int
    last_column: int
    formulas: bool
    merged: list[tuple[int, int, int, int]]


_CELL_TAG = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")
_CELL_ATTR = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >]")
_SCAN_CHUNK = 1 << 20


def scan_sheet(data: bytes, sheet_path: str | None) -> SheetScan | None:
    """Stream the sheet's XML from the zip, a megabyte at a time, and find where its data ends.

    A workbook whose user formatted whole rows or columns claims a used range of up to
    1,048,576 rows × 16,384 columns, written as a styled empty ``<row>`` or self-closing
    ``<c r="A7" s="3"/>`` per row; openpyxl reads every one of them and pads each row to the
    claimed width (gigabytes). Only cells with content (an element that is not self-closing)
    count here, so the reader can stop at the last one. ``None`` when the sheet cannot be
    scanned this way (no path, or a cell without an ``r`` address): read it all, as before."""
    if not sheet_path:
        return None
    last_row = last_column = 0
    formulas = False
    merged: list[tuple[int, int, int, int]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        try:
            stream = z.open(sheet_path.lstrip("/"))
        except KeyError:
            return None
        with stream:
            rest = b""
            while True:
                chunk = stream.read(_SCAN_CHUNK)
                buf = rest + chunk
                if chunk:  # keep an unfinished tag for the next round
                    cut = buf.rfind(b"<")
                    if cut >= 0 and buf.find(b">", cut) < 0:
                        buf, rest = buf[:cut], buf[cut:]
                    else:
                        rest = b""
                for m in _CELL_TAG.finditer(buf):
                    if m[2]:  # <c …/>: a styled empty cell
                        continue
                    ref = _CELL_ATTR.search(m[1])
                    if ref is None:
                        return None
                    last_row = max(last_row, int(ref[2]))
                    last_column = max(last_column, _column_number(ref[1]))
                if not formulas and _FORMULA_TAG.search(buf):
                    formulas = True
                if b"mergeCell" in buf:
                    for m in _MERGE_REF.finditer(buf):
                        c1, r1 = _column_number(m[1]), int(m[2])
                        c2, r2 = _column_number(m[3]), int(m[4])
                        merged.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
                if not chunk:
                    break
    return SheetScan(last_row, last_column, formulas, merged)


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for c in letters:
        number = number * 26 + (c - 64)
    return number
