"""The bulk upload as a background job (huey; immediate in tests, so the request runs the real
task): the file is stored as an upload, the job checks and stores it all or nothing, and the
upload's page shows its progress, then every issue or the number stored — to the uploader and
Bawaslu RI only. A job that raises, or whose worker died, ends ``failed`` with the reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone
from tests.web.core.test_stopped_jobs import dead_worker

from ikp.incidents import TEMPLATE_COLUMNS
from ikp_web.apps.core.models import AuditLog
from ikp_web.apps.core.services import worker_id
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import bulk
from ikp_web.apps.incidents.models import Incident, IncidentUpload
from ikp_web.apps.incidents.tasks import reap_incident_uploads_on_worker_start, upload_task

from .test_upload import GOOD, URL, csv_file, post

BAD = [*GOOD, "kemarin;32;32.01;;;;;;I99;L2;x;pengawas"]


def page(client: Any, upload: IncidentUpload) -> tuple[int, str]:
    response = client.get(f"{URL}{upload.pk}/")
    return response.status_code, response.content.decode()


def queued(edition: Edition, user: Any, lines: list[str] = GOOD) -> IncidentUpload:
    """An upload stored but not yet run (as the worker finds it in the queue)."""
    return bulk.create_upload(csv_file(lines), "laporan.csv", edition, user)


def test_a_valid_file_is_stored_by_the_job(edition: Edition, personas: Any) -> None:
    client = personas["bogor"].client
    upload = post(client, edition, csv_file(GOOD))
    assert upload.uploaded_by == personas["bogor"].user and upload.original_name == "laporan.csv"
    assert (upload.progress, upload.rows, upload.stored, upload.errors) == (100, 2, 2, 0)
    assert upload.started and upload.checked and upload.finished
    assert upload.started <= upload.checked <= upload.finished
    assert upload.worker == worker_id() and upload.report["ok"] is True
    assert upload.file.read().decode().startswith("waktu_kejadian;")  # the file is kept
    assert Incident.objects.filter(via="upload", reporter=personas["bogor"].user).count() == 2
    assert AuditLog.objects.filter(action="incident_report").get().detail["count"] == 2
    status, html = page(client, upload)
    assert status == 200
    assert 'data-upload-status="stored"' in html and 'id="upload-stored"' in html
    assert 'href="/laporan/?status=received"' in html
    assert 'http-equiv="refresh"' not in html and "<script" not in html.split("</head>")[0]
    # the upload form lists the user's uploads
    assert f'href="/laporan/unggah/{upload.pk}/"' in client.get(URL).content.decode()
    # a task delivered twice stores nothing more
    assert upload_task(upload.pk).get() == 2
    assert Incident.objects.count() == 2


def test_a_file_with_errors_stores_nothing_and_lists_every_issue(
    edition: Edition, personas: Any
) -> None:
    client = personas["bogor"].client
    upload = post(client, edition, csv_file(BAD))
    assert Incident.objects.count() == 0
    assert (upload.status, upload.stored, upload.errors, upload.rows) == ("done", 0, 2, 3)
    assert "nothing stored" in upload.message
    assert AuditLog.objects.filter(action="incident_upload_rejected").exists()
    _, html = page(client, upload)
    assert 'data-upload-status="rejected"' in html
    for code in ("INVALID_DATE", "UNKNOWN_INDICATOR"):
        assert f'data-code="{code}"' in html
    assert "<td>4</td><td>waktu_kejadian</td>" in html  # row and column
    assert 'id="upload-stored"' not in html


def test_the_page_refreshes_while_the_job_waits_or_runs(edition: Edition, personas: Any) -> None:
    client = personas["bogor"].client
    upload = queued(edition, personas["bogor"].user)
    status, html = page(client, upload)
    assert status == 200 and 'data-job-status="queued"' in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert 'id="upload-progress"' in html and "style=" not in html
    assert 'id="no-worker"' not in html
    with override_settings(IKP_JOB_HEARTBEAT_TIMEOUT=0):  # waiting longer than a worker would
        assert 'id="no-worker"' in page(client, upload)[1]
    assert upload_task(upload.pk).get() == 2  # the worker picks it up
    _, html = page(client, upload)
    assert 'data-upload-status="stored"' in html and 'http-equiv="refresh"' not in html


def test_only_the_uploader_and_bawaslu_ri_see_an_upload(edition: Edition, personas: Any) -> None:
    upload = post(personas["bogor"].client, edition, csv_file(GOOD))
    for name in ("jabar", "mitra", "publik"):  # jabar: the province of the uploader's kab/kota
        assert page(personas[name].client, upload)[0] == 403, name
        assert (
            f"/laporan/unggah/{upload.pk}/" not in personas[name].client.get(URL).content.decode()
        )
    anonymous = personas["anonymous"].client.get(f"{URL}{upload.pk}/")
    assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]
    assert page(personas["ri"].client, upload)[0] == 200
    assert page(personas["bogor"].client, upload)[0] == 200
    assert personas["ri"].client.get(f"{URL}999999/").status_code == 403


def test_a_job_that_raises_ends_failed_and_stores_nothing(edition: Edition, personas: Any) -> None:
    upload = queued(edition, personas["bogor"].user)
    upload.file.storage.delete(upload.file.name)  # the stored file is gone before the job runs
    assert upload_task(upload.pk).get() is None
    upload.refresh_from_db()
    assert upload.status == "failed" and upload.message.startswith("gagal / failed:")
    assert Incident.objects.count() == 0
    _, html = page(personas["bogor"].client, upload)
    assert 'data-job-status="failed"' in html and 'id="upload-failed"' in html
    assert 'http-equiv="refresh"' not in html


def test_a_job_whose_worker_died_is_marked_failed_on_its_page(
    edition: Edition, personas: Any
) -> None:
    upload = queued(edition, personas["bogor"].user)
    IncidentUpload.objects.filter(pk=upload.pk).update(
        status="running", progress=15, worker=dead_worker(), heartbeat=timezone.now()
    )
    _, html = page(personas["bogor"].client, upload)
    upload.refresh_from_db()
    assert upload.status == "failed" and upload.progress == 15
    assert "the worker stopped before this job finished" in upload.message
    assert 'id="upload-failed"' in html and "the worker stopped" in html


@override_settings(IKP_JOB_HEARTBEAT_TIMEOUT=60)
def test_a_stale_upload_is_marked_failed_when_a_worker_starts(
    edition: Edition, personas: Any
) -> None:
    old, live = (queued(edition, personas["ri"].user) for _ in range(2))
    IncidentUpload.objects.filter(pk=old.pk).update(
        status="running", worker="elsewhere:1", heartbeat=timezone.now() - timedelta(seconds=61)
    )
    IncidentUpload.objects.filter(pk=live.pk).update(
        status="running", worker="elsewhere:1", heartbeat=timezone.now()
    )
    reap_incident_uploads_on_worker_start()
    old.refresh_from_db()
    live.refresh_from_db()
    assert old.status == "failed" and live.status == "running"


def test_an_upload_is_stored_with_the_file_given(edition: Edition, personas: Any) -> None:
    """The service takes any file object (the benchmark passes bytes in a ContentFile)."""
    text = "\n".join([";".join(TEMPLATE_COLUMNS), *GOOD])
    upload = bulk.start_upload(
        ContentFile(text.encode()), "../x/laporan.csv", edition, personas["ri"].user
    )
    assert upload.status == "done" and upload.stored == 2
    assert "/x/" not in upload.file.name and upload.file.name.endswith(".csv")
