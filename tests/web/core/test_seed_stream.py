"""The early-warning demo the first seed writes: a SYNTHETIC stream of incidents (every one
labelled), the default alert rules, one live run that moves some regions, a handful of open
alerts with explanations, the demo partner's subscription (it sees an alert on the alerts page),
and nothing more on a second seed."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from tests.web.core.test_seed_demo import login

from ikp import SYNTHETIC_LABEL
from ikp_web.apps.alerts.models import Alert, AlertRule, Delivery, Subscription
from ikp_web.apps.core.demo_stream import (
    DEFAULT_RULES,
    DEMO_INCIDENTS,
    DEMO_PUSH_INCIDENTS,
    DEMO_PUSHED_REGIONS,
)
from ikp_web.apps.core.management.commands.ikp_seed import QUICK_RUNS
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.models import Incident, IncidentEvent
from ikp_web.apps.live.models import LiveResult, LiveRun
from ikp_web.apps.scoring.models import Computation

KABKOTA = "ikp-2024-kabkota"


def test_a_synthetic_stream_mostly_verified_with_a_few_to_review(seeded: dict[str, str]) -> None:
    edition = Edition.objects.get(slug=KABKOTA)
    assert edition.synthetic
    incidents = Incident.objects.filter(edition=edition)
    assert incidents.count() == DEMO_INCIDENTS
    assert not incidents.filter(synthetic=False).exists()  # flagged, not only described
    verified = incidents.filter(status="verified").count()
    received = incidents.filter(status="received")
    assert verified > 0.9 * DEMO_INCIDENTS and 5 <= received.count() < 0.1 * DEMO_INCIDENTS
    assert sum(i.possible_duplicates.exists() for i in received) >= 2
    for description in incidents.values_list("description", flat=True):
        assert description.startswith("SINTETIS / SYNTHETIC") and SYNTHETIC_LABEL in description
    # every incident has its history: created, and verified by the RI reviewer
    assert IncidentEvent.objects.filter(action="create").count() == DEMO_INCIDENTS
    verify = IncidentEvent.objects.filter(action="verify")
    assert verify.count() == verified and {e.by.username for e in verify} == {"ri"}


def test_one_live_run_that_moves_some_regions(seeded: dict[str, str]) -> None:
    run = LiveRun.objects.get(edition__slug=KABKOTA)
    assert run.n_incidents > 0.9 * DEMO_INCIDENTS
    moved = LiveResult.objects.filter(run=run).exclude(delta=0)
    assert moved.count() > 10


def test_a_handful_of_open_alerts_with_explanations_and_none_mailed(
    seeded: dict[str, str],
) -> None:
    assert set(AlertRule.objects.values_list("slug", flat=True)) == {
        r["slug"] for r in DEFAULT_RULES
    }
    alerts = Alert.objects.filter(status="open")
    assert 3 <= alerts.count() <= 60, alerts.count()
    assert len({a.rule.kind for a in alerts}) >= 2
    for alert in alerts:
        assert alert.explanation["text_id"] and alert.explanation["text_en"]
    assert not mail.outbox and not Delivery.objects.exists()


def test_two_regions_pushed_across_the_tinggi_cut_off(seeded: dict[str, str]) -> None:
    """The stream concentrates synthetic incidents on the two "sedang" kab/kota closest below
    the "tinggi" cut-off (49.33): the live index moves them across it and the class-transition
    rule opens a live alert for each, explained by the incidents."""
    alerts = Alert.objects.filter(rule__kind="class_transition", status="open")
    assert alerts.count() == DEMO_PUSHED_REGIONS
    for alert in alerts:
        assert alert.source == "live" and alert.values["published_class"] == "sedang"
        assert alert.values["current_class"] == "tinggi"
        assert alert.values["published_score"] < 49.33 <= alert.values["current_score"]
        pushed = Incident.objects.filter(regency=alert.region, status="verified")
        assert pushed.count() >= DEMO_PUSH_INCIDENTS
        assert all(
            "SINTETIS / SYNTHETIC" in d for d in pushed.values_list("description", flat=True)
        )


@pytest.fixture()
def seeded_quick(db: Any, settings: Any, tmp_path: Path) -> None:
    """The first start as ``ikp serve`` seeds it (background uncertainty), with the quick runs
    only (no job queued: the full runs would run inline under the test's huey)."""
    settings.VAR_DIR = tmp_path
    call_command("ikp_seed", runs=QUICK_RUNS, background_uncertainty=True, stdout=io.StringIO())


def test_every_kind_of_alert_at_the_first_start(seeded_quick: None) -> None:
    comp = Computation.objects.get(edition__slug=KABKOTA, published=True)
    assert comp.uncertainty_runs == QUICK_RUNS and comp.synthetic
    kinds = Counter(Alert.objects.filter(status="open").values_list("rule__kind", flat=True))
    assert set(kinds) == {"class_transition", "score_rise", "spike", "prob_threshold"}, kinds
    assert kinds["class_transition"] == DEMO_PUSHED_REGIONS
    assert 1 <= kinds["prob_threshold"] <= 20 and sum(kinds.values()) <= 60
    for alert in Alert.objects.filter(rule__kind="prob_threshold"):
        assert alert.source == "published" and alert.values["probability"] > 0.5
        assert alert.computation_id == comp.pk


def test_the_partner_sees_its_alerts(seeded: dict[str, str]) -> None:
    sub = Subscription.objects.get(user__username="mitra")
    assert sub.channel == "email" and sub.email_mode == "digest" and sub.include_children
    assert list(sub.regions.values_list("code", flat=True)) == ["32"]
    jabar = Alert.objects.filter(region__code__startswith="32")
    assert jabar.exists()
    page = login("mitra", seeded).get(reverse("alerts:list")).content.decode()
    assert any(a.region.name in page for a in jabar)


def written() -> tuple[int, ...]:
    models = (Incident, IncidentEvent, Alert, AlertRule, Subscription, LiveRun)
    return tuple(m.objects.count() for m in models)  # type: ignore[attr-defined]


def test_a_second_seed_writes_nothing(seeded: dict[str, str]) -> None:
    before = written()
    out = io.StringIO()
    call_command("ikp_seed", runs=0, stdout=out)
    assert written() == before
    assert "synthetic incidents" not in out.getvalue()
