"""The Content-Security-Policy allows no inline style, so no page carries one: bar widths are
stepped classes, the class colours a cacheable stylesheet per number of classes."""

from __future__ import annotations

import pytest
from tests.web.conftest import inline_styles

from ikp_web.apps.dashboards.maps import class_css

from .conftest import DashData

PAGES = [
    "/",
    "/peta/?edisi=ikp-2024-kabkota",
    "/peta/?edisi=ikp-2024-provinsi",
    "/peringkat/?edisi=ikp-2024-kabkota",
    "/wilayah/32.04/?edisi=ikp-2024-kabkota",
    "/wilayah/32/?edisi=ikp-2024-provinsi",
    "/metodologi/",
    "/metodologi/dokumen/",
    "/akun/masuk/",
]


@pytest.mark.parametrize("who", ["anonymous", "ri", "jabar", "publik"])
def test_pages_carry_no_inline_style(d: DashData, who: str) -> None:
    for url in PAGES:
        response = d.clients[who].get(url, follow=True)
        assert response.status_code == 200, (who, url)
        policy = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy
        assert inline_styles(response.content.decode()) == [], (who, url)


def test_region_bars_are_stepped_classes(d: DashData) -> None:
    html = d.clients["anonymous"].get("/wilayah/32.04/?edisi=ikp-2024-kabkota").content.decode()
    assert ' class="k' in html and " w" in html and 'class="at' in html


def test_class_colours_are_a_cacheable_stylesheet(d: DashData) -> None:
    html = d.clients["anonymous"].get("/peta/?edisi=ikp-2024-kabkota").content.decode()
    assert 'href="/peta/kelas/3.css"' in html
    response = d.clients["anonymous"].get("/peta/kelas/3.css")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert response.content.decode() == class_css(3)
    assert ".k0{fill:" in class_css(3) and ".k2{" in class_css(3) and ".cx{" in class_css(3)
    assert d.clients["anonymous"].get("/peta/kelas/0.css").status_code == 404
    assert d.clients["anonymous"].get("/peta/kelas/99.css").status_code == 404
