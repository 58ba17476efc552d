"""``ikp_prepare`` (what ``ikp serve``'s master runs before loading the application) does only
what is missing: on a prepared database it migrates nothing, seeds nothing and collects nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from ikp_web.apps.core.management.commands import ikp_prepare


@pytest.mark.django_db
def test_a_second_preparation_only_checks(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.VAR_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    collected: list[object] = []
    real = ikp_prepare.call_command

    def spy(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "collectstatic":
            collected.append(name)
            (tmp_path / "static").mkdir(exist_ok=True)
            return None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(ikp_prepare, "call_command", spy)
    call_command("ikp_prepare", runs=0, stdout=io.StringIO())
    assert collected == ["collectstatic"]
    assert ikp_prepare.pending_migrations() == 0
    out = io.StringIO()
    call_command("ikp_prepare", runs=0, stdout=out)
    assert collected == ["collectstatic"]  # the sources did not change
    assert "migrations applied: 0" in out.getvalue()
    assert "unchanged since the last collection" in out.getvalue()
