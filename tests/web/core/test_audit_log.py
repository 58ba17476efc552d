"""The audit log page /hitung/log/: Bawaslu RI only (the partner agency does not see it),
filterable by action, user and date, 50 entries a page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ikp_web.apps.core.models import AuditLog
from ikp_web.apps.core.services import audit

from .conftest import Persona

URL = reverse("scoring:audit_log")


@pytest.mark.parametrize("name", ["jabar", "bogor", "mitra", "publik"])
def test_other_roles_get_403(name: str, personas: dict[str, Persona]) -> None:
    assert personas[name].client.get(URL).status_code == 403


def test_anonymous_goes_to_login(personas: dict[str, Persona]) -> None:
    response = personas["anonymous"].client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _entries(personas: dict[str, Persona]) -> None:
    AuditLog.objects.all().delete()  # the personas' logins
    audit("compute", user=personas["ri"].user, edition="ikp-2024-kabkota", version=1)
    audit("publish", user=personas["ri"].user, edition="ikp-2024-kabkota", version=1)
    audit("submit", user=personas["bogor"].user, region="32.01")
    old = audit("verify", user=personas["jabar"].user, region="32.01")
    AuditLog.objects.filter(pk=old.pk).update(created=timezone.now() - dt.timedelta(days=10))
    AuditLog.objects.filter(action="publish").update(object_type="Computation", object_id="7")


def test_ri_sees_every_entry_newest_first(personas: dict[str, Persona]) -> None:
    _entries(personas)
    response = personas["ri"].client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert [e.action for e in response.context["entries"]] == [
        "submit",
        "publish",
        "compute",
        "verify",
    ]
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert 'data-total="4"' in html and "hitung" in html and "terbitkan" in html
    link = reverse("scoring:computation", args=["ikp-2024-kabkota", 1])
    assert f'href="{link}"' in html  # computations link to their page
    assert '<option value="bogor">' in html  # user suggestions


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "compute"}, ["compute"]),
        ({"user": "BOGOR"}, ["submit"]),
        ({"user": "ri", "action": "publish"}, ["publish"]),
        ({"date_to": (timezone.localdate() - dt.timedelta(days=5)).isoformat()}, ["verify"]),
        (
            {
                "date_from": timezone.localdate().isoformat(),
                "date_to": timezone.localdate().isoformat(),
            },
            ["submit", "publish", "compute"],
        ),
        ({"user": "tidak-ada"}, []),
    ],
)
def test_filters(query: dict[str, str], expected: list[str], personas: dict[str, Persona]) -> None:
    _entries(personas)
    response = personas["ri"].client.get(URL, query)
    assert response.status_code == 200
    assert [e.action for e in response.context["entries"]] == expected


def test_bad_filters_are_reported(personas: dict[str, Persona]) -> None:
    client = personas["ri"].client
    assert client.get(URL, {"action": "hack"}).status_code == 400
    response = client.get(URL, {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert response.status_code == 400
    assert "Tanggal awal harus sebelum tanggal akhir" in response.content.decode()
    assert client.get(URL, {"date_from": "kemarin"}).status_code == 400


def test_pagination_keeps_the_filters(personas: dict[str, Persona]) -> None:
    user = personas["bogor"].user
    AuditLog.objects.all().delete()
    AuditLog.objects.bulk_create(
        [AuditLog(actor=user, username="bogor", action="save_draft") for _ in range(120)]
    )
    audit("login", user=personas["ri"].user)
    client = personas["ri"].client
    first = client.get(URL, {"action": "save_draft"})
    assert len(first.context["entries"]) == 50 and first.context["total"] == 120
    html = first.content.decode()
    assert "action=save_draft&amp;halaman=2" in html and "Halaman 1 dari 3" in html
    last = client.get(URL, {"action": "save_draft", "halaman": 3})
    assert len(last.context["entries"]) == 20
    assert all(e.action == "save_draft" for e in last.context["entries"])
    assert client.get(URL, {"halaman": "99"}).status_code == 200  # clamps to the last page
