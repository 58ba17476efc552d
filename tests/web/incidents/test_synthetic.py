"""SYNTHETIC incidents (the demo stream, tests) carry ``synthetic = True`` and are labelled
"DATA SINTETIS / SYNTHETIC" wherever they are shown: the list (with a ``?sintetis=`` filter), a
report's page, and ``GET /api/v1/incidents`` (a ``synthetic`` field, a ``?synthetic=`` filter,
and in the OpenAPI schema); real reports are never labelled."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from ikp_web.apps.api.api import api
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import services
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.scoring.models import Computation

BADGE = "DATA SINTETIS / SYNTHETIC"


def pair(make_incident: Any, user: Any) -> tuple[Incident, Incident]:
    real = make_incident(user)
    fake = make_incident(user, indicator_code="I02")
    Incident.objects.filter(pk=fake.pk).update(synthetic=True)
    fake.refresh_from_db()
    return real, fake


def ids(html: str) -> set[int]:
    import re

    return {int(n) for n in re.findall(r'href="/laporan/(\d+)/"', html)}


def test_a_new_report_is_not_synthetic(edition: Edition, personas: Any, make_incident: Any) -> None:
    assert make_incident(personas["bogor"].user).synthetic is False


def test_the_list_and_the_page_label_synthetic_reports(
    edition: Edition, personas: Any, make_incident: Any
) -> None:
    client = personas["bogor"].client
    real, fake = pair(make_incident, personas["bogor"].user)
    html = client.get("/laporan/").content.decode()
    assert html.count(BADGE) == 1 and ids(html) == {real.pk, fake.pk}
    row = html[html.index('data-synthetic="1"') :].split("</tr>")[0]
    assert f'href="/laporan/{fake.pk}/"' in row and BADGE in row
    assert ids(client.get("/laporan/?sintetis=1").content.decode()) == {fake.pk}
    assert ids(client.get("/laporan/?sintetis=0").content.decode()) == {real.pk}
    assert ids(client.get("/laporan/?sintetis=x").content.decode()) == {real.pk, fake.pk}
    page = client.get(f"/laporan/{fake.pk}/").content.decode()
    assert BADGE in page and 'id="synthetic-note"' in page
    page = client.get(f"/laporan/{real.pk}/").content.decode()
    assert BADGE not in page and 'id="synthetic-note"' not in page


def test_the_api_says_which_incidents_are_synthetic(
    edition: Edition, personas: Any, make_incident: Any
) -> None:
    ri = personas["ri"].user
    real, fake = pair(make_incident, ri)
    items = personas["ri"].client.get("/api/v1/incidents").json()["items"]
    assert {i["id"]: i["synthetic"] for i in items} == {real.pk: False, fake.pk: True}
    only = personas["ri"].client.get("/api/v1/incidents?synthetic=true").json()["items"]
    assert [i["id"] for i in only] == [fake.pk]
    none = personas["ri"].client.get("/api/v1/incidents?synthetic=false").json()["items"]
    assert [i["id"] for i in none] == [real.pk]
    # the public sees the label on a verified synthetic incident of a published edition
    services.review(fake, "verify", "ok", actor=personas["jabar"].user)  # four-eyes: not RI
    Computation.objects.create(
        edition=edition, version=1, status="done", published=True, published_at=timezone.now()
    )
    public = Client().get("/api/v1/incidents").json()["items"]
    assert [(i["id"], i["synthetic"]) for i in public] == [(fake.pk, True)]


def test_the_openapi_schema_declares_the_field_and_the_filter() -> None:
    schema = api.get_openapi_schema()
    out = schema["components"]["schemas"]["IncidentOut"]["properties"]
    assert out["synthetic"]["type"] == "boolean"
    params = {p["name"] for p in schema["paths"]["/api/v1/incidents"]["get"]["parameters"]}
    assert "synthetic" in params
