"""``ikp tps sample | validate | aggregate`` round trip through Typer's CliRunner, on a small
SYNTHETIC list (one province, a few thousand TPS)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from tests.core.cli_runner import invoke


@pytest.fixture(scope="module")
def sample_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tps") / "tps.csv"
    code, out = invoke(
        "tps", "sample", "--out", str(path), "--tps", "2000", "--province", "31", "--seed", "7"
    )
    assert code == 0, out
    assert "SINTETIS" in out and "SYNTHETIC" in out
    assert "2,000 TPS" in out
    return path


def test_sample_writes_a_labelled_file(sample_csv: Path) -> None:
    frame = pl.read_csv(sample_csv, infer_schema=False)
    assert frame.height == 2000
    assert frame["synthetic"].unique().to_list() == ["true"]
    assert frame.columns[:4] == ["tps_code", "village_code", "tps_number", "voters"]


def test_sample_refuses_an_unknown_suffix(tmp_path: Path) -> None:
    code, out = invoke("tps", "sample", "--out", str(tmp_path / "tps.txt"), "--tps", "300")
    assert code == 1 and ".csv, .xlsx or .parquet" in out


def test_validate_passes_the_sample(sample_csv: Path) -> None:
    code, out = invoke("tps", "validate", str(sample_csv))
    assert code == 0, out
    assert "2,000 TPS (wide)" in out and "SINTETIS" in out


def test_validate_reports_errors_with_exit_status_1(tmp_path: Path, sample_csv: Path) -> None:
    lines = sample_csv.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[5] = "mungkin"  # T02 on row 4
    lines[3] = ",".join(cells)
    lines[6] = lines[5]  # row 7 repeats row 6
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = invoke("tps", "validate", str(bad))
    assert code == 1
    assert "BAD_CHECK_VALUE" in out and "DUPLICATE_TPS_CODE" in out
    assert "mungkin" in out
    code, out = invoke("tps", "validate", str(bad), "--format", "json")
    assert code == 1
    data = json.loads(out[out.index("{") :])
    assert data["ok"] is False and data["errors"] == 2
    rows = {i["code"]: (i["location"]["row"], i["location"]["column"]) for i in data["issues"]}
    assert rows["BAD_CHECK_VALUE"] == (4, "t02")
    assert rows["DUPLICATE_TPS_CODE"][0] == 6


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_aggregate_writes_level_and_national_tables(
    sample_csv: Path, tmp_path: Path, fmt: str
) -> None:
    code, out = invoke(
        "tps",
        "aggregate",
        str(sample_csv),
        "--level",
        "district",
        "--out",
        str(tmp_path),
        "--format",
        fmt,
    )
    assert code == 0, out
    assert "Bawaslu" in out and "125,224" in out  # T01's published national count
    assert "SINTETIS" in out
    district = tmp_path / f"tps-district.{fmt}"
    national = tmp_path / f"tps-national.{fmt}"
    assert district.exists() and national.exists()
    if fmt == "xlsx":
        return
    read = pl.read_csv if fmt == "csv" else pl.read_parquet
    table = read(district)
    nation = read(national)
    assert table.height == 44  # the kecamatan of DKI Jakarta
    assert nation["n_tps"].to_list() == [2000]
    assert table["n_tps"].sum() == 2000
    assert table["synthetic"].all()


def test_aggregate_stops_on_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("tps_code,village_code,T01\n1101012001001,11.01.01.9999,1\n", encoding="utf-8")
    code, out = invoke("tps", "aggregate", str(bad), "--out", str(tmp_path / "out"))
    assert code == 1 and "UNKNOWN_REGION_CODE" in out
    assert not (tmp_path / "out").exists()
