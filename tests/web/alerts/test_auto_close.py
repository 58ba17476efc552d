"""Alerts close themselves when their condition clears (rules with ``auto_close``), with a
note in Indonesian and English and a history event by the system; a margin keeps them from
flapping; a rule that does not close by itself leaves its alerts open; a later re-trigger opens
a new alert. Everything through ``evaluate_edition`` on real published results, live runs and
verified incidents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from tests.web.alerts.conftest import recent

from ikp_web.apps.alerts import services
from ikp_web.apps.alerts.models import Alert
from ikp_web.apps.live.models import LiveResult, LiveRun
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Computation, Result


def p_high(comp: Computation, **values: float) -> None:
    """Set the published P(tinggi) of kab/kota ``32_01=0.5`` … (underscores for dots)."""
    for key, p in values.items():
        probs = {"rendah": round((1 - p) / 2, 3), "sedang": round((1 - p) / 2, 3), "tinggi": p}
        Result.objects.filter(
            computation=comp, node_code="IKP", region__code=key.replace("_", ".")
        ).update(class_probabilities=probs)


def ri() -> Any:
    return get_user_model().objects.get(username="ri")


def test_cleared_alerts_close_themselves_open_or_acknowledged(
    edition: Any, computation: Any, rules: Any, personas: Any
) -> None:
    services.evaluate_edition(edition)
    first = Alert.objects.get(rule=rules["prob"], region__code="32.01")
    acked = Alert.objects.get(rule=rules["prob"], region__code="32.03")
    services.change_status(acked, "acknowledged", "dipantau", actor=ri())
    p_high(computation, **{"32_01": 0.8, "32_03": 0.9})
    assert services.evaluate_edition(edition) == []
    assert Alert.objects.filter(status="closed").count() == 0  # still > 0.75: nothing closes
    p_high(computation, **{"32_01": 0.5, "32_03": 0.6})
    services.evaluate_edition(edition)
    for alert, before in ((first, "open"), (acked, "acknowledged")):
        alert.refresh_from_db()
        assert alert.status == Alert.Status.CLOSED
        last = alert.events.last()
        assert last is not None and last.by is None  # the system
        assert (last.from_status, last.to_status) == (before, "closed")
        assert last.note.startswith("Ditutup otomatis: kondisi tidak lagi terpenuhi (")
        assert "\nClosed automatically: the condition no longer holds (" in last.note
        assert last.note in alert.notes
    assert "P(tinggi) untuk IKP = 0,5 ≤ 0,75" in first.notes
    assert "P(tinggi) for IKP = 0.6 ≤ 0.75" in acked.notes
    page = personas["ri"].client.get(reverse("alerts:detail", args=[first.pk])).content.decode()
    assert "Ditutup otomatis" in page and "sistem" in page


def test_a_rule_that_does_not_close_by_itself(edition: Any, computation: Any, rules: Any) -> None:
    rules["prob"].auto_close = False
    rules["prob"].save()
    services.evaluate_edition(edition)
    p_high(computation, **{"32_01": 0.1, "32_03": 0.1})
    services.evaluate_edition(edition)
    assert set(Alert.objects.values_list("status", flat=True)) == {"open"}


def test_a_re_trigger_opens_a_new_alert(edition: Any, computation: Any, rules: Any) -> None:
    services.evaluate_edition(edition)
    old = Alert.objects.get(rule=rules["prob"], region__code="32.01")
    p_high(computation, **{"32_01": 0.2})
    services.evaluate_edition(edition)
    p_high(computation, **{"32_01": 0.9})
    [new] = services.evaluate_edition(edition)
    assert new.pk != old.pk and new.region.code == "32.01" and new.status == "open"
    old.refresh_from_db()
    assert old.status == "closed"
    assert Alert.objects.filter(rule=rules["prob"], region__code="32.01").count() == 2


def test_the_clear_margin_keeps_an_alert_open_near_the_threshold(
    edition: Any, computation: Any, rules: Any
) -> None:
    rules["prob"].clear_margin = 0.1
    rules["prob"].save()
    services.evaluate_edition(edition)
    alert = Alert.objects.get(rule=rules["prob"], region__code="32.01")
    for p, status in ((0.7, "open"), (0.66, "open"), (0.65, "closed")):
        p_high(computation, **{"32_01": p})
        services.evaluate_edition(edition)
        alert.refresh_from_db()
        assert alert.status == status, p
    assert "≤ 0,65 (0,75 − margin 0,1)" in alert.notes


def live_run(comp: Computation, moved: dict[str, tuple[float, str]]) -> LiveRun:
    """A live run on ``comp`` (stored as the live index stores one), newer than any before."""
    now = timezone.now()
    run = LiveRun.objects.create(edition=comp.edition, based_on=comp, covers_until=now)
    LiveRun.objects.filter(pk=run.pk).update(
        computed_at=now + dt.timedelta(seconds=LiveRun.objects.count())
    )
    regions = {r.code: r for r in Region.objects.filter(edition="current", code__in=moved)}
    LiveResult.objects.bulk_create(
        LiveResult(run=run, region=regions[code], score=score, klass=klass)
        for code, (score, klass) in moved.items()
    )
    return run


def test_a_live_class_transition_closes_below_the_cut_off_minus_the_margin(
    edition: Any, computation: Any, rules: Any
) -> None:
    """The regency cut-off of tinggi in IKP 2024 is 49.33; with a margin of 1 point the alert
    stays open down to 48.33, and is not judged while the live index has no run on a new
    publication."""
    rules["prob"].delete()
    rules["rise"].delete()
    rules["class"].clear_margin = 1.0
    rules["class"].save()
    live_run(computation, {"32.01": (71.0, "tinggi")})
    [alert] = services.evaluate_edition(edition)
    assert (alert.rule, alert.source) == (rules["class"], "live")
    live_run(computation, {"32.01": (48.5, "sedang")})
    services.evaluate_edition(edition)
    alert.refresh_from_db()
    assert alert.status == "open"  # sedang again, but within the margin
    # a new publication: until the live index runs on it, a live alert stays as it is
    v2 = Computation.objects.create(
        edition=edition, status="done", published=True, published_at=timezone.now(), version=2
    )
    Result.objects.bulk_create(
        Result(computation=v2, **{f: getattr(r, f) for f in ("region", "node_code", "level")})
        for r in computation.results.all()
    )
    Result.objects.filter(computation=v2).update(score=55.0, klass="sedang")
    services.evaluate_edition(edition)
    alert.refresh_from_db()
    assert alert.status == "open"
    live_run(v2, {"32.01": (47.9, "sedang")})
    services.evaluate_edition(edition)
    alert.refresh_from_db()
    assert alert.status == "closed"
    assert "kelas IKP sekarang sedang, skor 47,9 < 48,33 (49,33 − margin 1)" in alert.notes


def test_a_spike_closes_once_its_window_has_passed(
    edition: Any, computation: Any, rules: Any, verified: Any
) -> None:
    verified(occurred_at=recent(2), indicator_code="I01")
    verified(occurred_at=recent(1), indicator_code="I02")
    now = timezone.now()
    [alert] = [a for a in services.evaluate_edition(edition, at=now) if a.rule == rules["spike"]]
    rules["spike"].clear_margin = 1
    rules["spike"].save()
    for days, count, status in ((4, 2, "open"), (5.5, 1, "open"), (8, 0, "closed")):
        services.evaluate_edition(edition, at=now + dt.timedelta(days=days))
        alert.refresh_from_db()
        assert alert.status == status, (days, count)  # a margin of 1: closes below 2 − 1
    assert "0 kejadian terverifikasi pada D1.S1 dalam 7 hari < 1 (2 − margin 1)" in alert.notes
    assert "0 verified incidents in D1.S1 within 7 days < 1 (2 − margin 1)" in alert.notes
