"""An XLSX whose user formatted whole rows claims 1,048,576 rows × 16,384 columns of styled
empty cells; reading it must cost what its data costs (it took minutes and gigabytes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.core.styled_xlsx import LAST_ROW, PROVINCE, styled_workbook
from typer.testing import CliRunner

from ikp.cli import app
from ikp.validation.files import read_raw
from ikp.validation.xlsx_stream import scan_sheet


@pytest.fixture(scope="module")
def styled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return styled_workbook(tmp_path_factory.mktemp("styled") / "styled.xlsx")


def test_the_fixture_claims_the_whole_sheet(styled: Path) -> None:
    import zipfile

    with zipfile.ZipFile(styled) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    assert f'<dimension ref="A1:XFD{LAST_ROW}"'.encode() in xml
    assert f'<row r="{LAST_ROW}" '.encode() in xml
    assert xml.count(b"<row ") == LAST_ROW


def test_scan_finds_where_the_data_ends(styled: Path) -> None:
    scan = scan_sheet(styled.read_bytes(), "xl/worksheets/sheet1.xml")
    assert scan is not None
    assert scan.last_row == 6  # header + 5 kabupaten/kota
    assert 180 < scan.last_column < 200  # region code, name and the count columns
    assert not scan.formulas and scan.merged == []


def test_reader_returns_only_the_data_rows(styled: Path) -> None:
    raw, report = read_raw(styled)
    assert raw is not None, report
    assert list(raw.frame.index) == [2, 3, 4, 5, 6]
    assert raw.header[:2] == ["region_code", "region_name"]
    assert raw.frame.shape[1] == len(raw.header)
    assert all(code.startswith(f"{PROVINCE}.") for code in raw.frame["region_code"])


def test_validate_accepts_it(styled: Path) -> None:
    result = CliRunner().invoke(
        app, ["validate", str(styled), "--province", PROVINCE, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["errors"] == 0
