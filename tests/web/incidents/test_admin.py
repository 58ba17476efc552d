"""The incident admin pages load (list and change page with history and evidence)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse


def test_the_admin_pages_load(personas: Any, make_incident: Any) -> None:
    incident = make_incident(personas["ri"].user)
    admin = get_user_model().objects.create_superuser("admin-insiden", password="x-12345-y")
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("admin:incidents_incident_changelist")).status_code == 200
    page = client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    assert page.status_code == 200 and b"received" in page.content
