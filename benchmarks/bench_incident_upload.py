"""The incident bulk upload end to end (Django, a fresh SQLite database in a temporary directory,
or the PostgreSQL server with ``--postgres``: database ``ikp_upload_bench``, dropped and
re-created): 50,000 SYNTHETIC rows in a ``;`` CSV uploaded by a Bawaslu RI user, through the
real path of the web upload — the request's part (:func:`ikp_web.apps.incidents.bulk.create_upload`:
the file stored, the upload row queued), then the huey task (``upload_task``, run in this process
as a worker would): read, validate, store all or nothing (incidents, ``create`` events,
duplicate flags, audit), the upload marked done.

Printed: each phase from the upload's own timestamps (queued → started → checked → finished;
"store" includes writing the report, large when every row has an issue; "commit" is the rest,
mostly PostgreSQL checking the deferred foreign keys at commit), the total upload → stored time, and the same for a file whose every row has an issue (nothing
stored). Target: validation (read + check) under 10 s for 50,000 rows.

``--compare`` also stores the same rows through ``services.store`` (the ORM's ``bulk_create``, as
a single report is stored) and through the upload's path, each rolled back, and prints the ratio.

Run: .venv/bin/python benchmarks/bench_incident_upload.py [rows] [--postgres] [--compare]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import fmt, peak_rss_mb  # noqa: E402
from _web import setup_django, synthetic_regency_edition  # noqa: E402
from bench_incidents import synthetic_rows  # noqa: E402

DATABASE = "ikp_upload_bench"
TARGET = 10.0


def csv_bytes(rows: list[list[str]]) -> bytes:
    from ikp.incidents import TEMPLATE_COLUMNS

    lines = [";".join(TEMPLATE_COLUMNS), *(";".join(r) for r in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 50_000
    postgres = "--postgres" in sys.argv
    with tempfile.TemporaryDirectory(prefix="ikp-upload-bench-") as var_dir:
        setup_django(postgres, var_dir, DATABASE)
        run(n, postgres)
        if postgres:
            from django.db import connections

            connections.close_all()


def run(n: int, postgres: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from huey.contrib.djhuey import HUEY

    from ikp.regions import RegionRegistry
    from ikp_web.apps.accounts.models import Profile
    from ikp_web.apps.incidents import bulk
    from ikp_web.apps.incidents.models import Incident, IncidentUpload
    from ikp_web.apps.incidents.tasks import upload_task

    HUEY.immediate = True  # the task runs in this process, as a worker would
    fw, edition = synthetic_regency_edition()
    user = get_user_model().objects.create_user(username="bench-ri", password="x-password-123")
    Profile.objects.create(user=user, role=Profile.Role.RI)
    registry = RegionRegistry.load("current", max_level=4)
    good = csv_bytes(synthetic_rows(n, registry, list(fw.indicators)))
    bad = csv_bytes(synthetic_rows(n, registry, list(fw.indicators), bad=True))
    db = "PostgreSQL" if postgres else "SQLite"
    print(f"\n== Incident bulk upload as a background job: {n:,} SYNTHETIC rows ({db}) ==")
    load = os.getloadavg()[0]
    print(
        f"target: read + validate < {TARGET:.0f} s; file {len(good) / 1e6:.1f} MB; "
        f"load average {load:.1f} on {os.cpu_count()} CPUs (a busy machine slows every phase)"
    )
    head = (
        f"{'file':<22} {'request':>9} {'queue':>9} {'read+check':>11} {'store':>9} "
        f"{'commit':>9} {'total':>9} {'stored':>8} {'issues':>8}"
    )
    print(head)
    for name, data in (("incidents.csv", good), ("incidents-bad.csv", bad)):
        t0 = time.perf_counter()
        upload = bulk.create_upload(ContentFile(data), name, edition, user)  # the request
        t1 = time.perf_counter()
        upload_task(upload.pk)  # the worker
        t2 = time.perf_counter()
        upload = IncidentUpload.objects.get(pk=upload.pk)
        assert upload.status == "done", upload.message
        assert upload.started and upload.checked and upload.finished
        queue = (upload.started - upload.created).total_seconds() - (t1 - t0)
        check = (upload.checked - upload.started).total_seconds()
        store = (upload.finished - upload.checked).total_seconds()
        # the rest: committing (PostgreSQL checks the deferred foreign keys then) and huey
        commit = max((t2 - t0) - (t1 - t0) - max(queue, 0.0) - check - store, 0.0)
        print(
            f"{name:<22} {fmt(t1 - t0):>9} {fmt(max(queue, 0.0)):>9} {fmt(check):>11} "
            f"{fmt(store):>9} {fmt(commit):>9} {fmt(t2 - t0):>9} {upload.stored:>8,} "
            f"{upload.errors:>8,}"
        )
        if name == "incidents.csv":
            assert upload.stored == n == Incident.objects.count()
            print(
                f"{'':<22} validation goal ratio {TARGET / check:.1f}x; "
                f"upload → stored {fmt(t2 - t0)}"
            )
    if "--compare" in sys.argv:
        compare_orm(good, edition, user)
    print(f"peak memory: {peak_rss_mb():.0f} MB")


def compare_orm(data: bytes, edition: object, user: object) -> None:
    """The same rows stored the way a single report is (``services.store``: ``bulk_create`` of
    model instances) and through the upload's bulk path, each in a transaction rolled back
    afterwards, in an edition of their own."""
    from django.db import transaction

    from ikp_web.apps.frameworks.models import Edition
    from ikp_web.apps.incidents import bulk, services
    from ikp_web.apps.incidents.models import IncidentUpload

    # a second edition: the rows stored above would otherwise all be flagged as duplicates
    edition = Edition.objects.create(
        slug="ikp-2024-kabkota-b",
        name="IKP 2024 kab/kota B (DATA SINTETIS)",
        framework=edition.framework,  # type: ignore[attr-defined]
        region_level="regency",
        synthetic=True,
    )
    records, report, _n = bulk.check_file(data, "incidents.csv", edition, user)
    assert report.ok

    class Rollback(Exception):
        pass

    def timed(store: object) -> float:
        t = time.perf_counter()
        try:
            with transaction.atomic():
                store()  # type: ignore[operator]
                raise Rollback
        except Rollback:
            pass
        return time.perf_counter() - t

    upload = IncidentUpload.objects.create(edition=edition, original_name="x.csv", uploaded_by=user)
    orm = timed(lambda: services.store(edition, records, reporter=user, via="upload"))
    fast = timed(lambda: bulk.store_rows(upload, records))
    print(
        f"storing {len(records):,} rows: services.store (ORM bulk_create) {fmt(orm)}, "
        f"bulk.store_rows (insert_rows) {fmt(fast)}, ratio {orm / fast:.1f}x"
    )


if __name__ == "__main__":
    main()
