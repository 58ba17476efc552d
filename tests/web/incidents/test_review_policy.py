"""Who verifies a report made inside a kab/kota (``IKP_INCIDENT_REVIEW_LEVEL``, ADR 0007):
``province`` (default) — the province office or RI, the kab/kota office only sees it;
``regency`` — the kab/kota office too. In both, nobody reviews their own report (four-eyes), and
the queues (the list's "to review" filter and count, the API's ``to_review`` and
``may_review``) list exactly what the caller may review."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from tests.web.conftest import make_user

from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.incidents import services
from ikp_web.apps.incidents.models import Incident

API = "/api/v1/incidents"


def queue(persona: Any) -> set[int]:
    """The report numbers the list page's "to review" filter shows ``persona``."""
    page = persona.client.get("/laporan/?tinjau=1")
    assert page.status_code == 200
    rows = {r["pk"] for r in page.context["rows"]}
    assert page.context["n_to_review"] == len(rows)
    return rows


def api_queue(persona: Any) -> set[int]:
    body = persona.client.get(f"{API}?to_review=true").json()
    assert all(item["may_review"] for item in body["items"])
    return {item["id"] for item in body["items"]}


def test_the_default_is_province_level(settings: Any) -> None:
    from ikp_web.config.settings import base

    assert base.IKP_INCIDENT_REVIEW_LEVEL == "province"
    del settings.IKP_INCIDENT_REVIEW_LEVEL
    assert services.review_level() == "province"
    settings.IKP_INCIDENT_REVIEW_LEVEL = "kecamatan"
    with pytest.raises(ImproperlyConfigured, match="province"):
        services.review_level()


def test_province_level_the_province_verifies_what_the_regency_reported(
    personas: Any, make_incident: Any
) -> None:
    """The issue's scenario: a kab/kota supervisor reports from a phone; the province verifies."""
    bogor, jabar = personas["bogor"], personas["jabar"]
    incident = make_incident(bogor.user)
    page = bogor.client.get(f"/laporan/{incident.pk}/")
    assert page.status_code == 200 and not page.context["can_review"]
    assert "diverifikasi oleh Bawaslu Provinsi" in page.content.decode()
    assert bogor.client.post(f"/laporan/{incident.pk}/", {"action": "verify"}).status_code == 403
    assert queue(bogor) == set() and api_queue(bogor) == set()
    item = bogor.client.get(API).json()["items"][0]
    assert item["id"] == incident.pk and item["may_review"] is False

    assert queue(jabar) == {incident.pk} == api_queue(jabar)
    assert "1 laporan menunggu tinjauan Anda" in jabar.client.get("/laporan/").content.decode()
    response = jabar.client.post(f"/laporan/{incident.pk}/", {"action": "verify", "note": "ok"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Incident.Status.VERIFIED and incident.reviewed_by == jabar.user
    assert queue(jabar) == set() == api_queue(jabar)


def test_regency_level_the_regency_reviews_others_reports_only(
    settings: Any, personas: Any, make_incident: Any
) -> None:
    settings.IKP_INCIDENT_REVIEW_LEVEL = "regency"
    bogor, jabar = personas["bogor"], personas["jabar"]
    own = make_incident(bogor.user)
    by_province = make_incident(jabar.user, occurred_at="2024-01-12 10:00")
    assert services.can_review(bogor.user, by_province)
    assert not services.can_review(bogor.user, own)  # four-eyes
    assert queue(bogor) == {by_province.pk} == api_queue(bogor)
    assert queue(jabar) == {own.pk} == api_queue(jabar)
    page = bogor.client.get(f"/laporan/{own.pk}/")
    assert not page.context["can_review"] and "prinsip empat mata" in page.content.decode()
    with pytest.raises(services.NotAllowed, match="sendiri"):
        services.review(own, "verify", actor=bogor.user)
    services.review(by_province, "reject", "bukan kejadian pemilu", actor=bogor.user)
    services.review(own, "verify", actor=jabar.user)
    assert set(Incident.objects.values_list("status", flat=True)) == {"rejected", "verified"}


@pytest.mark.parametrize("level", ["province", "regency"])
def test_nobody_reviews_their_own_report(
    settings: Any, personas: Any, make_incident: Any, level: str
) -> None:
    """Four-eyes in both modes, Bawaslu RI included: another RI officer verifies."""
    settings.IKP_INCIDENT_REVIEW_LEVEL = level
    for name in ("ri", "jabar"):
        incident = make_incident(personas[name].user)
        assert not services.can_review(personas[name].user, incident)
        assert incident.pk not in queue(personas[name])
        with pytest.raises(services.NotAllowed):
            services.review(incident, "verify", actor=personas[name].user)
        page = personas[name].client.get(f"/laporan/{incident.pk}/")
        assert "prinsip empat mata" in page.content.decode()
    other_ri = make_user("ri-2", Profile.Role.RI)
    for incident in Incident.objects.all():
        services.review(incident, "verify", actor=other_ri)
    assert set(Incident.objects.values_list("status", flat=True)) == {"verified"}
