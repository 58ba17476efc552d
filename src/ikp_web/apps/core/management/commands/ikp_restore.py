"""Replace the database with a backup made by ``ikp_backup`` (stop the server first).

Usage: python -m django ikp_restore FILE   (also ``ikp restore FILE``)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ikp_web.apps.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Pulihkan basis data dari berkas cadangan / restore the database from a backup"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            method = restore(opts["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"dipulihkan / restored from {opts['file']} ({method})")
