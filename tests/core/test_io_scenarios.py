"""The shared upload scenarios (tests/scenarios/upload_scenarios.py) run through the core."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ikp.io import load_data
from ikp.issues import IssueCode, ValidationFailed

SCENARIO_FILE = Path(__file__).parents[1] / "scenarios" / "upload_scenarios.py"


def _load_scenarios() -> ModuleType:
    spec = importlib.util.spec_from_file_location("upload_scenarios", SCENARIO_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("upload_scenarios", module)
    spec.loader.exec_module(module)
    return module


scenarios = _load_scenarios()


def test_every_fixture_has_a_scenario() -> None:
    fixtures = {p.name for p in scenarios.FIXTURES.iterdir() if p.suffix != ".py"}
    named = {name for name, _, _ in scenarios.SCENARIOS}
    assert fixtures == named
    assert set(scenarios.OPTIONS) <= named


@pytest.mark.parametrize(
    ("name", "expected", "should_load"),
    scenarios.SCENARIOS,
    ids=[s[0] for s in scenarios.SCENARIOS],
)
def test_scenario(name: str, expected: set[IssueCode], should_load: bool) -> None:
    report = scenarios.run_scenario(name)
    assert report.codes() == expected, str(report)
    assert report.ok is should_load
    options = scenarios.scenario_options(name)
    framework = scenarios.framework(options.pop("framework"))
    level = options.pop("region_level")
    path = scenarios.FIXTURES / name
    if should_load:
        data = load_data(path, framework, level, **options)
        assert data.synthetic, "every fixture marks itself as synthetic data"
        assert data.dataset.shape[0] > 0
    else:
        with pytest.raises(ValidationFailed) as info:
            load_data(path, framework, level, **options)
        assert info.value.report.codes() == expected


def test_many_errors_reports_every_problem_with_its_row() -> None:
    report = scenarios.run_scenario("many_errors.xlsx")
    found = {(i.code, i.location.row, i.location.column) for i in report.errors}
    assert found == {
        (IssueCode.MISSING_COLUMN, None, "I01"),
        (IssueCode.NOT_NUMERIC, 3, "I03"),
        (IssueCode.NEGATIVE_COUNT, 4, "I07"),
        (IssueCode.UNKNOWN_REGION_CODE, 29, "region_code"),
        (IssueCode.DUPLICATE_REGION_CODE, 30, "region_code"),
        (IssueCode.WRONG_REGION_LEVEL, 31, "region_code"),
        (IssueCode.MALFORMED_REGION_CODE, 32, "region_code"),
        (IssueCode.OUTSIDE_JURISDICTION, 33, "region_code"),
    }
    (missing,) = [i for i in report.errors if i.code is IssueCode.MISSING_COLUMN]
    assert missing.hint == "did you mean 'I1' (rename it to 'I01')?"
    (warning,) = [i for i in report.warnings if i.code is IssueCode.MISSING_VALUE]
    assert warning.params["regions"] == ["32.07"]


def test_valid_wide_template_values() -> None:
    data = load_data(scenarios.FIXTURES / "valid_wide.xlsx", "ikp-2024", "regency", province="32")
    assert data.dataset.shape == (27, 61)
    assert data.source["layout"] == "wide" and data.source["sheet"] == "data"
    assert data.source["format"] == "xlsx"


def test_every_data_issue_code_is_documented() -> None:
    from ikp.validation import DATA_ISSUE_CODES

    doc = (Path(__file__).parents[2] / "docs" / "data-input.md").read_text(encoding="utf-8")
    undocumented = [c for c in DATA_ISSUE_CODES if f"| `{c}` |" not in doc]
    assert not undocumented
    emitted = set().union(*(expected for _, expected, _ in scenarios.SCENARIOS))
    assert emitted <= set(DATA_ISSUE_CODES)
