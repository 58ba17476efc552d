"""A real worker killed mid-computation (``kill -9``): the job it leaves "running" is marked
failed when a worker starts again, with the reason, and the same edition computes again.

Everything runs in real processes on a fresh embedded database (SQLite in a temporary VAR_DIR,
the huey queue on SQLite beside it): the setup, two huey consumers (``python -m django
run_huey``) and the checks, read with ``sqlite3``."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

SETUP = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from ikp import SYNTHETIC_LABEL
from ikp.framework import load_framework
from ikp.sample import generate
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.regions.services import load_regions
from ikp_web.apps.scoring.services import start_compute
from ikp_web.apps.submissions.services import store_counts
load_regions("current")
fw = load_framework("ikp-2024")
version = FrameworkVersion.objects.create(
    slug="ikp-2024", version=fw.version, name=fw.name_id, definition=fw.to_yaml()
)
edition = Edition.objects.create(
    slug="ikp-2024-provinsi", name="IKP 2024 provinsi (DATA SINTETIS)", framework=version,
    region_level="province", synthetic=True,
)
store_counts(edition, generate(fw, "province", seed=2024).counts, source=SYNTHETIC_LABEL)
print(start_compute(edition, None, runs=10000).pk)
"""

AGAIN = """
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.scoring.services import start_compute
print(start_compute(Edition.objects.get(slug="ikp-2024-provinsi"), None, runs=0).pk)
"""


def job_row(db: Path, pk: int) -> tuple[str, int, str]:
    with sqlite3.connect(db, timeout=30) as conn:
        row = conn.execute(
            "SELECT status, progress, message FROM core_job WHERE id = ?", (pk,)
        ).fetchone()
    return (str(row[0]), int(row[1]), str(row[2])) if row else ("", 0, "")


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


@pytest.mark.slow
def test_killed_worker_leaves_no_stuck_job(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ikp_web.config.settings.dev",
        "IKP_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    db = tmp_path / "ikp.sqlite3"

    def django_script(code: str) -> int:
        script = "import django; django.setup()\n" + code
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        return int(out.stdout.split()[-1])

    def consumer() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "django", "run_huey", "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    job = django_script(SETUP)  # the job is queued in huey's SQLite queue
    assert job_row(db, job)[0] == "queued"
    first = consumer()
    try:
        # killed while it computes (before it stores its results at 95 %)
        wait_for(
            lambda: job_row(db, job)[0] != "queued" and job_row(db, job)[1] >= 1,
            120,
            "the job to start",
        )
        assert job_row(db, job)[0] == "running", job_row(db, job)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    status, progress, _ = job_row(db, job)
    assert status == "running" and progress < 95  # what a dead worker leaves behind

    second = consumer()
    try:
        wait_for(lambda: job_row(db, job)[0] == "failed", 60, "the stuck job to be marked failed")
        assert "the worker stopped before this job finished" in job_row(db, job)[2]
        again = django_script(AGAIN)  # not refused as "already running"
        assert again != job
        wait_for(lambda: job_row(db, again)[0] in ("done", "failed"), 120, "the new job")
        assert job_row(db, again)[:2] == ("done", 100)
    finally:
        second.terminate()
        second.wait(timeout=30)
