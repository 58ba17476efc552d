"""The public pages as anonymous visitors see them are cached per published snapshot, language
and address (``ikp_web.apps.dashboards.page_cache``): a second request is served from the cache
with almost no queries, a new publication changes the page at once, languages do not mix, the
CSRF token stays per visitor, and nothing a signed-in user sees is stored or served to others."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from ikp_web.apps.scoring.services import do_publish

from .conftest import DashData

PAGES = [
    "/",
    "/peta/?tingkat=kabkota",
    "/peringkat/",
    "/wilayah/32.04/",
    "/metodologi/",
    "/metodologi/dokumen/",
]


def get(client: Client, path: str) -> tuple[Any, int]:
    """The response and the number of database queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return response, len(queries)


@pytest.mark.parametrize("path", PAGES)
def test_a_second_request_is_served_from_the_cache(d: DashData, path: str) -> None:
    first, first_queries = get(Client(), path)
    second, second_queries = get(Client(), path)  # another visitor
    assert first["X-IKP-Page-Cache"] == "miss" and second["X-IKP-Page-Cache"] == "hit"
    assert second_queries <= min(1, first_queries)  # only the published snapshots' ids
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub("", second.content.decode()) == strip.sub("", first.content.decode())
    assert second["Content-Type"] == first["Content-Type"]


def test_each_visitor_gets_a_working_csrf_token(d: DashData) -> None:
    Client().get("/peta/")
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/peta/")
    assert page["X-IKP-Page-Cache"] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None and "__ikp" not in token.group(1)
    switched = visitor.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/peta/", "csrfmiddlewaretoken": token.group(1)},
    )
    assert switched.status_code == 302  # the language switch accepts the fresh token


def test_a_new_publication_changes_the_page(d: DashData) -> None:
    path = "/peta/?tingkat=kabkota"
    before, _ = get(Client(), path)
    assert get(Client(), path)[0]["X-IKP-Page-Cache"] == "hit"
    assert f"v{d.kab_v1.version}" in before.content.decode()
    do_publish(d.kab_v2, actor=None, change_log="koreksi / correction")
    after, _ = get(Client(), path)
    assert after["X-IKP-Page-Cache"] == "miss"
    assert f"{d.kab.name} — v{d.kab_v2.version}" in after.content.decode()


def test_languages_do_not_mix(d: DashData) -> None:
    indonesian = Client()
    english = Client()
    english.cookies["django_language"] = "en"
    for _ in range(2):
        id_page = indonesian.get("/peringkat/")
        en_page = english.get("/peringkat/")
    assert id_page["X-IKP-Page-Cache"] == en_page["X-IKP-Page-Cache"] == "hit"
    assert '<html lang="id"' in id_page.content.decode()
    assert '<html lang="en"' in en_page.content.decode()
    assert id_page["Content-Language"] == "id" and en_page["Content-Language"] == "en"


def test_signed_in_pages_are_neither_stored_nor_served_from_the_cache(d: DashData) -> None:
    ri = d.clients["ri"]
    mine = ri.get("/peta/?tingkat=kabkota")
    assert "X-IKP-Page-Cache" not in mine
    assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]
    assert "dash-ri" in mine.content.decode()
    anonymous, _ = get(Client(), "/peta/?tingkat=kabkota")
    assert anonymous["X-IKP-Page-Cache"] == "miss"  # nothing was stored for the RI user
    body = anonymous.content.decode()
    assert "dash-ri" not in body and "belum diterbitkan" not in body
    again = ri.get("/peta/?tingkat=kabkota")  # the anonymous page is not served to RI either
    assert "X-IKP-Page-Cache" not in again and "dash-ri" in again.content.decode()


def test_a_waiting_message_bypasses_the_cache(d: DashData) -> None:
    Client().get("/")
    visitor = Client()
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.INFO, "Anda telah keluar / you have signed out")
    response = Client().get("/")  # any response to carry the cookie
    storage.update(response)
    visitor.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    page = visitor.get("/")
    assert "X-IKP-Page-Cache" not in page
    assert "Anda telah keluar" in page.content.decode()
    assert "Anda telah keluar" not in Client().get("/").content.decode()
