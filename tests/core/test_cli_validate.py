"""``ikp validate`` output: errors first, warnings grouped by code, --errors-only, messages in
Bahasa Indonesia and English through message keys, whole row numbers in CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ikp import cli
from ikp.cli import app
from ikp.framework import load_framework
from ikp.issues import IssueCode
from ikp.messages import TEXTS
from ikp.sample import generate

runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``ikp`` on a 200-column terminal (whatever the terminal running the tests)."""
    width = cli.console._width
    cli.console._width = 200
    try:
        result = runner.invoke(app, list(args), env=env)
    finally:
        cli.console._width = width
    return result.exit_code, result.output


def validate(path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    return invoke("validate", str(path), "--province", "32", *args, env=env)


@pytest.fixture(scope="module")
def noisy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Jawa Barat's kab/kota with 30 more indicators missing a value (30 or more MISSING_VALUE warnings) and
    two real errors: a word in row 4 and a negative count in row 6."""
    fw = load_framework("ikp-2024")
    counts = generate(fw, "regency", seed=1).counts
    counts = counts[counts["region_code"].str.startswith("32.")].astype(object)
    counts = counts.drop(columns=["synthetic"]).reset_index(drop=True)
    for j, code in enumerate(fw.indicators[:30]):
        for col in [c for c in counts.columns if c == code or c.startswith(f"{code}_")]:
            counts.loc[j % len(counts), col] = None
    counts.loc[2, f"{fw.indicators[40]}_L1"] = "abc"  # file row 4 (header is row 1)
    counts.loc[4, f"{fw.indicators[41]}_L1"] = -3  # file row 6
    path = tmp_path_factory.mktemp("validate") / "jabar.csv"
    counts.to_csv(path, index=False)
    return path


def test_table_lists_errors_first_and_groups_warnings(noisy_file: Path) -> None:
    code, out = validate(noisy_file)
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("│ ")]
    marks = [line[2] for line in lines if line[2] in "✗!"]
    assert marks[:2] == ["✗", "✗"] and set(marks[2:]) == {"!"}
    n = _warnings(noisy_file)
    assert n >= 30
    assert f"MISSING_VALUE ×{n}" in out
    assert out.count("MISSING_VALUE") == 1  # one line, not thirty
    assert "bukan angka" in out and "negatif" in out  # Indonesian by default
    assert f"2 galat / errors, {n} peringatan / warnings" in out


def _warnings(path: Path) -> int:
    _, out = validate(path, "--format", "json")
    counts = json.loads(out)["counts"]
    assert set(counts) == {"NOT_NUMERIC", "NEGATIVE_COUNT", "MISSING_VALUE"}
    return int(counts["MISSING_VALUE"])


def test_all_lists_every_warning(noisy_file: Path) -> None:
    code, out = validate(noisy_file, "--all")
    assert code == 1
    assert out.count("MISSING_VALUE") == _warnings(noisy_file)


def test_lang_en_option_and_environment(noisy_file: Path) -> None:
    _, out = validate(noisy_file, "--lang", "en")
    assert "is not a number" in out and "bukan angka" not in out
    _, out = validate(noisy_file, env={"IKP_LANG": "en"})
    assert "is not a number" in out
    code, out = validate(noisy_file, "--lang", "fr")
    assert code == 1 and "--lang" in out


def test_errors_only_in_every_format(noisy_file: Path) -> None:
    _, out = validate(noisy_file, "--errors-only")
    assert "MISSING_VALUE" not in out and "NOT_NUMERIC" in out
    _, out = validate(noisy_file, "--errors-only", "--format", "json")
    data = json.loads(out)
    assert {i["severity"] for i in data["issues"]} == {"error"}
    assert (
        data["warnings"] == _warnings(noisy_file) and data["errors_only"] is True
    )  # counts still tell
    _, out = validate(noisy_file, "--errors-only", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["code"] for r in rows] == ["NOT_NUMERIC", "NEGATIVE_COUNT"]


def test_json_carries_code_params_and_both_languages(noisy_file: Path) -> None:
    _, out = validate(noisy_file, "--format", "json")
    issues = json.loads(out)["issues"]
    severities = [i["severity"] for i in issues]
    assert severities == sorted(severities)  # "error" < "warning": errors first
    bad = next(i for i in issues if i["code"] == "NOT_NUMERIC")
    assert bad["message_key"] == "issue.NOT_NUMERIC"
    assert bad["params"]["value"] == "abc"
    assert bad["message_id"] == "'abc' bukan angka"
    assert bad["message_en"] == "'abc' is not a number"
    assert "not a number" in bad["message"]  # the detailed sentence, as the web reads it
    assert bad["location"]["row"] == 4


def test_csv_rows_are_whole_numbers(noisy_file: Path) -> None:
    _, out = validate(noisy_file, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["row"] for r in rows} == {"4", "6", ""}  # warnings have no row; never "4.0"
    assert rows[0]["message_id"] and rows[0]["message_en"]


def test_every_issue_code_has_both_languages() -> None:
    for code in IssueCode:
        text = TEXTS[str(code)]
        assert text.title_id and text.title_en
        assert (text.detail_id is None) == (text.detail_en is None)


def test_an_issue_without_a_template_keeps_its_detail(tmp_path: Path) -> None:
    code, out = validate(tmp_path / "nope.csv", "--format", "json")
    assert code == 1
    (issue,) = json.loads(out)["issues"]
    assert issue["code"] == "FILE_UNREADABLE"
    assert issue["message_id"].startswith("File tidak dapat dibaca: ")
    assert "nope.csv" in issue["message_id"] and "nope.csv" in issue["message_en"]
