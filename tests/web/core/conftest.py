"""Core tests use the web conftest's personas and regions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.regions.models import Region

Persona = Any  # tests/web/conftest.py's Persona (name, user, client)


def make_user(username: str, role: str, region_code: str | None = None) -> Any:
    user = get_user_model().objects.create_user(username=username, password="admin-uji-123456")
    region = Region.objects.get(edition="current", code=region_code) if region_code else None
    Profile.objects.create(user=user, role=role, region=region)
    return user
