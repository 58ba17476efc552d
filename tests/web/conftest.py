"""Web fixtures: regions, the IKP 2024 framework, an edition, and one persona per role.

Personas (HOUSE-STYLE rec. 18): Bawaslu RI, Bawaslu Provinsi Jawa Barat, Bawaslu Kabupaten Bogor,
a partner agency, a public visitor (logged in) and an anonymous visitor.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client

from ikp.framework import load_framework
from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.regions.models import Region
from ikp_web.apps.regions.services import load_regions

PASSWORD = "persona-password-123"


@dataclass
class Persona:
    name: str
    user: Any
    client: Client


@pytest.fixture(autouse=True)
def _empty_page_cache() -> Iterator[None]:
    """Each test starts without cached public pages: its publications are rolled back after it,
    and a later test may get the same ids (SQLite reuses them)."""
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture()
def regions(db: Any) -> None:
    load_regions("current")


@pytest.fixture()
def framework_version(db: Any) -> FrameworkVersion:
    fw = load_framework("ikp-2024")
    return FrameworkVersion.objects.create(
        slug="ikp-2024", version=fw.version, name=fw.name_id, definition=fw.to_yaml()
    )


@pytest.fixture()
def edition(regions: None, framework_version: FrameworkVersion) -> Edition:
    return Edition.objects.create(
        slug="ikp-2024-kabkota",
        name="IKP 2024 kab/kota (uji)",
        framework=framework_version,
        region_level="regency",
    )


def make_user(username: str, role: str, region_code: str | None = None) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    region = Region.objects.get(edition="current", code=region_code) if region_code else None
    Profile.objects.create(user=user, role=role, region=region)
    return user


@pytest.fixture()
def personas(regions: None) -> dict[str, Persona]:
    spec = {
        "ri": (Profile.Role.RI, None),
        "jabar": (Profile.Role.PROVINCE, "32"),
        "bogor": (Profile.Role.REGENCY, "32.01"),
        "mitra": (Profile.Role.PARTNER, None),
        "publik": (Profile.Role.PUBLIC, None),
    }
    out: dict[str, Persona] = {}
    for name, (role, region) in spec.items():
        user = make_user(name, role, region)
        client = Client()
        client.force_login(user)
        out[name] = Persona(name, user, client)
    out["anonymous"] = Persona("anonymous", None, Client())
    return out


class _InlineStyles(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"<{tag} style={v!r}>" for k, v in attrs if k == "style"]


def inline_styles(html: str) -> list[str]:
    """Every ``<style>`` element and ``style=`` attribute of a page (parsed, not searched: text
    that mentions them does not count). The Content-Security-Policy refuses them."""
    parser = _InlineStyles()
    parser.feed(html)
    parser.close()
    return parser.found
