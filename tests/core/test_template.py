"""The data-entry template: layout, help sheets, and the round trip through load_data."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from ikp import SYNTHETIC_LABEL
from ikp.dataset import Dataset
from ikp.framework import Framework, load_framework
from ikp.io import load_data, template_columns, validate_data, write_template
from ikp.issues import IssueCode
from ikp.regions import RegionRegistry


@pytest.fixture(scope="module")
def ikp() -> Framework:
    return load_framework("ikp-2024")


@pytest.fixture(scope="module")
def tps() -> Framework:
    return load_framework("tps-2024")


@pytest.fixture(scope="module")
def registry() -> RegionRegistry:
    return RegionRegistry.load("current", max_level=2)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory, ikp: Framework) -> Path:
    return write_template(ikp, "regency", tmp_path_factory.mktemp("t") / "kabkota.xlsx")


def test_columns(ikp: Framework, tps: Framework) -> None:
    headers = [c.header for c in template_columns(ikp)]
    assert headers[:5] == ["region_code", "region_name", "I01_L1", "I01_L2", "I01_L3"]
    assert len(headers) == 2 + 61 * 3
    assert [c.header for c in template_columns(tps)][:3] == ["region_code", "region_name", "T01"]
    direct = [c.header for c in template_columns(ikp, direct=["I02"], synthetic=True)]
    assert direct[2] == "synthetic" and direct[6] == "I02" and direct[7] == "I03_L1"


def test_national_template_layout(national: Path, ikp: Framework) -> None:
    wb = openpyxl.load_workbook(national)
    assert wb.sheetnames == ["data", "petunjuk", "indikator"]
    ws = wb["data"]
    assert ws.max_row == 515  # header + 514 kab/kota
    assert ws["A2"].value == "11.01" and ws["B2"].value == "Kabupaten Aceh Selatan"
    assert ws.freeze_panes == "C2"
    assert ws.column_dimensions["B"].width > 30
    comment = ws["C1"].comment
    assert comment is not None
    assert "Kekerasan Berbau Sara" in comment.text and "SARA" in comment.text
    assert "bobot 1" in comment.text and "count" in comment.text
    rules = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert set(rules) == {"whole"}
    whole = rules["whole"]
    assert whole.operator == "greaterThanOrEqual" and whole.formula1 == "0"
    assert whole.error and "bilangan bulat" in whole.error
    assert "C2:C515" in str(whole.sqref)
    help_text = "\n".join(str(r[0]) for r in wb["petunjuk"].iter_rows(values_only=True) if r[0])
    assert help_text.index("PETUNJUK") < help_text.index("INSTRUCTIONS")
    assert "JANGAN mengubah" in help_text and "Do NOT rename" in help_text
    assert "Σ (jumlah kejadian × bobot tingkat kejadian)" in help_text
    assert "nilai hilang" in help_text and "missing" in help_text
    levels = [r for r in wb["petunjuk"].iter_rows(values_only=True) if r[0] in ("L1", "L2", "L3")]
    assert [(r[0], r[3]) for r in levels] == [("L1", 1), ("L2", 2), ("L3", 3)]
    indicators = list(wb["indikator"].iter_rows(values_only=True))
    assert len(indicators) == 62
    assert indicators[1][0] == "I01" and indicators[1][3] == "D1.S1 Keamanan"
    assert indicators[1][4] == "D1 Konteks Sosial dan Politik"


def test_untouched_template_reads_with_only_missing_value_warnings(
    national: Path, ikp: Framework
) -> None:
    report = validate_data(national, ikp, "regency")
    assert report.ok
    assert report.codes() == {IssueCode.MISSING_VALUE}
    assert len(report) == 61


def test_province_template_and_rates(tmp_path: Path, tps: Framework) -> None:
    path = write_template(tps, "regency", tmp_path / "tps.xlsx", province="65", lang="en")
    ws = openpyxl.load_workbook(path)["data"]
    assert [ws.cell(row=i, column=1).value for i in range(2, 7)] == [
        "65.01",
        "65.02",
        "65.03",
        "65.04",
        "65.71",
    ]
    (rule,) = ws.data_validations.dataValidation
    assert (rule.type, rule.operator, rule.formula1, rule.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert rule.error and "antara 0 dan 100" in rule.error
    comment = ws["C1"].comment
    assert comment is not None and comment.text.startswith("T01: Voters in the DPT")
    report = validate_data(path, tps, "regency", province="65")
    assert report.codes() == {IssueCode.MISSING_VALUE}
    provinces = write_template(tps, "province", tmp_path / "prov.csv")
    with provinces.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 39 and rows[0][:3] == ["region_code", "region_name", "T01"]


def test_filled_template_round_trip(
    tmp_path: Path, ikp: Framework, registry: RegionRegistry
) -> None:
    codes = [r.code for r in registry.regencies("32")]
    rng = np.random.default_rng(0)
    counts = {
        f"{code}_{lv.code}": rng.integers(0, 4, len(codes)).astype(float)
        for code in ikp.indicators
        for lv in ikp.incidence_levels
    }
    frame = pd.DataFrame(counts, index=pd.Index(codes, name="region_code"))
    frame.iloc[0, 0] = np.nan  # one empty level cell: counts 0
    path = write_template(ikp, "regency", tmp_path / "jabar.xlsx", province="32", prefill=frame)
    data = load_data(path, ikp, "regency", province="32")
    assert len(data.report) == 0
    weights = ikp.incidence_weights()
    expected = np.column_stack(
        [
            sum(np.nan_to_num(frame[f"{code}_{lv}"].to_numpy()) * w for lv, w in weights.items())
            for code in ikp.indicators
        ]
    )
    np.testing.assert_allclose(data.dataset.values, expected)
    assert data.synthetic is False
    # the same as CSV
    csv_path = write_template(ikp, "regency", tmp_path / "jabar.csv", province="32", prefill=frame)
    again = load_data(csv_path, ikp, "regency", province="32")
    np.testing.assert_allclose(again.dataset.values, expected)


def test_prefill_with_a_dataset_uses_value_columns(
    tmp_path: Path, ikp: Framework, registry: RegionRegistry
) -> None:
    codes = tuple(r.code for r in registry.regencies("65"))
    values = np.arange(len(codes) * 61, dtype=float).reshape(len(codes), 61) / 2
    values[1, 3] = np.nan
    dataset = Dataset(codes, ikp.indicators, values)
    path = write_template(
        ikp, "regency", tmp_path / "kaltara.xlsx", province="65", prefill=dataset, synthetic=True
    )
    ws = openpyxl.load_workbook(path)["data"]
    assert [c.value for c in ws[1]][:5] == ["region_code", "region_name", "synthetic", "I01", "I02"]
    assert ws["C2"].value == SYNTHETIC_LABEL
    assert ws.freeze_panes == "D2"
    data = load_data(path, ikp, "regency", province="65")
    assert data.synthetic is True
    np.testing.assert_array_equal(data.dataset.values, values)
    assert [i.code for i in data.report] == [IssueCode.MISSING_VALUE]


def test_bad_arguments(tmp_path: Path, ikp: Framework, registry: RegionRegistry) -> None:
    with pytest.raises(ValueError, match="region_level"):
        write_template(ikp, "kabupaten", tmp_path / "x.xlsx")
    with pytest.raises(ValueError, match="lang"):
        write_template(ikp, "regency", tmp_path / "x.xlsx", lang="fr")
    with pytest.raises(ValueError, match=".xlsx or .csv"):
        write_template(ikp, "regency", tmp_path / "x.ods")
    outside = pd.DataFrame({"I01": [1.0]}, index=pd.Index(["33.01"], name="region_code"))
    with pytest.raises(ValueError, match="33.01"):
        write_template(ikp, "regency", tmp_path / "x.xlsx", province="32", prefill=outside)


def test_validation_rules_per_type(tmp_path: Path) -> None:
    fw = Framework.from_dict(
        {
            "id": "mini",
            "name": {"id": "Mini"},
            "incidence_levels": [{"code": "L1", "name": {"id": "rendah"}, "weight": 1}],
            "classification": {"method": "fixed", "cutoffs": {"default": [33, 66]}},
            "nodes": [
                {"code": "IDX", "name": {"id": "Indeks"}, "level": 2},
                {
                    "code": "C1",
                    "name": {"id": "Hitung"},
                    "level": 1,
                    "parent": "IDX",
                    "type": "count",
                },
                {
                    "code": "B1",
                    "name": {"id": "Ya/tidak"},
                    "level": 1,
                    "parent": "IDX",
                    "type": "binary",
                },
                {
                    "code": "S1",
                    "name": {"id": "Skor", "en": "Score"},
                    "level": 1,
                    "parent": "IDX",
                    "type": "score",
                    "min_value": 1,
                    "max_value": 5,
                },
            ],
        }
    )
    path = write_template(fw, "province", tmp_path / "mini.xlsx")
    ws = openpyxl.load_workbook(path)["data"]
    assert [c.value for c in ws[1]] == ["region_code", "region_name", "C1_L1", "B1", "S1"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules["C2:C39"].type == "whole"
    assert (rules["D2:D39"].type, rules["D2:D39"].formula1) == ("list", '"0,1"')
    score = rules["E2:E39"]
    assert (score.type, score.formula1, score.formula2) == ("decimal", "1", "5")
    assert all(dv.error and dv.errorTitle == "Nilai tidak valid" for dv in rules.values())
    assert validate_data(path, fw, "province").codes() == {IssueCode.MISSING_VALUE}
