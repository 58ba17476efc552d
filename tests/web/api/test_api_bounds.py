"""Every numeric parameter of the API is bounded and declared so in the OpenAPI document; a
number out of range is a 422 with a JSON body, never a database overflow (a 500 page); and
every error under ``/api/v1/`` is JSON, a 404 for an unknown address and a 500 too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, RequestFactory

from ikp_web.apps.api.api import api
from ikp_web.apps.api.views import server_error

from .conftest import ApiData

API = "/api/v1"
HUGE = "9223372036854775808"  # 2**63: one past the largest 64-bit integer


@pytest.fixture()
def client(api_data: ApiData, db: Any) -> Client:
    return Client(raise_request_exception=False)


def _param(schema: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    params = schema["paths"][path]["get"]["parameters"]
    found = [p for p in params if p["name"] == name]
    assert found, (path, name)
    return dict(found[0]["schema"])


def _bounds(param: dict[str, Any]) -> tuple[Any, Any]:
    """(minimum, maximum) of a parameter's schema, looking into ``anyOf`` (optional ones)."""
    for option in [param, *param.get("anyOf", [])]:
        if "minimum" in option or "maximum" in option:
            return option.get("minimum"), option.get("maximum")
    return None, None


@pytest.mark.parametrize(
    ("path", "name", "low", "high"),
    [
        ("/api/v1/editions", "limit", 1, 1000),
        ("/api/v1/editions", "offset", 0, 1_000_000),
        ("/api/v1/regions", "limit", 1, 1000),
        ("/api/v1/regions", "offset", 0, 1_000_000),
        ("/api/v1/editions/{slug}/results", "limit", 1, 1000),
        ("/api/v1/editions/{slug}/results", "offset", 0, 1_000_000),
        ("/api/v1/editions/{slug}/results", "level", 1, 4),
        ("/api/v1/editions/{slug}/geojson", "simplify", 0, 1),
        ("/api/v1/editions/{slug}/submissions", "limit", 1, 1000),
        ("/api/v1/jobs/{job_id}", "job_id", 1, 2**31 - 1),
    ],
)
def test_numeric_parameters_declare_their_bounds(path: str, name: str, low: int, high: int) -> None:
    schema = api.get_openapi_schema()
    assert _bounds(_param(schema, path, name)) == (low, high)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/editions/{slug}/results",
        "/api/v1/editions/{slug}/results/{code}",
        "/api/v1/editions/{slug}/geojson",
    ],
)
def test_version_declares_a_pattern(path: str) -> None:
    version = _param(api.get_openapi_schema(), path, "version")
    patterns = [o.get("pattern") for o in [version, *version.get("anyOf", [])]]
    assert r"^(latest|[0-9]{1,9})$" in patterns


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/regions?offset={HUGE}",
        f"{API}/regions?limit={HUGE}",
        f"{API}/editions?offset={HUGE}",
        f"{API}/editions/ikp-2024-provinsi/results?offset={HUGE}",
        f"{API}/editions/ikp-2024-provinsi/results?version={HUGE}",
        f"{API}/editions/ikp-2024-provinsi/results/32?version={HUGE}",
        f"{API}/editions/ikp-2024-provinsi/geojson?version={HUGE}",
        f"{API}/editions/ikp-2024-provinsi/geojson?simplify=1e308",
        f"{API}/jobs/{HUGE}",
    ],
)
def test_huge_numbers_are_422_json(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, (url, response.content[:200])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR" and body["data"]["errors"]


@pytest.mark.parametrize(
    "url",
    [
        f"/unduh/peringkat.csv?edition=ikp-2024-provinsi&version={HUGE}",
        f"/unduh/hasil/ikp-2024-provinsi.csv?version={HUGE}",
        f"/unduh/peta/ikp-2024-provinsi.geojson?version={HUGE}",
    ],
)
def test_downloads_with_huge_versions_are_422_json(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, (url, response.content[:200])
    assert response.json()["data"]["param"] == "version"


def test_unknown_api_address_is_a_json_404(client: Client) -> None:
    response = client.get(f"{API}/nothing/here")
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


def test_an_unexpected_failure_inside_the_api_is_a_json_500(db: Any) -> None:
    """The API's own handler for any exception (what a view raised), and the site's
    ``handler500`` for a failure outside it: both JSON under /api/, the page elsewhere."""
    request = RequestFactory().get(f"{API}/regions")
    response = api.on_exception(request, RuntimeError("boom"))
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["code"] == "SERVER_ERROR"
    outside = server_error(RequestFactory().get(f"{API}/regions"))
    assert outside.status_code == 500 and json.loads(outside.content)["code"] == "SERVER_ERROR"
    page = server_error(RequestFactory().get("/peta/"))
    assert page.status_code == 500 and not page["Content-Type"].startswith("application/json")
