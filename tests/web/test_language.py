"""Bahasa Indonesia first: the site opens in Indonesian whatever the browser's language, and
switches to English only when the visitor chooses it (the language switch's cookie)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_indonesian_unless_english_is_chosen() -> None:
    client = Client()
    html = client.get("/tidak-ada/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/tidak-ada/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert '<html lang="en">' in html
