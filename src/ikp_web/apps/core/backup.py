"""Back up and restore the platform's database (``ikp backup FILE`` / ``ikp restore FILE``, the
management commands ``ikp_backup`` / ``ikp_restore``).

- Embedded SQLite: SQLite's online backup API, page by page, consistent even while the server
  writes; the backup file is itself a SQLite database. A restore copies it back the same way.
- PostgreSQL (``DATABASE_URL``): ``pg_dump --format=custom`` and ``pg_restore --clean
  --if-exists --single-transaction`` (the client tools must be installed, of the server's major
  version or newer).

Uploaded files and exports under ``VAR_DIR/media`` are not part of the database; copy that folder
beside the backup.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"  # pg_dump's custom format


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why (Indonesian / English)."""


def backup(path: Path, *, using: str = "default") -> str:
    """Write the database ``using`` to ``path``; returns the method used."""
    conn = connections[using]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        target = sqlite3.connect(tmp)
        try:
            conn.connection.backup(target)
        finally:
            target.close()
        os.replace(tmp, path)
        return "sqlite-backup"
    if conn.vendor == "postgresql":
        _pg("pg_dump", conn.settings_dict, "--format=custom", "--no-owner", f"--file={path}")
        return "pg_dump"
    raise BackupError(f"basis data {conn.vendor} tidak didukung / {conn.vendor} is not supported")


def restore(path: Path, *, using: str = "default") -> str:
    """Replace the database ``using`` with the backup at ``path``; returns the method used."""
    conn = connections[using]
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"berkas tidak ada / no such file: {path}")
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if conn.vendor not in ("sqlite", "postgresql"):
        raise BackupError(
            f"basis data {conn.vendor} tidak didukung / {conn.vendor} is not supported"
        )
    wanted = SQLITE_MAGIC if conn.vendor == "sqlite" else PG_MAGIC
    if not head.startswith(wanted):
        raise BackupError(
            f"{path} bukan cadangan {conn.vendor} / is not a backup of a {conn.vendor} database"
        )
    if conn.in_atomic_block:
        raise BackupError("tidak bisa di dalam transaksi / not inside a transaction")
    if conn.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            _check_sqlite(source, path)
            conn.ensure_connection()
            source.backup(conn.connection)
        finally:
            source.close()
        return "sqlite-backup"
    _pg(
        "pg_restore",
        conn.settings_dict,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        str(path),
    )
    return "pg_restore"


def _check_sqlite(source: sqlite3.Connection, path: Path) -> None:
    try:
        ok = source.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        django = source.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} rusak / is damaged: {exc}") from exc
    if not ok:
        raise BackupError(f"{path} rusak / is damaged (quick_check)")
    if django is None:
        raise BackupError(f"{path} bukan cadangan ikp / is not an ikp backup")


def _pg(tool: str, db: dict[str, Any], *args: str) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(
            f"{tool} tidak ditemukan; pasang klien PostgreSQL / {tool} not found; install the "
            f"PostgreSQL client tools (e.g. apt-get install postgresql-client)"
        )
    env = {**os.environ}
    options = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
    for key, var in options.items():
        if db.get(key):
            env[var] = str(db[key])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    done = subprocess.run(
        [exe, *args, f"--dbname={db['NAME']}"], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} gagal / failed ({done.returncode}): {done.stderr.strip()}")
