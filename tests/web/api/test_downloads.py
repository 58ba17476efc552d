"""Downloads: the ranking and all results as CSV and XLSX, the map as GeoJSON; content,
headers, synthetic labels and sources, scope per role and token, audit log, the /unduh/ alias."""

from __future__ import annotations

import csv
import io
import json
from types import ModuleType
from typing import Any

import pytest
from django.test import Client
from django.urls import include, path, reverse
from openpyxl import load_workbook

from ikp import SYNTHETIC_LABEL
from ikp_web.apps.api.downloads import RANKING_COLUMNS, RESULTS_COLUMNS
from ikp_web.apps.api.services import create_token
from ikp_web.apps.core.models import AuditLog

from .conftest import ApiData


@pytest.fixture()
def client(api_data: ApiData, db: Any) -> Client:
    return Client()


PROBS = ("prob_rendah", "prob_sedang", "prob_tinggi")


def _with_probs(columns: tuple[str, ...]) -> tuple[str, ...]:
    """The documented columns with the class probabilities right after ``class``."""
    i = columns.index("class") + 1
    return (*columns[:i], *PROBS, *columns[i:])


def _url(name: str, query: str = "", **kwargs: str) -> str:
    return reverse(f"unduh:{name}", kwargs=kwargs) + (f"?{query}" if query else "")


