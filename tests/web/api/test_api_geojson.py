"""GeoJSON of results: every region of the edition's level on the map (514 kab/kota, 38
provinces), Bawaslu's 2022-edition results on today's 38 provinces, simplification, scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ikp import SYNTHETIC_LABEL
from ikp_web.apps.api.schemas import FeatureCollectionOut

from .conftest import ApiData

API = "/api/v1"


@pytest.fixture()
def client(api_data: ApiData, db: Any) -> Client:
    return Client()


def _points(collection: dict[str, Any]) -> int:
    total = 0
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        total += sum(len(ring) for poly in polygons for ring in poly)
    return total


def test_kabkota_geojson_has_all_514_regions(client: Client) -> None:
    response = client.get(f"{API}/editions/ikp-2024-kabkota/geojson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    FeatureCollectionOut.model_validate(body)
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 514
    assert body["synthetic"] is True and body["label"] == SYNTHETIC_LABEL
    scored = [f for f in body["features"] if f["properties"]["score"] is not None]
    assert len(scored) == 27  # Jawa Barat only
    assert {f["properties"]["region_code"][:2] for f in scored} == {"32"}
    props = scored[0]["properties"]
    assert {"region_code", "region_name", "rank", "class", "rank_p05", "rank_p95"} <= set(props)
    assert scored[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_province_geojson_has_38_features_for_a_dimension(client: Client) -> None:
    body = client.get(f"{API}/editions/ikp-2024-provinsi/geojson?node=D2").json()
    assert body["node"] == "D2" and len(body["features"]) == 38
    assert all(f["properties"]["score"] is not None for f in body["features"])


def test_bawaslu_2022_results_on_todays_map(client: Client) -> None:
    body = client.get(f"{API}/editions/ikp-2024-bawaslu-provinsi/geojson").json()
    assert body["synthetic"] is False and body["label"] is None
    assert body["map_region_edition"] == "current" and len(body["features"]) == 38
    props = {f["properties"]["region_code"]: f["properties"] for f in body["features"]}
    for code in ("91", "93", "94", "95"):  # Papua (2022) and its successors
        assert props[code]["score"] == pytest.approx(57.27)
        assert props[code]["source_code"] == "91" and "pemekaran" in props[code]["note"]
    assert props["96"]["score"] == pytest.approx(53.48)  # Papua Barat Daya ← Papua Barat
    assert props["31"]["score"] == pytest.approx(88.95) and "note" not in props["31"]
    assert all(p["source"].startswith("http") for p in props.values())


def test_simplify_reduces_the_geometry(client: Client) -> None:
    full = client.get(f"{API}/editions/ikp-2024-provinsi/geojson").json()
    simple = client.get(f"{API}/editions/ikp-2024-provinsi/geojson?simplify=0.05").json()
    assert len(simple["features"]) == 38
    assert _points(simple) < _points(full) / 3
    for feature in simple["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for poly in polygons:
            for ring in poly:
                assert len(ring) >= 4 and ring[0] == ring[-1]
    bad = client.get(f"{API}/editions/ikp-2024-provinsi/geojson?simplify=5")
    assert bad.status_code == 422 and bad.json()["data"]["param"] == "simplify"


@pytest.mark.parametrize(
    ("role", "status"), [("ri", 200), ("bogor", 200), ("publik", 404), ("anonymous", 404)]
)
def test_unpublished_geojson_scope(role: str, status: int, personas: dict[str, Any]) -> None:
    response = personas[role].client.get(f"{API}/editions/ikp-2024-kabkota-draf/geojson")
    assert response.status_code == status
