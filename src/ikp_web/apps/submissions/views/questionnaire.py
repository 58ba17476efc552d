"""The questionnaire of one region and edition: view, save as draft, submit (with a
confirmation step), and the spreadsheet round trip on the same page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.core.services import audit
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions import annotate, jobs, queries, services, spreadsheets, uploads
from ikp_web.apps.submissions.forms import QuestionnaireForm, ReviewForm, UploadForm
from ikp_web.apps.submissions.models import Submission, UploadFile
from ikp_web.apps.submissions.views.common import conflict, data_view, submission_of, viewable

S = Submission.Status


def page_url(edition: Edition, region: Region) -> str:
    return reverse("submissions:questionnaire", args=[edition.slug, region.code])


def permissions(user: Any, region: Region, submission: Submission | None) -> dict[str, bool]:
    status = submission.status if submission is not None else S.NOT_STARTED
    may_edit = scope.can_edit_region(user, region)
    may_review = scope.can_review_region(user, region)
    return {
        "may_edit": may_edit,
        "can_edit": may_edit and services.is_editable(submission),
        "can_submit": may_edit and status in services.SUBMITTABLE,
        "may_review": may_review,
        "can_review": may_review and status == S.SUBMITTED,
        "can_reopen": may_review and status == S.VERIFIED,
    }


def render_questionnaire(
    request: HttpRequest,
    edition: Edition,
    region: Region,
    *,
    form: QuestionnaireForm | None = None,
    upload_form: UploadForm | None = None,
    review_form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    submission = submission_of(edition, region)
    perms = permissions(request.user, region, submission)
    framework = spreadsheets.framework_of(edition)
    stored = queries.stored_values(submission)
    if form is None:
        form = QuestionnaireForm(
            framework, initial=queries.initial_data(framework, stored), auto_id="%s"
        )
    if not perms["can_edit"]:
        for f in form.fields.values():
            f.disabled = True
    history = queries.history_by_indicator(submission)
    sections = queries.questionnaire_sections(framework, form, stored, history)
    upload = None
    upload_id = request.GET.get("unggahan", "")
    if upload_id.isdigit():
        upload = UploadFile.objects.filter(
            pk=int(upload_id), edition=edition, region=region
        ).first()
    recent = UploadFile.objects.filter(edition=edition, region=region).select_related(
        "uploaded_by"
    )[:5]
    confirm = (
        request.GET.get("konfirmasi") == "1" and perms["can_submit"] and form.is_bound is False
    )
    current = submission.status if submission is not None else S.NOT_STARTED
    context = {
        "edition": edition,
        "region": region,
        "submission": submission,
        "status": current,
        "status_label": queries.STATUS_LABELS[current],
        "overdue": queries.is_overdue(edition, current),
        "form": form,
        "sections": sections,
        "errors": queries.error_summary(form, sections) if form.is_bound else [],
        "upload_form": upload_form or UploadForm(),
        "review_form": review_form or ReviewForm(auto_id="%s"),
        **uploads.upload_context(upload, request.user),
        "recent_uploads": list(recent),
        "reviews": queries.reviews(submission),
        "confirm": confirm,
        "counts": queries.filled_counts(framework, stored),
        "levels": framework.incidence_levels,
        "synthetic": edition.synthetic,
        "returned_comment": _latest_return(submission),
        **perms,
    }
    return TemplateResponse(request, "submissions/questionnaire.html", context, status=status)


def _latest_return(submission: Submission | None) -> Any:
    if submission is None or submission.status != S.RETURNED:
        return None
    return (
        submission.reviews.filter(action__in=("return", "reopen"))
        .order_by("-created", "-pk")
        .first()
    )


@data_view
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, edition_slug: str, region_code: str) -> HttpResponse:
    edition, region = viewable(request, edition_slug, region_code)
    if request.method == "GET":
        return render_questionnaire(request, edition, region)
    submission = submission_of(edition, region)
    perms = permissions(request.user, region, submission)
    if not perms["may_edit"]:
        raise PermissionDenied
    back = page_url(edition, region)
    action = request.POST.get("action", "")
    if action == "confirm_submit":
        if not perms["can_submit"] or submission is None:
            return conflict(request, _("Data ini tidak dapat dikirim pada status saat ini."), back)
        services.submit(submission, request=request)
        messages.success(request, _("Data telah dikirim untuk ditinjau."))
        return redirect(back)
    if action not in ("save_draft", "submit"):
        return conflict(request, _("Tindakan tidak dikenal."), back)
    if not perms["can_edit"]:
        return conflict(
            request,
            _("Data ini sudah dikirim atau diverifikasi dan hanya dapat dibaca."),
            back,
        )
    framework = spreadsheets.framework_of(edition)
    form = QuestionnaireForm(framework, request.POST, auto_id="%s")
    if not form.is_valid():
        return render_questionnaire(request, edition, region, form=form, status=400)
    submission = services.get_submission(edition, region)
    cleared = services.count_clears(submission, framework, form.values())
    n = services.save_draft(
        submission, framework, form.values(), form.notes(), form.sources(), request=request
    )
    if action == "submit":
        submission.refresh_from_db()
        if submission.status not in services.SUBMITTABLE:
            return conflict(request, _("Data ini tidak dapat dikirim pada status saat ini."), back)
        return redirect(f"{back}?konfirmasi=1#konfirmasi")
    if cleared:
        messages.success(
            request,
            _("Draf disimpan (%(n)d perubahan; %(c)d nilai tersimpan dikosongkan).")
            % {"n": n, "c": cleared},
        )
    else:
        messages.success(request, _("Draf disimpan (%(n)d perubahan).") % {"n": n})
    return redirect(back)


@data_view
@require_POST
def upload(request: HttpRequest, edition_slug: str, region_code: str) -> HttpResponse:
    edition, region = viewable(request, edition_slug, region_code)
    submission = submission_of(edition, region)
    perms = permissions(request.user, region, submission)
    if not perms["may_edit"]:
        raise PermissionDenied
    back = page_url(edition, region)
    if not perms["can_edit"]:
        return conflict(
            request, _("Data ini sudah dikirim atau diverifikasi dan hanya dapat dibaca."), back
        )
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_questionnaire(request, edition, region, upload_form=form, status=400)
    file = form.cleaned_data["file"]
    job = jobs.start_import(
        edition, region, file.read(), file.name, request.user, back, request.path
    )
    return redirect("scoring:job", job.pk)


@data_view
@require_GET
def template(request: HttpRequest, edition_slug: str, region_code: str) -> HttpResponse:
    edition, region = viewable(request, edition_slug, region_code)
    submission = submission_of(edition, region)
    data = spreadsheets.template_bytes(edition, region, [submission] if submission else [])
    audit(
        "download",
        request=request,
        obj=submission,
        what="template",
        edition=edition.slug,
        region=region.code,
    )
    return xlsx_response(data, spreadsheets.template_filename(edition, region))


@data_view
@require_GET
def annotated(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded sheet with its issues marked (any user who may see the upload's region)."""
    item = get_object_or_404(UploadFile.objects.select_related("region", "edition"), pk=pk)
    if item.region is None or not queries.can_view_region(request.user, item.region):
        raise PermissionDenied
    data, name = annotate.annotated_copy(item)
    audit("download", request=request, obj=item, what="annotated upload")
    return xlsx_response(data, name)


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=spreadsheets.XLSX_MIME)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
