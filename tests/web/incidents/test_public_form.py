"""The public report form: no login, into the moderation queue (received, marked public, no
reporter), rate limited, guarded by a honeypot and a minimum fill time, and never shown
publicly before verification."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client, override_settings

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.forms import PublicReportForm
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.regions.models import Region

URL = "/laporan/publik/"


def started(seconds_ago: float = 60) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=PublicReportForm.SALT)


def data(edition: Edition, **changes: Any) -> dict[str, Any]:
    values = {
        "edition": edition.pk,
        "occurred_at": "2024-01-10T09:30",
        "regency": Region.objects.get(edition="current", code="31.71").pk,
        "indicator_code": "I01",
        "incidence_level": "L1",
        "description": "Ada pembagian uang di dekat TPS (uji).",
        "contact_name": "Warga (uji)",
        "contact_phone": "0812-0000-0000",
        "website": "",
        "started": started(),
    }
    values.update(changes)
    return values


@pytest.fixture()
def client(edition: Edition) -> Client:
    return Client()


def test_anyone_can_report_into_moderation(edition: Edition, client: Client) -> None:
    page = client.get(URL)
    assert page.status_code == 200 and 'class="hp"' in page.content.decode()
    response = client.post(URL, data(edition))
    assert response.status_code == 302 and response["Location"] == "/laporan/publik/terima-kasih/"
    incident = Incident.objects.get()
    assert incident.status == Incident.Status.RECEIVED
    assert incident.via == Incident.Via.PUBLIC and incident.reporter is None
    assert incident.source_type == "masyarakat" and incident.contact_name == "Warga (uji)"


def test_the_public_never_sees_an_unverified_report(
    edition: Edition, client: Client, personas: Any
) -> None:
    client.post(URL, data(edition))
    incident = Incident.objects.get()
    assert client.get(f"/laporan/{incident.pk}/").status_code == 302  # login
    listed = client.get("/api/v1/incidents").json()
    assert listed["count"] == 0
    # the moderation queue shows it to offices in scope (Jakarta: RI, not Jawa Barat)
    queue = personas["ri"].client.get("/laporan/?status=received").context["rows"]
    assert [r["pk"] for r in queue] == [incident.pk]
    assert personas["jabar"].client.get("/laporan/").context["rows"] == []
    # its page: the history's first event has no user, so it reads "publik"
    html = personas["ri"].client.get(f"/laporan/{incident.pk}/").content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert "publik" in html.split('<ol class="history">')[1]


def test_honeypot_is_answered_as_accepted_but_stores_nothing(
    edition: Edition, client: Client
) -> None:
    response = client.post(URL, data(edition, website="http://spam.example"))
    assert response.status_code == 302
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("token", ["", "forged", "fresh"])
def test_a_form_sent_too_fast_or_without_its_start_time_is_refused(
    edition: Edition, client: Client, token: str
) -> None:
    value = started(0) if token == "fresh" else token
    response = client.post(URL, data(edition, started=value))
    assert response.status_code == 400
    assert Incident.objects.count() == 0


@override_settings(IKP_PUBLIC_REPORT_RATE={"burst": 2, "per_hour": 1})
def test_reports_are_rate_limited_per_address(edition: Edition, client: Client) -> None:
    from django.core.cache import cache

    cache.clear()
    for _ in range(2):
        assert client.post(URL, data(edition)).status_code == 302
    limited = client.post(URL, data(edition))
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert Incident.objects.count() == 2


def test_every_problem_is_listed(edition: Edition, client: Client) -> None:
    response = client.post(
        URL, data(edition, occurred_at="besok", indicator_code="X", contact_name="")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"contact_name", "occurred_at", "indicator_code"}
    assert Incident.objects.count() == 0
