"""Response headers: a Content-Security-Policy that allows no inline script (and no template
carries any), ``Cache-Control: private, no-store`` for signed-in users, and a CSRF cookie sent
over HTTPS only in production."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "src" / "ikp_web").rglob("*.html"))
#: e-mail bodies (``templates/<app>/email/``) are not web pages: no CSP applies to them and mail
#: clients need their CSS inline
PAGES = [t for t in TEMPLATES if t.parent.name != "email"]


def _directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("url", ["/", "/peta/", "/metodologi/", "/akun/masuk/", "/api/v1/docs"])
def test_pages_carry_a_policy_without_inline_script(db: Any, url: str) -> None:
    response = Client().get(url, follow=True)
    assert response.status_code == 200, url
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]


def test_no_template_has_inline_script_or_event_handlers() -> None:
    assert len(TEMPLATES) > 20
    offenders = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.name}: {tag}")
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
        offenders += [f"{path.name}: javascript:" for _ in re.findall(r"javascript:", text)]
    assert offenders == []


def test_no_template_has_inline_style() -> None:
    """No ``<style>`` element and no ``style=`` attribute: the policy allows neither (the rendered
    pages are checked too, ``dashboards/test_no_inline_style.py``)."""
    offenders = []
    for path in PAGES:
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {m}" for m in re.findall(r"<style\b|\sstyle=", text)]
    assert offenders == []


def test_signed_in_pages_are_private_and_not_stored(personas: dict[str, Any]) -> None:
    for name in ("ri", "publik"):
        for url in ("/", "/data/", "/api/v1/me"):
            response = personas[name].client.get(url)
            directives = {d.strip() for d in response["Cache-Control"].split(",")}
            assert {"private", "no-store"} <= directives and "public" not in directives


def test_anonymous_pages_may_be_cached(db: Any) -> None:
    response = Client().get("/metodologi/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_production_sends_the_csrf_and_session_cookies_over_https_only(tmp_path: Any) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "ikp_web.config.settings.prod",
        "SECRET_KEY": "k" * 20 + "-production-secret-for-the-cookie-check-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "ikp.example.org",
        "IKP_VAR_DIR": str(tmp_path),
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, "
        "'ikp_web.apps.core.middleware.SecurityHeadersMiddleware' in s.MIDDLEWARE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert out.stdout.split() == ["True", "True", "False", "True"], out.stderr
