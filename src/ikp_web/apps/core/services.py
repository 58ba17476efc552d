"""Audit logging and background-job bookkeeping."""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from ikp_web.apps.core.models import AuditLog, Job

log = logging.getLogger(__name__)


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
    job_id: int | None,
    progress: int,
    message: str = "",
    status: str | None = None,
    *,
    model: Any = Job,
) -> None:
    """Record a job's progress; every call is also the worker's heartbeat. The call that marks
    the job running records which worker process runs it. ``model``: a model with the job's
    bookkeeping fields (status, progress, message, heartbeat, worker; default :class:`Job`)."""
    if job_id is None:
        return
    fields: dict[str, Any] = {
        "progress": max(0, min(100, int(progress))),
        "heartbeat": timezone.now(),
    }
    if message:
        fields["message"] = message
    if status:
        fields["status"] = status
        if status == Job.Status.RUNNING:
            fields["worker"] = worker_id()
    model.objects.filter(pk=job_id).update(**fields)


def worker_id() -> str:
    """This process as ``host:pid`` (the job's ``worker``)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_gone(worker: str) -> bool:
    """True if ``worker`` (``host:pid``) ran on this host and that process no longer exists.
    A worker on another host is never judged here (only its heartbeat is)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, another user's
        return False
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def stopped_message(heartbeat: datetime | None) -> str:
    when = f"{timezone.localtime(heartbeat):%Y-%m-%d %H:%M:%S %Z}" if heartbeat else "-"
    return (
        f"pekerja latar belakang berhenti sebelum pekerjaan ini selesai (tanda hidup terakhir "
        f"{when}); mulai lagi / the worker stopped before this job finished (last heartbeat "
        f"{when}); start it again"
    )


def reap_stopped_jobs(jobs: Any = None, *, now: datetime | None = None) -> list[int]:
    """Mark failed the running jobs whose worker stopped: their heartbeat is older than
    ``IKP_JOB_HEARTBEAT_TIMEOUT`` seconds, or their worker process on this host is gone. ``jobs``
    narrows the look (a queryset of jobs, all by default; or of another model with the job's
    bookkeeping fields, such as incident uploads). Returns the ids marked failed."""
    now = now or timezone.now()
    timeout = timedelta(seconds=settings.IKP_JOB_HEARTBEAT_TIMEOUT)
    jobs = jobs if jobs is not None else Job.objects.all()
    running = jobs.filter(status=Job.Status.RUNNING)
    reaped: list[int] = []
    for job in running.only("pk", "worker", "heartbeat", "updated"):
        is_stale = (job.heartbeat or job.updated) < now - timeout
        if not is_stale and not (job.worker and _process_gone(job.worker)):
            continue
        # only a job still running (the worker may have finished it meanwhile)
        n = jobs.model.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, message=stopped_message(job.heartbeat or job.updated)
        )
        if n:
            log.warning("job %s marked failed: its worker %s stopped", job.pk, job.worker or "?")
            reaped.append(job.pk)
    return reaped


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


def job_fail(job_id: int | None, message: str, *, model: Any = Job) -> None:
    """Mark a job failed with the error message the page shows; its progress stays where it
    stopped (``model``: as for :func:`job_progress`)."""
    if job_id is None:
        return
    model.objects.filter(pk=job_id).update(status=Job.Status.FAILED, message=message)
