"""Nothing runs in a thread at start-up: under gunicorn --preload a thread copied by fork in the
middle of an import leaves the worker holding a lock forever. The map geometry is warmed up in
gunicorn's master before it forks (``ikp_web.config.gunicorn.when_ready``; the ``ikp serve``
test checks it in a real gunicorn)."""

from __future__ import annotations

import threading

import pytest
from django.apps import apps


def test_ready_starts_no_thread_under_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/27.0.1")
    before = set(threading.enumerate())
    apps.get_app_config("dashboards").ready()
    assert set(threading.enumerate()) - before == set()
