"""Pages in Bahasa Indonesia by default and in English after the switch; every page opens for
every persona; nothing is loaded from another site."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from .conftest import ROLES, DashData

PAGES = [
    "/",
    "/peta/",
    "/peta/?tingkat=provinsi&dimensi=D1",
    "/peta/?edisi=ikp-2024-bawaslu-provinsi",
    "/peringkat/",
    "/peringkat/?edisi=ikp-2024-bawaslu-provinsi",
    "/wilayah/32.04/",
    "/wilayah/32/",
    "/wilayah/91/",
    "/metodologi/",
    "/metodologi/ikp-2024-bawaslu-provinsi/",
    "/metodologi/dokumen/",
]


def _english(client: Client) -> Client:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/peta/"})
    assert response.status_code == 302
    return client


def test_indonesian_by_default_and_english_after_the_switch(d: DashData) -> None:
    client = Client()
    html = client.get("/peta/").content.decode()
    assert '<h1 id="page-title">Peta kerawanan pemilu</h1>' in html
    assert ">Peringkat</a>" in html and '<html lang="id">' in html
    english = _english(Client()).get("/peta/").content.decode()
    assert '<h1 id="page-title">Election vulnerability map</h1>' in english
    assert '<html lang="en">' in english
    # base.html's own strings, translated in this app's catalogue
    for text in ("Skip to content", ">Map</a>", ">Methodology</a>"):
        assert text in english
    # "Peringkat" is also a column heading in another app's catalogue ("Rank"), which Django
    # prefers (earlier in INSTALLED_APPS); either English word will do for the menu
    assert ">Ranking</a>" in english or ">Rank</a>" in english
    # tooltips and labels follow the language
    assert "— score " in english and "rank " in english and ">high</strong>" in english


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/peringkat/", "Vulnerability ranking"),
        ("/wilayah/32.04/", "Dimensions and sub-dimensions"),
        ("/metodologi/", "Computation steps"),
    ],
)
def test_english_headings(d: DashData, url: str, heading: str) -> None:
    html = _english(Client()).get(url).content.decode()
    assert heading in html


def test_base_template_strings_for_logged_in_roles(d: DashData) -> None:
    client = d.clients["ri"]
    client.cookies["django_language"] = "en"
    html = client.get("/peta/").content.decode()
    del client.cookies["django_language"]
    for text in (">Data entry</a>", ">Progress</a>", ">Compute & publish</a>"):
        assert text in html


@pytest.mark.parametrize("url", PAGES)
def test_every_page_opens_for_every_persona_without_external_assets(d: DashData, url: str) -> None:
    for persona in [*ROLES, "anonymous"]:
        response = d.clients[persona].get(url)
        assert response.status_code == 200, (persona, url)
        html = response.content.decode()
        assert "INVALID_TEMPLATE_VARIABLE" not in html, (persona, url)
        sources = re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", html)
        sources += re.findall(r"<link[^>]*\shref=\"([^\"]+)\"", html)
        sources += re.findall(r"<(?:img|iframe)[^>]*\ssrc=\"([^\"]+)\"", html)
        assert sources, url
        assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
        assert "@import" not in html and "url(http" not in html


def test_static_files_exist(d: DashData) -> None:
    client = Client()
    for path in ("/static/dashboards/dashboards.css", "/static/dashboards/dashboards.js"):
        response = client.get(path)
        assert response.status_code == 200, path


def test_pages_before_anything_is_published(d: DashData) -> None:
    from ikp_web.apps.scoring.models import Computation

    Computation.objects.filter(published=True).delete()
    for url in ("/", "/peta/", "/peringkat/", "/metodologi/", "/wilayah/32.04/", "/wilayah/32/"):
        response = d.clients["publik"].get(url)
        assert response.status_code == 200, url
        assert b'data-testid="empty"' in response.content, url
    # offices and partners still see the unpublished computation, marked
    draft = d.clients["mitra"].get("/peta/")
    assert draft.context["choice"].comp == d.kab_v2
    assert b"BELUM DITERBITKAN / NOT PUBLISHED" in draft.content
