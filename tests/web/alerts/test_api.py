"""``GET /api/v1/alerts``: the caller's scope, filters, and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from ikp_web.apps.alerts import services
from ikp_web.apps.api.services import create_token


def test_needs_a_login(personas: Any) -> None:
    response = personas["anonymous"].client.get("/api/v1/alerts")
    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"


def test_scope_and_filters(edition: Any, computation: Any, rules: Any, personas: Any) -> None:
    services.evaluate_edition(edition)
    data = personas["bogor"].client.get("/api/v1/alerts").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["region"]["code"] == "32.01" and item["kind"] == "prob_threshold"
    assert item["explanation"]["text_id"]
    ri = personas["ri"].client
    assert ri.get("/api/v1/alerts").json()["count"] == 2
    assert ri.get("/api/v1/alerts?region=kemendagri:32.03").json()["count"] == 1
    assert ri.get("/api/v1/alerts?kind=spike").json()["count"] == 0
    assert ri.get("/api/v1/alerts?status=open&component=ikp").json()["count"] == 2
    assert ri.get("/api/v1/alerts?status=nope").status_code == 422


def test_bearer_token(edition: Any, computation: Any, rules: Any, personas: Any) -> None:
    from django.test import Client

    services.evaluate_edition(edition)
    _token, raw = create_token(personas["jabar"].user, name="uji")
    response = Client().get("/api/v1/alerts", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["count"] == 2


def test_in_the_openapi_document(personas: Any) -> None:
    document = personas["anonymous"].client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/alerts"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "422"}
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["status"]["schema"]["anyOf"][0]["pattern"].startswith("^(")
