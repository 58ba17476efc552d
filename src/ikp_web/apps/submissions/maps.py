"""The progress map: the regions of an edition coloured by the status of their submission.

Drawn with the core's shared map module (:mod:`ikp.report.svgmap`: projection, simplified
paths, caching, links and tooltips); this module only picks the shapes for the user's scope and
the status classes. The fills are CSS classes (``st-<status>`` in
``static/submissions/submissions.css``): the status palette, not the class palette. Every
region has a ``<title>`` tooltip with its name and status in words, the page shows a legend with
counts, and the table below the map holds the same data.

Scope: one province's kabupaten/kota are drawn on a map fitted to that province (its other
kabupaten/kota, outside the user's scope, in grey without links); otherwise the national map,
with regions outside the scope in grey.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ikp.report import svgmap

RETURNED_PATTERN = "ikp-stripes-returned"

#: a hidden SVG holding the stripes of "returned" (referenced by the CSS of every map)
PATTERN_DEFS = (
    '<svg width="0" height="0" class="svg-defs" aria-hidden="true" focusable="false">'
    f'<defs><pattern id="{RETURNED_PATTERN}" patternUnits="userSpaceOnUse" width="6" height="6" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#c51b7d"/>'
    '<rect width="2" height="6" fill="#ffffff"/></pattern></defs></svg>'
)


def status_map_svg(
    level: str,
    statuses: Mapping[str, tuple[str, str]],
    *,
    label: str,
    outside: str,
    url: Callable[[str], str] | None = None,
) -> str:
    """An inline SVG map. ``level`` is ``province`` or ``regency``; ``statuses`` maps region
    code → (status, tooltip text); ``outside`` is the tooltip suffix of regions not in it;
    ``url(code)`` gives each region's link."""
    provinces = {code.split(".")[0] for code in statuses}
    if level == "regency" and len(provinces) == 1:
        proj, shapes = svgmap.local_shapes("regency", next(iter(provinces)))
        outline: tuple[svgmap.Shape, ...] = ()
    else:
        proj = svgmap.national_projection()
        shapes = svgmap.shapes(level)
        outline = svgmap.shapes("province") if level == "regency" else ()
    items = {
        code: svgmap.MapItem(
            f"st-{status}",
            tip,
            href=url(code) if url is not None else None,
            attrs={"data-status": status},
        )
        for code, (status, tip) in statuses.items()
    }
    for shape in shapes:
        if shape.code not in items:
            items[shape.code] = svgmap.MapItem(
                "st-outside", f"{shape.name} ({shape.code}) — {outside}"
            )
    return PATTERN_DEFS + svgmap.render_svg(
        shapes,
        items,
        proj,
        label=label,
        outline=outline,
        svg_class="map status-map",
    )
