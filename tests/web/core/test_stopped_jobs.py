"""A job whose worker stopped (killed mid-task, machine restarted) is marked failed at the next
look, with the reason on its page: when its page is viewed, when a new job is requested and when
a worker starts. A live worker's job is left alone."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from ikp_web.apps.core.models import Job
from ikp_web.apps.core.services import job_create, job_progress, reap_stopped_jobs, worker_id
from ikp_web.apps.core.tasks import reap_on_worker_start

from .conftest import Persona


def running_job(*, worker: str, age: timedelta = timedelta(0)) -> Job:
    job = job_create("export", params={"synthetic": True})
    job_progress(job.pk, 40, "menulis / writing", status=Job.Status.RUNNING)
    Job.objects.filter(pk=job.pk).update(worker=worker, heartbeat=timezone.now() - age)
    job.refresh_from_db()
    return job


def dead_worker() -> str:
    """``host:pid`` of a real process of this host that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return f"{worker_id().rpartition(':')[0]}:{proc.pid}"


def test_progress_beats_and_names_the_worker(personas: dict[str, Persona]) -> None:
    job = job_create("export")
    assert job.heartbeat is None and job.worker == ""
    job_progress(job.pk, 10, status=Job.Status.RUNNING)
    job.refresh_from_db()
    assert job.worker == worker_id() and job.heartbeat is not None
    first = job.heartbeat
    job_progress(job.pk, 20)
    job.refresh_from_db()
    assert job.heartbeat > first


@override_settings(IKP_JOB_HEARTBEAT_TIMEOUT=60)
def test_old_heartbeat_marks_the_job_failed_on_its_page(personas: dict[str, Persona]) -> None:
    job = running_job(worker="elsewhere:1", age=timedelta(seconds=61))
    html = personas["ri"].client.get(reverse("scoring:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.progress == 40
    assert "the worker stopped before this job finished" in job.message
    assert "pekerja latar belakang berhenti" in job.message
    assert 'data-status="failed"' in html and "the worker stopped" in html


@override_settings(IKP_JOB_HEARTBEAT_TIMEOUT=60)
def test_recent_heartbeat_of_another_host_is_left_running(personas: dict[str, Persona]) -> None:
    job = running_job(worker="elsewhere:1", age=timedelta(seconds=30))
    status = personas["ri"].client.get(reverse("scoring:job_status", args=[job.pk]))
    assert json.loads(status.content)["status"] == "running"
    assert reap_stopped_jobs() == []


def test_a_live_worker_keeps_its_job(personas: dict[str, Persona]) -> None:
    job = running_job(worker=worker_id())
    assert reap_stopped_jobs() == []
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_a_gone_worker_process_fails_its_job_at_once(personas: dict[str, Persona]) -> None:
    job = running_job(worker=dead_worker())  # heartbeat fresh, but the process is gone
    status = personas["ri"].client.get(reverse("scoring:job_status", args=[job.pk]))
    payload = json.loads(status.content)
    assert payload["status"] == "failed" and payload["finished"] is True
    assert "the worker stopped" in payload["message"]


def test_worker_start_reaps_what_a_dead_worker_left(personas: dict[str, Persona]) -> None:
    assert HUEY._startup.get("reap_on_worker_start") is reap_on_worker_start
    gone = running_job(worker=dead_worker())
    live = running_job(worker=worker_id())
    done = job_create("export")
    reap_on_worker_start()
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {gone.pk: "failed", live.pk: "running", done.pk: "queued"}
