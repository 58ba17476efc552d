"""403, 404 and 500 pages in the site's layout, in Bahasa Indonesia and English, with the reason
and a way back; an expected 403 is logged without a traceback."""

from __future__ import annotations

import logging

import pytest
from django.template.loader import render_to_string
from django.test import Client

from ikp_web.apps.frameworks.models import Edition

from .helpers import Personas, url


@pytest.mark.django_db
def test_404_page_in_the_site_layout() -> None:
    response = Client().get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-404"' in html and 'class="skip"' in html  # the site's layout
    assert "Halaman tidak ditemukan" in html and "Page not found" in html
    assert 'href="/"' in html and "/tidak-ada-halaman-ini/" in html


def test_403_page_explains_the_role_and_logs_no_traceback(
    personas: Personas, kab_edition: Edition, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = personas["publik"].client.get(url("questionnaire", kab_edition.slug, "32.01"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-403"' in html
    assert "Akses ditolak" in html and "Access denied" in html and 'href="/"' in html
    refused = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert refused and all(r.exc_info is None for r in refused)


def test_500_page_needs_no_request_context() -> None:
    html = render_to_string("500.html")
    assert 'data-testid="error-500"' in html
    assert "Terjadi kesalahan di server" in html and "Server error" in html
    assert "Tidak ada data yang diubah" in html and 'href="/"' in html
