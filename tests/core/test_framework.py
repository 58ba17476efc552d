"""Frameworks as data: loading, validation reporting every problem, COINr-style tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ikp.framework import Framework, check_framework, export_table, load_framework
from ikp.issues import IssueCode, ValidationFailed

FIXTURES = Path(__file__).parents[1] / "fixtures"
ASEM_META = FIXTURES / "asem" / "iMeta.csv"


def test_ikp2024_has_4_dimensions_12_subdimensions_61_indicators() -> None:
    fw = load_framework("ikp-2024")
    assert fw.root == "IKP"
    assert fw.n_levels == 4
    assert len(fw.at_level(3)) == 4
    assert len(fw.at_level(2)) == 12
    assert len(fw.indicators) == 61
    counts = {d: len(fw.indicators_under(d)) for d in fw.at_level(3)}
    assert counts == {"D1": 16, "D2": 24, "D3": 15, "D4": 6}
    assert fw.cutoffs("province") == (21.7, 68.5)
    assert fw.cutoffs("regency") == (13.47, 49.33)
    assert all(fw.nodes[c].input_type == "count" for c in fw.indicators)
    assert fw.assumptions, "unpublished choices must be documented as assumptions"


def test_tps2024_has_7_variables_22_indicators() -> None:
    fw = load_framework("tps-2024")
    assert len(fw.at_level(2)) == 7
    assert len(fw.indicators) == 22


@pytest.mark.parametrize("level", ["province", "regency"])
def test_effective_weights_sum_to_one_per_level(level: str) -> None:
    fw = load_framework("ikp-2024")
    eff = fw.effective_weights(level)
    for lvl in range(1, fw.n_levels + 1):
        assert sum(eff[c] for c in fw.at_level(lvl)) == pytest.approx(1.0)


def test_broken_framework_reports_every_problem_at_once() -> None:
    fw, report = check_framework(FIXTURES / "frameworks" / "broken.yaml")
    assert fw is None
    codes = report.codes()
    assert {
        IssueCode.DUPLICATE_CODE,
        IssueCode.UNKNOWN_PARENT,
        IssueCode.AGGREGATE_WITHOUT_CHILDREN,
        IssueCode.BAD_WEIGHT,
        IssueCode.BAD_DIRECTION,
        IssueCode.SKIPPED_LEVEL,
    } <= codes
    text = str(report)
    for code in ("A3", "D9", "D2", "A1", "A4", "provinsi"):
        assert code in text
    unknown = next(i for i in report if i.code is IssueCode.UNKNOWN_PARENT)
    assert unknown.location.node_code == "A2"
    assert "D1" in (unknown.hint or "")  # did you mean D1?


def test_schema_errors_are_all_reported() -> None:
    data = {
        "id": "x",
        "name": {"id": "X"},
        "nodes": [
            {"code": "R", "name": {"id": "R"}, "level": 2},
            {"code": "a", "name": {"id": "a"}, "level": "one", "parent": "R"},
            {"code": "b", "name": {"id": "b"}, "level": 1, "parent": "R", "weigth": 2},
            {"code": "c", "name": {"id": "c"}, "level": 1, "parent": "R", "type": "ratio"},
        ],
    }
    fw, report = Framework.check_dict(data)
    assert fw is None
    messages = [i.message for i in report]
    assert len(report.errors) >= 3
    assert any("level" in m for m in messages)
    assert any("weigth" in m for m in messages)
    assert any("type" in m for m in messages)
    weigth = next(i for i in report if "weigth" in i.message)
    assert "weight" in (weigth.hint or "")


def test_unknown_method_names_are_reported_with_choices() -> None:
    data = load_framework("ikp-2024").to_dict()
    data["defaults"]["normalize"] = {"method": "min-max"}
    data["nodes"][-1]["methods"] = {"aggregate": {"method": "mean"}}
    fw, report = Framework.check_dict(data)
    assert fw is None
    bad = [i for i in report if i.code is IssueCode.BAD_METHOD]
    assert len(bad) == 2
    assert "'minmax'" in bad[0].message or "'minmax'" in (bad[0].hint or "")


def test_weights_differ_by_region_level() -> None:
    data = load_framework("ikp-2024").to_dict()
    for node in data["nodes"]:
        if node["code"] == "D1":
            node["weight"] = {"province": 3.0, "regency": 1.0}
    fw = Framework.from_dict(data)
    assert fw.weight("D1", "province") == 3.0
    assert fw.weight("D1", "regency") == 1.0
    assert fw.effective_weights("province")["D1"] == pytest.approx(0.5)
    assert fw.effective_weights("regency")["D1"] == pytest.approx(0.25)


def test_method_overrides_merge_with_defaults() -> None:
    data = load_framework("ikp-2024").to_dict()
    for node in data["nodes"]:
        if node["code"] == "I05":
            node["methods"] = {"normalize": {"method": "rank"}}
    fw = Framework.from_dict(data)
    # the constant-indicator option is not a parameter of the method: it survives the change
    assert fw.method("normalize", "I05") == {"method": "rank", "constant": "coinr"}
    assert fw.method("normalize", "I06")["method"] == "minmax"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_coinr_table_round_trip(tmp_path: Path, suffix: str) -> None:
    fw = load_framework("ikp-2024")
    path = export_table(fw, tmp_path / f"imeta{suffix}")
    back = load_framework(path)
    assert back.indicators == fw.indicators
    assert {c: n.parent for c, n in back.nodes.items()} == {
        c: n.parent for c, n in fw.nodes.items()
    }
    for lvl in fw.region_levels:
        assert back.effective_weights(lvl) == pytest.approx(fw.effective_weights(lvl))


def test_imports_coinr_asem_metadata() -> None:
    fw = load_framework(ASEM_META)
    assert len(fw.indicators) == 49
    assert fw.n_levels == 4
    assert len(fw.at_level(2)) == 8
    meta = pd.read_csv(ASEM_META)
    negative = set(meta.loc[(meta["Type"] == "Indicator") & (meta["Direction"] == -1), "iCode"])
    assert {c for c in fw.indicators if fw.nodes[c].direction == -1} == negative


def test_coinr_table_problems_are_reported() -> None:
    table = pd.DataFrame(
        {
            "iCode": ["I1", "I2", "G"],
            "Parent": ["G", "X", ""],
            "Level": [1, 1, 2],
            "Weight": [1, "heavy", 1],
            "Direction": [1, 3, 1],
            "Type": ["Indicator", "Indicator", "Aggregate"],
        }
    )
    with pytest.raises(ValidationFailed) as exc:
        Framework.from_table(table)
    codes = exc.value.report.codes()
    assert {IssueCode.UNKNOWN_PARENT, IssueCode.BAD_DIRECTION, IssueCode.BAD_WEIGHT} <= codes


def test_missing_coinr_columns_get_did_you_mean() -> None:
    table = pd.DataFrame(
        {
            "icode": ["a"],
            "Parent": [""],
            "Level": [1],
            "Weight": [1],
            "Direction": [1],
            "Typ": ["Indicator"],
        }
    )
    with pytest.raises(ValidationFailed) as exc:
        Framework.from_table(table)
    hints = " ".join(i.hint or "" for i in exc.value.report)
    assert "'icode'" in hints  # the misspelt column found in the file
    assert "'Typ'" in hints


def test_yaml_round_trip_preserves_hash() -> None:
    fw = load_framework("ikp-2024")
    again = Framework.from_dict(fw.to_dict())
    assert again.content_hash() == fw.content_hash()


def test_unknown_builtin_names_the_choices() -> None:
    with pytest.raises(FileNotFoundError, match="ikp-2024"):
        load_framework("ikp-2019")
