"""The live panel of a region profile: score and class now (live) against the published
snapshot, the change, the indicators that drive it and, under each, its verified incidents; and
a small table of each dimension (and each sub-dimension that moved) live against published, with
the indicators that drive each.

Who sees it: signed-in users; everyone when the edition's live index is public
(``LiveEdition.public`` or ``IKP_LIVE_PUBLIC``). It shows only for the edition's current
published version. A page that carries it is never stored in the public page cache (the view
marks the response with ``X-IKP-Live``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

from ikp.framework import Framework
from ikp.report import svgmap
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.incidents.services import can_report, visible_to
from ikp_web.apps.live.models import LiveResult, LiveRun, NodeResult
from ikp_web.apps.live.services import latest_run, live_is_public
from ikp_web.apps.scoring.models import Computation

#: response header of a page with live content (kept out of the page cache)
LIVE_HEADER = "X-IKP-Live"
#: incidents listed under one indicator (the rest are counted)
MAX_LISTED = 20
#: incident points drawn on a kecamatan map at most
MAX_POINTS = 500
#: driving indicators named per dimension in the panel's table
MAX_NODE_DRIVERS = 3


def may_see_live(request: HttpRequest, edition: Edition) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    return live_is_public(edition)


def region_panel(
    request: HttpRequest,
    edition: Edition,
    comp: Computation,
    code: str,
    fw: Framework,
    labels: Any,
) -> str:
    """The panel's HTML, or "" when there is nothing live to show to this visitor."""
    if not comp.published or not may_see_live(request, edition):
        return ""
    run = latest_run(edition)
    if run is None or run.based_on_id != comp.pk:
        return ""
    row = run.results.filter(region__code=code).first()
    if row is None:
        return ""
    return render_to_string(
        "live/_panel.html", panel_context(request, run, row, fw, labels), request=request
    )


def panel_context(
    request: HttpRequest, run: LiveRun, row: LiveResult, fw: Framework, labels: Any
) -> dict[str, Any]:
    language = "en" if (get_language() or "id").startswith("en") else "id"
    wanted = [pk for pks in row.incidents.values() for pk in pks[:MAX_LISTED]]
    found = {
        i.pk: i
        for i in Incident.objects.filter(pk__in=wanted, status=Incident.Status.VERIFIED)
        .select_related("regency")
        .only("pk", "occurred_at", "district_code", "regency__name", "incidence_level", "synthetic")
    }
    # a link to a report's page only where its reader may open it (offices: their jurisdiction)
    linkable = (
        set(visible_to(request.user).filter(pk__in=wanted).values_list("pk", flat=True))
        if can_report(request.user)
        else set()
    )
    drivers = []
    for code, points in sorted(row.contributions.items(), key=lambda kv: -abs(kv[1])):
        pks = row.incidents.get(code, [])
        node = fw.nodes.get(code)
        drivers.append(
            {
                "code": code,
                "name": node.name(language) if node is not None else code,
                "points": points,
                "n": len(pks),
                "incidents": [found[pk] for pk in pks[:MAX_LISTED] if pk in found],
                "more": max(len(pks) - MAX_LISTED, 0),
            }
        )
    return {
        "run": run,
        "row": row,
        "class_now": labels.name(row.klass, language) if row.klass else "",
        "class_published": labels.name(row.published_class, language)
        if row.published_class
        else "",
        "index_now": labels.index(row.klass),
        "index_published": labels.index(row.published_class),
        "class_changed": row.klass != row.published_class,
        "drivers": drivers,
        "linkable": linkable,
        "nodes": node_table(row, fw, labels, language),
    }


def node_table(row: LiveResult, fw: Framework, labels: Any, language: str) -> list[dict[str, Any]]:
    """The dimensions (level below the index) live against published, each followed by its
    sub-dimensions that moved; per node its class now and published and the indicators driving
    its change (largest first)."""
    out = []
    for dim in fw.children(fw.root):
        if dim not in fw.aggregates:
            continue
        out.append(_node_line(row.node(dim, fw.root), fw, labels, language, sub=False))
        for sub in fw.children(dim):
            if sub in fw.aggregates:
                line = _node_line(row.node(sub, fw.root), fw, labels, language, sub=True)
                if line["moved"]:
                    out.append(line)
    return out


def _node_line(
    r: NodeResult, fw: Framework, labels: Any, language: str, *, sub: bool
) -> dict[str, Any]:
    top = sorted(r.contributions.items(), key=lambda kv: -abs(kv[1]))[:MAX_NODE_DRIVERS]
    return {
        "code": r.code,
        "name": fw.nodes[r.code].name(language),
        "sub": sub,
        "r": r,
        "class_now": labels.name(r.klass, language) if r.klass else "",
        "class_published": labels.name(r.published_class, language) if r.published_class else "",
        "index_now": labels.index(r.klass),
        "class_changed": r.klass != r.published_class,
        "moved": abs(r.delta) > 1e-9 or r.klass != r.published_class,
        "drivers": top,
        "more": max(len(r.contributions) - MAX_NODE_DRIVERS, 0),
    }


def with_incident_points(
    request: HttpRequest, edition: Edition, comp: Computation, code: str, svg: str
) -> str:
    """The kab/kota's kecamatan map ``svg`` with a point for each verified incident of the live
    run that has coordinates (for those who may see the live index; else ``svg`` unchanged)."""
    if not svg.endswith("</svg>") or not comp.published or not may_see_live(request, edition):
        return svg
    run = latest_run(edition)
    if run is None or run.based_on_id != comp.pk:
        return svg
    per_indicator = (
        run.results.filter(region__code=code).values_list("incidents", flat=True).first() or {}
    )
    ids = [pk for pks in per_indicator.values() for pk in pks]
    if not ids:
        return svg
    try:
        proj, _shapes = svgmap.local_shapes("district", code.split(".")[0], within=code)
    except ValueError:
        return svg
    rows = Incident.objects.filter(
        pk__in=ids,
        status=Incident.Status.VERIFIED,
        latitude__isnull=False,
        longitude__isnull=False,
    ).values_list("pk", "occurred_at", "indicator_code", "latitude", "longitude", "synthetic")[
        :MAX_POINTS
    ]
    circles = []
    for pk, when, indicator, lat, lon, synthetic in rows:
        x, y = (lon - proj.lon0) * proj.k, (proj.lat1 - lat) * proj.k
        if 0 <= x <= proj.width and 0 <= y <= proj.height:
            label = " · DATA SINTETIS / SYNTHETIC" if synthetic else ""
            title = escape(f"#{pk} · {when:%Y-%m-%d} · {indicator}{label}")
            circles.append(
                f'<circle class="live-point" cx="{x:.1f}" cy="{y:.1f}" r="3" '
                f'data-incident="{pk}"><title>{title}</title></circle>'
            )
    if not circles:
        return svg
    points = f'<g class="live-points" data-testid="live-points">{"".join(circles)}</g>'
    return svg[: -len("</svg>")] + points + "</svg>"
