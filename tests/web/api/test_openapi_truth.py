"""The OpenAPI document says what the API does: public endpoints answer without a token (their
security lists the empty requirement), the others need one, and GeoJSON is declared and served
as ``application/geo+json``. Each claim is checked against a real call."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .conftest import ApiData

API = "/api/v1"
PUBLIC = {
    "/api/v1/me": "/api/v1/me",
    "/api/v1/editions": "/api/v1/editions",
    "/api/v1/editions/{slug}": "/api/v1/editions/ikp-2024-provinsi",
    "/api/v1/editions/{slug}/results": "/api/v1/editions/ikp-2024-provinsi/results",
    "/api/v1/editions/{slug}/results/{code}": "/api/v1/editions/ikp-2024-provinsi/results/32",
    "/api/v1/editions/{slug}/geojson": "/api/v1/editions/ikp-2024-provinsi/geojson",
    "/api/v1/regions": "/api/v1/regions",
    "/api/v1/regions/{code}": "/api/v1/regions/32",
}
PRIVATE = {
    "/api/v1/editions/{slug}/submissions": "/api/v1/editions/ikp-2024-kabkota/submissions",
    "/api/v1/jobs/{job_id}": "/api/v1/jobs/1",
}


@pytest.fixture()
def schema(api_data: ApiData, db: Any) -> dict[str, Any]:
    return dict(Client().get(f"{API}/openapi.json").json())


def _ok(op: dict[str, Any]) -> dict[str, Any]:
    responses = op["responses"]
    return dict(responses.get("200") or responses[200])


@pytest.mark.parametrize(("path", "url"), PUBLIC.items())
def test_public_endpoints_declare_the_token_optional_and_answer_without_one(
    schema: dict[str, Any], path: str, url: str
) -> None:
    op = schema["paths"][path]["get"]
    assert {} in op["security"] and {"BearerOrSession": []} in op["security"]
    response = Client().get(url)
    assert response.status_code == 200
    declared = set(_ok(op)["content"])
    assert response["Content-Type"].split(";")[0] in declared


@pytest.mark.parametrize(("path", "url"), PRIVATE.items())
def test_other_endpoints_require_a_token_and_refuse_without_one(
    schema: dict[str, Any], path: str, url: str
) -> None:
    op = schema["paths"][path]["get"]
    assert op["security"] == [{"BearerOrSession": []}]
    response = Client().get(url)
    assert response.status_code == 401 and response.json()["code"] == "NOT_AUTHENTICATED"


def test_geojson_is_declared_as_geojson_only(schema: dict[str, Any]) -> None:
    content = _ok(schema["paths"]["/api/v1/editions/{slug}/geojson"]["get"])["content"]
    assert list(content) == ["application/geo+json"]
    assert content["application/geo+json"]["schema"]
