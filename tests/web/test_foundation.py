"""The platform's foundation: settings, login with audit log and throttling, role scope,
seed command, immutable publications."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ikp_web.apps.accounts import services as scope
from ikp_web.apps.core.models import AuditLog
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.services import compute_edition, do_publish

from .conftest import PASSWORD, Persona

ROOT = Path(__file__).parents[2]


def test_regions_loaded(regions: None) -> None:
    assert Region.objects.filter(level=1).count() == 38
    assert Region.objects.filter(level=2).count() == 514
    assert Region.objects.get(code="32.04").parent.code == "32"


def test_login_is_audited_and_passwords_use_argon2(personas: dict[str, Persona]) -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from ikp_web.config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    assert hasher.verify("geheim", hasher.encode("geheim", hasher.salt()))
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "bogor", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="login", username="bogor").exists()


def test_login_throttling_locks_after_repeated_failures(personas: dict[str, Persona]) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "bogor", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "bogor", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert AuditLog.objects.filter(action="login_failed", username="bogor").count() >= 5


def test_scope_per_role(personas: dict[str, Persona]) -> None:
    bogor = Region.objects.get(code="32.01")
    bandung = Region.objects.get(code="32.04")
    aceh = Region.objects.get(code="11.01")
    u = {k: p.user for k, p in personas.items()}
    assert scope.can_edit_region(u["ri"], aceh)
    assert scope.can_edit_region(u["jabar"], bandung) and not scope.can_edit_region(
        u["jabar"], aceh
    )
    assert scope.can_edit_region(u["bogor"], bogor) and not scope.can_edit_region(
        u["bogor"], bandung
    )
    assert not scope.can_edit_region(u["mitra"], bogor)
    assert not scope.can_edit_region(u["publik"], bogor)
    assert not scope.can_edit_region(None, bogor)
    assert scope.can_review_region(u["jabar"], bogor) and not scope.can_review_region(
        u["bogor"], bogor
    )
    assert scope.can_see_unpublished(u["mitra"]) and not scope.can_see_unpublished(u["publik"])
    visible = Region.objects.filter(level=2).filter(scope.region_filter(u["jabar"]))
    assert visible.count() == 27 and set(visible.values_list("province_code", flat=True)) == {"32"}


@pytest.mark.django_db
def test_seed_compute_publish_and_immutability(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path  # the demo passwords are kept there
    call_command("ikp_seed", runs=50, stdout=io.StringIO())
    edition = Edition.objects.get(slug="ikp-2024-provinsi")
    comp = edition.computations.get(published=True)
    assert comp.synthetic
    assert comp.results.filter(node_code="IKP").count() == 38
    assert comp.results.filter(node_code="IKP", rank_p05__isnull=False).count() >= 36
    comp.recipe = comp.recipe + "\n# tampered"
    with pytest.raises(ValidationError):
        comp.save()
    comp.refresh_from_db()
    new = compute_edition(edition, runs=0)
    with pytest.raises(ValueError, match="change log"):
        do_publish(new, actor=None)
    do_publish(new, actor=None, change_log="koreksi / correction")
    new.refresh_from_db()
    assert new.supersedes == comp and new.version == comp.version + 1
    published = Edition.objects.get(slug="ikp-2024-bawaslu-provinsi").computations.get()
    dki = published.results.get(region__code="31")
    assert dki.score == pytest.approx(88.95) and dki.source.startswith("http")


def test_check_deploy_passes_with_production_settings(tmp_path: Any) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "ikp_web.config.settings.prod",
        "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "ikp.example.org",
        "IKP_VAR_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_production_refuses_to_start_without_secrets(tmp_path: Any) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="ikp_web.config.settings.prod", IKP_VAR_DIR=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stderr
