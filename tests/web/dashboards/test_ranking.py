"""``/peringkat/``: the ranking table — sorting, filters, intervals, downloads, per persona."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import resolve

from ikp_web.apps.scoring.models import Result

from .conftest import PRIVILEGED, PUBLIC, DashData

ROW = re.compile(
    r'<tr id="r-([0-9.]+)" data-region="[0-9.]+" data-class="([a-z]*)">(.*?)</tr>', re.S
)
CELL = re.compile(r"<td([^>]*)>(.*?)</td>", re.S)
DATA_V = re.compile(r'data-v="([^"]*)"')


def _value(attrs: str) -> str:
    match = DATA_V.search(attrs)
    return html_lib.unescape(match[1]) if match else ""


def rows(content: bytes) -> list[tuple[str, str, list[str]]]:
    """(code, class, [data-v of each cell])."""
    table = content.decode().split('id="ranking"', 1)[1].split("</table>", 1)[0]
    return [
        (code, klass, [_value(attrs) for attrs, _ in CELL.findall(body)])
        for code, klass, body in ROW.findall(table)
    ]


def column(content: bytes, name: str, key: str) -> list[str]:
    """The data-v values of the column whose header has data-key ``key``."""
    head = content.decode().split("<thead>", 1)[1].split("</thead>", 1)[0]
    keys = re.findall(r'<th scope="col" data-key="([a-z]+)"', head)
    i = keys.index(key)
    return [cells[i] for _, _, cells in rows(content)]


def test_ranking_lists_every_region_with_intervals(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peringkat/")
    assert response.status_code == 200
    assert b'id="ranking"' in response.content and b'data-testid="ranking"' in response.content
    found = rows(response.content)
    stored = Result.objects.filter(computation=d.kab_v1, node_code="IKP")
    assert len(found) == stored.count() == 35
    ranks = [float(r) for r in column(response.content, "rank", "rank")]
    assert ranks == sorted(ranks)
    best = stored.order_by("rank").first()
    assert best is not None and found[0][0] == best.region.code
    html = response.content.decode()
    assert "Interval peringkat (p05–p95)" in html and "P(kelas)" in html
    assert f"{round(best.rank_p05)}–{round(best.rank_p95)}" in html
    assert response.context["synthetic"] is True


def test_region_names_link_to_their_profiles(d: DashData) -> None:
    html = d.clients["anonymous"].get("/peringkat/").content.decode()
    hrefs = re.findall(r'<td data-v="[^"]*"><a href="([^"]+)">', html)
    assert len(hrefs) == 35
    for href in hrefs[:3]:
        assert resolve(html_lib.unescape(href).split("?")[0]).url_name == "region"


@pytest.mark.parametrize(
    ("sort", "key", "descending", "numeric"),
    [
        ("-score", "score", True, True),
        ("score", "score", False, True),
        ("name", "name", False, False),
        ("-reliability", "reliability", True, True),
        ("interval", "interval", False, True),
    ],
)
def test_server_side_sort(
    d: DashData, sort: str, key: str, descending: bool, numeric: bool
) -> None:
    response = d.clients["anonymous"].get(f"/peringkat/?sort={sort}")
    values = [v for v in column(response.content, key, key) if v != ""]
    typed = [float(v) for v in values] if numeric else [v.lower() for v in values]
    assert typed == sorted(typed, reverse=descending)
    head = response.content.decode().split("<thead>", 1)[1]
    expected = "descending" if descending else "ascending"
    assert re.search(rf'data-key="{key}" data-type="[a-z]+" aria-sort="{expected}"', head)


def test_unknown_sort_falls_back_to_rank(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peringkat/?sort=drop-table")
    assert response.status_code == 200 and response.context["sort"] == "rank"
    assert response.context["notes"]


def test_filter_by_province(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peringkat/?provinsi=32")
    found = rows(response.content)
    assert len(found) == 27 and all(code.startswith("32.") for code, _, _ in found)
    assert response.context["total"] == 35


def test_filter_by_class(d: DashData) -> None:
    for klass in ("rendah", "sedang"):
        found = rows(d.clients["anonymous"].get(f"/peringkat/?kelas={klass}").content)
        expected = Result.objects.filter(computation=d.kab_v1, node_code="IKP", klass=klass)
        assert len(found) == expected.count() > 0
        assert {k for _, k, _ in found} == {klass}
    assert rows(d.clients["anonymous"].get("/peringkat/?kelas=bogus").content)


def test_filter_by_dimension_shows_its_score_and_rank(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peringkat/?dimensi=D3&provinsi=32&sort=-score")
    assert response.context["node"] == "D3" and not response.context["is_index"]
    found = {code: cells for code, _, cells in rows(response.content)}
    d3 = Result.objects.get(computation=d.kab_v1, node_code="D3", region__code="32.04")
    score = float(column(response.content, "score", "score")[list(found).index("32.04")])
    assert score == pytest.approx(d3.score, abs=1e-4)
    assert "Interval peringkat (p05–p95)" not in response.content.decode()  # index only


def test_download_links_carry_the_same_query(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peringkat/?provinsi=32&kelas=sedang&sort=-score")
    html = response.content.decode()
    for kind in ("csv", "xlsx"):
        href = html_lib.unescape(
            re.search(rf'href="([^"]+)" data-testid="download-{kind}"', html)[1]
        )
        parts = urlsplit(href)
        assert parts.path == f"/unduh/peringkat.{kind}"
        assert parse_qs(parts.query) == {
            "edisi": ["ikp-2024-kabkota"],
            "tingkat": ["kabkota"],
            "dimensi": ["IKP"],
            "provinsi": ["32"],
            "kelas": ["sedang"],
            "sort": ["-score"],
        }


def test_province_ranking_has_38_rows(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peringkat/?tingkat=provinsi")
    assert len(rows(response.content)) == 38
    assert response.context["province_options"] == []


def test_bawaslu_ranking_has_34_rows_with_sources(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peringkat/?edisi=ikp-2024-bawaslu-provinsi")
    found = rows(response.content)
    assert len(found) == 34 and found[0][0] == "31"
    assert response.context["synthetic"] is False
    assert response.content.decode().count('rel="noopener noreferrer">sumber</a>') == 34


@pytest.mark.parametrize("persona", PUBLIC)
def test_public_cannot_open_the_unpublished_ranking(d: DashData, persona: str) -> None:
    assert d.clients[persona].get("/peringkat/?edisi=ikp-2024-kabkota@v2").status_code == 404


@pytest.mark.parametrize("persona", PRIVILEGED)
def test_privileged_see_the_unpublished_ranking_marked(d: DashData, persona: str) -> None:
    response = d.clients[persona].get("/peringkat/?edisi=ikp-2024-kabkota@v2")
    assert response.status_code == 200
    assert b"BELUM DITERBITKAN / NOT PUBLISHED" in response.content
    v2 = Result.objects.get(computation=d.kab_v2, node_code="IKP", region__code="32.04")
    cells = {code: c for code, _, c in rows(response.content)}
    assert float(cells["32.04"][4]) == pytest.approx(v2.score, abs=1e-4)
