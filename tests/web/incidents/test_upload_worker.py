"""The bulk upload through a real huey worker: the upload is stored and queued by one process
(huey's SQLite queue, not immediate), a separate consumer (``python -m django run_huey``) checks
and stores it, and the upload ends ``done`` with every row stored — or, for a file with an error,
``done`` with the issues and nothing stored. A fresh embedded database in a temporary VAR_DIR,
read with ``sqlite3``."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

SETUP = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from ikp.framework import load_framework
from ikp.incidents import TEMPLATE_COLUMNS
from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.incidents import bulk
from ikp_web.apps.regions.services import load_regions
load_regions("current")
fw = load_framework("ikp-2024")
version = FrameworkVersion.objects.create(
    slug="ikp-2024", version=fw.version, name=fw.name_id, definition=fw.to_yaml()
)
edition = Edition.objects.create(
    slug="ikp-2024-kabkota", name="IKP 2024 kab/kota (uji)", framework=version,
    region_level="regency",
)
user = get_user_model().objects.create_user(username="ri", password="x-password-123")
Profile.objects.create(user=user, role=Profile.Role.RI)
good = "2024-01-10 09:30;32;32.01;32.01.01;;7;-6.595;106.816;I01;L2;Massa (uji);pengawas"
bad = "kemarin;32;32.01;;;;;;I99;L2;x;pengawas"
ids = []
for rows in ([good, good.replace("I01", "I02")], [good, bad]):
    text = "\\n".join([";".join(TEMPLATE_COLUMNS), *rows]) + "\\n"
    upload = bulk.start_upload(ContentFile(text.encode()), "laporan.csv", edition, user)
    assert upload.status == "queued", upload.status  # queued for the worker, not run here
    ids.append(upload.pk)
print(*ids)
"""


def row(db: Path, pk: int) -> tuple[str, int, int, str]:
    with sqlite3.connect(db, timeout=30) as conn:
        found = conn.execute(
            "SELECT status, stored, errors, message FROM incidents_incidentupload WHERE id = ?",
            (pk,),
        ).fetchone()
    return (str(found[0]), int(found[1]), int(found[2]), str(found[3])) if found else ("", 0, 0, "")


def incidents(db: Path) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM incidents_incident").fetchone()[0])


@pytest.mark.slow
def test_a_real_worker_runs_the_upload(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ikp_web.config.settings.dev",
        "IKP_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    db = tmp_path / "ikp.sqlite3"
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + SETUP],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    good, bad = (int(x) for x in out.stdout.split()[-2:])
    assert row(db, good)[0] == row(db, bad)[0] == "queued" and incidents(db) == 0
    consumer = subprocess.Popen(
        [sys.executable, "-m", "django", "run_huey", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while {row(db, good)[0], row(db, bad)[0]} - {"done", "failed"}:
            assert time.monotonic() < deadline, (row(db, good), row(db, bad))
            time.sleep(0.1)
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
    assert row(db, good)[:3] == ("done", 2, 0), row(db, good)
    assert row(db, bad)[:3] == ("done", 0, 2), row(db, bad)
    assert incidents(db) == 2  # the good file's rows only
