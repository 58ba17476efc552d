"""The clear marker (KOSONGKAN, or CLEAR, any case): the core reads it as an empty cell; the web
upload tells the two apart (an empty cell keeps a stored value, the marker clears it). The
template says so in both languages and lets the marker be typed into a number cell."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest

from ikp.framework import load_framework
from ikp.io import template_columns, validate_data, write_template
from ikp.issues import IssueCode
from ikp.validation.tables import CLEAR_MARKER, is_clear_marker, parse_number


@pytest.mark.parametrize("cell", ["KOSONGKAN", "kosongkan", " Kosongkan ", "CLEAR", "clear"])
def test_the_marker_reads_as_no_value(cell: object) -> None:
    assert is_clear_marker(cell)
    assert parse_number(cell) is None


@pytest.mark.parametrize("cell", ["", None, 0, "0", "-", "kosong", "n/a", math.nan])
def test_other_cells_are_not_the_marker(cell: object) -> None:
    assert not is_clear_marker(cell)


def test_a_csv_with_the_marker_is_valid(tmp_path: Path) -> None:
    fw = load_framework("ikp-2024")
    headers = [c.header for c in template_columns(fw)]
    row = ["32.01", "Kabupaten Bogor"] + ["1"] * (len(headers) - 2)
    row[2] = CLEAR_MARKER
    row[3] = "clear"
    path = tmp_path / "bogor.csv"
    path.write_text(",".join(headers) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    report = validate_data(path, fw, "regency", province="32")
    assert IssueCode.NOT_NUMERIC not in report.codes()
    assert report.ok, [i.message for i in report.errors]


def test_the_template_explains_the_marker_in_both_languages(tmp_path: Path) -> None:
    fw = load_framework("ikp-2024")
    wb = openpyxl.load_workbook(write_template(fw, "regency", tmp_path / "t.xlsx", province="32"))
    help_text = "\n".join(str(r[0]) for r in wb["petunjuk"].iter_rows(values_only=True) if r[0])
    assert "sel kosong TIDAK mengubah" in help_text and "empty cell does NOT change" in help_text
    assert help_text.count(CLEAR_MARKER) >= 4 and "CLEAR" in help_text
    rules = wb["data"].data_validations.dataValidation
    assert rules and all(dv.errorStyle == "warning" for dv in rules)
    assert all(CLEAR_MARKER in (dv.error or "") for dv in rules)
