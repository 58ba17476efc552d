"""Incident pages: the list (scope-filtered), the report form (office users, phone friendly),
a report's page with its history, likely duplicates and the review form, evidence downloads, the
bulk upload and the public report form (no login, into moderation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.core.access import office_view
from ikp_web.apps.incidents import bulk, queries, services
from ikp_web.apps.incidents.forms import (
    BulkUploadForm,
    IncidentForm,
    PublicReportForm,
    ReviewForm,
)
from ikp_web.apps.incidents.models import Incident, IncidentUpload
from ikp_web.apps.incidents.throttle import take_public_report_token
from ikp_web.apps.submissions import queries as submission_queries
from ikp_web.config import constants as c

View = Callable[..., HttpResponse]


@office_view
def incident_list(request: HttpRequest) -> HttpResponse:
    queue = services.to_review(request.user)
    mine = request.GET.get("tinjau") == "1"
    qs = queue if mine else services.visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Incident.Status.values:
        qs = qs.filter(status=status)
    flagged = request.GET.get("duplikat") == "1"
    if flagged:
        qs = qs.filter(possible_duplicates__isnull=False).distinct()
    synthetic = request.GET.get("sintetis", "")
    synthetic = synthetic if synthetic in ("0", "1") else ""
    if synthetic:
        qs = qs.filter(synthetic=synthetic == "1")
    page = Paginator(qs, 50).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    context = {
        "page": page,
        "status": status,
        "flagged": flagged,
        "mine": mine,
        "n_to_review": queue.count(),
        "query": query.urlencode(),
        "synthetic_filter": synthetic,
        "statuses": Incident.Status.choices,
        "can_report": services.can_report(request.user),
        "rows": queries.rows(page.object_list),
    }
    return TemplateResponse(request, "incidents/list.html", context)


def _form_kwargs(user: Any) -> dict[str, Any]:
    editions = queries.editions()
    first = editions.first()
    return {
        "editions": editions,
        "provinces": queries.regions_for(user, first, 1),
        "regencies": queries.regions_for(user, first, 2),
    }


@office_view
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    if not services.can_report(request.user):
        raise PermissionDenied
    kwargs = _form_kwargs(request.user)
    if not kwargs["editions"].exists():
        messages.error(request, _("Belum ada edisi untuk pelaporan kejadian."))
        return redirect("incidents:list")
    form = IncidentForm(request.POST or None, request.FILES or None, **kwargs)
    if request.method == "POST" and (form.is_valid() or "edition" in form.cleaned_data):
        created = _check_and_store(request, form, request.user, via=Incident.Via.FORM)
        if created is not None:
            messages.success(request, _("Laporan #%(n)s diterima.") % {"n": created.pk})
            return redirect("incidents:detail", pk=created.pk)
    return TemplateResponse(
        request,
        "incidents/form.html",
        {"form": form, "indicators": form.indicators},
        status=400 if form.errors else 200,
    )


def _check_and_store(
    request: HttpRequest,
    form: IncidentForm,
    user: Any,
    *,
    via: str,
    public: bool = False,
    contact: services.Contact | None = None,
) -> Incident | None:
    """Run the one validation on the form's values and the evidence files (also when some
    fields failed the form's own checks, so every problem is listed at once); store the report
    only when nothing is wrong."""
    edition = form.cleaned_data["edition"]
    files = request.FILES.getlist("evidence")
    records, report = services.check(edition, user, [(None, form.values())], public=public)
    problems = services.check_evidence(files)
    form.add_issues(report)
    for problem in problems:
        form.add_error("evidence", problem)
    if form.errors:
        return None
    reporter = None if public else user
    return services.store(
        edition,
        records,
        reporter=reporter,
        via=via,
        contact=contact,
        evidence=files,
        request=request,
    )[0]


@office_view
@require_http_methods(["GET", "POST"])
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(services.visible_to(request.user), pk=pk)
    may_review = services.can_review(request.user, incident)
    form = ReviewForm()
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied
        form = ReviewForm(request.POST)
        if form.is_valid():
            original = None
            if form.cleaned_data["duplicate_of"]:
                original = (
                    services.visible_to(request.user)
                    .filter(pk=form.cleaned_data["duplicate_of"])
                    .first()
                )
            try:
                services.review(
                    incident,
                    form.cleaned_data["action"],
                    form.cleaned_data["note"],
                    actor=request.user,
                    duplicate_of=original,
                    request=request,
                )
            except services.NotAllowed as exc:
                return TemplateResponse(
                    request, "incidents/conflict.html", {"message": str(exc)}, status=409
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Keputusan disimpan."))
                return redirect("incidents:detail", pk=incident.pk)
    context = {
        "incident": incident,
        "info": queries.detail(incident),
        "events": queries.events(incident),
        "duplicates": queries.rows(queries.possible_duplicates(incident, request.user)),
        "evidence": list(incident.evidence.all()),
        "form": form,
        "can_review": may_review and incident.status == Incident.Status.RECEIVED,
        "why_not": _why_not(request.user, incident) if not may_review else "",
    }
    return TemplateResponse(
        request, "incidents/detail.html", context, status=400 if form.errors else 200
    )


def _why_not(user: Any, incident: Incident) -> str:
    """Why an office user sees a received report without the review form (empty: no note)."""
    if incident.status != Incident.Status.RECEIVED:
        return ""
    if services.is_own_report(user, incident) and services.in_review_scope(user, incident):
        return _(
            "Anda mengirim laporan ini sendiri; laporan ditinjau oleh petugas lain (prinsip "
            "empat mata)."
        )
    if scope.role_of(user) == c.ROLE_REGENCY and services.review_level() == "province":
        return _(
            "Laporan di kabupaten/kota Anda diverifikasi oleh Bawaslu Provinsi atau Bawaslu RI."
        )
    return ""


@office_view
def evidence_file(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    incident = get_object_or_404(services.visible_to(request.user), pk=pk)
    item = get_object_or_404(incident.evidence, pk=evidence_id)
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=True,
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    """The public report form: anyone, no login; the report waits for moderation and is never
    shown publicly before a reviewer verifies it."""
    editions = queries.editions()
    if not editions.exists():
        return TemplateResponse(request, "incidents/public_closed.html", {}, status=404)
    first = editions.first()
    kwargs = {
        "editions": editions,
        "provinces": queries.all_regions(first, 1),
        "regencies": queries.all_regions(first, 2),
    }
    form = PublicReportForm(request.POST or None, request.FILES or None, **kwargs)
    if request.method == "POST":
        wait = take_public_report_token(request)
        if wait:
            response = TemplateResponse(
                request, "incidents/public_limited.html", {"wait": wait}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        minimum = float(getattr(settings, "IKP_PUBLIC_REPORT_MIN_SECONDS", 5))
        reason = form.spam_reason(minimum)
        if reason == "honeypot":  # a robot: answer as if accepted, store nothing
            return redirect(reverse("incidents:public_thanks"))
        if reason is not None:
            form.add_error(None, _("Formulir dikirim terlalu cepat. Periksa lalu kirim lagi."))
        elif form.is_valid() or "edition" in form.cleaned_data:
            contact = services.Contact(
                name=form.cleaned_data.get("contact_name", ""),
                phone=form.cleaned_data.get("contact_phone", ""),
                email=form.cleaned_data.get("contact_email", ""),
            )
            created = _check_and_store(
                request, form, None, via=Incident.Via.PUBLIC, public=True, contact=contact
            )
            if created is not None:
                return redirect(reverse("incidents:public_thanks"))
    return TemplateResponse(
        request,
        "incidents/public_form.html",
        {"form": form, "indicators": form.indicators},
        status=400 if form.errors else 200,
    )


def public_thanks(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "incidents/public_thanks.html", {})


ISSUE_TITLES = {
    "INVALID_DATE": gettext_lazy("Waktu tidak dapat dibaca"),
    "REGION_NOT_IN_PARENT": gettext_lazy("Wilayah tidak berada di wilayah induknya"),
    "UNKNOWN_REGION_NAME": gettext_lazy("Nama wilayah tidak dikenal di wilayah induknya"),
    "INVALID_CHOICE": gettext_lazy("Pilihan tidak dikenal"),
    "TOO_LONG": gettext_lazy("Teks terlalu panjang"),
}


#: issues shown per group on the upload page (a file of 50,000 bad rows is not one page)
SHOWN_PER_GROUP = 200


def issue_groups(report: dict[str, Any]) -> list[dict[str, Any]]:
    groups = submission_queries.issue_groups(report)
    for group in groups:
        group["title"] = ISSUE_TITLES.get(group["code"], group["title"])
        group["more"] = max(0, group["count"] - SHOWN_PER_GROUP)
        group["issues"] = group["issues"][:SHOWN_PER_GROUP]
    return groups


@office_view
@require_http_methods(["GET", "POST"])
def incident_upload(request: HttpRequest) -> HttpResponse:
    """Bulk upload: the file is stored and checked by a background job (all or nothing, every
    issue listed with row, column and hint on the upload's page)."""
    if not services.can_report(request.user):
        raise PermissionDenied
    editions = queries.editions()
    form = BulkUploadForm(request.POST or None, request.FILES or None, editions=editions)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        upload = bulk.start_upload(file, file.name, form.cleaned_data["edition"], request.user)
        return redirect("incidents:upload_status", pk=upload.pk)
    context = {
        "form": form,
        "columns": bulk.TEMPLATE_COLUMNS,
        "recent": IncidentUpload.objects.filter(uploaded_by=request.user)
        .select_related("edition")
        .order_by("-created", "-pk")[:10],
    }
    return TemplateResponse(
        request, "incidents/upload.html", context, status=400 if form.errors else 200
    )


#: seconds between reloads of an upload's page while its job runs
REFRESH_SECONDS = 2


@office_view
@require_http_methods(["GET"])
@never_cache
def upload_status(request: HttpRequest, pk: int) -> HttpResponse:
    """An upload's job: its progress (the page reloads itself while the job runs), then every
    issue of a rejected file or the number of reports stored. Its uploader and Bawaslu RI only."""
    upload = bulk.visible_upload(request.user, pk)
    if upload is None:
        raise PermissionDenied
    waited = (timezone.now() - upload.created).total_seconds()
    context = {
        "upload": upload,
        "groups": issue_groups(upload.report) if upload.errors else [],
        "refresh": None if upload.finished_state else REFRESH_SECONDS,
        # still queued after a worker's heartbeat timeout: no worker seems to be running
        "no_worker": upload.status == IncidentUpload.Status.QUEUED
        and waited > settings.IKP_JOB_HEARTBEAT_TIMEOUT,
    }
    return TemplateResponse(request, "incidents/upload_status.html", context)


@office_view
def upload_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(bulk.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="templat-laporan-kejadian.csv"'
    return response
