"""Helpers of the benchmarks that measure the web layer (Django) in process."""

from __future__ import annotations

import os


def setup_django(postgres: bool, var_dir: str, database: str) -> None:
    """Django on a fresh database, migrated: SQLite in ``var_dir``, or (``postgres``) the
    PostgreSQL server's database ``database``, dropped and re-created."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "ikp_web.config.settings.dev"
    os.environ["IKP_VAR_DIR"] = var_dir
    if postgres:
        import psycopg

        with psycopg.connect(
            "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.execute(f'CREATE DATABASE "{database}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", "-v", "0")
