"""Results, editions and regions through the API: fields, filters, ordering, pagination,
synthetic labels and sources, errors as {code, message, data}, caching of published results."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ikp import SYNTHETIC_LABEL
from ikp_web.apps.api.schemas import (
    EditionDetailOut,
    EditionPage,
    RegionDetailOut,
    RegionPage,
    RegionResultsOut,
    ResultsPage,
)
from ikp_web.apps.scoring.services import compute_edition, do_publish

from .conftest import ApiData

API = "/api/v1"


@pytest.fixture()
def client(api_data: ApiData, db: Any) -> Client:
    return Client()


def _json(client: Client, path: str, status: int = 200) -> Any:
    response = client.get(API + path)
    assert response.status_code == status, response.content[:500]
    return response.json()


def test_results_rows_carry_scores_ranks_intervals_and_synthetic_label(client: Client) -> None:
    body = _json(client, "/editions/ikp-2024-provinsi/results?limit=1000")
    ResultsPage.model_validate(body)
    assert body["synthetic"] is True and body["label"] == SYNTHETIC_LABEL
    assert body["node"] == "IKP" and body["level"] == 4 and body["count"] == 38
    assert body["computation"]["version"] == 1 and body["computation"]["published"] is True
    rows = body["items"]
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    first = rows[0]
    assert set(first) >= {
        "region_code",
        "region_name",
        "province_code",
        "score",
        "rank",
        "class",
        "rank_p05",
        "rank_p95",
        "class_probabilities",
        "reliability",
        "source",
    }
    assert first["rank"] == 1 and first["class"] in ("rendah", "sedang", "tinggi")
    with_interval = [r for r in rows if r["rank_p05"] is not None]
    assert len(with_interval) >= 30
    assert all(r["rank_p05"] <= r["rank_p95"] for r in with_interval)
    assert any(r["class_probabilities"] for r in rows)


def test_bawaslu_published_results_carry_source_per_row(client: Client) -> None:
    body = _json(client, "/editions/ikp-2024-bawaslu-provinsi/results?limit=100")
    assert body["synthetic"] is False and body["label"] is None
    assert body["count"] == 34
    assert all(r["source"].startswith("http") for r in body["items"])
    dki = _json(client, "/editions/ikp-2024-bawaslu-provinsi/results?region=31")["items"]
    assert dki[0]["score"] == pytest.approx(88.95) and dki[0]["rank"] == 1


@pytest.mark.parametrize("spelling", ["32.04", "3204", "kemendagri:32.04", " 32.04 "])
def test_region_filter_accepts_every_code_spelling(client: Client, spelling: str) -> None:
    body = _json(client, f"/editions/ikp-2024-kabkota/results?region={spelling}")
    assert [r["region_code"] for r in body["items"]] == ["32.04"]
    assert body["items"][0]["province_name"] == "Jawa Barat"


def test_province_class_and_level_filters(client: Client) -> None:
    kab = _json(client, "/editions/ikp-2024-kabkota/results?province=32&limit=1000")
    assert kab["count"] == 27  # only Jawa Barat was computed
    assert _json(client, "/editions/ikp-2024-kabkota/results?province=11")["count"] == 0
    tinggi = _json(client, "/editions/ikp-2024-provinsi/results?class=tinggi&limit=1000")
    assert tinggi["count"] >= 1 and {r["class"] for r in tinggi["items"]} == {"tinggi"}
    dims = _json(client, "/editions/ikp-2024-provinsi/results?level=3&limit=1000")
    assert dims["count"] == 4 * 38 and {r["level"] for r in dims["items"]} == {3}
    d1 = _json(client, "/editions/ikp-2024-provinsi/results?node=D1&province=32")
    assert d1["node"] == "D1" and d1["count"] == 1 and d1["items"][0]["node_code"] == "D1"


@pytest.mark.parametrize(
    ("query", "code", "param"),
    [
        ("node=no%20such", "VALIDATION_ERROR", "node"),
        ("class=Merah!", "VALIDATION_ERROR", "class"),
        ("ordering=colour", "VALIDATION_ERROR", "ordering"),
        ("level=9", "VALIDATION_ERROR", "level"),
        ("region=abc", "INVALID_REGION_CODE", "region"),
        ("region=00", "INVALID_REGION_CODE", "region"),
        ("province=32.01", "INVALID_REGION_CODE", "province"),
        ("limit=0", "VALIDATION_ERROR", "limit"),
        ("limit=5000", "VALIDATION_ERROR", "limit"),
        ("offset=-1", "VALIDATION_ERROR", "offset"),
        ("version=abc", "VALIDATION_ERROR", "version"),
        ("version=99999999999999999999", "VALIDATION_ERROR", "version"),
        ("offset=9223372036854775808", "VALIDATION_ERROR", "offset"),
        ("offset=1000001", "VALIDATION_ERROR", "offset"),
        ("limit=9223372036854775808", "VALIDATION_ERROR", "limit"),
        ("level=9223372036854775808", "VALIDATION_ERROR", "level"),
    ],
)
def test_bad_parameters_are_422_with_code_and_data(
    client: Client, query: str, code: str, param: str
) -> None:
    body = _json(client, f"/editions/ikp-2024-provinsi/results?{query}", status=422)
    assert set(body) == {"code", "message", "data"}
    assert body["code"] == code and body["data"]["param"] == param and body["message"]


@pytest.mark.parametrize(
    ("query", "param", "choice"),
    [
        ("node=NOPE", "node", "D1"),
        ("class=merah", "class", "tinggi"),
        ("ordering=prob_merah", "ordering", "-prob_tinggi"),
        ("node=IKP&level=3", "level", 4),
        ("level=4&node=D1", "level", 3),
    ],
)
def test_well_formed_values_the_framework_lacks_are_404_with_the_choices(
    client: Client, query: str, param: str, choice: Any
) -> None:
    """The OpenAPI document declares these values' syntax (a malformed one is a 422); which
    codes exist depends on the edition's framework, so a well-formed unknown one is a 404."""
    body = _json(client, f"/editions/ikp-2024-provinsi/results?{query}", status=404)
    assert body["code"] == "NOT_FOUND" and body["data"]["param"] == param
    assert choice in body["data"]["choices"]


