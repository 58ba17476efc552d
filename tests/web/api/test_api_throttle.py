"""GeoJSON: only the cached tolerances (others a 422), and anonymous callers of the expensive
endpoints (GeoJSON, downloads) limited per address by a token bucket: 429 with Retry-After,
other addresses and signed-in users unaffected, tokens refilled with time."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from .conftest import ApiData

API = "/api/v1"
GEO = f"{API}/editions/ikp-2024-provinsi/geojson?simplify=0.1"


@pytest.fixture()
def client(api_data: ApiData, db: Any) -> Client:
    return Client()


@pytest.mark.parametrize("value", ["0.003", "0.5", "0.0999"])
@pytest.mark.parametrize(
    "url",
    [f"{API}/editions/ikp-2024-provinsi/geojson", "/unduh/peta/ikp-2024-provinsi.geojson"],
)
def test_other_tolerances_are_422(client: Client, url: str, value: str) -> None:
    response = client.get(f"{url}?simplify={value}")
    assert response.status_code == 422
    body = response.json()
    assert body["data"]["param"] == "simplify" and 0.05 in body["data"]["choices"]


@pytest.mark.parametrize(
    "url", [GEO, "/unduh/peta/ikp-2024-provinsi.geojson", "/unduh/hasil/ikp-2024-provinsi.csv"]
)
def test_anonymous_burst_then_429_with_retry_after(client: Client, settings: Any, url: str) -> None:
    settings.IKP_ANON_RATE_LIMIT = {"burst": 3, "per_minute": 6}
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(url)
    assert limited.status_code == 429
    assert limited.json()["code"] == "RATE_LIMITED"
    assert 1 <= int(limited["Retry-After"]) <= 10
    # another address has its own bucket
    assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_signed_in_users_and_tokens_are_not_limited(
    client: Client, settings: Any, personas: dict[str, Any]
) -> None:
    settings.IKP_ANON_RATE_LIMIT = {"burst": 1, "per_minute": 1}
    signed_in = personas["ri"].client
    assert all(signed_in.get(GEO).status_code == 200 for _ in range(4))


def test_tokens_come_back_with_time(client: Client, settings: Any) -> None:
    assert client.get(GEO).status_code == 200  # built and cached before the limit applies
    settings.IKP_ANON_RATE_LIMIT = {"burst": 1, "per_minute": 60}  # one token a second
    assert client.get(GEO).status_code == 200
    assert client.get(GEO).status_code == 429
    time.sleep(1.1)
    assert client.get(GEO).status_code == 200


def test_the_limit_can_be_turned_off(client: Client, settings: Any) -> None:
    settings.IKP_ANON_RATE_LIMIT = {"burst": 0, "per_minute": 0}
    assert all(client.get(GEO).status_code == 200 for _ in range(5))
