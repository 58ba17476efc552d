"""The pure alert rules (:mod:`ikp.alert_rules`): each kind fires exactly where it should and
explains itself; parameters are validated per kind."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError

from ikp.alert_rules import Rule, check_params, clearances, evaluate

AT = dt.datetime(2024, 1, 20, 12, 0)


def states() -> pd.DataFrame:
    rows = [
        # region, parent, component, pub score, pub class, cur score, cur class, P(tinggi)
        ("32", "", "IKP", 50.0, "sedang", 50.0, "sedang", 0.2),
        ("32.01", "32", "IKP", 55.0, "sedang", 71.0, "tinggi", 0.8),
        ("32.02", "32", "IKP", 30.0, "rendah", 38.0, "sedang", 0.1),
        ("32.03", "32", "IKP", 80.0, "tinggi", 80.0, "tinggi", 0.95),
        ("32.01", "32", "D1.S1", 40.0, "sedang", 40.0, "sedang", 0.3),
    ]
    cols = ["region_code", "parent_code", "component", "published_score", "published_class"]
    cols += ["current_score", "current_class", "prob_tinggi"]
    return pd.DataFrame(rows, columns=cols)


def incidents() -> pd.DataFrame:
    rows = [
        (1, "32.01", "32", "I01", AT - dt.timedelta(days=1)),
        (2, "32.01", "32", "I02", AT - dt.timedelta(days=2)),
        (3, "32.01", "32", "I01", AT - dt.timedelta(days=3)),
        (4, "32.02", "32", "I01", AT - dt.timedelta(days=30)),
        (5, "32.02", "32", "I01", AT - dt.timedelta(days=2)),
        (6, "32.01", "32", "I40", AT - dt.timedelta(days=2)),  # not under D1.S1
        (7, "32.01", "32", "I01", AT + dt.timedelta(days=1)),  # after ``at``
    ]
    return pd.DataFrame(
        rows,
        columns=["incident_id", "region_code", "province_code", "indicator_code", "occurred_at"],
    )


COMPONENTS = {"D1.S1": ["I01", "I02", "I03"]}


def fired(rule: Rule) -> dict[str, dict]:
    out = evaluate([rule], states(), incidents(), at=AT, component_indicators=COMPONENTS)
    return {t.region_code: {"values": t.values, **t.explanation} for t in out}


def test_class_transition_fires_only_for_the_named_transition() -> None:
    rule = Rule(slug="naik-tinggi", kind="class_transition", params={"from_classes": ["sedang"]})
    got = fired(rule)
    assert set(got) == {"32.01"}
    assert got["32.01"]["values"]["published_class"] == "sedang"
    assert got["32.01"]["values"]["current_class"] == "tinggi"
    assert "sedang" in got["32.01"]["text_id"] and "tinggi" in got["32.01"]["text_en"]
    # the explanation lists the region's incidents of the window (all indicators for the root)
    assert got["32.01"]["incidents"] == [1, 2, 3, 6]


def test_class_transition_from_any_class() -> None:
    got = fired(Rule(slug="jadi-sedang", kind="class_transition", params={"to_class": "sedang"}))
    assert set(got) == {"32.02"}


def test_score_rise_needs_more_than_the_points() -> None:
    got = fired(Rule(slug="naik-10", kind="score_rise", params={"points": 10}))
    assert set(got) == {"32.01"}
    assert got["32.01"]["values"]["rise"] == 16.0
    assert set(fired(Rule(slug="naik-8", kind="score_rise", params={"points": 8}))) == {"32.01"}
    assert set(fired(Rule(slug="naik-7", kind="score_rise", params={"points": 7.5}))) == {
        "32.01",
        "32.02",
    }


def test_spike_counts_the_component_indicators_in_the_window() -> None:
    rule = Rule(slug="keamanan", kind="spike", component="D1.S1", params={"min_count": 3})
    got = fired(rule)
    # 32.01: incidents 1, 2, 3 (I40 is outside D1.S1; 7 is after ``at``); the province 32 sums
    # its kab/kota: 1, 2, 3 and 5
    assert set(got) == {"32", "32.01"}
    assert got["32.01"]["values"] == {"count": 3, "baseline": 0.0}
    assert got["32.01"]["incidents"] == [1, 2, 3]
    assert got["32.01"]["indicators"] == ["I01", "I02"]
    assert got["32"]["values"]["count"] == 4


def test_spike_against_the_baseline_rate() -> None:
    # 32.02: one incident in the window, one in the 90 days before (baseline 7/90): 1 > 2 × 0.08
    rule = Rule(slug="k-kali", kind="spike", component="D1.S1", params={"rate_factor": 2})
    got = fired(rule)
    assert "32.02" in got
    assert got["32.02"]["values"]["baseline"] == pytest.approx(7 / 90, abs=1e-4)
    strict = Rule(slug="k-besar", kind="spike", component="D1.S1", params={"rate_factor": 20})
    assert "32.02" not in fired(strict)
    assert "32.01" in fired(strict)  # no baseline: any count above zero


def test_prob_threshold() -> None:
    got = fired(Rule(slug="p-tinggi", kind="prob_threshold", params={"threshold": 0.75}))
    assert set(got) == {"32.01", "32.03"}
    assert got["32.03"]["values"]["probability"] == 0.95
    unknown = Rule(slug="p-x", kind="prob_threshold", params={"threshold": 0.1, "label": "x"})
    assert fired(unknown) == {}


def test_params_are_validated_per_kind() -> None:
    with pytest.raises(ValidationError):
        Rule(slug="x", kind="score_rise", params={})
    with pytest.raises(ValidationError):
        Rule(slug="x", kind="prob_threshold", params={"threshold": 1.5})
    with pytest.raises(ValidationError):
        check_params("spike", {"min_count": 2, "unknown": 1})
    with pytest.raises(ValueError, match="must be one of"):
        check_params("nope", {})
    assert check_params("spike", {})["baseline_days"] == 90


def test_state_table_columns_are_checked() -> None:
    with pytest.raises(ValueError, match="lacks the columns"):
        evaluate([], pd.DataFrame({"region_code": []}), at=AT)


def test_state_rules_name_the_children_that_rose_most() -> None:
    table = pd.concat(
        [
            states(),
            pd.DataFrame(
                [
                    ("32.01", "32", "D2.S1", 20.0, "rendah", 35.0, "sedang", 0.1),
                    ("32.01", "32", "D3.S1", 50.0, "sedang", 45.0, "sedang", 0.1),
                ],
                columns=states().columns,
            ),
        ]
    )
    rule = Rule(slug="naik-10", kind="score_rise", params={"points": 10})
    children = {"IKP": ["D1.S1", "D2.S1", "D3.S1"]}
    (trigger,) = evaluate([rule], table, at=AT, component_children=children)
    # D2.S1 rose by 15; D1.S1 did not move and D3.S1 fell: neither drives the rise
    assert trigger.explanation["drivers"] == [{"component": "D2.S1", "rise": 15.0}]


# --------------------------------------------------------------------------- clearing


def cleared(rule: Rule, codes: list[str], margin: float = 0.0, **kw: object) -> dict[str, str]:
    out = clearances(
        [rule],
        states(),
        incidents(),
        [(rule.slug, c) for c in codes],
        at=AT,
        margins={rule.slug: margin},
        component_indicators=COMPONENTS,
        **kw,  # type: ignore[arg-type]
    )
    assert all(c.text_en.startswith("Closed automatically") for c in out)
    return {c.region_code: c.text_id for c in out}


def test_a_cleared_score_rise_closes_with_the_numbers_read_now() -> None:
    rule = Rule(slug="naik", kind="score_rise", params={"points": 10})
    # 32.01 rose 16 (still holds); 32.02 rose 8 (clear); 32.03 rose 0 (clear)
    got = cleared(rule, ["32.01", "32.02", "32.03", "99.99"])
    assert set(got) == {"32.02", "32.03"}  # an unknown region is not cleared
    assert got["32.02"] == (
        "Ditutup otomatis: kondisi tidak lagi terpenuhi (kenaikan skor IKP 8 poin ≤ 10; "
        "skor 30 → 38)."
    )


def test_the_margin_keeps_an_alert_open_near_the_threshold() -> None:
    """Hysteresis: with a margin of 3, a rise of 8 (> 10 − 3) still holds; 0 does not."""
    rule = Rule(slug="naik", kind="score_rise", params={"points": 10})
    got = cleared(rule, ["32.02", "32.03"], margin=3)
    assert set(got) == {"32.03"}
    assert "≤ 7 (10 − margin 3)" in got["32.03"]
    prob = Rule(slug="p", kind="prob_threshold", params={"threshold": 0.85})
    assert set(cleared(prob, ["32.01", "32.03"])) == {"32.01"}  # 0.8 ≤ 0.85
    assert cleared(prob, ["32.01", "32.03"], margin=0.1) == {}  # 0.8 > 0.75
    assert "P(tinggi) untuk IKP = 0,8 ≤ 0,85" in cleared(prob, ["32.01"])["32.01"]


def test_a_spike_clears_when_the_window_moves_on() -> None:
    rule = Rule(
        slug="lonjakan",
        kind="spike",
        component="D1.S1",
        params={"min_count": 2, "window_days": 7},
    )
    assert cleared(rule, ["32.01"]) == {}  # 3 in the window
    later = clearances(
        [rule],
        states(),
        incidents(),
        [("lonjakan", "32.01")],
        at=AT + dt.timedelta(days=6, hours=12),
        component_indicators=COMPONENTS,
    )
    assert [c.values["count"] for c in later] == [1]
    assert "1 kejadian terverifikasi pada D1.S1 dalam 7 hari < 2" in later[0].text_id


def test_a_class_transition_clears_below_the_cut_off_minus_the_margin() -> None:
    rule = Rule(slug="naik-tinggi", kind="class_transition", params={"from_classes": ["sedang"]})
    frame = states()
    frame.loc[1, ["current_score", "current_class"]] = (68.0, "sedang")  # 32.01 fell back
    run = clearances
    args = ([rule], frame, incidents(), [("naik-tinggi", "32.01")])
    assert [c.region_code for c in run(*args, at=AT)] == ["32.01"]
    # within 2 points of the cut-off 69: still counted as holding
    floors = {"naik-tinggi": 69.0}
    assert run(*args, at=AT, margins={"naik-tinggi": 2.0}, class_floors=floors) == []
    [c] = run(*args, at=AT, margins={"naik-tinggi": 0.5}, class_floors=floors)
    assert "kelas IKP sekarang sedang, skor 68 < 68,5 (69 − margin 0,5)" in c.text_id
    assert "IKP class now sedang, score 68 < 68.5 (69 − margin 0.5)" in c.text_en
