"""``ikp backup`` / ``ikp restore``: a backup taken, the data changed, the backup restored gives
back every row of every table (on the database the tests run on: SQLite, or PostgreSQL with
DATABASE_URL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ikp_web.apps.core.models import AuditLog, Job
from ikp_web.apps.core.services import audit, job_create, job_finish
from ikp_web.apps.regions.models import Region
from ikp_web.apps.regions.services import load_regions


def every_row() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(repr(row) for row in cursor.fetchall())
    return rows


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres")
    and subprocess.run(["which", "pg_restore"], capture_output=True).returncode != 0,
    reason="pg_dump/pg_restore are not installed",
)
def test_round_trip_gives_back_every_row(transactional_db: Any, tmp_path: Path) -> None:
    load_regions("current")
    job = job_create("compute", params={"edition": "x", "synthetic": True}, message="antre")
    job_finish(job.pk, {"url": "/hitung/x/v1/"})
    audit("compute", edition="x", version=1, username="ri")
    before = every_row()
    assert len(before["regions_region"]) > 500 and before["core_job"]

    file = tmp_path / "ikp.backup"
    call_command("ikp_backup", str(file))
    assert file.stat().st_size > 0

    Job.objects.all().delete()
    AuditLog.objects.create(username="x", action="login")
    Region.objects.filter(code="32").update(name="bukan Jawa Barat")
    assert every_row() != before

    call_command("ikp_restore", str(file))
    assert every_row() == before
    assert Region.objects.get(edition="current", code="32").name != "bukan Jawa Barat"


def test_restore_refuses_what_is_not_a_backup(db: Any, tmp_path: Path) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    with pytest.raises(CommandError, match="is not a backup of a"):
        call_command("ikp_restore", str(junk))
    with pytest.raises(CommandError, match="no such file"):
        call_command("ikp_restore", str(tmp_path / "missing.backup"))
    assert Job.objects.count() == 0  # nothing was touched


def test_ikp_cli_backup_and_restore(tmp_path: Path) -> None:
    """The ``ikp`` command line runs the same commands (here on an empty embedded database:
    the backup is made; restoring it is refused, it holds no ikp tables)."""
    env = {**os.environ, "IKP_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    ikp = [sys.executable, "-m", "ikp.cli"]
    file = tmp_path / "empty.backup"
    made = subprocess.run([*ikp, "backup", str(file)], env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "backup:" in made.stdout and file.read_bytes().startswith(b"SQLite format 3")
    back = subprocess.run([*ikp, "restore", str(file)], env=env, capture_output=True, text=True)
    assert back.returncode == 1 and "is not an ikp backup" in back.stderr
