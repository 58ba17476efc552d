"""The progress board: for an edition, which offices have not started, drafted, submitted, been
returned or been verified, with deadlines; counts, a sortable table and a map, in the user's
scope (province office: its kab/kota; kab/kota office: its own region; RI and partners: all)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions import maps, queries
from ikp_web.apps.submissions.views.common import data_view

COLUMNS = [
    ("wilayah", gettext_lazy("Kode")),
    ("nama", gettext_lazy("Wilayah")),
    ("provinsi", gettext_lazy("Provinsi")),
    ("status", gettext_lazy("Status")),
    ("diperbarui", gettext_lazy("Pembaruan terakhir")),
    ("terlambat", gettext_lazy("Terlambat")),
]


@data_view
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    user = request.user
    editions = list(queries.collected_editions())
    overview = []
    for edition in editions:
        rows = queries.status_rows(edition, queries.regions_for(user, edition))
        if rows:
            overview.append(
                {"edition": edition, "counts": queries.status_counts(rows), "n": len(rows)}
            )
    visible = [o["edition"] for o in overview]
    slug = request.GET.get("edisi", "")
    edition = next((e for e in visible if e.slug == slug), visible[0] if visible else None)
    context: dict[str, object] = {
        "overview": overview,
        "editions": visible,
        "edition": edition,
        "synthetic": bool(edition and edition.synthetic),
    }
    if edition is None:
        return TemplateResponse(request, "submissions/progress.html", context)
    regions = queries.regions_for(user, edition)
    national = scope.role_of(user) in ("ri", "mitra")
    province = request.GET.get("provinsi", "") if national else ""
    if province:
        regions = regions.filter(province_code=province)
    rows = queries.status_rows(edition, regions)
    counts = queries.status_counts(rows)
    status = request.GET.get("status", "")
    shown = [r for r in rows if r.status == status] if status in queries.STATUS_LABELS else rows
    shown, sort = queries.sort_rows(shown, request.GET.get("urut", "wilayah"))
    level = "province" if queries.region_level(edition) == 1 else "regency"
    statuses = {
        r.region.code: (
            r.status,
            f"{r.region.name} ({r.region.code}) — {r.status_label}"
            + (f" · {_('terlambat')}" if r.overdue else ""),
        )
        for r in rows
    }
    svg = maps.status_map_svg(
        level,
        statuses,
        label=_("Peta status pengisian data %(edition)s") % {"edition": edition.name},
        outside=_("di luar cakupan Anda"),
        url=lambda code: reverse("submissions:questionnaire", args=[edition.slug, code]),
    )
    base = request.GET.copy()
    base.pop("urut", None)
    headers = []
    for key, label in COLUMNS:
        current = sort.lstrip("-") == key
        desc = sort.startswith("-")
        next_sort = f"-{key}" if current and not desc else key
        aria = ("descending" if desc else "ascending") if current else "none"
        params = base.copy()
        params["urut"] = next_sort
        headers.append({"label": label, "url": "?" + params.urlencode(), "aria": aria})
    context.update(
        {
            "rows": shown,
            "n_rows": len(rows),
            "counts": counts,
            "svg": svg,
            "headers": headers,
            "status": status,
            "province": province,
            "provinces": Region.objects.filter(level=1, edition=edition.region_edition).order_by(
                "code"
            )
            if national
            else [],
            "statuses": [(s, queries.STATUS_LABELS[s]) for s in queries.STATUS_ORDER],
            "n_overdue": sum(1 for r in rows if r.overdue),
        }
    )
    return TemplateResponse(request, "submissions/progress.html", context)
