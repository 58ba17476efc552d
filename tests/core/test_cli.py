"""The ``ikp`` command: happy paths on small inputs and every error path exits 1 with a
clear message, writing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ikp.cli import app

FIXTURES = Path(__file__).parents[1] / "fixtures"
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_help_is_bilingual() -> None:
    code, out = invoke("--help")
    assert code == 0
    assert "Indeks Kerawanan Pemilu" in out
    assert "Election Vulnerability Index" in out
    for verb in (
        "demo",
        "compute",
        "validate",
        "template",
        "audit",
        "uncertainty",
        "compare",
        "framework",
        "regions",
    ):
        assert verb in out


def test_framework_show_and_check_builtin() -> None:
    code, out = invoke("framework", "show", "ikp-2024")
    assert code == 0 and "Konteks Sosial dan Politik" in out
    code, out = invoke("framework", "check", "ikp-2024")
    assert code == 0 and "61 indikator" in out


def test_framework_check_reports_every_problem_and_fails() -> None:
    code, out = invoke(
        "framework", "check", str(FIXTURES / "frameworks" / "broken.yaml"), "--format", "json"
    )
    assert code == 1
    report = json.loads(out)
    codes = set(report["counts"])
    assert {
        "DUPLICATE_CODE",
        "UNKNOWN_PARENT",
        "AGGREGATE_WITHOUT_CHILDREN",
        "BAD_WEIGHT",
        "BAD_DIRECTION",
        "SKIPPED_LEVEL",
    } <= codes


def test_framework_export_coinr_table(tmp_path: Path) -> None:
    out = tmp_path / "imeta.csv"
    code, _ = invoke("framework", "export", "ikp-2024", str(out))
    assert code == 0
    table = pd.read_csv(out)
    assert {"iCode", "Parent", "Level", "Weight", "Direction", "Type"} <= set(table.columns)
    assert (table["Type"] == "Indicator").sum() == 61


def test_unknown_framework_is_a_clear_error() -> None:
    code, out = invoke("framework", "show", "ikp-2019")
    assert code == 1
    assert "ikp-2024" in out


def test_regions_lookup_by_code_and_name() -> None:
    code, out = invoke("regions", "3204", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["kode"] == "32.04" and "Bandung" in rows[0]["nama"]
    code, out = invoke("regions", "kab. bogor", "--format", "csv")
    assert code == 0 and "32.01" in out.splitlines()[1]


def test_regions_unknown_code_fails() -> None:
    code, out = invoke("regions", "32.99")
    assert code == 1
    assert "32.99" in out


def test_compute_sample_writes_all_formats(tmp_path: Path) -> None:
    code, out = invoke(
        "compute", "--sample", "--level", "province", "--out", str(tmp_path), "--format", "csv"
    )
    assert code == 0, out
    names = {p.name for p in tmp_path.iterdir()}
    for suffix in (
        "results.csv",
        "index.csv",
        "results.xlsx",
        "results.json",
        "results.parquet",
        "recipe.yaml",
    ):
        assert f"ikp-2024-province-{suffix}" in names
    payload = json.loads((tmp_path / "ikp-2024-province-results.json").read_text())
    assert payload["meta"]["synthetic"] is True
    assert "DATA SINTETIS" in payload["meta"]["label"]


def test_compute_recipe_reproduces_and_compare(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert (
        invoke("compute", "--sample", "--level", "province", "--out", str(a), "--formats", "csv")[0]
        == 0
    )
    data = tmp_path / "data.csv"
    from ikp.framework import load_framework
    from ikp.sample import generate

    generate(load_framework("ikp-2024"), "province", seed=2024).counts.to_csv(data, index=False)
    code, out = invoke(
        "compute",
        str(data),
        "--recipe",
        str(a / "ikp-2024-province-recipe.yaml"),
        "--out",
        str(b),
        "--formats",
        "csv",
    )
    assert code == 0, out
    ra = pd.read_csv(a / "ikp-2024-province-results.csv")
    rb = pd.read_csv(b / "ikp-2024-province-results.csv")
    pd.testing.assert_series_equal(ra["score"], rb["score"])
    code, out = invoke(
        "compare",
        str(a / "ikp-2024-province-results.csv"),
        str(b / "ikp-2024-province-results.csv"),
        "--format",
        "json",
    )
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 38 and all(r["score_change"] in (0, None) for r in rows)


def test_compare_rejects_a_non_results_file(tmp_path: Path) -> None:
    bogus = tmp_path / "x.csv"
    bogus.write_text("a,b\n1,2\n")
    code, out = invoke("compare", str(bogus), str(bogus))
    assert code == 1
    assert "results" in out


def test_validate_bad_file_lists_issues_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("region_code,I01,I02\n32.04,1,x\n32.04,-1,2\n99.99,1,1\n")
    code, out = invoke("validate", str(bad), "--framework", "ikp-2024", "--format", "json")
    assert code == 1
    report = json.loads(out)
    codes = set(report["counts"])
    assert {"NOT_NUMERIC", "DUPLICATE_REGION_CODE", "UNKNOWN_REGION_CODE"} <= codes


def test_compute_bad_file_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("region_code,I01\n32.04,abc\n")
    out = tmp_path / "out"
    code, _ = invoke("compute", str(bad), "--out", str(out))
    assert code == 1
    assert not out.exists()


def test_compute_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    code, out = invoke("compute", str(tmp_path / "nope.csv"))
    assert code == 1


def test_template_writes_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    code, out = invoke("template", str(path), "--level", "regency", "--province", "32")
    assert code == 0, out
    assert path.exists()


@pytest.mark.parametrize("verb", ["audit", "uncertainty"])
def test_audit_and_uncertainty_on_sample(verb: str) -> None:
    args = [verb, "--sample", "--level", "province", "--format", "json"]
    if verb == "uncertainty":
        args += ["--runs", "100"]
    code, out = invoke(*args)
    assert code == 0, out


def test_audit_pval_blanks_insignificant_correlations() -> None:
    code, out = invoke("audit", "--sample", "--level", "province", "--format", "json")
    assert code == 0, out
    full = json.loads(out[out.index("{") :])
    code, out = invoke(
        "audit", "--sample", "--level", "province", "--format", "json", "--pval", "1e-6"
    )
    assert code == 0, out
    filtered = json.loads(out[out.index("{") :])
    assert filtered["thresholds"]["pval"] == 1e-6
    pairs = list(zip(full["correlations"], filtered["correlations"], strict=True))
    assert {"parent", "ancestor", "sibling"} == {a["relation"] for a, _ in pairs}
    blanked = [b for a, b in pairs if a["pearson_p"] is not None and a["pearson_p"] > 1e-6]
    assert blanked and all(b["pearson"] is None for b in blanked)
    kept = [(a, b) for a, b in pairs if a["pearson_p"] is not None and a["pearson_p"] <= 1e-6]
    assert kept and all(a["pearson"] == b["pearson"] for a, b in kept)
