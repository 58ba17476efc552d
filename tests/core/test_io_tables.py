"""Table stage: layouts, incidence levels, regions, values — every issue at once."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ikp.framework import Framework, load_framework
from ikp.io import LoadedData, load_data, validate_data
from ikp.issues import Issue, IssueCode, Severity, ValidationFailed, ValidationReport
from ikp.regions import RegionRegistry
from ikp.validation.tables import parse_number

MINI: dict[str, Any] = {
    "id": "mini",
    "name": {"id": "Mini", "en": "Mini"},
    "region_levels": ["province", "regency"],
    "incidence_levels": [
        {"code": "L1", "name": {"id": "rendah", "en": "low"}, "weight": 1},
        {"code": "L2", "name": {"id": "tinggi", "en": "high"}, "weight": 2.5},
    ],
    "classification": {"method": "fixed", "cutoffs": {"default": [33, 66]}},
    "nodes": [
        {"code": "IDX", "name": {"id": "Indeks"}, "level": 2},
        {
            "code": "C1",
            "name": {"id": "Hitung"},
            "level": 1,
            "parent": "IDX",
            "type": "count",
            "min_value": 0,
        },
        {
            "code": "R1",
            "name": {"id": "Rasio"},
            "level": 1,
            "parent": "IDX",
            "type": "rate",
            "min_value": 0,
            "max_value": 100,
            "unit": "%",
        },
        {"code": "B1", "name": {"id": "Ya/tidak"}, "level": 1, "parent": "IDX", "type": "binary"},
        {
            "code": "S1",
            "name": {"id": "Skor"},
            "level": 1,
            "parent": "IDX",
            "type": "score",
            "min_value": 1,
            "max_value": 5,
        },
    ],
}


@pytest.fixture(scope="module")
def fw() -> Framework:
    return Framework.from_dict(MINI)


@pytest.fixture(scope="module")
def registry() -> RegionRegistry:
    return RegionRegistry.load("current", max_level=2)


@pytest.fixture(scope="module")
def kaltara(registry: RegionRegistry) -> list[str]:
    return [r.code for r in registry.regencies("65")]


def csv(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def check(source: Any, fw: Framework, **kw: Any) -> ValidationReport:
    kw.setdefault("province", "65")
    return validate_data(source, fw, "regency", **kw)


def only(report: ValidationReport, code: IssueCode) -> list[Issue]:
    return [i for i in report if i.code is code]


def errors(report: ValidationReport) -> set[IssueCode]:
    return {i.code for i in report.errors}


KALTARA = ["65.01", "65.02", "65.03", "65.04", "65.71"]


def wide_text(rows: list[str], header: str = "region_code,C1_L1,C1_L2,R1,B1,S1") -> str:
    return header + "\n" + "\n".join(rows) + "\n"


GOOD_ROWS = [
    "65.01,1,2,10,1,3",
    "65.02,0,0,20.5,0,1",
    "65.03,3,,30,1,5",
    "65.04,,,40,0,2",
    "65.71,2,1,50,1,4",
]


# --------------------------------------------------------------------------- wide layout


def test_wide_levels_are_weighted_and_summed(tmp_path: Path, fw: Framework) -> None:
    data = load_data(csv(tmp_path, wide_text(GOOD_ROWS)), fw, "regency", province="65")
    assert isinstance(data, LoadedData)
    assert data.dataset.regions == tuple(KALTARA)
    assert data.dataset.columns == fw.indicators
    c1 = data.dataset.column("C1")
    # 1×1 + 2×2.5; 0; 3 (empty L2 counts 0); all levels empty → missing; 2 + 2.5
    assert c1[:3].tolist() == [6.0, 0.0, 3.0]
    assert math.isnan(c1[3])
    assert c1[4] == 4.5
    assert data.dataset.column("R1").tolist() == [10, 20.5, 30, 40, 50]
    assert data.groups == ("65",) * 5
    assert data.region_names["65.71"] == "Kota Tarakan"
    assert data.report.codes() == {IssueCode.MISSING_VALUE}
    (missing,) = data.report.issues
    assert missing.location.column == "C1" and missing.params["regions"] == ["65.04"]
    assert data.synthetic is False


def test_rows_come_out_in_code_list_order(tmp_path: Path, fw: Framework) -> None:
    data = load_data(csv(tmp_path, wide_text(GOOD_ROWS[::-1])), fw, "regency", province="65")
    assert data.dataset.regions == tuple(KALTARA)
    assert data.dataset.column("C1")[0] == 6.0


def test_source_records_file_layout_and_hash(tmp_path: Path, fw: Framework) -> None:
    path = csv(tmp_path, wide_text(GOOD_ROWS))
    data = load_data(path, fw, "regency", province="65")
    assert data.source["file"] == "data.csv"
    assert data.source["layout"] == "wide"
    assert data.source["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert data.source["n_rows"] == 5
    assert data.source["sheet"] is None


def test_column_aliases_and_case(tmp_path: Path, fw: Framework) -> None:
    header = "Kode Wilayah,c1_l1,C1_L2,r1,b1,S1"
    report = check(csv(tmp_path, wide_text(GOOD_ROWS, header)), fw)
    assert errors(report) == set()
    assert IssueCode.UNKNOWN_COLUMN not in report.codes()


def test_direct_count_column(tmp_path: Path, fw: Framework) -> None:
    rows = [r.split(",") for r in GOOD_ROWS]
    text = "kode,C1,R1,B1,S1\n" + "\n".join(",".join([r[0], "7.5", *r[3:]]) for r in rows)
    data = load_data(csv(tmp_path, text), fw, "regency", province="65")
    assert data.dataset.column("C1").tolist() == [7.5] * 5


def test_partial_level_columns_are_missing_columns(tmp_path: Path, fw: Framework) -> None:
    text = "region_code,C1_L1,R1,B1,S1\n65.01,1,10,1,3\n"
    report = check(csv(tmp_path, text), fw)
    (issue,) = only(report, IssueCode.MISSING_COLUMN)
    assert issue.location.column == "C1_L2"
    assert issue.params == {"indicator": "C1", "level": "L2"}


def test_misspelt_column_gets_did_you_mean(tmp_path: Path, fw: Framework) -> None:
    header = "region_code,C1_L1,C1_L2,R01,B1,S1"
    report = check(csv(tmp_path, wide_text(GOOD_ROWS, header)), fw)
    assert errors(report) == {IssueCode.MISSING_COLUMN}
    (missing,) = only(report, IssueCode.MISSING_COLUMN)
    assert missing.location.column == "R1"
    assert missing.hint and "'R01' (rename it to 'R1')" in missing.hint
    (unknown,) = only(report, IssueCode.UNKNOWN_COLUMN)
    assert unknown.severity is Severity.WARNING and unknown.hint == "did you mean 'R1'?"


def test_value_and_level_columns_conflict(tmp_path: Path, fw: Framework) -> None:
    header = "region_code,C1,C1_L1,C1_L2,R1,B1,S1"
    rows = [r.split(",", 1)[0] + ",1," + r.split(",", 1)[1] for r in GOOD_ROWS]
    report = check(csv(tmp_path, wide_text(rows, header)), fw)
    assert errors(report) == {IssueCode.CONFLICTING_VALUES}


def test_duplicate_columns(tmp_path: Path, fw: Framework) -> None:
    header = "region_code,kode,C1_L1,C1_L2,R1,B1,S1,r1"
    rows = [r.split(",", 1)[0] + "," + r + ",1" for r in GOOD_ROWS]
    report = check(csv(tmp_path, wide_text(rows, header)), fw)
    assert errors(report) == {IssueCode.DUPLICATE_COLUMN}
    assert len(only(report, IssueCode.DUPLICATE_COLUMN)) == 2


def test_level_columns_of_unknown_level_or_non_count(tmp_path: Path, fw: Framework) -> None:
    header = "region_code,C1_L1,C1_L2,C1_L9,R1,R1_L1,B1,S1"
    rows = [
        ",".join([*r.split(",")[:3], "1", r.split(",")[3], "1", *r.split(",")[4:]])
        for r in GOOD_ROWS
    ]
    report = check(csv(tmp_path, wide_text(rows, header)), fw)
    issues = only(report, IssueCode.UNKNOWN_INCIDENCE_LEVEL)
    assert {i.location.column for i in issues} == {"C1_L9", "R1_L1"}
    assert errors(report) == {IssueCode.UNKNOWN_INCIDENCE_LEVEL}


def test_cell_problems_are_all_reported_with_row_column_and_region(
    tmp_path: Path, fw: Framework
) -> None:
    rows = [
        "65.01,-1,2,10,1,3",  # negative count
        "65.02,1.5,0,20,0,1",  # count not whole
        "65.03,3,x,130,2,9",  # not numeric, rate > 100, binary 2, score 9
        "65.04,1,1,-0.5,1,0",  # rate < 0, score < 1
        "65.71,2,1,50,1,4",
    ]
    report = check(csv(tmp_path, wide_text(rows)), fw)
    found = {
        (i.code, i.location.row, i.location.column, i.location.region_code) for i in report.errors
    }
    assert found == {
        (IssueCode.NEGATIVE_COUNT, 2, "C1_L1", "65.01"),
        (IssueCode.NOT_INTEGER, 3, "C1_L1", "65.02"),
        (IssueCode.NOT_NUMERIC, 4, "C1_L2", "65.03"),
        (IssueCode.OUT_OF_RANGE, 4, "R1", "65.03"),
        (IssueCode.OUT_OF_RANGE, 4, "B1", "65.03"),
        (IssueCode.OUT_OF_RANGE, 4, "S1", "65.03"),
        (IssueCode.OUT_OF_RANGE, 5, "R1", "65.04"),
        (IssueCode.OUT_OF_RANGE, 5, "S1", "65.04"),
    }
    assert all(i.hint and i.location.file == "data.csv" for i in report.errors)
    # cells with errors are not also reported as missing values
    assert IssueCode.MISSING_VALUE not in report.codes()


def test_load_data_raises_with_the_whole_report(tmp_path: Path, fw: Framework) -> None:
    rows = ["65.01,-1,2,10,1,3", "65.02,x,0,20,0,1"]
    with pytest.raises(ValidationFailed) as info:
        load_data(csv(tmp_path, wide_text(rows)), fw, "regency", province="65")
    assert info.value.report.codes() >= {IssueCode.NEGATIVE_COUNT, IssueCode.NOT_NUMERIC}
    assert "data.csv" in str(info.value)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1.5", 1.5),
        (" 2 ", 2.0),
        ("1,5", 1.5),
        (",5", 0.5),
        ("12,25", 12.25),
        ("1234,500", 1234.5),
        ("-3", -3.0),
        ("1e3", 1000.0),
        (7, 7.0),
        (2.5, 2.5),
        ("", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_parse_number_accepts(cell: object, expected: float | None) -> None:
    assert parse_number(cell) == expected


@pytest.mark.parametrize(
    "cell",
    ["1,500", "12,000", "1.234,5", "dua", "n/a", "-", "50%", True, "nan", "inf", "1e309", "-1e400"],
)
def test_parse_number_rejects(cell: object) -> None:
    assert isinstance(parse_number(cell), str)


def test_formula_without_saved_result_is_not_a_missing_value(tmp_path: Path, fw: Framework) -> None:
    """A workbook written by a program (not Excel) can hold formulas without their results;
    openpyxl reads those cells as empty. They are reported as formulas, at their row and
    column, not taken as missing values; a workbook without formulas is read once."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(["region_code", "C1_L1", "C1_L2", "R1", "B1", "S1"])
    for row in GOOD_ROWS:
        ws.append([row.split(",")[0], *(float(x) if x else None for x in row.split(",")[1:])])
    ws["D3"] = "=D2*2"
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    report = check(path, fw)
    (issue,) = only(report, IssueCode.NOT_NUMERIC)
    assert issue.location.row == 3 and issue.location.column == "R1"
    assert issue.hint and "formula (=D2*2)" in issue.hint and "save it again" in issue.hint
    assert not [i for i in only(report, IssueCode.MISSING_VALUE) if "R1" in i.message]


