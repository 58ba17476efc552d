"""Issue 7: data must never be lost or silently changed on the way in (merged cells, counts
that are not finite or not plausible, non-ASCII digits, UTF-16 without BOM, terminal markup in
cells, formulas in the spreadsheets the platform writes)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from ikp.cli import app
from ikp.framework import Framework
from ikp.io import load_data, validate_data
from ikp.io.cells import safe_text
from ikp.issues import Issue, IssueCode, Severity, ValidationReport
from ikp.validation.files import read_raw
from ikp.validation.tables import MAX_EXACT, parse_number

NODES: list[dict[str, Any]] = [
    {"code": "IDX", "name": {"id": "Indeks"}, "level": 2},
    {"code": "C1", "name": {"id": "Hitung"}, "level": 1, "parent": "IDX", "type": "count"},
    {
        "code": "R1",
        "name": {"id": "Rasio"},
        "level": 1,
        "parent": "IDX",
        "type": "rate",
        "min_value": 0,
        "max_value": 100,
    },
]


def framework(**c1: Any) -> Framework:
    nodes = [dict(n) for n in NODES]
    nodes[1].update(c1)
    return Framework.from_dict(
        {
            "id": "mini",
            "name": {"id": "Mini", "en": "Mini"},
            "region_levels": ["province", "regency"],
            "incidence_levels": [
                {"code": "L1", "name": {"id": "rendah", "en": "low"}, "weight": 1},
                {"code": "L2", "name": {"id": "tinggi", "en": "high"}, "weight": 3},
            ],
            "classification": {"method": "fixed", "cutoffs": {"default": [33, 66]}},
            "nodes": nodes,
        }
    )


@pytest.fixture(scope="module")
def fw() -> Framework:
    return framework()


HEADER = ["region_code", "C1_L1", "C1_L2", "R1"]
ROWS: list[list[Any]] = [
    ["65.01", 1, 2, 10],
    ["65.02", 0, 0, 20],
    ["65.03", 3, 1, 30],
    ["65.04", 2, 2, 40],
    ["65.71", 2, 1, 50],
]


def check(source: Any, fw: Framework) -> ValidationReport:
    return validate_data(source, fw, "regency", province="65")


def only(report: ValidationReport, code: IssueCode) -> list[Issue]:
    return [i for i in report if i.code is code]


def csv_file(tmp_path: Path, rows: list[list[Any]], name: str = "data.csv") -> Path:
    path = tmp_path / name
    lines = [",".join(HEADER)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def xlsx_file(tmp_path: Path, rows: list[list[Any]], merge: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    for ref in merge:
        ws.merge_cells(ref)
    path = tmp_path / "data.xlsx"
    wb.save(path)
    return path


# --------------------------------------------------------------------------- merged cells


def test_merged_cells_in_the_data_are_errors_at_their_address(
    tmp_path: Path, fw: Framework
) -> None:
    """B4:C4 merged: openpyxl reads C4 (level L2) as empty, which would count 0."""
    path = xlsx_file(tmp_path, ROWS, merge=("B4:C4", "A10:B10"))
    report = check(path, fw)
    merged = only(report, IssueCode.MERGED_CELLS)
    assert [i.params["range"] for i in merged] == ["B4:C4"]  # row 10 is below the data
    (issue,) = merged
    assert issue.severity is Severity.ERROR
    assert issue.location.row == 4 and issue.location.column == "C1_L1"
    assert "B4:C4" in issue.message and issue.hint and "unmerge" in issue.hint
    with pytest.raises(Exception, match="MERGED_CELLS|merge"):
        load_data(path, fw, "regency", province="65")


def test_merges_outside_the_data_do_not_matter(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, ROWS, merge=("F2:G3", "A12:D12"))
    raw, report = read_raw(path)
    assert raw is not None and len(report) == 0
    assert raw.header == HEADER


def test_merged_header_cells_are_reported(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, ROWS, merge=("B1:C1",))
    _, report = read_raw(path)
    (issue,) = only(report, IssueCode.MERGED_CELLS)
    assert issue.location.row == 1 and issue.params["range"] == "B1:C1"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "cell", ["１２", "٣", "2e0\u0661", str(MAX_EXACT + 1), MAX_EXACT + 1, -(MAX_EXACT + 1)]
)
def test_parse_number_refuses_what_it_would_change(cell: object) -> None:
    assert isinstance(parse_number(cell), str)


def test_full_width_digits_get_a_hint(tmp_path: Path, fw: Framework) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][1] = "１２"
    (issue,) = only(check(csv_file(tmp_path, rows), fw), IssueCode.NOT_NUMERIC)
    assert issue.location.row == 2 and issue.hint and "0–9" in issue.hint


@pytest.mark.parametrize("value", ["1e308", 1e308, 1e17])
def test_huge_counts_are_refused_not_weighted_to_infinity(
    tmp_path: Path, fw: Framework, value: object
) -> None:
    """1e308 × level weight 3 overflowed to infinity, then became a missing value that was
    imputed: the cell is an error at its row and column instead (CSV text and XLSX number)."""
    rows = [list(r) for r in ROWS]
    rows[1][2] = value
    path = csv_file(tmp_path, rows) if isinstance(value, str) else xlsx_file(tmp_path, rows)
    report = check(path, fw)
    (issue,) = only(report, IssueCode.OUT_OF_RANGE)
    assert issue.severity is Severity.ERROR
    assert issue.location.row == 3 and issue.location.column == "C1_L2"


def test_rates_beyond_exact_integers_are_refused(tmp_path: Path) -> None:
    fw = framework(type="score")  # no range, no default plausibility
    path = tmp_path / "data.csv"
    path.write_text("region_code,C1,R1\n65.01,1e300,1\n65.02,2,2\n", encoding="utf-8")
    (issue,) = only(check(path, fw), IssueCode.OUT_OF_RANGE)
    assert issue.location.column == "C1" and issue.location.row == 2


def test_weighted_sum_that_overflows_is_an_error(tmp_path: Path) -> None:
    """Cells each below the framework's limit whose Σ count × level weight is not finite."""
    fw = framework(plausible={"max": None, "warn_above": None})
    fw_huge = Framework.from_dict(
        {
            **fw.to_dict(),
            "incidence_levels": [
                {"code": "L1", "name": {"id": "rendah", "en": "low"}, "weight": 1e300},
                {"code": "L2", "name": {"id": "tinggi", "en": "high"}, "weight": 1e300},
            ],
        }
    )
    rows = [list(r) for r in ROWS]
    rows[0][1:3] = [1e15, 1e15]
    report = check(xlsx_file(tmp_path, rows), fw_huge)
    (issue,) = only(report, IssueCode.OUT_OF_RANGE)
    assert issue.location.region_code == "65.01"
    assert "add up to more than a number can hold" in issue.message


