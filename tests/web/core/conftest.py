"""Core tests use the web conftest's personas and regions."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.regions.models import Region

Persona = Any  # tests/web/conftest.py's Persona (name, user, client)


def make_user(username: str, role: str, region_code: str | None = None) -> Any:
    user = get_user_model().objects.create_user(username=username, password="admin-uji-123456")
    region = Region.objects.get(edition="current", code=region_code) if region_code else None
    Profile.objects.create(user=user, role=role, region=region)
    return user


@pytest.fixture()
def seeded(db: Any, settings: Any, tmp_path: Path) -> dict[str, str]:
    """The seed run once (no Monte Carlo); the demo passwords it kept."""
    settings.VAR_DIR = tmp_path
    call_command("ikp_seed", runs=0, stdout=io.StringIO())
    return dict(json.loads((tmp_path / "demo-logins.json").read_text("utf-8")))
