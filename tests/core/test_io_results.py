"""Writing results (issue 7): the XLSX streams rows in openpyxl's write-only mode and never
stores text as a formula, the JSON is compact, and the records keep today's plain values."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText
from tests.core.conftest import make_counts

from ikp import SYNTHETIC_LABEL
from ikp.framework import Framework
from ikp.io.cells import safe_text
from ikp.io.results import write_results
from ikp.jsonsafe import plain, records
from ikp.run import IndexRun, compute
from ikp.uncertainty import UncertaintySpec, run_uncertainty

EVIL_NAME = '=HYPERLINK("http://example.invalid","klik")'


@pytest.fixture(scope="module")
def written(ikp2024: Framework, tmp_path_factory: pytest.TempPathFactory) -> tuple[IndexRun, Path]:
    raw = make_counts(ikp2024, n=30)
    names = {r: f"Wilayah {r}" for r in raw.regions}
    names[raw.regions[0]] = EVIL_NAME
    names[raw.regions[1]] = "-Kabupaten Minus"
    coverage = {"warning": "+Sebagian wilayah saja", "warning_en": "@Partial coverage"}
    run = compute(
        ikp2024,
        raw,
        "regency",
        region_names=names,
        metadata={"synthetic": True, "coverage": coverage},
    )
    unc = run_uncertainty(run, UncertaintySpec(n_runs=8, seed=3)).table
    out = tmp_path_factory.mktemp("results")
    write_results(run, out, uncertainty=unc, basename="t")
    return run, out


def sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {
            n: zf.read(n).decode("utf-8")
            for n in zf.namelist()
            if n.startswith("xl/worksheets/sheet")
        }


def test_xlsx_is_streamed_in_write_only_mode(written: tuple[IndexRun, Path]) -> None:
    # a workbook kept in memory (pandas.ExcelWriter, openpyxl's normal mode) writes each
    # sheet's <dimension> before its rows; ikp.io.xlsx streams rows and does not
    sheets = sheet_xml(written[1] / "t-results.xlsx")
    assert len(sheets) == 6
    for xml in sheets.values():
        assert "<dimension" not in xml


def test_xlsx_never_stores_text_as_a_formula(written: tuple[IndexRun, Path]) -> None:
    path = written[1] / "t-results.xlsx"
    assert all("<f>" not in xml for xml in sheet_xml(path).values())
    wb = load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells}
    assert EVIL_NAME in texts
    assert "-Kabupaten Minus" in texts
    assert "+Sebagian wilayah saja / @Partial coverage" in texts


def test_xlsx_keeps_sheets_labels_and_columns(written: tuple[IndexRun, Path]) -> None:
    run, out = written
    wb = load_workbook(out / "t-results.xlsx")
    assert wb.sheetnames == ["info", "indeks", "skor", "peringkat", "kelas", "reliabilitas"]
    info = {r[0]: r[1] for r in wb["info"].iter_rows(min_row=2, values_only=True)}
    assert SYNTHETIC_LABEL in info["PERINGATAN / WARNING"]
    assert "+Sebagian" in info["PERINGATAN CAKUPAN / COVERAGE WARNING"]
    header = [c.value for c in next(wb["indeks"].iter_rows(max_row=1))]
    assert header[:3] == ["synthetic", "coverage_warning", "region_code"]
    assert "prob_tinggi" in header and "rank_p05" in header
    skor = list(wb["skor"].iter_rows(values_only=True))
    assert skor[0][:2] == ("region_code", "synthetic")
    assert len(skor) == 31 and all(row[1] is True for row in skor[1:])


def test_json_is_compact_and_keeps_the_tables(written: tuple[IndexRun, Path]) -> None:
    text = (written[1] / "t-results.json").read_text("utf-8")
    assert text.startswith('{"meta":{"framework":"ikp-2024",')
    assert "\n" not in text
    payload = json.loads(text)
    assert payload["meta"]["label"] == SYNTHETIC_LABEL
    assert len(payload["index"]) == 30
    assert payload["index"][0]["coverage_warning"].startswith("+Sebagian")
    assert "prob_tinggi" in payload["index"][0]


def test_safe_text_neutralises_formula_prefixes() -> None:
    for text in ("=1+1", "+A1", "-2+3", "@SUM(A1)"):
        value = safe_text(text)
        assert isinstance(value, CellRichText)
        assert str(value) == text
    for value in ("Kabupaten Bogor", "", "a=b", "-1", 3, -1.5, None, True):
        assert safe_text(value) is value


def test_records_are_plain_values_like_cell_by_cell_conversion() -> None:
    frame = pd.DataFrame(
        {
            "f": [1.5, np.nan, np.inf, -np.inf],
            "i": np.array([1, 2, 3, 4], dtype=np.int64),
            "b": [True, False, True, False],
            "s": pd.array(["a", None, "c", "d"], dtype="string"),
            "o": [np.float64(2.5), None, "x", np.int32(7)],
            "c": pd.Categorical(["low", "high", None, "low"]),
            "n": pd.array([1, None, 3, 4], dtype="Int64"),
        }
    )
    got = records(frame)
    expected = [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
    assert got[0] == {"f": 1.5, "i": 1, "b": True, "s": "a", "o": 2.5, "c": "low", "n": 1}
    assert got[1] == {"f": None, "i": 2, "b": False, "s": None, "o": None, "c": "high", "n": None}
    assert got[2]["f"] is None and got[3]["f"] is None and got[2]["c"] is None
    assert got == expected
    assert [type(v) for v in got[0].values()] == [float, int, bool, str, float, str, int]
    assert records(pd.DataFrame(index=range(2))) == [{}, {}]


def test_xlsx_values_read_back_exactly(written: tuple[IndexRun, Path]) -> None:
    """The fast writer's numbers, text, booleans and blanks read back as the CSV has them."""
    out = written[1]
    sheet = pd.read_excel(out / "t-results.xlsx", sheet_name="indeks", dtype={"region_code": str})
    table = pd.read_csv(out / "t-index.csv", dtype={"region_code": str})
    assert list(sheet.columns) == list(table.columns)
    pd.testing.assert_frame_equal(sheet, table, check_dtype=False)


def test_xlsx_writer_drops_characters_xml_forbids(tmp_path: Path) -> None:
    from ikp.io.xlsx import column_letter, write_xlsx

    assert [column_letter(j) for j in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    path = write_xlsx(
        tmp_path / "x.xlsx",
        {"a&b": [("t", "n", "b"), (" a\x01<b> ", 1.5, True), (None, float("nan"), False)]},
    )
    wb = load_workbook(path)
    assert wb.sheetnames == ["a&b"]
    assert list(wb["a&b"].iter_rows(values_only=True)) == [
        ("t", "n", "b"),
        (" a<b> ", 1.5, True),
        (None, None, False),
    ]