def test_default_plausibility_of_counts(tmp_path: Path, fw: Framework) -> None:
    node = fw.nodes["C1"]
    assert (node.plausible_max, node.warn_above) == (100_000, 1_000)
    rows = [list(r) for r in ROWS]
    rows[0][1] = 5000  # warning
    rows[2][2] = 250000  # error
    report = check(csv_file(tmp_path, rows), fw)
    by_row = {i.location.row: i for i in only(report, IssueCode.OUT_OF_RANGE)}
    assert by_row[2].severity is Severity.WARNING and by_row[2].location.column == "C1_L1"
    assert by_row[4].severity is Severity.ERROR and by_row[4].location.column == "C1_L2"
    assert by_row[4].hint and "plausible.max" in by_row[4].hint


def test_plausibility_is_configurable_per_indicator(tmp_path: Path) -> None:
    fw = framework(plausible={"max": 10, "warn_above": 5})
    rows = [list(r) for r in ROWS]
    rows[0][1] = 7
    rows[1][1] = 11
    report = check(csv_file(tmp_path, rows), fw)
    by_row = {i.location.row: i.severity for i in only(report, IssueCode.OUT_OF_RANGE)}
    assert by_row == {2: Severity.WARNING, 3: Severity.ERROR}
    again = Framework.from_dict(fw.to_dict())
    assert (again.nodes["C1"].plausible_max, again.nodes["C1"].warn_above) == (10, 5)


def test_warn_above_max_is_a_framework_error(tmp_path: Path) -> None:
    import yaml

    from ikp.framework import check_framework

    data = framework().to_dict()
    data["nodes"][[n["code"] for n in data["nodes"]].index("C1")]["plausible"] = {
        "max": 5,
        "warn_above": 10,
    }
    path = tmp_path / "fw.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    fw, report = check_framework(path)
    assert fw is None and any("warn_above" in i.message for i in report.errors)


# --------------------------------------------------------------------------- UTF-16 without BOM


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_with_a_warning(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("region_code,region_name,C1\n65.01,Bulungan,1\n".encode(encoding))
    raw, report = read_raw(path)
    assert raw is not None and raw.encoding == encoding
    assert raw.frame.loc[2, "region_name"] == "Bulungan"
    (issue,) = report.issues
    assert issue.code is IssueCode.NOT_UTF8 and issue.severity is Severity.WARNING


def test_real_binary_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(256)) * 4)
    raw, report = read_raw(path)
    assert raw is None and report.codes() == {IssueCode.FILE_UNREADABLE}


# --------------------------------------------------------------------------- terminal markup


