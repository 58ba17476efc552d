"""Review: received → verified / rejected / duplicate by a reviewer in scope, with a note, and
the history of every change."""

from __future__ import annotations

from typing import Any

import pytest

from ikp_web.apps.core.models import AuditLog
from ikp_web.apps.incidents import services
from ikp_web.apps.incidents.models import Incident


def test_a_new_report_is_received_with_its_first_event(personas: Any, make_incident: Any) -> None:
    incident = make_incident(personas["bogor"].user)
    assert incident.status == Incident.Status.RECEIVED
    assert incident.reporter == personas["bogor"].user
    events = list(incident.events.values_list("action", "from_status", "to_status", "by"))
    assert events == [("create", "", "received", personas["bogor"].user.pk)]


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("ri", True), ("jabar", True), ("bogor", False), ("mitra", False), ("publik", False)],
)
def test_who_may_review_a_report_in_kabupaten_bogor(
    personas: Any, make_incident: Any, persona: str, allowed: bool
) -> None:
    """The default policy (``IKP_INCIDENT_REVIEW_LEVEL = "province"``): the province office or
    RI verifies; the kab/kota office does not, even a report someone else made there."""
    incident = make_incident(personas["mitra"].user)
    assert services.can_review(personas[persona].user, incident) is allowed
    if allowed:
        services.review(incident, "verify", "cek lapangan", actor=personas[persona].user)
        incident.refresh_from_db()
        assert incident.status == Incident.Status.VERIFIED
    else:
        with pytest.raises(services.NotAllowed):
            services.review(incident, "verify", actor=personas[persona].user)


def test_an_office_cannot_verify_outside_its_jurisdiction(
    personas: Any, make_incident: Any
) -> None:
    jakarta = make_incident(
        personas["ri"].user, province_code="31", regency_code="31.71", district_code=None
    )
    elsewhere = make_incident(personas["ri"].user, regency_code="32.73", district_code=None)
    for persona, incident in (("jabar", jakarta), ("bogor", jakarta), ("bogor", elsewhere)):
        with pytest.raises(services.NotAllowed):
            services.review(incident, "verify", actor=personas[persona].user)
    assert Incident.objects.filter(status=Incident.Status.VERIFIED).count() == 0


def test_history_records_every_change_and_reviewed_reports_are_final(
    personas: Any, make_incident: Any
) -> None:
    ri, bogor = personas["ri"].user, personas["bogor"].user
    first = make_incident(bogor)
    second = make_incident(bogor, occurred_at="2024-01-10 11:00")
    third = make_incident(bogor, occurred_at="2024-01-11 11:00")
    with pytest.raises(ValueError):  # a rejection needs a note
        services.review(first, "reject", "  ", actor=ri)
    services.review(first, "verify", "dikonfirmasi", actor=ri)
    services.review(second, "duplicate", "sama dengan #1", actor=ri, duplicate_of=first)
    services.review(third, "reject", "bukan kejadian pemilu", actor=personas["jabar"].user)
    second.refresh_from_db()
    assert second.status == Incident.Status.DUPLICATE and second.duplicate_of == first
    events = list(third.events.values_list("action", "from_status", "to_status", "note"))
    assert events == [
        ("create", "", "received", ""),
        ("reject", "received", "rejected", "bukan kejadian pemilu"),
    ]
    with pytest.raises(services.NotAllowed):
        services.review(first, "reject", "berubah pikiran", actor=ri)
    assert AuditLog.objects.filter(action="incident_verify").count() == 1


def test_marking_a_duplicate_needs_the_original(personas: Any, make_incident: Any) -> None:
    incident = make_incident(personas["bogor"].user)
    with pytest.raises(ValueError):
        services.review(incident, "duplicate", actor=personas["ri"].user)