def _csv(response: Any) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # byte-order mark for spreadsheet programs
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_ranking_csv_content_and_headers(client: Client) -> None:
    response = client.get(_url("peringkat", "edition=ikp-2024-provinsi", fmt="csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="peringkat-ikp-2024-provinsi-IKP-v1.csv"'
    )
    assert response["X-IKP-Synthetic"] == "true"
    rows = _csv(response)
    assert tuple(rows[0]) == _with_probs(RANKING_COLUMNS)
    assert tuple(rows[0])[6:10] == ("class", *PROBS)
    assert len(rows) == 38
    assert [int(r["rank"]) for r in rows] == sorted(int(r["rank"]) for r in rows)
    assert {r["synthetic"] for r in rows} == {"true"}
    assert {r["label"] for r in rows} == {SYNTHETIC_LABEL}
    jabar = next(r for r in rows if r["code"] == "32")
    assert jabar["name"] == jabar["province"] == "Jawa Barat"
    assert float(jabar["score"]) >= 0 and jabar["class"] in ("rendah", "sedang", "tinggi")
    assert sum(1 for r in rows if r["rank_p05"] and r["rank_p95"]) >= 30


def test_ranking_filters_match_the_ranking_page(client: Client) -> None:
    kab = _csv(client.get(_url("peringkat", "edition=ikp-2024-kabkota&province=32", fmt="csv")))
    assert len(kab) == 27 and {r["province_code"] for r in kab} == {"32"}
    tinggi = _csv(
        client.get(_url("peringkat", "edition=ikp-2024-provinsi&class=tinggi", fmt="csv"))
    )
    assert tinggi and {r["class"] for r in tinggi} == {"tinggi"}
    d1 = client.get(_url("peringkat", "edition=ikp-2024-provinsi&node=D1&province=32", fmt="csv"))
    assert len(_csv(d1)) == 1 and "-D1-32-" in d1["Content-Disposition"]
    bad = client.get(_url("peringkat", "edition=ikp-2024-provinsi&class=merah", fmt="csv"))
    assert bad.status_code == 422 and bad.json()["code"] == "INVALID_PARAMETER"


def test_ranking_page_parameter_names_work_too(personas: dict[str, Any]) -> None:
    """The ranking page links here with its own query: edisi (slug or slug@vN), tingkat,
    dimensi, provinsi, kelas, sort."""
    anon = personas["anonymous"].client
    query = "edisi=ikp-2024-kabkota&tingkat=kabkota&dimensi=IKP&provinsi=32&sort=-score"
    rows = _csv(anon.get(_url("peringkat", query, fmt="csv")))
    assert len(rows) == 27
    assert [float(r["score"]) for r in rows] == sorted(
        (float(r["score"]) for r in rows), reverse=True
    )
    kelas = _csv(
        anon.get(_url("peringkat", "edisi=ikp-2024-provinsi&kelas=tinggi&dimensi=D1", fmt="csv"))
    )
    assert kelas and {r["class"] for r in kelas} == {"tinggi"}
    draft = "edisi=ikp-2024-provinsi@v2"
    assert anon.get(_url("peringkat", draft, fmt="csv")).status_code == 404
    response = personas["mitra"].client.get(_url("peringkat", draft, fmt="csv"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-v2.csv"')
    level = anon.get(_url("peringkat", "tingkat=provinsi", fmt="csv"))
    assert "peringkat-ikp-2024-provinsi-" in level["Content-Disposition"]


def test_ranking_without_edition_uses_the_latest_publication(client: Client) -> None:
    response = client.get(_url("peringkat", fmt="csv"))
    assert response.status_code == 200 and "peringkat-ikp-2024-" in response["Content-Disposition"]


def test_ranking_xlsx_has_a_cover_note_and_the_table(client: Client) -> None:
    response = client.get(_url("peringkat", "edition=ikp-2024-provinsi", fmt="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('v1.xlsx"')
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Catatan", "Peringkat"]
    cover = [tuple(r) for r in book["Catatan"].iter_rows(values_only=True)]
    assert cover[0][0] == SYNTHETIC_LABEL
    assert any(k == "Edisi / Edition" and "ikp-2024-provinsi" in v for k, v in cover)
    table = list(book["Peringkat"].iter_rows(values_only=True))
    assert table[0] == _with_probs(RANKING_COLUMNS) and len(table) == 39
    assert table[1][0] == 1 and table[1][13] == "true"
    first = dict(zip(table[0], table[1], strict=True))
    assert sum(first[p] or 0.0 for p in PROBS) == pytest.approx(1.0, abs=1e-3)


def test_bawaslu_downloads_carry_the_source_per_row(client: Client) -> None:
    rows = _csv(client.get(_url("peringkat", "edition=ikp-2024-bawaslu-provinsi", fmt="csv")))
    assert len(rows) == 34
    assert all(r["source"].startswith("http") for r in rows)
    assert {r["synthetic"] for r in rows} == {"false"} and {r["label"] for r in rows} == {""}
    book = load_workbook(
        io.BytesIO(
            client.get(_url("peringkat", "edition=ikp-2024-bawaslu-provinsi", fmt="xlsx")).content
        ),
        read_only=True,
    )
    cover = [tuple(r) for r in book["Catatan"].iter_rows(values_only=True)]
    assert cover[0][0] == "Judul / Title"  # no synthetic label on Bawaslu's figures


def test_all_results_csv_and_xlsx(client: Client) -> None:
    response = client.get(_url("hasil", slug="ikp-2024-provinsi", fmt="csv"))
    assert response.status_code == 200
    assert 'filename="hasil-ikp-2024-provinsi-v1.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert tuple(rows[0]) == _with_probs(RESULTS_COLUMNS)
    assert len(rows) == 38 * 78  # every region × every node
    assert rows[0]["node"] == "IKP" and rows[-1]["level"] == "1"
    assert {r["node"] for r in rows if r["level"] == "3"} == {"D1", "D2", "D3", "D4"}
    dims = _csv(
        client.get(_url("hasil", "level=3&province=32", slug="ikp-2024-provinsi", fmt="csv"))
    )
    assert len(dims) == 4
    xlsx = client.get(_url("hasil", slug="ikp-2024-kabkota", fmt="xlsx"))  # built, stored, streamed
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    assert book.sheetnames == ["Catatan", "Hasil"]
    sheet = list(book["Hasil"].iter_rows(values_only=True))
    assert len(sheet) == 1 + 27 * 78 and sheet[0] == _with_probs(RESULTS_COLUMNS)
    index_rows = [dict(zip(sheet[0], r, strict=True)) for r in sheet[1:] if r[4] == "IKP"]
    assert len(index_rows) == 27
    for r in index_rows:  # 20 Monte Carlo runs: each region's probabilities add up to 1
        assert sum(r[p] or 0.0 for p in PROBS) == pytest.approx(1.0, abs=1e-3)
        assert r[f"prob_{r['class']}"] is not None


def test_ranking_download_keeps_the_at_risk_order(client: Client) -> None:
    """The ranking page's quick view *sedang tapi berisiko* (``kelas=sedang&sort=-prob_tinggi``)
    downloads in the same order, with the probabilities the API serves."""
    query = "edisi=ikp-2024-kabkota&kelas=sedang&sort=-prob_tinggi"
    rows = _csv(client.get(_url("peringkat", query, fmt="csv")))
    assert rows and {r["class"] for r in rows} == {"sedang"}
    tinggi = [float(r["prob_tinggi"] or 0) for r in rows]
    # (with the default uncertainty analysis several sedang regions may share P(tinggi) = 0:
    # ties are ordered by region code, here and in the API)
    assert tinggi == sorted(tinggi, reverse=True)
    api = client.get(
        "/api/v1/editions/ikp-2024-kabkota/results?class=sedang&ordering=-prob_tinggi&limit=100"
    ).json()
    assert [r["code"] for r in rows] == [i["region_code"] for i in api["items"]]
    assert [float(r["prob_tinggi"] or 0) for r in rows] == [
        round(i["prob_tinggi"] or 0, 4) for i in api["items"]
    ]


def test_map_geojson_download(client: Client) -> None:
    response = client.get(_url("peta", "node=D1&simplify=0.02", slug="ikp-2024-provinsi"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    assert 'filename="peta-ikp-2024-provinsi-D1-v1.geojson"' in response["Content-Disposition"]
    body = json.loads(response.content)
    assert len(body["features"]) == 38 and body["synthetic"] is True
    assert body["label"] == SYNTHETIC_LABEL


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("ri", 200),
        ("jabar", 200),
        ("bogor", 200),
        ("mitra", 200),
        ("publik", 404),
        ("anonymous", 404),
    ],
)
def test_unpublished_downloads_scope(role: str, status: int, personas: dict[str, Any]) -> None:
    c = personas[role].client
    urls = [
        _url("peringkat", "edition=ikp-2024-kabkota-draf", fmt="csv"),
        _url("peringkat", "edition=ikp-2024-provinsi&version=2", fmt="xlsx"),
        _url("hasil", slug="ikp-2024-kabkota-draf", fmt="csv"),
        _url("peta", slug="ikp-2024-kabkota-draf"),
    ]
    for url in urls:
        response = c.get(url)
        assert response.status_code == status, url
        if status == 404:
            assert response.json()["code"] == "NOT_FOUND"
    published = c.get(_url("peringkat", "edition=ikp-2024-provinsi", fmt="csv"))
    assert published.status_code == 200


def test_downloads_are_audit_logged_with_the_token_user(personas: dict[str, Any]) -> None:
    _, raw = create_token(personas["bogor"].user)
    response = Client().get(
        _url("peringkat", "edition=ikp-2024-kabkota-draf", fmt="csv"),
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 200
    assert response["X-IKP-Synthetic"] == "true"
    entry = AuditLog.objects.filter(action="download").latest("created")
    assert entry.username == "bogor" and entry.object_type == "Computation"
    assert entry.detail["table"] == "peringkat" and entry.detail["format"] == "csv"
    assert entry.detail["edition"] == "ikp-2024-kabkota-draf"
    assert (
        Client()
        .get(_url("peta", slug="ikp-2024-provinsi"), headers={"Authorization": "Bearer nope"})
        .status_code
        == 401
    )
    Client().get(_url("hasil", slug="ikp-2024-provinsi", fmt="xlsx"))
    Client().get(_url("peta", slug="ikp-2024-provinsi"))
    tables = set(AuditLog.objects.filter(action="download").values_list("detail__table", flat=True))
    assert tables == {"peringkat", "hasil", "peta"}


def test_root_unduh_alias(settings: Any, client: Client) -> None:
    """The line the lead adds to config/urls.py: path("unduh/", include(...download_urls))."""
    from ikp_web.config import urls as project_urls

    urlconf = ModuleType("urls_with_unduh")
    urlconf.urlpatterns = [  # type: ignore[attr-defined]
        path("unduh/", include("ikp_web.apps.api.download_urls")),
        *project_urls.urlpatterns,
    ]
    settings.ROOT_URLCONF = urlconf
    assert reverse("unduh:peringkat", kwargs={"fmt": "csv"}) == "/unduh/peringkat.csv"
    response = client.get("/unduh/hasil/ikp-2024-provinsi.csv?level=4")
    assert response.status_code == 200 and len(_csv(response)) == 38
    assert client.get("/api/unduh/peta/ikp-2024-provinsi.geojson").status_code == 200