def test_ambiguous_comma_hint(tmp_path: Path, fw: Framework) -> None:
    rows = ['65.01,"1,500",0,10,1,3']
    report = check(csv(tmp_path, wide_text(rows)), fw)
    (issue,) = only(report, IssueCode.NOT_NUMERIC)
    assert issue.hint and "1.5 or 1500" in issue.hint


# --------------------------------------------------------------------------- regions


def test_region_problems(tmp_path: Path, fw: Framework) -> None:
    rows = [
        "65.01,1,2,10,1,3",
        "65.99,1,2,10,1,3",  # unknown
        "65.01.01,1,2,10,1,3",  # kecamatan
        "65,1,2,10,1,3",  # province
        "abc,1,2,10,1,3",  # malformed
        "64.01,1,2,10,1,3",  # another province
        "6502,1,2,10,1,3",  # digits only: fine
        "65.01,1,2,10,1,3",  # duplicate
        ",1,2,10,1,3",  # empty code
    ]
    report = check(csv(tmp_path, wide_text(rows)), fw)
    found = {(i.code, i.location.row) for i in report.errors}
    assert found == {
        (IssueCode.UNKNOWN_REGION_CODE, 3),
        (IssueCode.WRONG_REGION_LEVEL, 4),
        (IssueCode.WRONG_REGION_LEVEL, 5),
        (IssueCode.MALFORMED_REGION_CODE, 6),
        (IssueCode.OUTSIDE_JURISDICTION, 7),
        (IssueCode.DUPLICATE_REGION_CODE, 9),
        (IssueCode.MALFORMED_REGION_CODE, 10),
    }
    (dup,) = only(report, IssueCode.DUPLICATE_REGION_CODE)
    assert dup.params["rows"] == [2, 9] and "rows 2 and 9" in dup.message
    (unknown,) = only(report, IssueCode.UNKNOWN_REGION_CODE)
    assert unknown.hint and "65.71 Kota Tarakan" in unknown.hint
    kec = next(i for i in only(report, IssueCode.WRONG_REGION_LEVEL) if i.location.row == 4)
    assert "kecamatan" in kec.message and kec.hint and "65.01 Kabupaten Bulungan" in kec.hint
    # absent regions: one warning
    (absent,) = only(report, IssueCode.MISSING_REGIONS)
    assert absent.params["regions"] == ["65.03", "65.04", "65.71"]


