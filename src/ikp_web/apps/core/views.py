"""Job progress (/hitung/pekerjaan/<id>/ and its JSON status) and the audit log (/hitung/log/).
Access is asked of ``ikp_web.apps.accounts.services``: a job's pages for Bawaslu RI and the user
who started it (``can_see_job``), the audit log for Bawaslu RI only; anonymous visitors go to the
login page, others get 403. A finished import shows its check report (the questionnaire's own
partial); a finished export links to its file."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ikp import SYNTHETIC_LABEL
from ikp_web.apps.accounts import services as scope
from ikp_web.apps.core import queries
from ikp_web.apps.core.access import signed_in_view as job_view
from ikp_web.apps.core.forms import AuditFilterForm, action_label
from ikp_web.apps.core.models import AuditLog, Job
from ikp_web.apps.core.services import reap_stopped_jobs

View = Callable[..., HttpResponse]
PAGE_SIZE = 50


def national_view(view: View) -> View:
    """Bawaslu RI only (the partner agency does not see jobs or the audit log)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not scope.is_national(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def job_payload(job: Job) -> dict[str, Any]:
    """The job's state as the page's script reads it."""
    payload: dict[str, Any] = {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "message": job.message,
        "finished": job.status in (Job.Status.DONE, Job.Status.FAILED),
        "url": job.result.get("url") if job.status == Job.Status.DONE else None,
        "created": job.created.isoformat(),
        "updated": job.updated.isoformat(),
    }
    if job.params.get("synthetic"):
        payload["synthetic"] = True
        payload["label"] = SYNTHETIC_LABEL
    return payload


def _visible_job(request: HttpRequest, pk: int) -> Job:
    reap_stopped_jobs(Job.objects.filter(pk=pk))  # a job whose worker died says so
    obj = get_object_or_404(Job.objects.select_related("created_by"), pk=pk)
    if not scope.can_see_job(request.user, obj):
        raise PermissionDenied
    return obj


@job_view
@require_GET
@never_cache
def job(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _visible_job(request, pk)
    context: dict[str, Any] = {
        "job": obj,
        "payload": job_payload(obj),
        "finished": obj.status in (Job.Status.DONE, Job.Status.FAILED),
        "synthetic": bool(obj.params.get("synthetic")),
        "back": obj.params.get("back", ""),
        "may_compute": scope.can_compute(request.user),
    }
    if obj.kind == "import":
        from ikp_web.apps.submissions.jobs import import_context  # the app that owns imports

        context.update(import_context(obj, request.user))
    return TemplateResponse(request, "core/job.html", context)


@job_view
@require_GET
@never_cache
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(job_payload(_visible_job(request, pk)))


@national_view
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who did what, when: filter by action, user and date; 50 entries a page."""
    form = AuditFilterForm(request.GET or None)
    entries = AuditLog.objects.none()
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        data = form.cleaned_data if form.is_bound else {}
        entries = queries.audit_entries(
            action=data.get("action") or "",
            username=data.get("user") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
    paginator = Paginator(entries, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("halaman"))
    rows = list(page.object_list)
    for entry in rows:
        entry.action_label = action_label(entry.action)  # type: ignore[attr-defined]
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "halaman" and v])
    context = {
        "form": form,
        "page": page,
        "entries": rows,
        "query": query,
        "total": paginator.count,
        "usernames": queries.audit_usernames(),
    }
    return TemplateResponse(request, "core/audit_log.html", context, status=status)
