"""The map's "published / live / change" switch (``?tampilan=terbitan|langsung|perubahan``).

Offered on the national map of an edition's current published version, for the index, to
whoever may see the live index (:func:`ikp_web.apps.live.panels.may_see_live`). ``langsung``
colours each region by its live class; ``perubahan`` by its change since the published snapshot
(bands of points). Both are labelled live; ``terbitan`` (the default) is the published map
untouched. The switch is plain links (no script)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ikp.report import svgmap
from ikp_web.apps.dashboards.maps import (
    LegendItem,
    MapView,
    class_key,
    fmt,
    lang,
    national_geometry,
    no_data_title,
    profile_url,
)
from ikp_web.apps.live.models import LiveRun
from ikp_web.apps.live.panels import may_see_live
from ikp_web.apps.live.services import latest_run

MODES = ("terbitan", "langsung", "perubahan")
PARAM = "tampilan"
#: change bands: (upper bound in points, exclusive; css class)
BANDS = ((0.0, "ldm"), (1e-9, "ld0"), (1.0, "ld1"), (5.0, "ld2"), (math.inf, "ld3"))


@dataclass
class Switch:
    mode: str
    links: list[tuple[str, str, str, bool]] = field(default_factory=list)  # mode, label, url, on
    run: LiveRun | None = None


def band(delta: float) -> str:
    for upper, css in BANDS:
        if delta < upper:
            return css
    return BANDS[-1][1]


def band_labels() -> dict[str, str]:
    return {
        "ldm": _("turun"),
        "ld0": _("tidak berubah"),
        "ld1": _("naik < 1 poin"),
        "ld2": _("naik 1–5 poin"),
        "ld3": _("naik ≥ 5 poin"),
    }


def switch_for(request: HttpRequest, choice: Any, node: str, root: str, query: str) -> Switch:
    """The switch for this page, or one without links when the live index is not offered."""
    wanted = request.GET.get(PARAM, "")
    mode = wanted if wanted in MODES else "terbitan"
    if not (choice.published and choice.latest_published and node == root):
        return Switch("terbitan")
    if not may_see_live(request, choice.edition):
        return Switch("terbitan")
    run = latest_run(choice.edition)
    if run is None or run.based_on_id != choice.comp.pk:
        return Switch("terbitan")
    names = {"terbitan": _("Terbitan"), "langsung": _("Langsung"), "perubahan": _("Perubahan")}
    links = [
        (m, names[m], f"{request.path}?{query}&{urlencode({PARAM: m})}", m == mode) for m in MODES
    ]
    return Switch(mode, links, run)


def live_map(switch: Switch, choice: Any, labels: Any) -> MapView:
    """The national map coloured by the live class or by the change."""
    assert switch.run is not None
    level = "province" if choice.level == "province" else "regency"
    proj, shapes = national_geometry(level)
    rows = {
        code: (score, klass, published, delta)
        for code, score, klass, published, delta in switch.run.results.values_list(
            "region__code", "score", "klass", "published_score", "delta"
        )
    }
    change = switch.mode == "perubahan"
    counts: dict[str, int] = {}
    items: dict[str, svgmap.MapItem] = {}
    for shape in shapes:
        href = profile_url(shape.code, choice)
        row = rows.get(shape.code)
        if row is None:
            items[shape.code] = svgmap.MapItem("cx", no_data_title(shape.name, shape.code), href)
            counts["cx"] = counts.get("cx", 0) + 1
            continue
        score, klass, published, delta = row
        css = band(delta) if change else class_key(labels, klass)
        counts[css] = counts.get(css, 0) + 1
        title = _("%(name)s (%(code)s) — LANGSUNG skor %(now)s (terbitan %(pub)s, %(d)s)") % {
            "name": shape.name,
            "code": shape.code,
            "now": fmt(score),
            "pub": fmt(published),
            "d": ("+" if delta > 0 else "") + fmt(delta),
        }
        items[shape.code] = svgmap.MapItem(css, title, href, {"data-delta": f"{delta:.6f}"})
    outline = national_geometry("province")[1] if level == "regency" else ()
    svg = svgmap.render_svg(
        shapes,
        items,
        proj,
        label=_("Peta indeks langsung"),
        outline=outline,
        svg_attrs={
            "id": "map",
            "data-testid": "map",
            "data-level": level,
            "data-live": switch.mode,
        },
    )
    if change:
        legend = [
            LegendItem(css, label, "", counts.get(css, 0)) for css, label in band_labels().items()
        ]
    else:
        legend = [
            LegendItem(f"k{i}", labels.name(lab, lang()), "", counts.get(f"k{i}", 0))
            for i, lab in enumerate(labels.id)
        ]
    legend.append(LegendItem("cx", _("tidak ada data"), "", counts.get("cx", 0)))
    return MapView(svg=svg, legend=legend, n_regions=len(rows), n_shapes=len(shapes))