def test_unknown_code_found_by_name(tmp_path: Path, fw: Framework) -> None:
    text = "region_code,region_name,C1_L1,C1_L2,R1,B1,S1\n65.09,Kota Tarakan,1,2,10,1,3\n"
    (issue,) = check(csv(tmp_path, text), fw).errors
    assert issue.code is IssueCode.UNKNOWN_REGION_CODE
    assert issue.hint == "by its name, did you mean 65.71 Kota Tarakan?"


def test_name_that_does_not_match_the_code_is_a_warning(
    tmp_path: Path, registry: RegionRegistry
) -> None:
    fw = Framework.from_dict(MINI)
    text = (
        "region_code,region_name,C1_L1,C1_L2,R1,B1,S1\n"
        "32.04,Kota Bandung,1,2,10,1,3\n"  # wrong kind: 32.04 is Kabupaten Bandung
        "32.73,Kota  bandung,1,2,10,1,3\n"  # fine
        "32.01,Kab. Bogor,1,2,10,1,3\n"  # fine
        "32.02,Kabupaten Garut,1,2,10,1,3\n"  # another region's name
    )
    report = validate_data(csv(tmp_path, text), fw, "regency", province="32")
    assert report.ok
    issues = only(report, IssueCode.REGION_NAME_MISMATCH)
    assert [(i.location.row, i.location.region_code) for i in issues] == [
        (2, "32.04"),
        (5, "32.02"),
    ]
    assert issues[1].hint and "32.05 Kabupaten Garut" in issues[1].hint


