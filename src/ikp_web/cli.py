"""Django management commands for the ``ikp`` command line (``ikp backup``, ``ikp restore``),
on the embedded default settings unless ``DJANGO_SETTINGS_MODULE`` says otherwise."""

from __future__ import annotations

import os


def run(*args: str) -> None:
    """Run ``python -m django ARGS`` in this process (a failing command exits with code 1)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikp_web.config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ikp", *args])
