"""A province's kab/kota on one sheet: the province office (or RI) downloads the template of all
its kab/kota, pre-filled, and uploads it back; each row goes to its kab/kota's submission, all or
nothing. Rows of submitted or verified kab/kota are refused (SUBMISSION_LOCKED)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.core.services import audit
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions import jobs, queries, spreadsheets, uploads
from ikp_web.apps.submissions.forms import UploadForm
from ikp_web.apps.submissions.models import Submission, UploadFile
from ikp_web.apps.submissions.views.common import data_view, get_edition, get_province
from ikp_web.apps.submissions.views.questionnaire import xlsx_response


def _resolve(request: HttpRequest, edition_slug: str, province_code: str) -> tuple[Edition, Region]:
    edition = get_edition(edition_slug)
    province = get_province(edition, province_code)
    if not queries.can_view_region(request.user, province):
        raise PermissionDenied
    return edition, province


def _page(
    request: HttpRequest, edition: Edition, province: Region, form: UploadForm | None = None
) -> HttpResponse:
    regions = queries.edition_regions(edition).filter(province_code=province.province_code)
    rows = queries.status_rows(edition, regions)
    upload = None
    upload_id = request.GET.get("unggahan", "")
    if upload_id.isdigit():
        upload = UploadFile.objects.filter(
            pk=int(upload_id), edition=edition, region=province
        ).first()
    context = {
        "edition": edition,
        "province": province,
        "rows": rows,
        "counts": queries.status_counts(rows),
        "can_edit": scope.can_edit_region(request.user, province),
        "upload_form": form or UploadForm(),
        **uploads.upload_context(upload, request.user),
        "recent_uploads": list(
            UploadFile.objects.filter(edition=edition, region=province).select_related(
                "uploaded_by"
            )[:5]
        ),
        "synthetic": edition.synthetic,
    }
    return TemplateResponse(
        request, "submissions/batch.html", context, status=400 if form is not None else 200
    )


@data_view
@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest, edition_slug: str, province_code: str) -> HttpResponse:
    edition, province = _resolve(request, edition_slug, province_code)
    if request.method == "GET":
        return _page(request, edition, province)
    if not scope.can_edit_region(request.user, province):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, edition, province, form)
    file = form.cleaned_data["file"]
    back = reverse("submissions:batch", args=[edition.slug, province.code])
    job = jobs.start_import(
        edition, province, file.read(), file.name, request.user, back, request.path
    )
    return redirect("scoring:job", job.pk)


@data_view
@require_GET
def batch_template(request: HttpRequest, edition_slug: str, province_code: str) -> HttpResponse:
    edition, province = _resolve(request, edition_slug, province_code)
    subs = Submission.objects.filter(
        edition=edition, region__province_code=province.province_code, region__level=2
    ).select_related("region")
    data = spreadsheets.template_bytes(edition, province, list(subs))
    audit("download", request=request, what="template", edition=edition.slug, region=province.code)
    return xlsx_response(data, spreadsheets.template_filename(edition, province))