def test_long_layout_groups_repeated_region_problems(tmp_path: Path, fw: Framework) -> None:
    text = "region_code,indicator_code,value\n" + "".join(
        f"65.99,{c},1\n" for c in ("R1", "B1", "S1")
    )
    report = check(csv(tmp_path, text), fw)
    (issue,) = report.errors
    assert issue.code is IssueCode.UNKNOWN_REGION_CODE
    assert issue.params["rows"] == [2, 3, 4] and "rows 2, 3, 4" in issue.message


def test_province_level_file(tmp_path: Path, fw: Framework) -> None:
    text = "region_code,C1_L1,C1_L2,R1,B1,S1\n32,1,1,1,1,1\n65,2,2,2,0,2\n32.01,1,1,1,1,1\n"
    report = validate_data(csv(tmp_path, text), fw, "province")
    assert errors(report) == {IssueCode.WRONG_REGION_LEVEL}
    (absent,) = only(report, IssueCode.MISSING_REGIONS)
    assert absent.params["n_absent"] == 36
    only65 = "region_code,C1_L1,C1_L2,R1,B1,S1\n65,2,2,2,0,2\n"
    data = load_data(csv(tmp_path, only65, "p.csv"), fw, "province", province="65")
    assert data.dataset.regions == ("65",) and data.groups == ("65",)
    assert len(data.report) == 0
    report = validate_data(csv(tmp_path, text, "p2.csv"), fw, "province", province="65")
    (outside,) = only(report, IssueCode.OUTSIDE_JURISDICTION)
    assert outside.message == "32 Jawa Barat is outside 65 Kalimantan Utara"


