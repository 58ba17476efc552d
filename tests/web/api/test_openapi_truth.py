"""The OpenAPI document says what the API does: public endpoints answer without a token (their
security lists the empty requirement), the others need one, and GeoJSON is declared and served
as ``application/geo+json``. Each claim is checked against a real call."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ikp_web.apps.api.api import api

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


#: the only parameters whose every value is well-formed: free text and edition slugs
FREE_TEXT: set[str] = set()


def _declared(schema: dict[str, Any]) -> bool:
    options = [schema, *schema.get("anyOf", [])]
    return any(
        "pattern" in o or "enum" in o or o.get("type") == "boolean" or "maximum" in o
        for o in options
    )


def test_every_parameter_declares_what_the_api_accepts() -> None:
    """A number is bounded, a fixed set an enumeration, a code a pattern: schemathesis may then
    rely on the document for what is valid (``tests/web/api_live``)."""
    schema = api.get_openapi_schema()
    loose = [
        (path, p["name"])
        for path, item in schema["paths"].items()
        for op in item.values()
        for p in op.get("parameters", [])
        if p["name"] not in FREE_TEXT and not _declared(p["schema"])
    ]
    assert loose == []


@pytest.mark.parametrize(
    ("url", "param", "choice"),
    [
        ("/api/v1/editions?level=planet", "level", "regency"),
        ("/api/v1/editions?kind=rumour", "kind", "collected"),
        ("/api/v1/regions?edition=1999", "edition", "current"),
        ("/api/v1/regions?level=desa", "level", "kabkota"),
    ],
)
def test_a_value_outside_a_declared_set_is_422_with_the_choices(
    api_data: ApiData, db: Any, url: str, param: str, choice: str
) -> None:
    response = Client().get(url)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "INVALID_PARAMETER" and body["data"]["param"] == param
    assert choice in body["data"]["choices"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/editions?level=&kind=",
        "/api/v1/regions?edition=&level=&province=",
        "/api/v1/editions/ikp-2024-provinsi/results?node=&class=&ordering=&region=&province=",
        "/api/v1/editions/ikp-2024-provinsi/geojson?node=",
    ],
)
def test_an_empty_filter_is_no_filter(api_data: ApiData, db: Any, url: str) -> None:
    assert Client().get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/regions?search=a%00b", "/api/v1/editions?search=%00"])
def test_a_nul_character_in_free_text_is_no_server_error(
    api_data: ApiData, db: Any, url: str
) -> None:
    """PostgreSQL refuses NUL in a string: the search must not reach it as a 500."""
    assert Client(raise_request_exception=False).get(url).status_code in (200, 422)


def test_simplify_declares_its_tolerances() -> None:
    op = api.get_openapi_schema()["paths"]["/api/v1/editions/{slug}/geojson"]["get"]
    simplify = next(p for p in op["parameters"] if p["name"] == "simplify")
    assert simplify["schema"]["enum"] == [0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1]
