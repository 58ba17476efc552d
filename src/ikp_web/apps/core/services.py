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