def test_bad_arguments_raise(tmp_path: Path, fw: Framework) -> None:
    path = csv(tmp_path, wide_text(GOOD_ROWS))
    with pytest.raises(ValueError, match="region_level"):
        validate_data(path, fw, "kabupaten")
    with pytest.raises(ValueError, match="province"):
        validate_data(path, fw, "regency", province="32.01")
    with pytest.raises(ValueError, match="district"):
        validate_data(path, load_framework("ikp-2024"), "district")


# --------------------------------------------------------------------------- long layout


def long_text(
    rows: list[str], header: str = "region_code,indicator_code,incidence_level,period,value"
) -> str:
    return header + "\n" + "\n".join(rows) + "\n"


def test_long_layout_with_levels_and_aliases(tmp_path: Path, fw: Framework) -> None:
    rows = [
        "65.01,C1,L1,,2",
        "65.01,c1,2,,1",  # level by number, code in lower case
        "65.01,R1,,,12,5",
        "65.02,C1,tinggi,,4",  # level by Indonesian name
        "65.02,R1,,,7",
        "65.03,C1,,,9",  # weighted value directly
    ]
    header = "kode_wilayah,kode_indikator,tingkat_kejadian,periode,nilai"
    text = long_text([r.replace(",12,5", ',"12,5"') for r in rows], header)
    data = load_data(csv(tmp_path, text), fw, "regency", province="65")
    assert data.source["layout"] == "long"
    assert data.dataset.regions == ("65.01", "65.02", "65.03")
    assert data.dataset.column("C1").tolist() == [2 + 2.5, 10.0, 9.0]
    r1 = data.dataset.column("R1")
    assert r1[:2].tolist() == [12.5, 7.0] and math.isnan(r1[2])
    # absent rows are missing values, reported once per indicator
    assert {i.params["indicator"] for i in only(data.report, IssueCode.MISSING_VALUE)} == {
        "R1",
        "B1",
        "S1",
    }


