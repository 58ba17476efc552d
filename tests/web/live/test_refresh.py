"""A verification refreshes the live index: the region's score moves by what the incident's
indicator contributes, every other region keeps its published score, and the published
snapshot itself is untouched."""

from __future__ import annotations

from typing import Any

import pytest

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.live import services
from ikp_web.apps.live.models import LiveEdition, LiveResult, LiveRun
from ikp_web.apps.scoring.models import Computation, Result

from .conftest import report, verify


def live_of(run: LiveRun, code: str) -> LiveResult:
    return run.results.select_related("region").get(region__code=code)


def test_verifying_an_incident_refreshes_the_live_result(
    edition: Edition,
    published: Computation,
    personas: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    before = list(Result.objects.filter(computation=published).values_list("score", flat=True))
    incident = report(edition, personas["bogor"].user)
    assert not LiveRun.objects.exists()  # a received report moves nothing
    verify(incident, personas["jabar"].user, django_capture_on_commit_callbacks)
    run = services.latest_run(edition)
    assert run is not None and run.based_on == published and run.n_incidents == 1
    bogor = live_of(run, "32.01")
    assert bogor.published_score == pytest.approx(
        Result.objects.get(computation=published, region__code="32.01", node_code="IKP").score
    )
    assert bogor.delta > 0 and bogor.score == pytest.approx(bogor.published_score + bogor.delta)
    assert set(bogor.contributions) == {"I05"}
    assert sum(bogor.contributions.values()) == pytest.approx(bogor.delta, abs=1e-6)
    assert bogor.incidents == {"I05": [incident.pk]}
    others = run.results.exclude(region__code="32.01")
    assert others.exists() and not others.exclude(delta=0).exists()
    # the published snapshot is unchanged
    after = list(Result.objects.filter(computation=published).values_list("score", flat=True))
    assert after == before
    assert LiveEdition.objects.get(edition=edition).dirty_since is None


def test_incidents_outside_the_window_do_not_count(
    edition: Edition, published: Computation, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    incident = report(edition, personas["bogor"].user, days_ago=200)
    verify(incident, personas["ri"].user, django_capture_on_commit_callbacks)
    run = services.latest_run(edition)
    assert run is not None and run.n_incidents == 0
    assert not run.results.exclude(delta=0).exists()


def test_a_period_window_set_in_the_settings(
    edition: Edition, published: Computation, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    LiveEdition.objects.create(
        edition=edition, period_start=now - dt.timedelta(days=400), period_end=now
    )
    incident = report(edition, personas["bogor"].user, days_ago=200)
    verify(incident, personas["ri"].user, django_capture_on_commit_callbacks)
    run = services.latest_run(edition)
    assert run is not None and run.n_incidents == 1


def test_a_refresh_covers_every_verification_before_it(
    edition: Edition, published: Computation, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user, bogor = personas["ri"].user, personas["bogor"].user
    first, second = report(edition, bogor), report(edition, bogor, indicator_code="I01")
    with django_capture_on_commit_callbacks(execute=True):
        from ikp_web.apps.incidents import services as incidents

        incidents.review(first, "verify", actor=user)
        incidents.review(second, "verify", actor=user)
    assert LiveRun.objects.count() == 1  # the second scheduled refresh found nothing to do
    bogor = live_of(services.latest_run(edition), "32.01")  # type: ignore[arg-type]
    assert bogor.incidents == {"I05": [first.pk], "I01": [second.pk]}
    assert services.refresh(edition) is None  # not dirty


def test_no_published_snapshot_no_live_run(
    edition: Edition, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    verify(
        report(edition, personas["bogor"].user),
        personas["ri"].user,
        django_capture_on_commit_callbacks,
    )
    assert not LiveRun.objects.exists()


def test_leaving_verified_takes_the_incident_out(
    edition: Edition, published: Computation, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The review service has no un-verify yet; any status change out of "verified" that
    records its event (as a later reopen would) refreshes the live index."""
    from ikp_web.apps.incidents.models import Incident, IncidentEvent

    user = personas["ri"].user
    incident = report(edition, personas["bogor"].user)
    verify(incident, user, django_capture_on_commit_callbacks)
    assert live_of(services.latest_run(edition), "32.01").delta > 0  # type: ignore[arg-type]
    with django_capture_on_commit_callbacks(execute=True):
        Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.REJECTED)
        IncidentEvent.objects.create(
            incident=incident, action="reject", from_status="verified", to_status="rejected"
        )
    assert live_of(services.latest_run(edition), "32.01").delta == 0  # type: ignore[arg-type]


def test_a_new_publication_refreshes_the_live_index_on_it(
    edition: Edition,
    published: Computation,
    verified: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from ikp_web.apps.scoring.services import do_publish, store_run

    from .conftest import published_core_run

    with django_capture_on_commit_callbacks(execute=True):
        newer = do_publish(store_run(edition, published_core_run()), None, change_log="uji")
    run = services.latest_run(edition)
    assert run is not None and run.based_on == newer and run.n_incidents == 1


def test_a_run_that_cannot_be_reused_is_logged_not_raised(
    edition: Edition, published: Computation, monkeypatch: Any, caplog: Any
) -> None:
    from ikp.issues import IkpError

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise IkpError("imputation")

    monkeypatch.setattr(services, "compute_live", refuse)
    assert services.refresh(edition, force=True) is None
    assert "not computed" in caplog.text
