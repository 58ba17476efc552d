"""The user's work list: collected editions × the regions in the user's jurisdiction."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions import queries
from ikp_web.apps.submissions.views.common import data_view

PAGE_SIZE = 100


@data_view
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    user = request.user
    editions = list(queries.collected_editions())
    chosen = request.GET.get("edisi", "")
    province = request.GET.get("provinsi", "")
    status = request.GET.get("status", "")
    rows: list[queries.StatusRow] = []
    for edition in editions:
        if chosen and edition.slug != chosen:
            continue
        regions = queries.regions_for(user, edition)
        if province:
            regions = regions.filter(province_code=province)
        rows.extend(queries.status_rows(edition, regions))
    if status in queries.STATUS_LABELS:
        rows = [r for r in rows if r.status == status]
    national = scope.role_of(user) in ("ri", "mitra")
    provinces = (
        Region.objects.filter(level=1, edition="current").order_by("code") if national else []
    )
    batch_links = []
    home = scope.home_region(user)
    target = province or (home.province_code if home is not None and home.level == 1 else "")
    for edition in editions:
        if edition.region_level != "regency" or (chosen and edition.slug != chosen) or not target:
            continue
        prov = Region.objects.filter(edition=edition.region_edition, level=1, code=target).first()
        if prov is not None and scope.can_edit_region(user, prov):
            batch_links.append((edition, prov))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    context = {
        "page": page,
        "rows": page.object_list,
        "n_rows": len(rows),
        "editions": editions,
        "chosen": chosen,
        "province": province,
        "provinces": provinces,
        "status": status,
        "statuses": [(s, queries.STATUS_LABELS[s]) for s in queries.STATUS_ORDER],
        "counts": queries.status_counts(rows),
        "batch_links": batch_links,
        "can_write": scope.role_of(user) != "mitra",
        "query": query.urlencode(),
        "synthetic": any(e.synthetic for e in editions if not chosen or e.slug == chosen),
    }
    return TemplateResponse(request, "submissions/worklist.html", context)
