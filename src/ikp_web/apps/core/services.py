"""Audit logging and background-job bookkeeping."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ikp_web.apps.core.models import AuditLog, Job


def audit(
    action: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    obj: Any = None,
    **detail: Any,
) -> AuditLog:
    actor = user if user is not None else (getattr(request, "user", None) if request else None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    return AuditLog.objects.create(
        actor=actor,
        username=getattr(actor, "username", "") or str(detail.pop("username", "")),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or ""),
        detail=detail,
        ip_address=ip,
    )


def job_progress(
    job_id: int | None, progress: int, message: str = "", status: str | None = None
) -> None:
    if job_id is None:
        return
    fields: dict[str, Any] = {"progress": max(0, min(100, int(progress)))}
    if message:
        fields["message"] = message
    if status:
        fields["status"] = status
    Job.objects.filter(pk=job_id).update(**fields)


def job_create(
    kind: str, *, actor: Any = None, params: dict[str, Any] | None = None, message: str = ""
) -> Job:
    """A queued job; the caller enqueues the task that works on it."""
    return Job.objects.create(
        kind=kind,
        params=params or {},
        message=message,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def job_finish(job_id: int | None, result: dict[str, Any], message: str = "") -> None:
    """Mark a job done at 100 % together with its result (one update, so a page polling the job
    never sees it done without its result)."""
    if job_id is None:
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE,
        progress=100,
        result=result,
        message=message or "selesai / done",
    )


def job_fail(job_id: int | None, message: str) -> None:
    """Mark a job failed with the error message the page shows; its progress stays where it
    stopped."""
    if job_id is None:
        return
    Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, message=message)
