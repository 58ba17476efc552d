"""GeoJSON of an edition's results: every region of the edition's level on the map (regions
without a result carry null values), boundaries from the core (``ikp.regions.load_boundaries``).

Editions on an older region edition (Bawaslu's published IKP 2024 results, on the 34 provinces
of 2022) are drawn on today's map: ``ikp.regions.expand_to_edition`` carries a 2022 province's
value onto each of its successors, and the feature says so in ``note``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ikp.regions import crosswalk, expand_to_edition, load_boundaries
from ikp.report.svgmap import simplify as simplify_ring  # Douglas–Peucker, as the SVG maps
from ikp_web.apps.api.queries import RESULT_VALUE_FIELDS, clean_float
from ikp_web.apps.frameworks.models import Edition

PROPERTY_FIELDS = RESULT_VALUE_FIELDS


def results_geojson(
    edition: Edition,
    rows: list[dict[str, Any]],
    *,
    simplify: float = 0.0,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A FeatureCollection: one feature per region of the edition's level, properties
    ``region_code``, ``region_name`` and the result fields of ``rows`` (one node)."""
    level = 1 if edition.region_level == "province" else 2
    by_code = {r["region_code"]: r for r in rows}
    region_edition = edition.region_edition
    parent_of: dict[str, tuple[str, str]] = {}
    expanded: dict[str, float] = {}
    if level == 1 and region_edition != "current":
        values = {c: r["score"] for c, r in by_code.items() if r["score"] is not None}
        expanded = expand_to_edition(values, from_edition=region_edition, to_edition="current")
        cw = crosswalk(region_edition, "current", level=1)
        parent_of = {str(b): (str(a), str(rel)) for a, b, rel in cw.itertuples(index=False)}
        map_edition = "current"
    else:
        map_edition = region_edition
    collection = load_boundaries(level, edition=map_edition)
    features = []
    for feature in collection["features"]:
        code = feature["properties"]["kode"]
        source_code, relation = parent_of.get(code, (code, "same"))
        row = by_code.get(source_code)
        props: dict[str, Any] = {
            "region_code": code,
            "region_name": feature["properties"]["nama"],
            **{f: (row[f] if row is not None else None) for f in PROPERTY_FIELDS},
        }
        if row is not None and map_edition != region_edition:
            props["score"] = clean_float(expanded.get(code, row["score"]))
            if relation != "same":
                props["source_code"] = source_code
                props["note"] = (
                    f"Nilai {row['region_name']} ({source_code}) sebelum pemekaran, ditampilkan "
                    f"pada wilayah penggantinya; wilayah ini tidak dinilai tersendiri. / Value of "
                    f"{row['region_name']} ({source_code}) before the split, shown on its "
                    f"successors; this region was not scored separately."
                )
        geometry = feature["geometry"]
        if simplify > 0:
            geometry = simplify_geometry(geometry, simplify)
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    out: dict[str, Any] = {"type": "FeatureCollection"}
    out.update(extra or {})
    out["map_region_edition"] = map_edition
    out["features"] = features
    return out


def simplify_geometry(geometry: dict[str, Any], tolerance: float) -> dict[str, Any]:
    """Douglas–Peucker with ``tolerance`` in degrees on each ring. Islands and holes smaller
    than the tolerance disappear (as in any simplified map); a region keeps at least its
    largest polygon. Coordinates are rounded to 5 decimals (about 1 m)."""

    def ring(points: list[Any]) -> list[Any] | None:
        out = simplify_ring(np.asarray(points, dtype=float), tolerance)
        return np.round(out, 5).tolist() if len(out) >= 4 else None  # type: ignore[no-any-return]

    if geometry["type"] == "Polygon":
        polygons: list[Any] = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = list(geometry["coordinates"])
    else:  # pragma: no cover - the shipped boundaries are (multi)polygons
        return geometry
    kept = []
    for polygon in polygons:
        outer = ring(polygon[0])
        if outer is None:
            continue
        holes = [h for h in (ring(r) for r in polygon[1:]) if h is not None]
        kept.append([outer, *holes])
    if not kept:
        largest = max(polygons, key=lambda p: len(p[0]))
        kept = [[np.round(np.asarray(largest[0], dtype=float), 5).tolist()]]
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}
