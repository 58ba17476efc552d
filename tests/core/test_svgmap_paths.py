"""Map geometry (issue 7, ``ikp demo``): the national maps project and measure every ring in
one pass over all points, and draw exactly what projecting ring by ring draws."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from ikp.regions import load_boundaries
from ikp.report import svgmap


def ring_by_ring(geometry: Mapping[str, Any], proj: svgmap.Projection, tolerance: float) -> str:
    """The straightforward drawing: each ring projected, measured and simplified on its own."""
    parts: list[str] = []
    largest: tuple[float, Any] = (-1.0, None)
    for polygon in svgmap.polygons(geometry):
        for ring in polygon:
            pts = svgmap.project(ring, proj)
            extent = pts.max(axis=0) - pts.min(axis=0)
            size = float(extent[0] * extent[1])
            if size > largest[0]:
                largest = (size, pts)
            if float(extent.max()) < 2 * tolerance:
                continue
            part = svgmap.ring_path(svgmap.simplify(pts, tolerance))
            if part:
                parts.append(part)
    if not parts and largest[1] is not None:
        pts = largest[1]
        part = svgmap.ring_path(pts)
        if not part:
            x, y = float(pts[0, 0]), float(pts[0, 1])
            part = f"M{svgmap.fmt_number(x - 1)} {svgmap.fmt_number(y - 1)}h2v2h-2z"
        parts.append(part)
    return "".join(parts)


@pytest.mark.parametrize(("province", "width", "tolerance"), [("32", 800.0, 0.4), ("91", 10.0, 2)])
def test_paths_equal_ring_by_ring_drawing(province: str, width: float, tolerance: float) -> None:
    # a coarse map (10 units wide) turns kecamatan into specks and some into tiny squares
    features = load_boundaries("district", province=province)["features"]
    proj = svgmap.fit_projection(features, width, margin=0.01)
    drawn = svgmap.feature_shapes(features, proj, tolerance)
    expected = [ring_by_ring(f["geometry"], proj, tolerance) for f in features]
    assert [s.d for s in drawn] == expected
    assert [s.code for s in drawn] == [str(f["properties"]["kode"]) for f in features]
    if width < 100:
        assert any(s.d.endswith("h2v2h-2z") for s in drawn)


def test_national_map_does_not_project_ring_by_ring(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = svgmap.project

    def counting(ring: Any, proj: svgmap.Projection) -> Any:
        calls.append(1)
        return real(ring, proj)

    monkeypatch.setattr(svgmap, "project", counting)
    features = load_boundaries("province")["features"]
    shapes = svgmap.feature_shapes(features, svgmap.national_projection(), svgmap.MAP_TOLERANCE)
    assert len(shapes) == 38 and all(s.d.startswith("M") for s in shapes)
    assert calls == []
