"""The core's SVG map drawing (``ikp.report.svgmap``), shared by the dashboards and the HTML
summary: cached national geometry, regional maps, escaping, links. No database."""

from __future__ import annotations

import numpy as np

from ikp.report import svgmap
from ikp.report.svgmap import MapItem, Projection, Shape


def test_national_shapes_cover_every_province_and_regency() -> None:
    provinces = svgmap.shapes("province")
    regencies = svgmap.shapes("regency")
    assert len(provinces) == 38 and len(regencies) == 514
    assert all(s.d.startswith("M") and s.d.endswith("z") for s in regencies)
    assert svgmap.shapes("regency") is regencies  # cached: the geometry is static
    proj = svgmap.national_projection()
    assert proj.width == svgmap.MAP_WIDTH and 500 < proj.height < 800


def test_local_shapes_of_a_regency_are_its_districts() -> None:
    proj, shapes = svgmap.local_shapes("district", "32", within="32.04")
    assert len(shapes) > 20 and all(s.code.startswith("32.04.") for s in shapes)
    assert proj.width == svgmap.LOCAL_MAP_WIDTH
    _, regencies = svgmap.local_shapes("regency", "32")
    assert len(regencies) == 27


def test_render_svg_links_escapes_and_roles() -> None:
    proj = Projection(0, 10, 1, 10, 10)
    shapes = (Shape("1", "A", "M0 0l1 0 0 1z"), Shape("2", "B<", "M2 2l1 0 0 1z"))
    plain = svgmap.render_svg(shapes, {"1": MapItem("k0", 'tip "1" <b>')}, proj, label="L&")
    assert 'role="img"' in plain and 'aria-label="L&amp;"' in plain
    assert "<title>tip &quot;1&quot; &lt;b&gt;</title>" in plain
    assert '<path class="cx" data-code="2"' in plain and "B&lt; (2)" in plain
    linked = svgmap.render_svg(
        shapes,
        {"1": MapItem("k1", "t", "/wilayah/1/?a=1&b=2", {"data-class": "tinggi"})},
        proj,
        label="L",
        svg_attrs={"id": "map"},
    )
    assert 'role="group"' in linked and 'id="map"' in linked
    assert (
        '<a href="/wilayah/1/?a=1&amp;b=2" data-region="1" data-class="tinggi"><title>t</title>'
        in linked
    )


def test_simplify_keeps_the_ring_closed_and_drops_collinear_points() -> None:
    ring = np.array([[0, 0], [1, 0], [2, 0], [2, 2], [0, 2], [0, 0]], dtype=float)
    out = svgmap.simplify(ring, 0.1)
    assert out[0].tolist() == [0, 0] and out[-1].tolist() == [0, 0]
    assert [1, 0] not in out.tolist()
    assert svgmap.fmt_number(0.5) == ".5" and svgmap.fmt_number(-0.04) == "0"
