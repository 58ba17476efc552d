"""``POST /api/v1/incidents`` (token, role-scoped, every issue in the 422) and
``GET /api/v1/incidents`` (anonymous: verified incidents of published editions, without the
reporter), both in the OpenAPI document with bounds and error schemas."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ikp_web.apps.api.api import api
from ikp_web.apps.api.services import create_token
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import services
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.scoring.models import Computation

from .conftest import report

URL = "/api/v1/incidents"


def post(user: Any, body: dict[str, Any]) -> Any:
    token = create_token(user, name="uji")[1] if user is not None else None
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post(URL, json.dumps(body), content_type="application/json", **headers)


def body(edition: Edition, **changes: Any) -> dict[str, Any]:
    return {"edition": edition.slug, **report(**changes)}


def test_an_office_reports_through_the_api(edition: Edition, personas: Any) -> None:
    response = post(personas["bogor"].user, body(edition, tps_number=12))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["regency"] == {"code": "32.01", "name": "Kabupaten Bogor"}
    assert (data["status"], data["via"], data["reporter"]) == ("received", "api", "bogor")
    assert Incident.objects.get().tps_number == 12


def test_every_issue_is_in_the_422(edition: Edition, personas: Any) -> None:
    response = post(
        personas["bogor"].user,
        body(
            edition,
            regency_code="32.73",
            district_code=None,
            indicator_code="I99",
            occurred_at="kemarin",
        ),
    )
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "INVALID_INCIDENT"
    found = {(i["field"], i["code"]) for i in data["data"]["issues"]}
    assert found == {
        ("regency_code", "OUTSIDE_JURISDICTION"),
        ("indicator_code", "UNKNOWN_INDICATOR"),
        ("occurred_at", "INVALID_DATE"),
    }
    assert Incident.objects.count() == 0


def test_partners_report_as_partners_and_the_public_cannot(edition: Edition, personas: Any) -> None:
    response = post(personas["mitra"].user, body(edition, source_type="media"))
    assert response.status_code == 201 and response.json()["source_type"] == "mitra"
    assert post(personas["publik"].user, body(edition)).status_code == 403
    assert post(None, body(edition)).status_code == 401
    # a browser session is not enough to write (the web form is for that)
    assert (
        personas["bogor"]
        .client.post(URL, json.dumps(body(edition)), content_type="application/json")
        .status_code
        == 401
    )
    assert post(personas["ri"].user, {**body(edition), "edition": "tidak-ada"}).status_code == 404


def test_the_public_reads_only_verified_incidents_of_published_editions(
    edition: Edition, personas: Any, make_incident: Any
) -> None:
    ri = personas["ri"].user
    verified = make_incident(ri)
    make_incident(ri, indicator_code="I02")  # received
    services.review(verified, "verify", "ok", actor=personas["jabar"].user)
    assert Client().get(URL).json()["count"] == 0  # the edition is not published
    Computation.objects.create(
        edition=edition, version=1, status="done", published=True, published_at=timezone.now()
    )
    public = Client().get(URL).json()
    assert [i["id"] for i in public["items"]] == [verified.pk]
    assert public["items"][0]["reporter"] is None
    assert "contact_name" not in public["items"][0]
    insider = personas["jabar"].client.get(URL).json()
    assert insider["count"] == 2 and {i["reporter"] for i in insider["items"]} == {"ri"}
    assert personas["bogor"].client.get(f"{URL}?status=received").json()["count"] == 1
    assert Client().get(f"{URL}?limit=100000").status_code == 422
    assert Client().get(f"{URL}?regency=../x").status_code == 422


@pytest.mark.parametrize(("name", "low", "high"), [("limit", 1, 1000), ("offset", 0, 1_000_000)])
def test_openapi_declares_the_paths_bounds_and_errors(name: str, low: int, high: int) -> None:
    schema = api.get_openapi_schema()
    path = schema["paths"]["/api/v1/incidents"]
    params = {p["name"]: p["schema"] for p in path["get"]["parameters"]}
    bounds = [o for o in [params[name], *params[name].get("anyOf", [])] if "maximum" in o][0]
    assert (bounds["minimum"], bounds["maximum"]) == (low, high)
    assert {} in path["get"]["security"]  # anonymous callers may read
    assert {"201", "401", "403", "404", "422"} <= set(map(str, path["post"]["responses"]))
    assert {} not in path["post"]["security"]
