"""Large exports as background jobs: the full results workbook (``/unduh/hasil/<edition>.xlsx``)
is built by a huey task into default storage (``exports/…``) and then served from there. A view
asks :func:`stored_export` first; when the file is not built yet a session user gets a job
(:func:`start_export`) and its progress page, the task runs :func:`run_export_job`."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from ikp_web.apps.api import queries as q
from ikp_web.apps.api.downloads import results_table, to_xlsx
from ikp_web.apps.core.models import Job
from ikp_web.apps.core.services import (
    job_create,
    job_fail,
    job_finish,
    job_progress,
    reap_stopped_jobs,
)
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.scoring.models import Computation

log = logging.getLogger(__name__)

EXPORT_JOB = "export"
EXPORT_DIR = "exports"


def _stamp(value: Any) -> str:
    return f"{value.timestamp() * 1e6:.0f}" if value is not None else "x"


def export_path(comp: Computation, level: int | None, province: str | None) -> str:
    """Where the results workbook of ``comp`` (one level / province, or all) is stored. The name
    carries the computation's id, creation and publication time, so a file never outlives the
    numbers it holds (nor is reused by another database's computation of the same id), and the
    column format (a file built before ``prob_<label>`` columns is not served)."""
    parts = [
        f"hasil-{comp.edition.slug}-v{comp.version}",
        f"c{comp.pk}-{_stamp(comp.created)}-{_stamp(comp.published_at)}-f{q.PAYLOAD_FORMAT}",
        f"l{level if level is not None else 'all'}-p{province or 'all'}",
    ]
    return f"{EXPORT_DIR}/{'-'.join(parts)}.xlsx"


def export_filename(comp: Computation) -> str:
    return f"hasil-{comp.edition.slug}-v{comp.version}.xlsx"


def stored_export(path: str) -> bool:
    return bool(default_storage.exists(path))


def build_results_xlsx(
    edition: Edition,
    comp: Computation,
    level: int | None,
    province: str | None,
    job_id: int | None = None,
) -> tuple[bytes, int]:
    """The results workbook (the same content as the synchronous download) and its row count."""
    info = q.framework_info(edition.framework)
    job_progress(job_id, 10, "mengambil hasil / reading the results")
    rows = q.result_rows(comp, level=level)
    if province:
        rows = [r for r in rows if r["province_code"] == province]
    job_progress(job_id, 40, "menyusun tabel / building the table")
    table = results_table(edition, comp, info, rows, {"level": level, "province": province})
    job_progress(job_id, 60, "menulis berkas XLSX / writing the XLSX file")
    return to_xlsx(table), len(rows)


def store_export(path: str, body: bytes) -> str:
    """Save a built workbook under ``path`` (kept as is if another build stored it first)."""
    if default_storage.exists(path):
        return path
    return str(default_storage.save(path, ContentFile(body)))


def active_export_job(path: str, user: Any) -> Job | None:
    reap_stopped_jobs(Job.objects.filter(kind=EXPORT_JOB, params__path=path))
    return (
        Job.objects.filter(
            kind=EXPORT_JOB,
            params__path=path,
            created_by=user,
            status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
        )
        .order_by("-created")
        .first()
    )


def start_export(
    edition: Edition, comp: Computation, level: int | None, province: str | None, actor: Any
) -> Job:
    """A queued export job for the results workbook, enqueued on the task queue (the job row is
    committed first: views run in autocommit)."""
    path = export_path(comp, level, province)
    busy = active_export_job(path, actor)
    if busy is not None:
        return busy
    job = job_create(
        EXPORT_JOB,
        actor=actor,
        params={
            "table": "hasil",
            "format": "xlsx",
            "edition": edition.slug,
            "edition_id": edition.pk,
            "computation_id": comp.pk,
            "version": comp.version,
            "level": level,
            "province": province,
            "path": path,
            "filename": export_filename(comp),
            "synthetic": q.is_synthetic(edition, comp),
        },
        message="menunggu giliran / queued",
    )
    from ikp_web.apps.api.tasks import export_task  # the task module imports this one

    export_task(job.pk)
    return job


def run_export_job(job_id: int) -> str | None:
    """The body of the export task: build the workbook, store it, and finish the job with the
    link to its download view (or fail it with the error message)."""
    job = Job.objects.filter(pk=job_id, kind=EXPORT_JOB).first()
    if job is None:
        log.warning("export job %s no longer exists", job_id)
        return None
    p = job.params
    comp = Computation.objects.select_related("edition").filter(pk=p.get("computation_id")).first()
    if comp is None:
        job_fail(job_id, "perhitungan tidak ditemukan / the computation no longer exists")
        return None
    job_progress(job_id, 1, "memulai / starting", status=Job.Status.RUNNING)
    try:
        path, rows = p["path"], None
        if not stored_export(path):
            body, rows = build_results_xlsx(
                comp.edition, comp, p.get("level"), p.get("province"), job_id
            )
            job_progress(job_id, 90, "menyimpan berkas / storing the file")
            path = store_export(path, body)
    except Exception as exc:
        log.exception("export job %s failed", job_id)
        job_fail(job_id, f"gagal / failed: {exc}")
        return None
    url = reverse("unduh:berkas", args=[job_id])
    job_finish(
        job_id,
        {"url": url, "path": path, "filename": p.get("filename", "hasil.xlsx"), "rows": rows},
        "berkas siap diunduh / the file is ready to download",
    )
    return path
