"""Job bookkeeping (core services) and the job pages: Bawaslu RI and the job's own user."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ikp_web.apps.core.models import Job
from ikp_web.apps.core.services import job_create, job_fail, job_finish, job_progress

from .conftest import Persona


def test_job_lifecycle(personas: dict[str, Persona]) -> None:
    job = job_create("export", actor=personas["ri"].user, params={"what": "x"})
    assert job.status == Job.Status.QUEUED and job.progress == 0
    assert job.created_by == personas["ri"].user
    job_progress(job.pk, 140, "setengah", status="running")
    job.refresh_from_db()
    assert job.progress == 100 and job.status == "running" and job.message == "setengah"
    job_finish(job.pk, {"url": "/x/"})
    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100 and job.result == {"url": "/x/"}
    other = job_create("export", actor=None)
    assert other.created_by is None
    job_progress(other.pk, 30)
    job_fail(other.pk, "gagal / failed: rusak")
    other.refresh_from_db()
    assert other.status == "failed" and other.progress == 30 and "rusak" in other.message
    job_progress(None, 10)  # no job: nothing to do
    job_finish(None, {})
    job_fail(None, "x")


def test_status_json(personas: dict[str, Persona]) -> None:
    job = job_create("export", params={"synthetic": False})
    job_progress(job.pk, 42, "jalan", status="running")
    response = personas["ri"].client.get(reverse("scoring:job_status", args=[job.pk]))
    payload = json.loads(response.content)
    assert payload["status"] == "running" and payload["progress"] == 42
    assert payload["message"] == "jalan" and payload["finished"] is False
    assert payload["url"] is None and "synthetic" not in payload
    assert payload["status_label"] == "berjalan / running"


def test_generic_job_page(personas: dict[str, Persona]) -> None:
    job = job_create("export")
    html = personas["ri"].client.get(reverse("scoring:job", args=[job.pk])).content.decode()
    assert f"Pekerjaan #{job.pk} (export)" in html and 'id="job-progress"' in html


@pytest.mark.parametrize("name", ["jabar", "bogor", "mitra", "publik"])
def test_other_roles_cannot_see_jobs(name: str, personas: dict[str, Persona]) -> None:
    job = job_create("compute", actor=personas["ri"].user)
    client = personas[name].client
    assert client.get(reverse("scoring:job", args=[job.pk])).status_code == 403
    assert client.get(reverse("scoring:job_status", args=[job.pk])).status_code == 403
    own = job_create("export", actor=personas[name].user)  # but the job they started, they see
    assert client.get(reverse("scoring:job", args=[own.pk])).status_code == 200
    assert client.get(reverse("scoring:job_status", args=[own.pk])).status_code == 200


def test_unknown_job_is_404(personas: dict[str, Persona]) -> None:
    assert personas["ri"].client.get(reverse("scoring:job", args=[999])).status_code == 404
    assert personas["ri"].client.get(reverse("scoring:job_status", args=[999])).status_code == 404


def test_job_page_in_english(personas: dict[str, Persona]) -> None:
    job = job_create("compute", params={"edition": "ikp-2024-kabkota", "runs": 20})
    client = personas["ri"].client
    client.cookies["django_language"] = "en"
    html = client.get(reverse("scoring:job", args=[job.pk])).content.decode()
    assert "Computing ikp-2024-kabkota" in html and "Uncertainty simulations" in html
    assert "The job is waiting for the background worker (huey)" in html