def test_wrongly_typed_parameter_is_a_validation_error(client: Client) -> None:
    body = _json(client, "/editions/ikp-2024-provinsi/results?limit=abc", status=422)
    assert body["code"] == "VALIDATION_ERROR"
    assert body["data"]["errors"][0]["loc"] == ["query", "limit"]


def test_unknown_version_and_edition_are_404(client: Client) -> None:
    assert _json(client, "/editions/nope/results", 404)["code"] == "NOT_FOUND"
    assert _json(client, "/editions/ikp-2024-provinsi/results?version=7", 404)["data"]


def test_pagination_links_walk_the_whole_list(client: Client) -> None:
    url: str | None = f"{API}/editions/ikp-2024-provinsi/results?limit=15&class="
    seen: list[str] = []
    pages = 0
    while url:
        body = client.get(url).json()
        assert body["count"] == 38 and body["limit"] == 15
        seen += [r["region_code"] for r in body["items"]]
        if pages:
            assert body["previous"].startswith("http://testserver/")
        url = body["next"]
        pages += 1
    assert pages == 3 and len(seen) == 38 == len(set(seen))
    last = _json(client, "/editions/ikp-2024-provinsi/results?limit=15&offset=30")
    assert last["next"] is None and len(last["items"]) == 8
    assert "offset=15" in last["previous"]


@pytest.mark.parametrize(
    "ordering",
    ["-score", "score", "name", "-code", "-rank", "province", "-reliability", "interval", "class"],
)
def test_ordering(client: Client, ordering: str) -> None:
    rows = _json(client, f"/editions/ikp-2024-kabkota/results?ordering={ordering}&limit=100")[
        "items"
    ]
    assert len(rows) == 27
    field = {
        "score": "score",
        "name": "region_name",
        "code": "region_code",
        "rank": "rank",
        "province": "province_name",
        "reliability": "reliability",
        "interval": "rank_p05",
        "class": "class",
    }[ordering.lstrip("-")]
    values = [r[field] for r in rows]
    if field == "class":
        values = [("rendah", "sedang", "tinggi").index(v) for v in values]
    if field == "region_name":
        values = [v.lower() for v in values]
    assert values == sorted(values, reverse=ordering.startswith("-"))


