"""File stage: reading CSV/XLSX/Parquet/DataFrames without converting cells."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from ikp.issues import IssueCode, Severity
from ikp.validation.files import read_raw, read_table, sniff_delimiter

HEADER = "region_code,region_name,I01\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def workbook(tmp_path: Path, name: str, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


# --------------------------------------------------------------------------- CSV


def test_csv_cells_stay_strings_and_rows_are_spreadsheet_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", (HEADER + "32.01,Bogor,1.5\n\n32.02,Sukabumi,dua\n").encode())
    frame, report = read_table(path)
    assert report.ok and len(report) == 0
    assert frame is not None
    assert list(frame.columns) == ["region_code", "region_name", "I01"]
    # header = row 1, the blank row 3 is dropped but keeps its number
    assert list(frame.index) == [2, 4]
    assert frame.loc[2, "I01"] == "1.5"
    assert frame.loc[4, "I01"] == "dua"


def test_utf8_with_bom_is_read_silently(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + (HEADER + "32.01,Bogor,1\n").encode())
    raw, report = read_raw(path)
    assert report.ok and len(report) == 0
    assert raw is not None and raw.encoding == "utf-8-sig"
    assert raw.header[0] == "region_code"


def test_cp1252_is_read_with_a_warning(tmp_path: Path) -> None:
    text = HEADER + "32.01,Kabupatén Bogor,1\n"
    path = write(tmp_path, "win.csv", text.encode("cp1252"))
    raw, report = read_raw(path)
    assert raw is not None and raw.encoding == "cp1252"
    assert report.codes() == {IssueCode.NOT_UTF8}
    issue = report.issues[0]
    assert issue.severity is Severity.WARNING
    assert issue.location.row == 2 and issue.location.file == "win.csv"
    assert issue.hint and "UTF-8" in issue.hint
    assert raw.frame.iloc[0, 1] == "Kabupatén Bogor"


def test_utf16_is_read_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "u16.csv", (HEADER + "32.01,Bogor,1\n").encode("utf-16"))
    raw, report = read_raw(path)
    assert raw is not None and raw.encoding == "utf-16"
    assert report.codes() == {IssueCode.NOT_UTF8}


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("region_code,I01\n32.01,1\n", ","),
        ("region_code;I01;I02\n32.01;1,5;2\n", ";"),
        ("region_code\tI01\n32.01\t1\n", "\t"),
        ('"kode, wilayah";I01\n32.01;1\n', ";"),
        ("region_code\n32.01\n", ","),
    ],
)
def test_delimiter_is_sniffed_from_the_header(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


def test_semicolon_file_keeps_decimal_commas_in_cells(tmp_path: Path) -> None:
    path = write(tmp_path, "semi.csv", b"region_code;I01\n32.01;1,5\n")
    raw, report = read_raw(path)
    assert raw is not None and raw.delimiter == ";"
    assert raw.frame.iloc[0, 1] == "1,5"
    assert report.ok


def test_extra_cells_are_a_ragged_row(tmp_path: Path) -> None:
    path = write(tmp_path, "rag.csv", (HEADER + "32.01,Bogor,1,5\n32.02,Sukabumi,2,,\n").encode())
    raw, report = read_raw(path)
    assert raw is not None
    assert [i.code for i in report] == [IssueCode.RAGGED_ROW]
    issue = report.issues[0]
    assert issue.location.row == 2
    assert issue.hint and "decimal" in issue.hint
    # trailing empty cells (row 3) are not a problem
    assert list(raw.frame.index) == [2, 3]


def test_unclosed_quote_is_reported_with_its_line(tmp_path: Path) -> None:
    """Python's csv reader reads everything after an unclosed quote as one cell, silently; the
    reader says so, with the line where the quote opened, and returns nothing."""
    text = HEADER + '32.01,"Bogor,1\n32.02,Sukabumi,2\n32.03,Cianjur,0\n'
    raw, report = read_raw(write(tmp_path, "q.csv", text.encode()))
    assert raw is None
    (issue,) = report.issues
    assert issue.code is IssueCode.FILE_UNREADABLE and issue.location.row == 2
    assert "never closed" in issue.message and issue.hint and "close the quote" in issue.hint


def test_a_quoted_cell_with_a_line_break_is_fine(tmp_path: Path) -> None:
    text = HEADER + '32.01,"Kabupaten\nBogor",1\n32.02,Sukabumi,2\n'
    raw, report = read_raw(write(tmp_path, "ok.csv", text.encode()))
    assert raw is not None and not report.issues
    assert len(raw.frame) == 2


@pytest.mark.parametrize("data", [b"", b"  \n\n", b"\n\n"])
def test_empty_csv(tmp_path: Path, data: bytes) -> None:
    frame, report = read_table(write(tmp_path, "e.csv", data))
    assert frame is None
    assert report.codes() == {IssueCode.EMPTY_FILE}


def test_header_only_csv_is_empty(tmp_path: Path) -> None:
    frame, report = read_table(write(tmp_path, "h.csv", HEADER.encode()))
    assert frame is None
    assert report.codes() == {IssueCode.EMPTY_FILE}
    assert "no data rows" in report.issues[0].message


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    frame, report = read_table(tmp_path / "nope.csv")
    assert frame is None and report.codes() == {IssueCode.FILE_UNREADABLE}


def test_binary_and_old_excel_are_unreadable_with_a_hint(tmp_path: Path) -> None:
    _, report = read_table(write(tmp_path, "bin.csv", b"\x00\x01\x02garbage\x00"))
    assert report.codes() == {IssueCode.FILE_UNREADABLE}
    xls = write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    _, report = read_table(xls)
    assert report.codes() == {IssueCode.FILE_UNREADABLE}
    assert report.issues[0].hint and ".xlsx" in report.issues[0].hint


def test_damaged_xlsx_is_unreadable(tmp_path: Path) -> None:
    _, report = read_table(write(tmp_path, "bad.xlsx", b"PK\x03\x04 this is not a zip"))
    assert report.codes() == {IssueCode.FILE_UNREADABLE}
    assert report.issues[0].hint


def test_sha256_is_of_the_file_bytes(tmp_path: Path) -> None:
    data = (HEADER + "32.01,Bogor,1\n").encode()
    raw, _ = read_raw(write(tmp_path, "s.csv", data))
    assert raw is not None and raw.sha256 == hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- XLSX


def test_xlsx_reads_sheet_data_by_default_and_keeps_objects(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        "w.xlsx",
        {
            "petunjuk": [["read me"]],
            "Data": [["region_code", "I01"], ["32.01", 1.5], [None, None], [3202, "dua"]],
        },
    )
    raw, report = read_raw(path)
    assert report.ok
    assert raw is not None and raw.sheet == "Data" and raw.sheets == ("petunjuk", "Data")
    assert list(raw.frame.index) == [2, 4]
    assert raw.frame.iloc[0, 1] == 1.5
    assert raw.frame.iloc[1, 0] == 3202
    assert raw.frame.iloc[1, 1] == "dua"


def test_xlsx_single_sheet_is_used_whatever_its_name(tmp_path: Path) -> None:
    path = workbook(tmp_path, "one.xlsx", {"Sheet1": [["region_code", "I01"], ["32.01", 1]]})
    raw, report = read_raw(path)
    assert report.ok and raw is not None and raw.sheet == "Sheet1"


def test_xlsx_wrong_sheet_names_the_sheets_present(tmp_path: Path) -> None:
    path = workbook(tmp_path, "ws.xlsx", {"dta": [["region_code"], ["32.01"]], "petunjuk": [["x"]]})
    frame, report = read_table(path)
    assert frame is None
    assert report.codes() == {IssueCode.WRONG_SHEET}
    issue = report.issues[0]
    assert "'dta'" in issue.message and "'petunjuk'" in issue.message
    assert issue.hint and "did you mean 'dta'" in issue.hint
    assert issue.params["sheets"] == ["dta", "petunjuk"]
    # an explicit sheet that is missing, and one that exists
    _, report = read_table(path, sheet="Daten")
    assert report.codes() == {IssueCode.WRONG_SHEET}
    frame, report = read_table(path, sheet="dta")
    assert report.ok and frame is not None and len(frame) == 1


def test_xlsx_empty_sheet_and_header_only(tmp_path: Path) -> None:
    _, report = read_table(workbook(tmp_path, "e1.xlsx", {"data": []}))
    assert report.codes() == {IssueCode.EMPTY_FILE}
    _, report = read_table(workbook(tmp_path, "e2.xlsx", {"data": [["region_code", "I01"]]}))
    assert report.codes() == {IssueCode.EMPTY_FILE}


def test_xlsx_drops_unnamed_empty_columns(tmp_path: Path) -> None:
    path = workbook(
        tmp_path, "c.xlsx", {"data": [["region_code", None, "I01", None], ["32.01", None, 1, None]]}
    )
    raw, _ = read_raw(path)
    assert raw is not None and raw.header == ["region_code", "I01"]


# --------------------------------------------------------------------------- Parquet, frames


def test_parquet_and_frames(tmp_path: Path) -> None:
    frame = pd.DataFrame({"region_code": ["32.01", "32.02"], "I01": [1.0, float("nan")]})
    path = tmp_path / "p.parquet"
    frame.to_parquet(path, index=False)
    raw, report = read_raw(path)
    assert report.ok and raw is not None and raw.format == "parquet"
    assert list(raw.frame.index) == [2, 3]
    assert raw.frame.iloc[1, 1] is None
    # a DataFrame indexed by region_code: the index comes back as a column
    raw, report = read_raw(frame.set_index("region_code"))
    assert report.ok and raw is not None and raw.file == "<DataFrame>"
    assert raw.header == ["region_code", "I01"]
    assert raw.sha256 is not None


def test_unreadable_parquet(tmp_path: Path) -> None:
    _, report = read_table(write(tmp_path, "x.parquet", b"PAR1 not really"))
    assert report.codes() == {IssueCode.FILE_UNREADABLE}


def test_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.csv", (HEADER + "32.01,Bogor,1\n" * 50).encode())
    raw, report = read_raw(path, max_bytes=100)
    assert raw is None and report.codes() == {IssueCode.FILE_UNREADABLE}
    assert "limit" in report.issues[0].message
    raw, report = read_raw(path, max_bytes=None)
    assert raw is not None and report.ok
