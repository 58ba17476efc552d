"""Helpers of the benchmarks that measure the web layer (Django) in process."""

from __future__ import annotations

import os
from typing import Any


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


def synthetic_regency_edition() -> tuple[Any, Any]:
    """The regions (current edition) and the SYNTHETIC IKP 2024 kab/kota edition the web
    benchmarks work on: ``(framework, edition)``."""
    from ikp.framework import load_framework
    from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
    from ikp_web.apps.regions.services import load_regions

    load_regions("current")
    fw = load_framework("ikp-2024")
    version = FrameworkVersion.objects.create(
        slug="ikp-2024", version=fw.version, name=fw.name_id, definition=fw.to_yaml()
    )
    edition = Edition.objects.create(
        slug="ikp-2024-kabkota",
        name="IKP 2024 kab/kota (DATA SINTETIS)",
        framework=version,
        region_level="regency",
        synthetic=True,
    )
    return fw, edition
