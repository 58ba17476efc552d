"""Bulk upload of incidents (CSV with ``;`` ``,`` or tab, or XLSX) as a background job: the
request stores the file as an :class:`~ikp_web.apps.incidents.models.IncidentUpload` and enqueues
:func:`~ikp_web.apps.incidents.tasks.upload_task` (:func:`start_upload`); the task runs
:func:`run_upload`: the file read by the core's file stage (:func:`ikp.validation.files.read_raw`:
encoding, delimiter, sheet, merged cells), every row checked by the one incident validation, and
stored all or nothing (one transaction, together with the upload's ``done``). The report lists
every issue with its row, column and a hint (the same report shape as the observation upload);
the status page (``/laporan/unggah/<id>/``) shows the progress and then the outcome.

A job that raises is marked ``failed`` with the error; a job whose worker died is marked failed
by :func:`ikp_web.apps.core.services.reap_stopped_jobs` (on its page and when a worker starts)."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from ikp.incidents import TEMPLATE_COLUMNS, IncidentRecord, canonical_columns, check_table
from ikp.issues import IssueCode, ValidationReport
from ikp.validation.files import read_raw
from ikp_web.apps.accounts import services as scope
from ikp_web.apps.core.bulk import insert_rows
from ikp_web.apps.core.services import audit, job_fail, job_progress, worker_id
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import services
from ikp_web.apps.incidents.models import Incident, IncidentEvent, IncidentUpload
from ikp_web.config import constants as c

log = logging.getLogger(__name__)

#: at most this many incidents in one file
MAX_ROWS = 100_000
S = IncidentUpload.Status


def _name(original_name: str) -> str:
    return get_valid_filename(Path(original_name).name) or "laporan.csv"


def check_file(
    data: bytes, original_name: str, edition: Edition, user: Any
) -> tuple[list[IncidentRecord], ValidationReport, int]:
    """Read and check an uploaded file of incidents; nothing is stored. Returns the clean
    records, the report with every issue and the number of data rows read."""
    name = _name(original_name)
    with tempfile.TemporaryDirectory(prefix="ikp-incidents-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        raw, report = read_raw(path, max_bytes=c.UPLOAD_MAX_BYTES)
    if raw is None or not report.ok:
        return [], report, 0
    frame = raw.frame
    if len(frame) > MAX_ROWS:
        report.add(
            IssueCode.OUT_OF_RANGE,
            f"the file has {len(frame)} rows; at most {MAX_ROWS} per upload",
            file=name,
            hint="split the file",
        )
        return [], report, len(frame)
    if scope.role_of(user) == c.ROLE_PARTNER:  # a partner's reports are mitra reports
        mapping, _unknown = canonical_columns(frame.columns)
        column = next((col for col, f in mapping.items() if f == "source_type"), "jenis_sumber")
        frame = frame.copy()
        frame[column] = "mitra"
    records, found = check_table(frame, services.rules_for(edition, user), file=name)
    report.extend(found)
    return records, report, len(frame)


def _report(records: list[IncidentRecord], report: ValidationReport, name: str) -> dict[str, Any]:
    """The report as stored on the upload; a file without rows is an error too."""
    out = report.to_dict()
    if report.ok and not records:
        out["ok"] = False
        out["errors"] = out.get("errors", 0) + 1
        out["issues"].append(
            {
                "code": "EMPTY_FILE",
                "message": "the file has no incident rows",
                "severity": "error",
                "location": {"file": name},
                "hint": "one row per incident under the header",
                "params": {},
            }
        )
    return out


def create_upload(
    file: File[Any], original_name: str, edition: Edition, user: Any
) -> IncidentUpload:
    """Store the uploaded file as a queued upload (the job is not started)."""
    upload = IncidentUpload(
        edition=edition,
        original_name=original_name[:255],
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        message="menunggu giliran / queued",
    )
    file.seek(0)
    upload.file.save(_name(original_name), file, save=False)
    upload.save()
    return upload


def start_upload(
    file: File[Any], original_name: str, edition: Edition, user: Any
) -> IncidentUpload:
    """Store the file and enqueue its check-and-store job; the upload's page follows it."""
    upload = create_upload(file, original_name, edition, user)
    from ikp_web.apps.incidents.tasks import upload_task  # the task module imports this one

    try:
        upload_task(upload.pk)
    except Exception as exc:  # the queue itself failed: say so instead of waiting forever
        log.exception("could not enqueue incident upload %s", upload.pk)
        job_fail(upload.pk, f"gagal masuk antrean / could not queue: {exc}", model=IncidentUpload)
    upload.refresh_from_db()
    return upload


def _progress(upload_id: int, progress: int, message: str, **fields: Any) -> None:
    job_progress(upload_id, progress, message, model=IncidentUpload, **fields)


