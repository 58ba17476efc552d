"""Get the platform ready to serve in one process (``ikp serve`` runs this before it starts the
web server): migrate the database if a migration is pending, seed (``ikp_seed``, which skips what
exists), and collect the static files if they changed since the last collection. A later start
on a prepared database therefore only checks: it loads Django once and does no writes.

Usage: python -m django ikp_prepare [--runs 1000] [--background-uncertainty] [--reset-passwords]
Each phase prints a line as it starts and one with its time as it ends.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

#: the fingerprint of the static sources last collected, kept in STATIC_ROOT
STAMP = ".ikp-collected"


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> int:
    """How many migrations ``migrate`` would apply."""
    executor = MigrationExecutor(connections[alias])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def static_fingerprint() -> str:
    """A hash of every static source file's path, size and modification time (and the storage
    that collects them), as the finders list them."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = Path(storage.path(path)).stat()
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode("utf-8", "surrogateescape"))
        digest.update(b"\n")
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Siapkan platform / migrate, seed and collect static files (what is needed only)"
    requires_system_checks: list[str] = []  # ikp serve's web server runs the checks

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--runs", type=int, default=1000, help="Monte Carlo runs per edition")
        parser.add_argument("--reset-passwords", action="store_true", help="new demo passwords")
        parser.add_argument("--background-uncertainty", action="store_true")

    @contextmanager
    def _phase(self, label: str) -> Iterator[None]:
        self.stdout.write(f"[ikp serve] {label} …")
        self.stdout.flush()
        start = time.monotonic()
        yield
        self.stdout.write(f"[ikp serve] {label}: {time.monotonic() - start:.1f} s")
        self.stdout.flush()

    def handle(self, *args: Any, **opts: Any) -> None:
        with self._phase("1/3 basis data / database (migrate)"):
            pending = pending_migrations()
            if pending:
                call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write(f"  migrasi diterapkan / migrations applied: {pending}")
        with self._phase("2/3 data awal / seed (DATA SINTETIS)"):
            call_command(
                "ikp_seed",
                runs=opts["runs"],
                background_uncertainty=opts["background_uncertainty"],
                reset_passwords=opts["reset_passwords"],
                skip_checks=True,
            )
        with self._phase("3/3 berkas statis / static files"):
            stamp = Path(settings.STATIC_ROOT) / STAMP
            fingerprint = static_fingerprint()
            if stamp.exists() and stamp.read_text("utf-8").strip() == fingerprint:
                self.stdout.write("  tidak berubah / unchanged since the last collection")
            else:
                call_command("collectstatic", interactive=False, verbosity=0)
                stamp.write_text(fingerprint, "utf-8")
