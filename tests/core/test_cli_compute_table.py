"""``ikp compute``'s terminal table (whole ranks, 2-decimal scores, the province of each kab/kota,
``--top``) and its CSV files (a UTF-8 BOM for Excel, read back by every reader)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from tests.core.cli_runner import invoke as run

from ikp.compare import read_results


def invoke(*args: str) -> tuple[int, str]:
    return run(*args, stdout_only=True)


def _rows(out: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("│").split("│")]
        for line in out.splitlines()
        if line.startswith("│")
    ]


def test_table_has_whole_ranks_rounded_scores_and_provinces() -> None:
    code, out = invoke("compute", "--sample", "--top", "5")
    assert code == 0, out
    header = next(line for line in out.splitlines() if line.startswith("┃"))
    assert "province" in header
    rows = _rows(out)
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5"]
    for row in rows:
        assert re.fullmatch(r"\d+\.\d\d", row[4])  # score
        assert row[3] and row[3] != row[2]  # a province name, not the kab/kota's own
    assert "Jawa Timur" in out or "Jawa Barat" in out or "Sumatera" in out


def test_limit_still_works_and_top_limits_csv() -> None:
    code, out = invoke("compute", "--sample", "--limit", "3")
    assert code == 0 and len(_rows(out)) == 3
    code, out = invoke("compute", "--sample", "--top", "4", "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert not out.startswith("\ufeff")  # no BOM on stdout
    assert lines[0].startswith("rank,region_code,region_name,province,score")
    assert len(lines) == 1 + 4


def test_province_level_has_no_province_column() -> None:
    code, out = invoke("compute", "--sample", "--level", "province", "--top", "3")
    assert code == 0
    header = next(line for line in out.splitlines() if line.startswith("┃"))
    assert "province" not in header


def test_results_csv_has_a_bom_and_reads_back(tmp_path: Path) -> None:
    for name in ("a", "b"):
        code, out = invoke(
            "compute", "--sample", "--level", "province", "--formats", "csv", "--out",
            str(tmp_path / name),
        )  # fmt: skip
        assert code == 0, out
    results = tmp_path / "a" / "ikp-2024-province-results.csv"
    index = tmp_path / "a" / "ikp-2024-province-index.csv"
    for path in (results, index):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(results, dtype={"region_code": str}, encoding="utf-8-sig")
    assert frame.columns[0] == "synthetic" and "region_code" in frame.columns
    assert len(read_results(results)) == len(frame)
    assert pd.read_csv(index).columns[0] == "synthetic"  # pandas' default reader skips it too
    code, out = invoke(
        "compare", str(results), str(tmp_path / "b" / "ikp-2024-province-results.csv")
    )
    assert code == 0, out
