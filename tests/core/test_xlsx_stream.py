"""The fast sheet reader gives the same values as openpyxl (read-only, data only): every
fixture workbook, and a workbook with each kind of cell (shared and inline strings, rich text,
ints and floats, dates, times and durations, booleans, errors, gaps); it leaves sheets with
merged cells or formulas to openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from ikp.validation.xlsx_stream import sheet_records

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures").rglob("*.xlsx"))


def trimmed(records: list[list[Any]]) -> list[list[Any]]:
    rows = [list(r) for r in records]
    while rows and all(c is None for c in rows[-1]):
        rows.pop()
    width = max(
        (max((j + 1 for j, c in enumerate(r) if c is not None), default=0) for r in rows), default=0
    )
    return [(r + [None] * width)[:width] for r in rows]


def openpyxl_records(data: bytes, sheet: str) -> list[list[Any]]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_same_values_as_openpyxl_on_the_fixtures(path: Path) -> None:
    data = path.read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    sheets = list(wb.sheetnames)
    wb.close()
    for sheet in sheets:
        fast = sheet_records(data, sheet)
        if fast is not None:
            assert trimmed(fast) == trimmed(openpyxl_records(data, sheet)), sheet


def workbook(fill: Any) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    fill(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_kind_of_cell() -> None:
    def fill(ws: Any) -> None:
        ws.append(["kode", "teks", "angka", "pecahan", "tanggal", "waktu", "ya", "galat"])
        ws.append(
            [
                "32.01",
                "Bogor",
                3,
                2.5,
                dt.datetime(2024, 1, 10, 9, 30),
                dt.time(9, 30),
                True,
                "=NA()",
            ]
        )
        ws["H2"] = None
        ws.append([])
        ws["A4"] = CellRichText(["kaya ", TextBlock(InlineFont(b=True), "teks")])
        ws["C4"] = 1e20
        ws["D4"] = dt.date(2024, 2, 29)
        ws["E4"] = dt.timedelta(hours=30)
        ws["K6"] = "jauh"

    data = workbook(fill)
    fast = sheet_records(data, "data")
    assert fast is not None
    assert trimmed(fast) == trimmed(openpyxl_records(data, "data"))
    assert fast[1][4] == dt.datetime(2024, 1, 10, 9, 30) and fast[1][2] == 3


def test_merged_cells_and_formulas_are_left_to_openpyxl() -> None:
    assert sheet_records(workbook(lambda ws: ws.merge_cells("A1:B1")), "data") is None
    assert sheet_records(workbook(lambda ws: ws.append([1, "=A1*2"])), "data") is None
    assert sheet_records(workbook(lambda ws: ws.append([1])), "tidak-ada") is None
    assert sheet_records(b"not a zip", "data") is None