def test_all_nodes_of_one_region(client: Client) -> None:
    body = _json(client, "/editions/ikp-2024-provinsi/results/kemendagri:32")
    RegionResultsOut.model_validate(body)
    assert body["region"]["code"] == "32" and body["synthetic"] is True
    levels = [r["level"] for r in body["items"]]
    assert levels[0] == 4 and body["items"][0]["node_code"] == "IKP"
    assert levels.count(3) == 4 and levels.count(2) == 12 and levels.count(1) == 61
    assert _json(client, "/editions/ikp-2024-provinsi/results/32.99", 404)["code"] == "NOT_FOUND"


def test_results_rows_carry_every_class_probability_flat_too(client: Client) -> None:
    body = _json(client, "/editions/ikp-2024-kabkota/results?limit=1000")
    ResultsPage.model_validate(body)
    assert body["synthetic"] is True and body["label"] == SYNTHETIC_LABEL
    for row in body["items"]:
        probs = row["class_probabilities"]
        assert set(probs) <= {"rendah", "sedang", "tinggi"}
        for label in ("rendah", "sedang", "tinggi"):
            assert row[f"prob_{label}"] == probs.get(label)
        assert sum(v or 0.0 for v in probs.values()) == pytest.approx(1.0)
        assert row[f"prob_{row['class']}"] is not None
    region = _json(client, "/editions/ikp-2024-kabkota/results/32.04")
    RegionResultsOut.model_validate(region)
    assert region["items"][0]["node_code"] == "IKP"
    assert {"prob_rendah", "prob_sedang", "prob_tinggi"} <= set(region["items"][0])
    # nodes the uncertainty analysis did not cover: the fields are there, and null
    dim = next(i for i in region["items"] if i["node_code"] == "D1")
    assert dim["class_probabilities"] == {} and dim["prob_tinggi"] is None


def test_ordering_by_a_class_probability(client: Client) -> None:
    path = "/editions/ikp-2024-kabkota/results?limit=1000&ordering=-prob_tinggi"
    rows = _json(client, path)["items"]
    values = [r["prob_tinggi"] for r in rows]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=True) and present[0] > present[-1]
    assert values[: len(present)] == present  # missing values last
    up = [r["prob_tinggi"] for r in _json(client, path.replace("-prob", "prob"))["items"]]
    assert [v for v in up if v is not None] == sorted(present)
    # the at-risk view: class sedang, most likely tinggi first
    at_risk = _json(client, path + "&class=sedang")["items"]
    assert at_risk and {r["class"] for r in at_risk} == {"sedang"}
    assert [r["prob_tinggi"] for r in at_risk] == sorted(
        (r["prob_tinggi"] for r in at_risk), reverse=True
    )
    bad = _json(client, "/editions/ikp-2024-kabkota/results?ordering=prob_merah", 404)
    assert bad["code"] == "NOT_FOUND"
    assert "-prob_tinggi" in bad["data"]["choices"]


