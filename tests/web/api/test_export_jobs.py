"""The full results workbook as a background job: a signed-in user who asks for a workbook that
is not built yet gets a job (huey, immediate in tests) and its page, which links to the stored
file; the file is served through a view that re-checks access and audit-logs the download; once
built, the workbook is served directly."""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ikp_web.apps.core.models import AuditLog, Job

from .conftest import ApiData


def _hasil(slug: str, query: str = "") -> str:
    url = reverse("unduh:hasil", kwargs={"slug": slug, "fmt": "xlsx"})
    return url + (f"?{query}" if query else "")


def _book(response: Any) -> Any:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def test_export_job_progress_file_and_access(
    api_data: ApiData, personas: dict[str, Any], db: Any
) -> None:
    ri = personas["ri"].client
    response = ri.get(_hasil("ikp-2024-kabkota-draf"))
    assert response.status_code == 302
    job = Job.objects.get(kind="export")
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert job.status == "done" and job.progress == 100, job.message
    assert job.created_by == personas["ri"].user
    assert default_storage.exists(job.result["path"])
    assert job.result["path"].startswith("exports/")

    page = ri.get(response["Location"]).content.decode()
    file_url = reverse("unduh:berkas", args=[job.pk])
    assert "INVALID_TEMPLATE_VARIABLE" not in page and f'href="{file_url}"' in page
    status = json.loads(ri.get(reverse("scoring:job_status", args=[job.pk])).content)
    assert status["progress"] == 100 and status["url"] == file_url
    assert status["synthetic"] is True

    download = ri.get(file_url)
    assert download.status_code == 200
    assert download["X-IKP-Synthetic"] == "true"
    assert 'filename="hasil-ikp-2024-kabkota-draf-v1.xlsx"' in download["Content-Disposition"]
    book = _book(download)
    assert book.sheetnames == ["Catatan", "Hasil"]
    entry = AuditLog.objects.filter(action="download", username="ri").latest("created")
    assert entry.detail["table"] == "hasil" and entry.detail["job"] == job.pk

    # built once: the next request is served straight from storage, no new job
    again = ri.get(_hasil("ikp-2024-kabkota-draf"))
    assert again.status_code == 200 and Job.objects.filter(kind="export").count() == 1
    assert _book(again).sheetnames == ["Catatan", "Hasil"]

    # another user (even one who may read the edition) sees neither the job nor its file
    for name in ("jabar", "bogor", "mitra", "publik"):
        other = personas[name].client
        assert other.get(reverse("scoring:job", args=[job.pk])).status_code == 403
        assert other.get(reverse("scoring:job_status", args=[job.pk])).status_code == 403
        assert other.get(file_url).status_code == 404
    anonymous = personas["anonymous"].client.get(file_url)
    assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]


def test_export_job_for_a_filtered_workbook(
    api_data: ApiData, personas: dict[str, Any], db: Any
) -> None:
    client = personas["mitra"].client
    response = client.get(_hasil("ikp-2024-provinsi", "level=3&province=32"))
    job = Job.objects.get(kind="export")
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert job.params["level"] == 3 and job.params["province"] == "32"
    assert job.result["rows"] == 4
    download = client.get(job.result["url"])
    assert sum(1 for _ in _book(download)["Hasil"].iter_rows()) == 1 + 4


def test_anonymous_and_token_downloads_are_built_in_the_request(api_data: ApiData, db: Any) -> None:
    response = Client().get(_hasil("ikp-2024-provinsi"))
    assert response.status_code == 200 and not Job.objects.exists()
    assert _book(response).sheetnames == ["Catatan", "Hasil"]