def test_long_layout_problems(tmp_path: Path, fw: Framework) -> None:
    rows = [
        "65.01,C1,L1,,2",
        "65.01,C1,L1,,3",  # duplicate row
        "65.01,X9,,,1",  # unknown indicator
        "65.01,R01,,,1",  # unknown indicator, did you mean R1
        "65.01,C1,L7,,1",  # unknown level
        "65.01,R1,L1,,1",  # level for a rate
        "65.02,C1,L1,,1",
        "65.02,C1,,,4",  # conflicts with the level row above
    ]
    report = check(csv(tmp_path, long_text(rows)), fw)
    found = {(i.code, i.location.row) for i in report.errors}
    assert found == {
        (IssueCode.DUPLICATE_ROW, 3),
        (IssueCode.UNKNOWN_INDICATOR, 4),
        (IssueCode.UNKNOWN_INDICATOR, 5),
        (IssueCode.UNKNOWN_INCIDENCE_LEVEL, 6),
        (IssueCode.UNKNOWN_INCIDENCE_LEVEL, 7),
        (IssueCode.CONFLICTING_VALUES, 8),
    }
    r01 = next(i for i in only(report, IssueCode.UNKNOWN_INDICATOR) if i.location.row == 5)
    assert r01.hint == "did you mean 'R1'?"
    dup = only(report, IssueCode.DUPLICATE_ROW)[0]
    assert dup.params["rows"] == [2, 3]


def test_long_layout_missing_columns(tmp_path: Path, fw: Framework) -> None:
    report = check(csv(tmp_path, "region_code,indicator_code,nilaii\n65.01,R1,1\n"), fw)
    (issue,) = only(report, IssueCode.MISSING_COLUMN)
    assert issue.location.column == "value" and issue.hint and "'nilaii'" in issue.hint


def test_periods_sum_counts_and_require_a_choice_for_others(tmp_path: Path, fw: Framework) -> None:
    rows = [
        "65.01,C1,L1,2022,1",
        "65.01,C1,L2,2023,2",
        "65.01,R1,,2022,10",
        "65.01,R1,,2023,30",
    ]
    path = csv(tmp_path, long_text(rows))
    report = check(path, fw)
    (issue,) = report.errors
    assert issue.code is IssueCode.PERIOD_REQUIRED
    assert issue.params["periods"] == ["2022", "2023"] and issue.params["indicators"] == ["R1"]
    data = load_data(path, fw, "regency", province="65", period=2023)
    assert data.dataset.column("C1").tolist() == [5.0]
    assert data.dataset.column("R1").tolist() == [30.0]
    assert data.source["periods"] == ["2022", "2023"] and data.source["period"] == "2023"
    # counts only: summed over periods without a choice
    counts = csv(tmp_path, long_text(rows[:2]), "counts.csv")
    data = load_data(counts, fw, "regency", province="65")
    assert data.dataset.column("C1").tolist() == [1 + 5.0]
    # a period that is not in the file
    report = check(path, fw, period="2024")
    assert errors(report) == {IssueCode.UNKNOWN_PERIOD}
    assert "2022, 2023" in report.errors[0].message


