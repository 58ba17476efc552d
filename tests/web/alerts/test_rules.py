"""Each rule kind through the web layer: the region-state table from the published snapshot
(``current_states``), verified incidents, and the alerts stored with their explanation."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from django.utils import timezone
from tests.web.alerts.conftest import recent

from ikp_web.apps.alerts import services
from ikp_web.apps.alerts.models import Alert, AlertEvent


def live(monkeypatch: pytest.MonkeyPatch, changes: dict[str, tuple[float, str]]) -> None:
    """Pretend the live index moved some regions (the live index replaces ``current_*``); keys
    are region codes (the index) or ``code/component``."""
    real = services.current_states

    def current(edition: Any, components: Any = None) -> pd.DataFrame:
        frame = real(edition, components)
        for key, (score, klass) in changes.items():
            code, _, component = key.partition("/")
            row = (frame["region_code"] == code) & (frame["component"] == (component or "IKP"))
            frame.loc[row, "current_score"] = score
            frame.loc[row, "current_class"] = klass
        return frame

    monkeypatch.setattr(services, "current_states", current)


def test_current_states_is_the_published_snapshot(edition: Any, computation: Any) -> None:
    states = services.current_states(edition, ["IKP"])
    assert len(states) == 4
    assert (states["current_score"] == states["published_score"]).all()
    assert set(states["parent_code"]) == {"32"}
    assert states.set_index("region_code").loc["32.01", "prob_tinggi"] == 0.8


def test_nothing_published_nothing_raised(edition: Any, rules: Any) -> None:
    assert services.evaluate_edition(edition) == []


def test_class_transition(edition: Any, computation: Any, rules: Any, monkeypatch: Any) -> None:
    rules["prob"].delete()
    live(monkeypatch, {"32.01": (71.0, "tinggi"), "32.02": (38.0, "sedang")})
    alerts = services.evaluate_edition(edition)
    by_rule = {(a.rule.slug, a.region.code) for a in alerts}
    assert ("sedang-ke-tinggi", "32.01") in by_rule
    assert ("sedang-ke-tinggi", "32.02") not in by_rule  # rendah → sedang is not the transition
    alert = Alert.objects.get(rule=rules["class"])
    assert alert.values["published_class"] == "sedang"
    assert alert.values["current_class"] == "tinggi"
    assert "tinggi" in alert.explanation["text_en"]
    assert alert.status == Alert.Status.OPEN
    assert AlertEvent.objects.filter(alert=alert, to_status="open").exists()


def test_score_rise(edition: Any, computation: Any, rules: Any, monkeypatch: Any) -> None:
    changes = {"32.01": (71.0, "tinggi"), "32.02": (38.0, "sedang")}
    live(monkeypatch, {**changes, "32.01/D1": (62.5, "sedang")})
    services.evaluate_edition(edition)
    alerts = Alert.objects.filter(rule=rules["rise"])
    assert [a.region.code for a in alerts] == ["32.01"]  # +16 > 10; +8 is not
    assert alerts[0].values["rise"] == 16.0
    # the explanation names the dimension that rose (the index's children stored: D1)
    assert alerts[0].explanation["drivers"] == [{"component": "D1", "rise": 7.5}]


def test_prob_threshold(edition: Any, computation: Any, rules: Any) -> None:
    services.evaluate_edition(edition)
    codes = sorted(Alert.objects.filter(rule=rules["prob"]).values_list("region__code", flat=True))
    assert codes == ["32.01", "32.03"]
    alert = Alert.objects.get(rule=rules["prob"], region__code="32.03")
    assert alert.values["probability"] == 0.9
    assert alert.source == Alert.Source.PUBLISHED
    assert alert.computation_id == computation.pk


def test_spike_from_verified_incidents(
    edition: Any,
    computation: Any,
    rules: Any,
    verified: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Verifying an incident evaluates the edition (after commit): the second verified D1.S1
    incident in 7 days in Kabupaten Bogor raises the spike alert, explained by both."""
    first = verified(occurred_at=recent(2), indicator_code="I01")
    assert not Alert.objects.filter(rule=rules["spike"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        second = verified(occurred_at=recent(1), indicator_code="I02")
    alert = Alert.objects.get(rule=rules["spike"])
    assert alert.region.code == "32.01"
    assert alert.component == "D1.S1"
    assert alert.values == {"count": 2, "baseline": 0.0}
    assert alert.explanation["incidents"] == [first.pk, second.pk]
    assert alert.explanation["indicators"] == ["I01", "I02"]


def test_unverified_and_other_indicators_do_not_count(
    edition: Any, computation: Any, rules: Any, verified: Any, personas: Any
) -> None:
    from tests.web.incidents.conftest import stored

    verified(occurred_at=recent(1), indicator_code="I01")
    stored(edition, personas["bogor"].user, occurred_at=recent(1), indicator_code="I01")
    verified(occurred_at=recent(1), indicator_code="I40")
    services.evaluate_edition(edition, at=timezone.now())
    assert not Alert.objects.filter(rule=rules["spike"]).exists()


def test_disabled_rules_are_not_evaluated(edition: Any, computation: Any, rules: Any) -> None:
    rules["prob"].enabled = False
    rules["prob"].save()
    services.evaluate_edition(edition)
    assert not Alert.objects.exists()
