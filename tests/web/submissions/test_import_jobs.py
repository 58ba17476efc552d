"""Spreadsheet imports run as background jobs (huey, immediate in tests): the upload is stored,
checked and saved by the task, and the job page shows the same report as the questionnaire —
to the user who uploaded (and Bawaslu RI), not to other users."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.storage import default_storage
from django.urls import reverse

from ikp_web.apps.core.models import Job
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.submissions.jobs import PENDING_DIR
from ikp_web.apps.submissions.models import Observation, UploadFile

from .helpers import Personas, edit_workbook, header_index, upload_file, url


def _template(client: Any, edition: Edition, code: str) -> bytes:
    response = client.get(url("template", edition.slug, code))
    return b"".join(response.streaming_content) if response.streaming else response.content


def _negative(ws: Any) -> None:
    ws.cell(2, header_index(ws)["I01_L1"]).value = -1


def test_upload_runs_as_a_job_and_its_page_shows_the_report(
    personas: Personas, kab_edition: Edition
) -> None:
    client = personas["bogor"].client
    bad = edit_workbook(_template(client, kab_edition, "32.01"), _negative)
    response = client.post(
        url("upload", kab_edition.slug, "32.01"), {"file": upload_file("salah.xlsx", bad)}
    )
    assert response.status_code == 302
    job = Job.objects.get(kind="import")
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    upload = UploadFile.objects.get()
    assert job.status == "done" and job.progress == 100
    assert job.created_by == personas["bogor"].user
    assert job.result["upload_id"] == upload.pk and job.result["status"] == "rejected"
    assert job.result["errors"] >= 1
    assert not default_storage.exists(job.params["path"])  # the pending copy is gone
    assert job.params["path"].startswith(PENDING_DIR)

    html = client.get(response["Location"]).content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert 'id="hasil-unggahan"' in html and 'data-upload-status="rejected"' in html
    assert 'data-code="NEGATIVE_COUNT"' in html and 'id="download-annotated"' in html
    assert f"?unggahan={upload.pk}#hasil-unggahan" in html  # link to the questionnaire's view
    # a rejected file can be fixed and uploaded again from the job page
    assert 'id="upload-file"' in html
    assert f'action="{url("upload", kab_edition.slug, "32.01")}"' in html
    status = json.loads(client.get(reverse("scoring:job_status", args=[job.pk])).content)
    assert status["progress"] == 100 and status["finished"] is True

    # the province office may see the upload on its region's page, but not bogor's job
    for name in ("jabar", "mitra", "publik"):
        other = personas[name].client
        assert other.get(reverse("scoring:job", args=[job.pk])).status_code == 403
        assert other.get(reverse("scoring:job_status", args=[job.pk])).status_code == 403
    anonymous = personas["anonymous"].client.get(reverse("scoring:job", args=[job.pk]))
    assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]
    assert personas["ri"].client.get(reverse("scoring:job", args=[job.pk])).status_code == 200


def test_batch_upload_runs_as_a_job(personas: Personas, kab_edition: Edition) -> None:
    jabar = personas["jabar"].client
    data = jabar.get(url("batch_template", kab_edition.slug, "32")).content

    def fill(ws: Any) -> None:
        cols = header_index(ws)
        for r in range(2, ws.max_row + 1):
            ws.cell(r, cols["I02_L1"]).value = 1

    response = jabar.post(
        url("batch", kab_edition.slug, "32"),
        {"file": upload_file("jabar.xlsx", edit_workbook(data, fill))},
    )
    job = Job.objects.get(kind="import")
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert job.status == "done" and job.progress == 100 and job.result["status"] == "pending"
    assert job.result["regions"] == 27
    assert not Observation.objects.filter(indicator_code="I02").exists()  # not before confirming
    html = jabar.get(response["Location"]).content.decode()
    assert 'data-upload-status="pending"' in html
    assert html.count("data-preview-region=") == 27 and 'id="confirm-upload"' in html
    upload_id = job.result["upload_id"]
    assert jabar.post(url("decide", upload_id), {"action": "confirm"}).status_code == 302
    assert Observation.objects.filter(indicator_code="I02", incidence_level="L1").count() == 27
    html = jabar.get(response["Location"]).content.decode()
    assert 'data-upload-status="confirmed"' in html and 'id="confirm-upload"' not in html
    assert personas["bogor"].client.get(response["Location"]).status_code == 403