def test_parquet_long_fixture_sums_periods(registry: RegionRegistry) -> None:
    path = Path(__file__).parents[1] / "fixtures" / "uploads" / "long_format_periods.parquet"
    frame = pd.read_parquet(path)
    fw = load_framework("ikp-2024")
    weights = fw.incidence_weights()
    expected = (
        frame.assign(w=frame["value"] * frame["incidence_level"].map(weights))
        .groupby(["region_code", "indicator_code"])["w"]
        .sum()
        .unstack()[list(fw.indicators)]
    )
    data = load_data(path, fw, "regency", province="65")
    assert data.synthetic
    np.testing.assert_allclose(
        data.dataset.values, expected.loc[list(data.dataset.regions)].to_numpy()
    )


# --------------------------------------------------------------------------- frames, synthetic


def test_dataframe_source_and_synthetic_column(fw: Framework) -> None:
    frame = pd.DataFrame(
        {
            "region_code": KALTARA,
            "synthetic": ["DATA SINTETIS — bukan data Bawaslu", "", "", "", ""],
            "C1": [1, 2, 3, 4, 5],
            "R1": [1.0, 2.0, np.nan, 4.0, 5.0],
            "B1": [1, 0, 1, 0, 1],
            "S1": [1, 2, 3, 4, 5],
        }
    )
    data = load_data(frame, fw, "regency", province="65")
    assert data.synthetic is True
    assert data.source["file"] == "<DataFrame>"
    assert math.isnan(data.dataset.column("R1")[2])
    not_synthetic = frame.assign(synthetic=["0", "tidak", "", "false", None])
    assert load_data(not_synthetic, fw, "regency", province="65").synthetic is False
    assert (
        load_data(frame.drop(columns="synthetic"), fw, "regency", province="65").synthetic is False
    )
    # a Dataset's frame (indexed by region_code) reads back to the same values
    again = load_data(data.dataset.to_frame(), fw, "regency", province="65")
    np.testing.assert_array_equal(again.dataset.values, data.dataset.values)


def test_every_issue_is_located(tmp_path: Path) -> None:
    path = Path(__file__).parents[1] / "fixtures" / "uploads" / "many_errors.xlsx"
    report = validate_data(path, "ikp-2024", "regency", province="32")
    for issue in report:
        assert issue.location.file == "many_errors.xlsx"
        assert issue.location.sheet == "data"
        assert issue.hint
        if issue.code not in (
            IssueCode.MISSING_VALUE,
            IssueCode.MISSING_COLUMN,
            IssueCode.UNKNOWN_COLUMN,
        ):
            assert issue.location.row is not None and issue.location.column is not None
    assert report.to_json()  # serialisable


def test_codes_stored_as_numbers(tmp_path: Path, fw: Framework) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(["region_code", "C1", "R1", "B1", "S1"])
    ws.append([6501, 1, 1, 1, 1])  # digits without dots: accepted
    ws.append([65.1, 1, 1, 1, 1])  # 65.10 typed as a number: Excel dropped the zero
    path = tmp_path / "num.xlsx"
    wb.save(path)
    report = check(path, fw)
    (issue,) = report.errors
    assert issue.code is IssueCode.MALFORMED_REGION_CODE and issue.location.row == 3
    assert issue.hint and "trailing zero" in issue.hint


def test_empty_period_cells_form_their_own_period(tmp_path: Path, fw: Framework) -> None:
    rows = ["65.01,R1,,2022,10", "65.01,R1,,,30"]
    report = check(csv(tmp_path, long_text(rows)), fw)
    (issue,) = report.errors
    assert issue.code is IssueCode.PERIOD_REQUIRED
    assert issue.params["periods"] == ["(empty)", "2022"]


def test_a_table_without_any_indicator_column_is_one_issue(tmp_path: Path, fw: Framework) -> None:
    report = check(csv(tmp_path, "region_code,foo,bar\n65.01,1,2\n"), fw)
    (issue,) = report.errors
    assert issue.code is IssueCode.MISSING_COLUMN
    assert issue.params["missing"] == ["C1", "R1", "B1", "S1"]
    assert len(only(report, IssueCode.UNKNOWN_COLUMN)) == 2
