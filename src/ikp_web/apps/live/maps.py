"""The map's "published / live / change" switch (``?tampilan=terbitan|langsung|perubahan``).

Offered on the national map of an edition's current published version, for the index and for
every dimension and sub-dimension chosen in the node selector (not for a single indicator: the
live index stores aggregate nodes), to whoever may see the live index
(:func:`ikp_web.apps.live.panels.may_see_live`). ``langsung`` colours each region by the node's
live class; ``perubahan`` by its change since the published snapshot (bands of points), a region
whose class changed outlined (``lkc``). Both are labelled live and name each region's class now
and published; ``terbitan`` (the default) is the published map untouched. The switch is plain
links (no script)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models.fields.json import KeyTransform
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
from ikp_web.apps.live.models import LiveRun, NodeResult
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
    node: str = ""
    root: str = ""


def class_name(labels: Any, klass: str) -> str:
    return labels.name(klass, lang()) if klass else "–"


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
    aggregates = choice.edition.framework.framework().aggregates
    if not (choice.published and choice.latest_published and node in aggregates):
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
    return Switch(mode, links, run, node, root)


def node_rows(run: LiveRun, node: str, root: str) -> dict[str, NodeResult]:
    """Region code → the live result of ``node`` (the index: the rows' own columns; another
    node: its entry of ``LiveResult.nodes``, read alone from the JSON)."""
    if node == root:
        return {
            code: NodeResult(node, score, klass, None, published, p_class, None, delta, {})
            for code, score, klass, published, p_class, delta in run.results.values_list(
                "region__code", "score", "klass", "published_score", "published_class", "delta"
            )
        }
    return {
        code: NodeResult.of(node, data or {})
        for code, data in run.results.values_list("region__code", KeyTransform(node, "nodes"))
        if data
    }


def live_map(switch: Switch, choice: Any, labels: Any) -> MapView:
    """The national map of the switch's node coloured by the live class or by the change."""
    assert switch.run is not None
    level = "province" if choice.level == "province" else "regency"
    proj, shapes = national_geometry(level)
    rows = node_rows(switch.run, switch.node or switch.root, switch.root)
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
        css = band(row.delta) if change else class_key(labels, row.klass)
        counts[css] = counts.get(css, 0) + 1
        moved = row.klass != row.published_class
        title = _(
            "%(name)s (%(code)s) — LANGSUNG skor %(now)s · %(cls)s "
            "(terbitan %(pub)s · %(pcls)s, %(d)s)"
        ) % {
            "name": shape.name,
            "code": shape.code,
            "now": fmt(row.score),
            "cls": class_name(labels, row.klass),
            "pub": fmt(row.published_score),
            "pcls": class_name(labels, row.published_class),
            "d": ("+" if row.delta > 0 else "") + fmt(row.delta),
        }
        if change and moved:
            css += " lkc"
            title += " — " + _("kelas berubah")
        items[shape.code] = svgmap.MapItem(
            css,
            title,
            href,
            {
                "data-delta": f"{row.delta:.6f}",
                "data-class": row.klass,
                "data-class-published": row.published_class,
            },
        )
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
            "data-node": switch.node or switch.root,
        },
    )
    if change:
        legend = [
            LegendItem(css, label, "", counts.get(css, 0)) for css, label in band_labels().items()
        ]
        moved = sum(1 for r in rows.values() if r.klass != r.published_class)
        legend.append(LegendItem("ld0 lkc", _("kelas berubah"), "", moved))
    else:
        legend = [
            LegendItem(f"k{i}", labels.name(lab, lang()), "", counts.get(f"k{i}", 0))
            for i, lab in enumerate(labels.id)
        ]
    legend.append(LegendItem("cx", _("tidak ada data"), "", counts.get("cx", 0)))
    return MapView(svg=svg, legend=legend, n_regions=len(rows), n_shapes=len(shapes))