def test_markup_in_cells_is_printed_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cell holding ``[/]`` crashed ``ikp validate`` (Rich read it as a closing tag)."""
    from ikp import cli

    monkeypatch.setattr(cli.console, "width", 400)
    path = tmp_path / "data.csv"
    rows = ["65.01,[/],1", "65.02,[bold]x[/bold],2"]
    path.write_text("region_code,I01_L1,I01_L2\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["validate", str(path), "--province", "65", "--format", "table"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1
    assert "'[/]' bukan angka" in result.output.replace("\n", "")  # Indonesian by default
    assert "[bold]x[/bold]" in result.output


# --------------------------------------------------------------------------- formulas written


@pytest.mark.parametrize(
    ("value", "neutralised"),
    [
        ('=HYPERLINK("http://x","y")', True),
        ("+cmd", True),
        ("-2+3", True),
        ("@SUM(A1)", True),
        ("\t=1", True),
        ("-5", False),
        ("+1.5", False),
        ("Bogor", False),
        (3, False),
        (None, False),
        (math.pi, False),
    ],
)
def test_safe_text(value: object, neutralised: bool) -> None:
    from openpyxl.cell.rich_text import CellRichText

    out = safe_text(value)
    if neutralised:
        assert isinstance(out, CellRichText) and str(out) == value  # same text, a text cell
    else:
        assert out is value


def test_template_never_writes_a_live_formula(tmp_path: Path) -> None:
    from ikp.io.template import write_template

    fw = framework(unit='=HYPERLINK("http://x")')
    path = tmp_path / "t.xlsx"
    write_template(fw, "regency", path, province="65")
    wb = load_workbook(path)
    formulas = [
        (ws.title, c.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []
    texts = [c.value for row in wb["indikator"].iter_rows() for c in row]
    assert '=HYPERLINK("http://x")' in texts  # the same text, as a text cell


# --------------------------------------------------------------------------- compute's words


def _framework_file(tmp_path: Path, fw: Framework) -> Path:
    path = tmp_path / "mini.yaml"
    path.write_text(fw.to_yaml(), encoding="utf-8")
    return path


def _compute(tmp_path: Path, fw: Framework, data: Path, *extra: str) -> tuple[int, str]:
    args = ["compute", str(data), "--framework", str(_framework_file(tmp_path, fw))]
    result = CliRunner().invoke(app, [*args, "--province", "65", "--format", "csv", *extra])
    return result.exit_code, result.output


def test_compute_warns_about_a_one_region_file(tmp_path: Path, fw: Framework) -> None:
    code, out = _compute(tmp_path, fw, csv_file(tmp_path, ROWS[:1]))
    assert code == 0, out
    assert "satu wilayah" in out and "one region only" in out and "--reference" in out
    code, out = _compute(tmp_path, fw, csv_file(tmp_path, ROWS))
    assert code == 0 and "one region only" not in out


def test_compute_refuses_an_untouched_template(tmp_path: Path, fw: Framework) -> None:
    from ikp.io.template import write_template

    path = write_template(fw, "regency", tmp_path / "templat.xlsx", province="65")
    out_dir = tmp_path / "out"
    code, out = _compute(tmp_path, fw, path, "--out", str(out_dir))
    assert code == 1
    assert "every data cell is empty" in " ".join(out.split())
    assert not out_dir.exists()


def test_compute_prints_the_warnings_validate_shows(tmp_path: Path, fw: Framework) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][1] = 5000
    rows[1][3] = None
    code, out = _compute(tmp_path, fw, csv_file(tmp_path, rows))
    assert code == 0, out
    flat = " ".join(out.split())
    assert "OUT_OF_RANGE ×1" in flat and "MISSING_VALUE ×1" in flat


def test_compute_with_markup_in_a_cell_reports_instead_of_crashing(
    tmp_path: Path, fw: Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ikp import cli

    monkeypatch.setattr(cli.console, "width", 400)
    rows = [list(r) for r in ROWS]
    rows[0][1] = "[/]"
    code, out = _compute(tmp_path, fw, csv_file(tmp_path, rows), "--format", "table")
    assert code == 1 and "[/]" in out and "NOT_NUMERIC" in out


def test_parquet_numbers_that_would_change_are_refused(tmp_path: Path, fw: Framework) -> None:
    """Parquet int64 2^53 + 1 became 2^53 as a float; a float infinity is not a value."""
    import pandas as pd

    frame = pd.DataFrame(ROWS, columns=HEADER)
    frame["C1_L1"] = frame["C1_L1"].astype("int64")
    frame.loc[0, "C1_L1"] = MAX_EXACT + 1
    frame["R1"] = frame["R1"].astype("float64")
    frame.loc[1, "R1"] = math.inf
    path = tmp_path / "data.parquet"
    frame.to_parquet(path)
    report = check(path, fw)
    where = {(i.location.row, i.location.column) for i in only(report, IssueCode.NOT_NUMERIC)}
    assert where == {(2, "C1_L1"), (3, "R1")}