def run_upload(upload_id: int) -> int | None:
    """The body of the upload task: check the stored file and, when it has no error, store every
    row (one transaction with the upload's ``done``). Returns the number stored (None: the job
    failed or was not found)."""
    upload = (
        IncidentUpload.objects.select_related("edition", "uploaded_by").filter(pk=upload_id).first()
    )
    if upload is None:
        log.warning("incident upload %s no longer exists", upload_id)
        return None
    now = timezone.now()
    claimed = IncidentUpload.objects.filter(pk=upload_id, status=S.QUEUED).update(
        status=S.RUNNING,
        started=now,
        heartbeat=now,
        worker=worker_id(),
        progress=5,
        message="membaca berkas / reading the file",
    )
    if not claimed:  # already run or running (a retried or duplicated task)
        upload.refresh_from_db()
        return upload.stored if upload.status == S.DONE else None
    user = upload.uploaded_by
    try:
        with upload.file.open("rb") as fh:
            data = fh.read()
        _progress(upload_id, 15, "memeriksa / checking")
        records, found, n_rows = check_file(data, upload.original_name, upload.edition, user)
        report = _report(records, found, upload.original_name)
        ok = bool(report.get("ok"))
        IncidentUpload.objects.filter(pk=upload_id).update(
            checked=timezone.now(),
            rows=n_rows,
            errors=report.get("errors", 0),
            warnings=report.get("warnings", 0),
            report=report,
        )
        if not ok:
            audit(
                "incident_upload_rejected",
                user=user,
                obj=upload,
                edition=upload.edition.slug,
                errors=report.get("errors", 0),
            )
            _finish(
                upload_id, 0, "ditolak: tidak ada laporan yang disimpan / rejected: nothing stored"
            )
            return 0
        _progress(upload_id, 60, "menyimpan / storing")
        with transaction.atomic():  # the incidents and the upload's "done", or neither
            stored = store_rows(upload, records)
            _finish(upload_id, stored, "disimpan / stored")
    except Exception as exc:
        log.exception("incident upload %s failed", upload_id)
        job_fail(upload_id, f"gagal / failed: {exc}", model=IncidentUpload)
        return None
    return stored


#: the columns a bulk upload writes (every NOT NULL one; the rest stay NULL)
INCIDENT_FIELDS = (
    "edition", "occurred_at", "province", "regency", "district_code", "village_code",
    "tps_number", "latitude", "longitude", "indicator_code", "incidence_level", "description",
    "source_type", "via", "reporter", "contact_name", "contact_phone", "contact_email", "status",
    "synthetic", "upload", "created", "updated",
)  # fmt: skip
EVENT_FIELDS = ("incident", "action", "from_status", "to_status", "note", "by", "at")


@dataclass(frozen=True, slots=True)
class _Stored:
    """What :func:`services.flag_duplicates` reads of a new incident."""

    pk: int
    regency_id: int
    district_code: str
    indicator_code: str
    occurred_at: dt.datetime


def store_rows(upload: IncidentUpload, records: Sequence[IncidentRecord]) -> int:
    """Store the checked records of ``upload`` as received incidents, the same rows as
    :func:`services.store` writes (a ``create`` event each, likely duplicates flagged, one audit
    entry) through the backend's bulk path (:func:`~ikp_web.apps.core.bulk.insert_rows`: COPY on
    PostgreSQL) instead of one model instance per row. Call inside ``transaction.atomic``."""
    edition = upload.edition
    user = upload.uploaded_by
    user_id = user.pk if user is not None else None
    regions = services.regions_of(edition, records)
    now = timezone.now()
    received = Incident.Status.RECEIVED
    insert_rows(
        Incident,
        INCIDENT_FIELDS,
        (
            (
                edition.pk,
                r.occurred_at,
                regions[r.province_code].pk,
                regions[r.regency_code].pk,
                r.district_code,
                r.village_code,
                r.tps_number,
                r.latitude,
                r.longitude,
                r.indicator_code,
                r.incidence_level,
                r.description,
                r.source_type,
                Incident.Via.UPLOAD.value,
                user_id,
                "",
                "",
                "",
                received.value,
                False,
                upload.pk,
                now,
                now,
            )  # fmt: skip
            for r in records
        ),
    )
    # the new rows in the order written (ids grow in the order of the rows of one insert)
    ids = list(Incident.objects.filter(upload=upload).order_by("pk").values_list("pk", flat=True))
    if len(ids) != len(records):  # pragma: no cover - a concurrent writer on this upload
        raise RuntimeError(f"stored {len(ids)} incidents for {len(records)} rows")
    insert_rows(
        IncidentEvent,
        EVENT_FIELDS,
        ((pk, "create", "", received.value, "", user_id, now) for pk in ids),
    )
    new = [
        _Stored(pk, regions[r.regency_code].pk, r.district_code, r.indicator_code, r.occurred_at)
        for pk, r in zip(ids, records, strict=True)
    ]
    services.flag_duplicates(edition, new)
    audit(
        "incident_report",
        user=user,
        edition=edition.slug,
        via=str(Incident.Via.UPLOAD),
        count=len(ids),
        upload=upload.pk,
    )
    return len(ids)


def _finish(upload_id: int, stored: int, message: str) -> None:
    IncidentUpload.objects.filter(pk=upload_id).update(
        status=S.DONE,
        progress=100,
        stored=stored,
        message=message,
        finished=timezone.now(),
        heartbeat=timezone.now(),
    )


def visible_upload(user: Any, pk: int) -> IncidentUpload | None:
    """The upload if ``user`` may see it (its uploader, or Bawaslu RI), after marking it failed
    when its worker stopped."""
    from ikp_web.apps.core.services import reap_stopped_jobs

    reap_stopped_jobs(IncidentUpload.objects.filter(pk=pk))
    upload = IncidentUpload.objects.select_related("edition", "uploaded_by").filter(pk=pk).first()
    if upload is None:
        return None
    mine = upload.uploaded_by_id is not None and upload.uploaded_by_id == getattr(user, "pk", None)
    return upload if mine or scope.is_national(user) else None


def template_csv() -> bytes:
    """The bulk template: the header and one SYNTHETIC example row (delete it before upload)."""
    example = (
        "2024-01-10 09:30",
        "32",
        "32.01",
        "32.01.01",
        "",
        "7",
        "-6.595",
        "106.816",
        "I01",
        "L2",
        "CONTOH SINTETIS / SYNTHETIC EXAMPLE: hapus baris ini",
        "pengawas",
    )
    lines = [";".join(TEMPLATE_COLUMNS), ";".join(example)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