def test_published_results_are_served_from_cache(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    url = f"{API}/editions/ikp-2024-provinsi/results?limit=5"
    first = client.get(url)
    with django_assert_max_num_queries(2):  # the edition and its latest published version
        second = client.get(url)
    assert first.content == second.content


def test_unpublished_results_are_not_cached(personas: dict[str, Any]) -> None:
    ri = personas["ri"].client
    body = ri.get(f"{API}/editions/ikp-2024-provinsi/results?version=latest&limit=1").json()
    assert body["computation"]["published"] is False


def test_editions_payload_and_filters(client: Client) -> None:
    body = _json(client, "/editions")
    EditionPage.model_validate(body)
    editions = {e["slug"]: e for e in body["items"]}
    prov = editions["ikp-2024-provinsi"]
    assert prov["framework"]["slug"] == "ikp-2024" and prov["region_level"] == "province"
    assert prov["synthetic"] is True and prov["label"] == SYNTHETIC_LABEL
    assert prov["versions"][0]["published_at"] and prov["latest_published_version"] == 1
    baw = editions["ikp-2024-bawaslu-provinsi"]
    assert baw["kind"] == "published_external" and baw["region_edition"] == "2022"
    assert baw["synthetic"] is False and baw["label"] is None
    assert {e["slug"] for e in _json(client, "/editions?level=regency")["items"]} == {
        "ikp-2024-kabkota"
    }
    assert _json(client, "/editions?kind=published_external")["count"] == 1
    assert _json(client, "/editions?synthetic=false")["count"] == 1
    assert _json(client, "/editions?search=bawaslu")["count"] == 1
    page = _json(client, "/editions?limit=1&offset=1")
    assert page["count"] == 3 and len(page["items"]) == 1 and page["next"] and page["previous"]
    assert _json(client, "/editions?level=kota", 422)["data"]["choices"]


def test_edition_detail_with_nodes_and_change_log(client: Client, api_data: ApiData) -> None:
    correction = compute_edition(api_data.provinsi, runs=0)
    do_publish(correction, actor=None, change_log="koreksi data Jawa Barat")
    body = _json(client, "/editions/ikp-2024-provinsi")
    EditionDetailOut.model_validate(body)
    assert [v["version"] for v in body["versions"]] == [correction.version, 1]
    assert body["latest_published_version"] == correction.version
    assert body["change_log"][0]["text"] == "koreksi data Jawa Barat"
    assert body["change_log"][0]["supersedes"] == 1
    nodes = {n["code"]: n for n in body["nodes"]}
    assert nodes["IKP"]["level"] == 4 and nodes["D1"]["parent"] == "IKP" and len(nodes) == 78
    results = _json(client, "/editions/ikp-2024-provinsi/results?limit=1")
    assert results["computation"]["version"] == correction.version


def test_regions_list_filters_and_pagination(client: Client) -> None:
    provinces = _json(client, "/regions?level=1&limit=100")
    RegionPage.model_validate(provinces)
    assert provinces["count"] == 38 and provinces["next"] is None
    jabar = _json(client, "/regions?level=regency&province=32&limit=10")
    assert jabar["count"] == 27 and len(jabar["items"]) == 10 and "offset=10" in jabar["next"]
    assert all(r["parent"]["code"] == "32" for r in jabar["items"])
    bandung = {r["code"] for r in _json(client, "/regions?search=bandung")["items"]}
    assert {"32.04", "32.17", "32.73"} <= bandung
    old = _json(client, "/regions?edition=2022&level=1&limit=100")
    assert old["count"] == 34
    assert _json(client, "/regions?edition=1999", 422)["data"]["param"] == "edition"
    assert _json(client, "/regions?level=desa", 422)["data"]["param"] == "level"


@pytest.mark.parametrize("code", ["32.04", "3204", "kemendagri:32.04"])
def test_region_detail_accepts_code_spellings(client: Client, code: str) -> None:
    body = _json(client, f"/regions/{code}")
    RegionDetailOut.model_validate(body)
    assert body["code"] == "32.04" and body["code_kemendagri"] == "kemendagri:32.04"
    assert body["parent"] == {"code": "32", "name": "Jawa Barat"} and body["children"] == []


def test_region_detail_children_and_errors(client: Client) -> None:
    jabar = _json(client, "/regions/32")
    assert jabar["level"] == 1 and len(jabar["children"]) == 27
    assert _json(client, "/regions/32.99", 404)["code"] == "NOT_FOUND"
    assert _json(client, "/regions/bps:3204", 422)["code"] == "INVALID_REGION_CODE"


def test_error_messages_follow_the_language(client: Client) -> None:
    id_ = client.get(f"{API}/editions/nope").json()["message"]
    en = client.get(f"{API}/editions/nope", headers={"Accept-Language": "en"}).json()["message"]
    assert "tidak ditemukan" in id_
    assert "not found" in en
