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
    keys = re.findall(r'<th scope="col" data-key="([a-z_]+)"', head)
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
    assert "Interval peringkat (p05–p95)" in html
    assert all(f">P({name})</a>" in html for name in ("rendah", "sedang", "tinggi"))
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


def test_every_class_probability_has_a_sortable_column(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peringkat/")
    html = response.content.decode()
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    for label in ("rendah", "sedang", "tinggi"):
        assert re.search(rf'data-key="prob_{label}" data-type="num"[^>]*><a href="[^"]*sort=', head)
    stored = {
        r.region.code: r
        for r in Result.objects.filter(computation=d.kab_v1, node_code="IKP").select_related(
            "region"
        )
    }
    for label in ("rendah", "sedang", "tinggi"):
        values = column(response.content, f"prob_{label}", f"prob_{label}")
        for (code, _, _), value in zip(rows(response.content), values, strict=True):
            expected = stored[code].class_probabilities.get(label)
            assert (value == "") == (expected is None)
            if expected is not None:
                assert float(value) == pytest.approx(expected)
    # the percentages are text, and the region's own class is marked in words-free bold too
    first = rows(response.content)[0][0]
    row_html = html.split(f'<tr id="r-{first}"', 1)[1].split("</tr>", 1)[0]
    own = stored[first].klass
    assert re.search(rf'class="num prob own" data-v="[^"]*" data-prob="{own}">\d+%</td>', row_html)
    english = d.clients["anonymous"]
    english.cookies["django_language"] = "en"
    en = english.get("/peringkat/").content.decode()
    del english.cookies["django_language"]
    assert all(f">P({name})</a>" in en for name in ("low", "medium", "high"))


@pytest.mark.parametrize("descending", [True, False])
def test_sort_by_the_probability_of_tinggi(d: DashData, descending: bool) -> None:
    sort = "-prob_tinggi" if descending else "prob_tinggi"
    response = d.clients["anonymous"].get(f"/peringkat/?sort={sort}")
    assert response.context["sort"] == sort and not response.context["notes"]
    values = column(response.content, "prob_tinggi", "prob_tinggi")
    present = [float(v) for v in values if v != ""]
    assert present == sorted(present, reverse=descending) and present[0] != present[-1]
    assert values[: len(present)] == [v for v in values if v != ""]  # missing values last
    head = response.content.decode().split("<thead>", 1)[1]
    expected = "descending" if descending else "ascending"
    assert re.search(rf'data-key="prob_tinggi" data-type="num" aria-sort="{expected}"', head)
    # ties keep a stable order (region code), the same order the download and the API use
    codes = [code for code, _, _ in rows(response.content)]
    by_value = sorted(
        zip(present, codes[: len(present)], strict=True),
        key=lambda vc: (-vc[0] if descending else vc[0], vc[1]),
    )
    assert [c for _, c in by_value] == codes[: len(present)]


def test_default_order_is_unchanged(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peringkat/")
    assert response.context["sort"] == "rank"
    ranks = [float(r) for r in column(response.content, "rank", "rank")]
    assert ranks == sorted(ranks)


def test_medium_but_at_risk_quick_view(d: DashData) -> None:
    anon = d.clients["anonymous"]
    html = anon.get("/peringkat/?provinsi=32").content.decode()
    link = re.search(
        r'<p class="quickview" id="at-risk" data-testid="at-risk"><a href="([^"]+)">', html
    )
    assert link is not None and "sedang tapi berisiko" in html
    query = parse_qs(urlsplit(html_lib.unescape(link[1])).query)
    assert query["kelas"] == ["sedang"] and query["sort"] == ["-prob_tinggi"]
    assert query["provinsi"] == ["32"]  # the other filters stay
    response = anon.get("/peringkat/?" + urlsplit(html_lib.unescape(link[1])).query)
    found = rows(response.content)
    expected = Result.objects.filter(
        computation=d.kab_v1, node_code="IKP", klass="sedang", region__province_code="32"
    )
    assert len(found) == expected.count() > 1
    assert {klass for _, klass, _ in found} == {"sedang"}
    tinggi = [float(v or 0) for v in column(response.content, "prob_tinggi", "prob_tinggi")]
    assert tinggi == sorted(tinggi, reverse=True)
    page = response.content.decode()
    assert '<strong aria-current="page">sedang tapi berisiko</strong>' in page
    assert "yang paling mungkin tinggi lebih dulu" in page
    # the table's downloads keep the view's filter and order
    assert "kelas=sedang" in response.context["download_csv"]
    assert "sort=-prob_tinggi" in response.context["download_csv"]
    english = d.clients["anonymous"]
    english.cookies["django_language"] = "en"
    en = english.get("/peringkat/").content.decode()
    del english.cookies["django_language"]
    assert "medium but at risk" in en


def test_no_probability_columns_without_an_uncertainty_analysis(d: DashData) -> None:
    html = d.clients["anonymous"].get("/peringkat/?edisi=ikp-2019-kabkota").content.decode()
    assert 'data-key="prob_tinggi"' not in html and 'id="at-risk"' not in html
