"""Back up the database to a file (SQLite online backup; pg_dump on PostgreSQL).

Usage: python -m django ikp_backup FILE   (also ``ikp backup FILE``)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ikp_web.apps.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Cadangkan basis data ke berkas / back up the database to a file"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            method = backup(opts["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = opts["file"].stat().st_size
        self.stdout.write(f"cadangan / backup: {opts['file']} ({size:,} bytes, {method})")
