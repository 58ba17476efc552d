"""``/`` and ``/peta/``: the national choropleth, per persona."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.urls import resolve

from ikp_web.apps.scoring.models import Result

from .conftest import PRIVILEGED, PUBLIC, DashData

LINK = re.compile(
    r'<a href="([^"]+)" data-region="([0-9.]+)" data-class="([a-z]*)"><title>([^<]*)</title>'
)


def links(content: bytes) -> dict[str, tuple[str, str, str]]:
    """data-region → (href, class, tooltip)."""
    return {
        code: (html_lib.unescape(href), klass, html_lib.unescape(title))
        for href, code, klass, title in LINK.findall(content.decode())
    }


@pytest.mark.parametrize("url", ["/", "/peta/"])
def test_regency_map_draws_all_514_with_links(d: DashData, url: str) -> None:
    response = d.clients["anonymous"].get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="map" id="map"' in html
    found = links(response.content)
    assert len(found) == 514
    assert response.context["synthetic"] is True  # base.html shows the banner
    assert "DATA SINTETIS — bukan data Bawaslu" in html
    # regions without results are drawn as "no data" and still link to their profile
    assert found["35.01"][1] == ""
    assert "tidak ada data" in found["35.01"][2]


def test_province_level_draws_38_provinces(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peta/?tingkat=provinsi")
    assert response.status_code == 200
    assert response.context["choice"].edition.slug == "ikp-2024-provinsi"
    found = links(response.content)
    assert len(found) == 38
    assert all(klass in ("rendah", "sedang", "tinggi") for _, klass, _ in found.values())


def test_level_selector_moves_to_the_sibling_edition(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peta/?edisi=ikp-2024-kabkota&tingkat=provinsi")
    assert response.context["choice"].edition.slug == "ikp-2024-provinsi"


def test_tooltip_has_name_score_class_rank_and_interval(d: DashData) -> None:
    found = links(d.clients["anonymous"].get("/peta/").content)
    href, klass, title = found["32.04"]
    row = Result.objects.get(computation=d.kab_v1, region__code="32.04", node_code="IKP")
    assert klass == row.klass
    assert title.startswith("Kabupaten Bandung (32.04) — skor ")
    assert f"{row.score:.2f}".replace(".", ",") in title  # Indonesian decimal comma
    assert f"peringkat {round(row.rank)} dari " in title
    assert f"(interval {round(row.rank_p05)}–{round(row.rank_p95)})" in title


def test_click_through_links_resolve_to_profiles(d: DashData) -> None:
    found = links(d.clients["anonymous"].get("/peta/").content)
    for code in ("32.04", "36.01", "35.01"):
        href = found[code][0]
        path, _, query = href.partition("?")
        match = resolve(path)
        assert match.url_name == "region" and match.kwargs == {"code": code}
        assert query == "edisi=ikp-2024-kabkota"
    response = d.clients["anonymous"].get(found["32.04"][0])
    assert response.status_code == 200 and b'id="profile-score"' in response.content


def test_legend_counts_classes(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peta/")
    legend = response.context["view"].legend
    counts = {item.css: item.count for item in legend}
    stored = Result.objects.filter(computation=d.kab_v1, node_code="IKP")
    assert counts["k2"] == stored.filter(klass="tinggi").count()
    assert counts["k0"] == stored.filter(klass="rendah").count()
    assert sum(counts.values()) == 514  # classes + no data
    assert counts["cx"] == 514 - stored.count()
    assert b'data-testid="legend"' in response.content and b"49,33" in response.content


def test_dimension_selector_colours_by_the_dimension(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peta/?dimensi=D2.S1")
    assert response.context["node"] == "D2.S1"
    found = links(response.content)
    row = Result.objects.get(computation=d.kab_v1, region__code="32.04", node_code="D2.S1")
    assert found["32.04"][1] == row.klass
    assert b'data-node="D2.S1"' in response.content
    options = [o.value for o in response.context["node_options"]]
    assert options[:2] == ["IKP", "D1"] and "D4.S2" in options and len(options) == 17


def test_unknown_dimension_falls_back_to_the_index(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peta/?dimensi=NOPE")
    assert response.status_code == 200
    assert response.context["node"] == "IKP"
    assert "NOPE" in response.context["notes"][0]


@pytest.mark.parametrize("persona", PUBLIC)
def test_public_sees_only_published(d: DashData, persona: str) -> None:
    client = d.clients[persona]
    response = client.get("/peta/")
    keys = [o.value for o in response.context["edition_options"]]
    assert "ikp-2024-kabkota" in keys and not any("@v" in k for k in keys)
    assert b"BELUM DITERBITKAN" not in response.content
    assert client.get("/peta/?edisi=ikp-2024-kabkota@v2").status_code == 404
    assert client.get("/peta/?edisi=no-such-edition").status_code == 404


@pytest.mark.parametrize("persona", PRIVILEGED)
def test_offices_and_partners_also_see_the_unpublished_computation(
    d: DashData, persona: str
) -> None:
    client = d.clients[persona]
    response = client.get("/peta/")
    options = {o.value: o for o in response.context["edition_options"]}
    assert "ikp-2024-kabkota@v2" in options
    assert "belum diterbitkan / not published" in options["ikp-2024-kabkota@v2"].label
    assert b"BELUM DITERBITKAN" not in response.content  # the default is the published one
    draft = client.get("/peta/?edisi=ikp-2024-kabkota@v2")
    assert draft.status_code == 200
    assert draft.context["choice"].comp == d.kab_v2
    assert b'data-testid="unpublished"' in draft.content
    assert "BELUM DITERBITKAN / NOT PUBLISHED" in draft.content.decode()
    # links from the draft map keep the draft
    assert links(draft.content)["32.04"][0].endswith("?edisi=ikp-2024-kabkota%40v2")


def test_bawaslu_published_results_on_todays_map(d: DashData) -> None:
    response = d.clients["anonymous"].get("/peta/?edisi=ikp-2024-bawaslu-provinsi")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["synthetic"] is False
    assert 'class="synthetic"' not in html and "bukan data Bawaslu" not in html  # no banner
    found = links(response.content)
    assert len(found) == 38  # today's provinces; the 34 of 2022 expanded onto them
    assert "88,95" in found["31"][2] and found["31"][1] == "tinggi"
    # Papua (2022: 91) was split: its value is shown on the new provinces, marked as such
    for code in ("91", "93", "94", "95"):
        assert "57,27" in found[code][2]
    assert "sebelum pemekaran" in found["93"][2]
    assert response.context["view"].n_regions == 34
    assert 'data-testid="published-source"' in html
    assert "https://beta.tvonenews.com/" in html  # the source of the figures
    assert "Papua (91) → 91, 93, 94, 95" in html
    legend = {i.css: i.count for i in response.context["view"].legend}
    assert (legend["k0"], legend["k1"], legend["k2"]) == (8, 21, 5)


def test_map_links_to_bawaslu_results_from_collected_editions(d: DashData) -> None:
    response = d.clients["anonymous"].get("/")
    assert b'data-testid="bawaslu-link"' in response.content
    assert b"/peta/?edisi=ikp-2024-bawaslu-provinsi" in response.content
