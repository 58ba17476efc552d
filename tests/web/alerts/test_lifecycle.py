"""No duplicate alert while one is open for the same rule and region; open → acknowledged →
closed with notes and the actor recorded; who may act."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ikp_web.apps.alerts import services
from ikp_web.apps.alerts.models import Alert, Subscription
from ikp_web.apps.regions.models import Region


def test_no_duplicate_while_open(edition: Any, computation: Any, rules: Any) -> None:
    first = services.evaluate_edition(edition)
    assert len(first) == 2
    assert services.evaluate_edition(edition) == []
    assert Alert.objects.count() == 2
    alert = Alert.objects.get(region__code="32.03")
    services.change_status(alert, "acknowledged", actor=_ri())
    assert services.evaluate_edition(edition) == []  # acknowledged is still open
    services.change_status(alert, "closed", "ditangani", actor=_ri())
    again = services.evaluate_edition(edition)
    assert [(a.rule_id, a.region.code) for a in again] == [(alert.rule_id, "32.03")]


def _ri() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="ri")


def test_the_database_refuses_a_second_open_alert(
    edition: Any, computation: Any, rules: Any
) -> None:
    services.evaluate_edition(edition)
    alert = Alert.objects.first()
    assert alert is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            rule=alert.rule,
            region=alert.region,
            edition=edition,
            component=alert.component,
            raised_at=timezone.now(),
        )
    # a racing evaluation's insert is skipped, not an error
    from ikp.alert_rules import Trigger

    trigger = Trigger(
        rule=alert.rule.slug,
        kind=alert.rule.kind,
        region_code=alert.region.code,
        component=alert.component,
        values={},
        explanation={"text_id": "x"},
    )
    assert services.raise_alerts(edition, [trigger], at=timezone.now()) == []


def test_lifecycle_with_notes_and_history(
    edition: Any, computation: Any, rules: Any, personas: Any
) -> None:
    services.evaluate_edition(edition)
    alert = Alert.objects.get(region__code="32.01")
    jabar, bogor = personas["jabar"].user, personas["bogor"].user
    services.change_status(alert, "acknowledged", "diterima tim", actor=bogor)
    with pytest.raises(ValueError, match="needs a note"):
        services.change_status(alert, "closed", " ", actor=jabar)
    services.change_status(alert, "closed", "patroli gabungan dilakukan", actor=jabar)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED
    assert "patroli gabungan" in alert.notes
    history = [
        (e.from_status, e.to_status, e.by.username if e.by else None) for e in alert.events.all()
    ]
    assert history == [
        ("", "open", None),
        ("open", "acknowledged", "bogor"),
        ("acknowledged", "closed", "jabar"),
    ]
    with pytest.raises(ValueError):
        services.change_status(alert, "acknowledged", actor=jabar)


def test_who_may_act(edition: Any, computation: Any, rules: Any, personas: Any) -> None:
    services.evaluate_edition(edition)
    bogor_alert = Alert.objects.get(region__code="32.01")
    other = Alert.objects.get(region__code="32.03")
    bogor, mitra, publik = (personas[k].user for k in ("bogor", "mitra", "publik"))
    assert services.can_close(bogor, bogor_alert)
    assert not services.can_close(bogor, other)
    assert not services.can_acknowledge(mitra, bogor_alert)  # not subscribed
    sub = Subscription.objects.create(user=mitra, channel="email")
    sub.regions.set([Region.objects.get(edition="current", code="32")])
    assert services.can_acknowledge(mitra, bogor_alert)  # a child of the subscribed province
    assert not services.can_close(mitra, bogor_alert)
    with pytest.raises(services.NotAllowed):
        services.change_status(other, "closed", "x", actor=publik)
    services.change_status(bogor_alert, "acknowledged", "diterima mitra", actor=mitra)


def test_scope_of_the_list(edition: Any, computation: Any, rules: Any, personas: Any) -> None:
    services.evaluate_edition(edition)
    seen = {
        k: sorted(services.visible_to(p.user).values_list("region__code", flat=True))
        for k, p in personas.items()
    }
    assert seen["ri"] == ["32.01", "32.03"]
    assert seen["jabar"] == ["32.01", "32.03"]
    assert seen["bogor"] == ["32.01"]
    # the P(tinggi) rule is public: partners and the public role see its alerts
    assert seen["mitra"] == ["32.01", "32.03"]
    assert seen["publik"] == ["32.01", "32.03"]
    assert seen["anonymous"] == []
    rules["prob"].public = False
    rules["prob"].save()
    assert not services.visible_to(personas["mitra"].user).exists()
    assert not services.visible_to(personas["publik"].user).exists()
