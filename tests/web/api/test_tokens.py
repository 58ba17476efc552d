"""API tokens: the ikp_create_token command, the admin (shown once, stored as a hash only),
revocation and last-used bookkeeping."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from ikp_web.apps.api.models import ApiToken, hash_token


def _fields(token: ApiToken) -> list[str]:
    return [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]


def test_create_token_command_prints_it_once_and_stores_a_hash(
    personas: dict[str, Any],
) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "ikp_create_token", "mitra", "--name", "dasbor KPU", "--days", "30", stdout=out, stderr=err
    )
    raw = out.getvalue().strip()
    assert raw.startswith("ikp_") and len(raw) > 40
    token = ApiToken.objects.get(user__username="mitra")
    assert token.token_hash == hash_token(raw) and token.name == "dasbor KPU"
    assert token.expires is not None and token.prefix == raw[:8]
    assert all(raw not in value for value in _fields(token))
    assert "tidak ditampilkan lagi" in err.getvalue()
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json()
    assert me["username"] == "mitra" and me["role"] == "mitra"
    token.refresh_from_db()
    assert token.last_used is not None


@pytest.mark.parametrize("args", [["nobody"], ["mitra", "--days", "0"]])
def test_create_token_command_refuses_bad_input(args: list[str], personas: dict[str, Any]) -> None:
    with pytest.raises(CommandError):
        call_command("ikp_create_token", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_admin_creates_shows_once_and_revokes(personas: dict[str, Any]) -> None:
    admin = get_user_model().objects.create_superuser("admin", "a@example.org", "x" * 12)
    client = Client()
    client.force_login(admin)
    bogor = personas["bogor"].user
    response = client.post(
        "/admin/api/apitoken/add/", {"user": bogor.pk, "name": "skrip"}, follow=True
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    raw = next(m for m in shown if "ikp_" in m).split(": ")[-1]
    token = ApiToken.objects.get(user=bogor)
    assert token.token_hash == hash_token(raw)
    assert all(raw not in value for value in _fields(token))
    change = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert raw not in change and token.prefix in change
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    token.refresh_from_db()
    assert token.revoked
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_tokens_of_public_users_read_published_data_only(
    personas: dict[str, Any], api_data: Any
) -> None:
    out = io.StringIO()
    call_command("ikp_create_token", "publik", stdout=out, stderr=io.StringIO())
    auth = {"Authorization": f"Bearer {out.getvalue().strip()}"}
    client = Client()
    assert client.get("/api/v1/editions/ikp-2024-kabkota-draf", headers=auth).status_code == 404
    assert client.get("/api/v1/editions/ikp-2024-kabkota", headers=auth).status_code == 200
