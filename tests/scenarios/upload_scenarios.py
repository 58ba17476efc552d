"""Upload scenarios shared by every front door (core, CLI, web upload).

``SCENARIOS`` lists ``(fixture_name, expected_issue_codes, should_load)``: the file in
tests/fixtures/uploads/, the exact set of issue codes (errors and warnings) validating it must
report, and whether :func:`ikp.io.load_data` accepts it. ``OPTIONS`` gives the arguments each
fixture is validated with (default: ikp-2024, kabupaten/kota, province 32 Jawa Barat), and
:func:`run_scenario` is the small executor. The fixtures are made by
tests/fixtures/uploads/make_fixtures.py.

A front door other than the core (the CLI, the upload view) runs the same list by turning
:func:`scenario_options` into its own arguments and comparing the issue codes it reports with
the expected set. Run this file to print each scenario's report::

    .venv/bin/python tests/scenarios/upload_scenarios.py
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ikp.framework import Framework, load_framework
from ikp.io import validate_data
from ikp.issues import IssueCode as C
from ikp.issues import ValidationReport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"

DEFAULT_OPTIONS: dict[str, Any] = {
    "framework": "ikp-2024",
    "region_level": "regency",
    "province": "32",
}

OPTIONS: dict[str, dict[str, Any]] = {
    "value_out_of_range.xlsx": {"framework": "tps-2024"},
    "long_format.csv": {"province": "65"},
    "long_format_periods.parquet": {"province": "65"},
    "period_required.csv": {"framework": "tps-2024", "province": "65"},
}

SCENARIOS: list[tuple[str, set[C], bool]] = [
    ("valid_wide.xlsx", set(), True),
    ("semicolon_delimited.csv", set(), True),
    ("bad_encoding.csv", {C.NOT_UTF8}, True),
    ("long_format.csv", set(), True),
    ("long_format_periods.parquet", set(), True),
    ("period_required.csv", {C.PERIOD_REQUIRED}, False),
    ("missing_column.xlsx", {C.MISSING_COLUMN}, False),
    ("misspelt_column.csv", {C.MISSING_COLUMN, C.UNKNOWN_COLUMN}, False),
    ("duplicate_region_code.xlsx", {C.DUPLICATE_REGION_CODE}, False),
    ("unknown_region_code.csv", {C.UNKNOWN_REGION_CODE}, False),
    ("wrong_level.csv", {C.WRONG_REGION_LEVEL}, False),
    ("region_outside_jurisdiction.xlsx", {C.OUTSIDE_JURISDICTION}, False),
    ("negative_count.csv", {C.NEGATIVE_COUNT}, False),
    ("not_numeric.csv", {C.NOT_NUMERIC}, False),
    ("value_out_of_range.xlsx", {C.OUT_OF_RANGE}, False),
    ("wrong_sheet.xlsx", {C.WRONG_SHEET}, False),
    ("empty.xlsx", {C.EMPTY_FILE}, False),
    (
        "many_errors.xlsx",
        {
            C.UNKNOWN_REGION_CODE,
            C.DUPLICATE_REGION_CODE,
            C.WRONG_REGION_LEVEL,
            C.MALFORMED_REGION_CODE,
            C.OUTSIDE_JURISDICTION,
            C.NOT_NUMERIC,
            C.NEGATIVE_COUNT,
            C.MISSING_COLUMN,
            C.UNKNOWN_COLUMN,
            C.MISSING_VALUE,
        },
        False,
    ),
]


@functools.cache
def framework(framework_id: str) -> Framework:
    """A built-in framework, loaded once."""
    return load_framework(framework_id)


def scenario_options(path: str | Path) -> dict[str, Any]:
    """The arguments a fixture is validated with: framework, region_level, province, …"""
    return {**DEFAULT_OPTIONS, **OPTIONS.get(Path(path).name, {})}


def run_scenario(path: str | Path) -> ValidationReport:
    """Validate one fixture (a name in tests/fixtures/uploads/ or a path) through the core."""
    target = Path(path)
    if not target.is_absolute() and not target.exists():
        target = FIXTURES / target
    options = scenario_options(target)
    fw = framework(options.pop("framework"))
    region_level = options.pop("region_level")
    return validate_data(target, fw, region_level, **options)


if __name__ == "__main__":
    for name, expected, should_load in SCENARIOS:
        report = run_scenario(name)
        got = report.codes()
        status = "ok " if got == expected and report.ok == should_load else "BAD"
        print(f"{status} {name}: {sorted(str(c) for c in got)} (loads: {report.ok})")
        for issue in report:
            print("     ", issue)
