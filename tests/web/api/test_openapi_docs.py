"""The OpenAPI document and the interactive docs page, which must work offline: every script,
stylesheet and icon it references is served by this site."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

API = "/api/v1"


def test_openapi_document_lists_the_paths(db: Any) -> None:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.") and doc["info"]["version"] == "1.0.0"
    paths = set(doc["paths"])
    assert {
        f"{API}/editions",
        f"{API}/editions/{{slug}}",
        f"{API}/editions/{{slug}}/results",
        f"{API}/editions/{{slug}}/results/{{code}}",
        f"{API}/editions/{{slug}}/geojson",
        f"{API}/editions/{{slug}}/submissions",
        f"{API}/regions",
        f"{API}/regions/{{code}}",
        f"{API}/jobs/{{job_id}}",
        f"{API}/me",
    } <= paths
    schemes = doc["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    results = doc["paths"][f"{API}/editions/{{slug}}/results"]["get"]
    params = {p["name"] for p in results["parameters"]}
    assert {"node", "level", "province", "class", "region", "ordering", "limit", "offset"} <= params
    assert {"200", "401", "404", "422"} <= set(results["responses"])
    result_schema = doc["components"]["schemas"]["ResultOut"]["properties"]
    assert {"class", "rank_p05", "rank_p95", "reliability", "source"} <= set(result_schema)
    assert {"class_probabilities", "prob_rendah", "prob_sedang", "prob_tinggi"} <= set(
        result_schema
    )
    assert "prob_tinggi" in results["description"]


def test_docs_page_is_offline(db: Any) -> None:
    client = Client()
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html and 'lang="id"' in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    settings = json.loads(
        re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1)  # type: ignore[union-attr]
    )
    assert settings["validatorUrl"] is None and settings["url"] == f"{API}/openapi.json"
    assets = re.findall(r"""(?:src|href)="(/[^"]+)\"""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        if asset == "/":
            continue
        fetched = client.get(asset)
        assert fetched.status_code == 200, asset
        body = b"".join(fetched.streaming_content) if fetched.streaming else fetched.content
        assert len(body) > 100, asset


def test_docs_assets_are_a_closed_list(db: Any) -> None:
    assert Client().get(f"{API}/docs/assets/..%2F__init__.py").status_code == 404
    assert Client().get(f"{API}/docs/assets/redoc.standalone.js").status_code == 404


def test_docs_page_in_english(db: Any) -> None:
    html = Client().get(f"{API}/docs", headers={"Accept-Language": "en"}).content.decode()
    assert "Without a login: published editions only." in html


def test_unknown_api_address_is_a_json_404(db: Any) -> None:
    response = Client().get(f"{API}/does-not-exist")
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    assert Client().get(f"{API}/health").json() == {"status": "ok"}
