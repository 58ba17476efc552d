"""The incident validation of the core (no Django): times, the header of a bulk table, and
every issue reported with the file's own column names and row numbers."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pandas as pd
import pytest

from ikp.framework import load_framework
from ikp.incidents import (
    TEMPLATE_COLUMNS,
    IncidentRules,
    check_header,
    check_records,
    check_table,
    parse_time,
)
from ikp.regions import RegionRegistry

TZ = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def rules() -> IncidentRules:
    framework = load_framework("ikp-2024")
    return IncidentRules(
        registry=RegionRegistry.load("current", max_level=4),
        indicators={c: framework.node(c).name_id for c in framework.indicators},
        levels=tuple(lv.code for lv in framework.incidence_levels),
        now=dt.datetime(2025, 1, 1, tzinfo=TZ),
        tz=TZ,
        in_scope=lambda province, regency: province == "32",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-10 09:30", dt.datetime(2024, 1, 10, 9, 30, tzinfo=TZ)),
        ("2024-01-10T09:30:15", dt.datetime(2024, 1, 10, 9, 30, 15, tzinfo=TZ)),
        ("10/01/2024 09:30", dt.datetime(2024, 1, 10, 9, 30, tzinfo=TZ)),
        ("2024-01-10", dt.datetime(2024, 1, 10, tzinfo=TZ)),
        (dt.date(2024, 1, 10), dt.datetime(2024, 1, 10, tzinfo=TZ)),
        ("2024-02-30", None),
        ("kemarin", None),
    ],
)
def test_times(text: object, expected: dt.datetime | None) -> None:
    assert parse_time(text, TZ) == expected


def test_header_names_missing_and_unknown_columns() -> None:
    mapping, report = check_header(["Waktu Kejadian", "kode_provinsi", "catatan"])
    assert mapping == {"Waktu Kejadian": "occurred_at", "kode_provinsi": "province_code"}
    codes = {(str(i.code), i.location.column) for i in report}
    assert ("MISSING_COLUMN", "kode_kabkota") in codes
    assert ("UNKNOWN_COLUMN", "catatan") in codes


def test_a_table_reports_rows_and_columns_as_the_file_has_them(rules: IncidentRules) -> None:
    good = ["2024-01-10 09:30", "32", "32.01", "", "", "", "", "", "I01", "L2", "uji", "media"]
    bad = ["2024-01-10 09:30", "31", "31.71", "", "", "", "", "", "I01", "L2", "uji", "media"]
    frame = pd.DataFrame([good, bad], columns=list(TEMPLATE_COLUMNS), index=[2, 3], dtype=object)
    records, report = check_table(frame, rules)
    assert [r.row for r in records] == [2]
    assert [(i.location.row, i.location.column, str(i.code)) for i in report] == [
        (3, "kode_kabkota", "OUTSIDE_JURISDICTION")
    ]


def _place(rules: IncidentRules, **place: str) -> tuple[list[Any], list[tuple[str, str]]]:
    values = {
        "occurred_at": "2024-01-10 09:30",
        "province_code": "32",
        "regency_code": "32.01",
        "indicator_code": "I01",
        "incidence_level": "L2",
        "description": "uji",
        "source_type": "media",
        **place,
    }
    records, report = check_records([(7, values)], rules)
    return records, [(str(i.code), i.hint or "") for i in report]


@pytest.mark.parametrize(
    "place",
    [
        {"district_code": "32.01.01", "village_code": "32.01.01.1007"},
        {"district_code": "Cibinong", "village_code": "pakansari"},
        {"district_code": "Kecamatan Cibinong", "village_code": "Kel. Pakansari"},
        {"district_code": "Kec. Cibinong (32.01.01)", "village_code": "32.01.01.1007 Pakansari"},
        {"village_code": "Pakansari"},  # inside the kab/kota; the kecamatan from the registry
    ],
)
def test_kecamatan_and_villages_by_code_name_or_label(
    rules: IncidentRules, place: dict[str, str]
) -> None:
    records, issues = _place(rules, **place)
    assert issues == []
    (record,) = records
    assert (record.district_code, record.village_code) == ("32.01.01", "32.01.01.1007")


def test_names_are_looked_up_inside_the_parent_only(rules: IncidentRules) -> None:
    # Sukasari is a kecamatan of Kota Bandung (32.73), not of Kabupaten Bogor
    _, issues = _place(rules, district_code="Sukasari")
    ((code, hint),) = issues
    assert code == "UNKNOWN_REGION_NAME" and "did you mean" in hint
    _, issues = _place(rules, district_code="Zzzyx")
    ((code, hint),) = issues
    assert hint.startswith("a kecamatan of 32.01 (Kabupaten Bogor): Kec. Cibinong (32.01.01)")
    _, issues = _place(rules, regency_code="32.99", district_code="Cibinong")
    assert [c for c, _ in issues] == ["UNKNOWN_REGION_CODE", "UNKNOWN_REGION_NAME"]
