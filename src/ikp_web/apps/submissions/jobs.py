"""Spreadsheet imports as background jobs. The upload view stores the file (default storage,
``uploads/pending/…``) and starts a job (:func:`start_import`); the huey task runs
:func:`run_import_job`: the core's validation and the preview of what saving would change
(:func:`~ikp_web.apps.submissions.uploads.check_and_preview_upload`; nothing is saved), then the
job's result names the stored :class:`~ikp_web.apps.submissions.models.UploadFile` whose report
and preview the job page shows with the questionnaire's own partial, with the buttons to confirm
(save all or nothing) or cancel."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.core.models import Job
from ikp_web.apps.core.services import job_create, job_fail, job_finish, job_progress
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.submissions import queries, uploads
from ikp_web.apps.submissions.forms import UploadForm
from ikp_web.apps.submissions.models import UploadFile

log = logging.getLogger(__name__)

IMPORT_JOB = "import"
PENDING_DIR = "uploads/pending"


def start_import(
    edition: Edition,
    scope_region: Region,
    data: bytes,
    original_name: str,
    actor: Any,
    back: str,
    action: str,
) -> Job:
    """Store the uploaded file and enqueue its check-and-preview job (``back``: the page it was
    uploaded on, linked from the job page; ``action``: the upload URL, so a rejected file can be
    fixed and uploaded again from the job page)."""
    name = get_valid_filename(Path(original_name).name) or "upload"
    path = str(default_storage.save(f"{PENDING_DIR}/{name}", ContentFile(data)))
    job = job_create(
        IMPORT_JOB,
        actor=actor,
        params={
            "edition": edition.slug,
            "edition_id": edition.pk,
            "region": scope_region.code,
            "region_id": scope_region.pk,
            "path": path,
            "original_name": original_name[:255],
            "back": back,
            "action": action,
            "synthetic": edition.synthetic,
        },
        message="menunggu giliran / queued",
    )
    from ikp_web.apps.submissions.tasks import import_task  # the task module imports this one

    import_task(job.pk)
    return job


def run_import_job(job_id: int) -> int | None:
    """The body of the import task: check the stored file and preview what saving it would
    change (nothing saved); the job finishes with the upload's id, status and counts (or fails
    with the error message)."""
    job = Job.objects.select_related("created_by").filter(pk=job_id, kind=IMPORT_JOB).first()
    if job is None:
        log.warning("import job %s no longer exists", job_id)
        return None
    p = job.params
    edition = Edition.objects.filter(pk=p.get("edition_id")).first()
    region = Region.objects.filter(pk=p.get("region_id")).first()
    if edition is None or region is None:
        job_fail(job_id, "edisi atau wilayah tidak ditemukan / the edition or region is gone")
        return None
    job_progress(job_id, 5, "membaca berkas / reading the file", status=Job.Status.RUNNING)
    try:
        with default_storage.open(p["path"], "rb") as fh:
            data = fh.read()
        job_progress(job_id, 20, "memeriksa / checking")
        upload = uploads.check_and_preview_upload(
            data, p.get("original_name") or "upload", edition, region, actor=job.created_by
        )
    except Exception as exc:
        log.exception("import job %s failed", job_id)
        job_fail(job_id, f"gagal / failed: {exc}")
        return None
    try:
        default_storage.delete(p["path"])
    except OSError:  # pragma: no cover - the pending copy is only a leftover then
        log.warning("could not delete %s", p["path"])
    report = upload.report or {}
    pending = upload.status == UploadFile.Status.PENDING
    job_finish(
        job_id,
        {
            "upload_id": upload.pk,
            "status": upload.status,
            "errors": report.get("errors", 0),
            "warnings": report.get("warnings", 0),
            "regions": len(upload.preview.get("regions", [])),
            "url": f"{p.get('back', '')}?unggahan={upload.pk}#hasil-unggahan",
        },
        "diperiksa: tinjau ringkasan lalu konfirmasi untuk menyimpan / checked: review the "
        "summary, then confirm to save"
        if pending
        else "ditolak: tidak ada nilai yang disimpan / rejected: nothing saved",
    )
    return upload.pk


def import_context(job: Job, user: Any) -> dict[str, Any]:
    """What the job page shows of a finished import: the upload, its grouped issues and its
    preview with the confirm and cancel buttons (only when the user may still see the upload's
    region)."""
    upload_id = job.result.get("upload_id") if job.status == Job.Status.DONE else None
    upload = (
        UploadFile.objects.select_related("region").filter(pk=upload_id).first()
        if upload_id
        else None
    )
    if upload is None or upload.region is None or not queries.can_view_region(user, upload.region):
        return {**uploads.upload_context(None, user), "upload_form": None}
    again = upload.status == UploadFile.Status.REJECTED and scope.can_edit_region(
        user, upload.region
    )
    return {
        **uploads.upload_context(upload, user),
        "upload_form": UploadForm() if again and job.params.get("action") else None,
    }
