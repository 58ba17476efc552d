"""Who may use the computing pages: Bawaslu RI only. Anonymous visitors are sent to the login
page; the province, kabupaten/kota, partner and public accounts get 403 on every page and action
and change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ikp_web.apps.core.models import Job
from ikp_web.apps.core.services import job_create
from ikp_web.apps.scoring.models import Computation

from .conftest import Persona

DENIED = ["jabar", "bogor", "mitra", "publik"]


@pytest.fixture()
def pages(computed: Computation, personas: dict[str, Persona]) -> dict[str, str]:
    job = job_create("compute", actor=personas["ri"].user, params={"edition": "x"})
    slug = computed.edition.slug
    return {
        "index": reverse("scoring:index"),
        "computation": reverse("scoring:computation", args=[slug, computed.version]),
        "job": reverse("scoring:job", args=[job.pk]),
        "job_status": reverse("scoring:job_status", args=[job.pk]),
        "audit_log": reverse("scoring:audit_log"),
    }


PAGES = ["index", "computation", "job", "job_status", "audit_log"]


@pytest.mark.parametrize("page", PAGES)
def test_ri_sees_every_page(page: str, pages: dict[str, str], personas: dict[str, Persona]) -> None:
    response = personas["ri"].client.get(pages[page])
    assert response.status_code == 200
    assert b"INVALID_TEMPLATE_VARIABLE" not in response.content


@pytest.mark.parametrize("name", DENIED)
def test_other_roles_get_403_on_every_page(
    name: str, pages: dict[str, str], personas: dict[str, Persona]
) -> None:
    client = personas[name].client
    for page in PAGES:
        assert client.get(pages[page]).status_code == 403, page


def test_anonymous_is_sent_to_login(pages: dict[str, str], personas: dict[str, Persona]) -> None:
    client = personas["anonymous"].client
    for page in PAGES:
        response = client.get(pages[page])
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("accounts:login")), page


@pytest.mark.parametrize("name", [*DENIED, "anonymous"])
def test_only_ri_may_start_or_publish(
    name: str,
    computed: Computation,
    personas: dict[str, Persona],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = personas[name].client
    jobs = Job.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        start = client.post(reverse("scoring:start"), {"edition": computed.edition.slug, "runs": 0})
    publish = client.post(
        reverse("scoring:publish", args=[computed.edition.slug, computed.version]),
        {"change_log": ""},
    )
    expected = 302 if name == "anonymous" else 403
    assert start.status_code == expected and publish.status_code == expected
    assert Job.objects.count() == jobs
    computed.refresh_from_db()
    assert not computed.published
    assert Computation.objects.filter(edition=computed.edition).count() == 1


def test_nav_link_only_for_ri(personas: dict[str, Persona], computed: Computation) -> None:
    url = reverse("scoring:computation", args=[computed.edition.slug, computed.version])
    assert b'href="/hitung/"' in personas["ri"].client.get(url).content
    page = personas["mitra"].client.get(reverse("accounts:login"))
    assert b'href="/hitung/"' not in page.content


def test_wrong_methods_are_refused(personas: dict[str, Persona], computed: Computation) -> None:
    client = personas["ri"].client
    assert client.get(reverse("scoring:start")).status_code == 405
    url = reverse("scoring:publish", args=[computed.edition.slug, computed.version])
    assert client.get(url).status_code == 405
    computed.refresh_from_db()
    assert not computed.published
