"""The incident validation of the core (no Django): times, the header of a bulk table, and
every issue reported with the file's own column names and row numbers."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pandas as pd
import pytest

from ikp.framework import load_framework
from ikp.incidents import TEMPLATE_COLUMNS, IncidentRules, check_header, check_table, parse_time
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
