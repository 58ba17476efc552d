"""Who sees what through the API, per role, by session and by token: anonymous and public
callers read published editions only (anything else is a 404, as if it did not exist); offices
and partners also read unpublished computations; submissions follow the region scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ikp_web.apps.api.services import create_token, revoke_token
from ikp_web.apps.core.models import Job

API = "/api/v1"
ROLES = ["ri", "jabar", "bogor", "mitra", "publik", "anonymous"]
INSIDERS = {"ri", "jabar", "bogor", "mitra"}


def _get(persona: Any, path: str) -> Any:
    return persona.client.get(API + path)


@pytest.mark.parametrize("role", ROLES)
def test_edition_list_per_role(role: str, personas: dict[str, Any]) -> None:
    response = _get(personas[role], "/editions")
    assert response.status_code == 200
    slugs = {e["slug"] for e in response.json()["items"]}
    published = {"ikp-2024-kabkota", "ikp-2024-provinsi", "ikp-2024-bawaslu-provinsi"}
    if role in INSIDERS:
        assert slugs == published | {"ikp-2024-kabkota-draf", "ikp-2028-kabkota"}
    else:
        assert slugs == published


@pytest.mark.parametrize("role", ROLES)
def test_unpublished_edition_and_versions_per_role(role: str, personas: dict[str, Any]) -> None:
    p = personas[role]
    draft = _get(p, "/editions/ikp-2024-kabkota-draf")
    draft_results = _get(p, "/editions/ikp-2024-kabkota-draf/results")
    v2 = _get(p, "/editions/ikp-2024-provinsi/results?version=2")
    latest = _get(p, "/editions/ikp-2024-provinsi/results?version=latest&limit=1")
    default = _get(p, "/editions/ikp-2024-provinsi/results?limit=1")
    versions = [v["version"] for v in _get(p, "/editions/ikp-2024-provinsi").json()["versions"]]
    assert default.status_code == 200
    assert default.json()["computation"]["version"] == 1  # the published one, for everybody
    if role in INSIDERS:
        assert draft.status_code == 200
        assert draft_results.status_code == 200
        assert draft_results.json()["computation"]["published"] is False
        assert v2.status_code == 200 and v2.json()["computation"]["version"] == 2
        assert latest.json()["computation"]["version"] == 2
        assert versions == [2, 1]
    else:
        for response in (draft, draft_results, v2):
            assert response.status_code == 404
            assert response.json()["code"] == "NOT_FOUND"
        assert latest.json()["computation"]["version"] == 1
        assert versions == [1]


@pytest.mark.parametrize("role", ["ri", "mitra", "publik", "anonymous"])
def test_edition_without_any_computation(role: str, personas: dict[str, Any]) -> None:
    detail = _get(personas[role], "/editions/ikp-2028-kabkota")
    results = _get(personas[role], "/editions/ikp-2028-kabkota/results")
    assert detail.status_code == (200 if role in INSIDERS else 404)
    assert results.status_code == 404


def test_token_acts_as_its_user(personas: dict[str, Any]) -> None:
    _, raw = create_token(personas["jabar"].user, name="skrip")
    client = Client()
    auth = {"Authorization": f"Bearer {raw}"}
    me = client.get(f"{API}/me", headers=auth).json()
    assert me["username"] == "jabar" and me["role"] == "provinsi" and me["via"] == "token"
    assert me["region"] == {"code": "32", "name": "Jawa Barat"}
    url = f"{API}/editions/ikp-2024-provinsi/results?version=2"
    assert client.get(url, headers=auth).status_code == 200
    assert client.get(url).status_code == 404
    anon = client.get(f"{API}/me").json()
    assert anon["authenticated"] is False and anon["via"] == "anonymous"
    assert anon["role"] == "publik"


@pytest.mark.parametrize(
    "header",
    ["Bearer ikp_wrong", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer " + "x" * 300],
)
def test_bad_credentials_are_401_not_anonymous(header: str, api_data: Any, db: Any) -> None:
    response = Client().get(f"{API}/editions", headers={"Authorization": header})
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"code", "message", "data"}
    assert body["code"] == "NOT_AUTHENTICATED"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_expired_and_inactive_tokens_are_refused(personas: dict[str, Any]) -> None:
    user = personas["mitra"].user
    revoked, raw_revoked = create_token(user)
    revoke_token(revoked)
    _, raw_expired = create_token(user, expires=timezone.now() - timedelta(minutes=1))
    _, raw_future = create_token(user, expires=timezone.now() + timedelta(days=1))
    client = Client()

    def status(raw: str) -> int:
        return client.get(f"{API}/me", headers={"Authorization": f"Bearer {raw}"}).status_code

    assert status(raw_revoked) == 401
    assert status(raw_expired) == 401
    assert status(raw_future) == 200
    user.is_active = False
    user.save()
    assert status(raw_future) == 401


@pytest.mark.parametrize(
    ("role", "status", "visible"),
    [
        ("ri", 200, 27),
        ("mitra", 200, 27),
        ("jabar", 200, 27),
        ("bogor", 200, 1),
        ("publik", 404, None),
        ("anonymous", 401, None),
    ],
)
def test_submissions_scoped_by_region(
    role: str, status: int, visible: int | None, personas: dict[str, Any]
) -> None:
    response = _get(personas[role], "/editions/ikp-2024-kabkota/submissions?limit=5")
    assert response.status_code == status
    if visible is not None:
        body = response.json()
        assert body["count"] == visible and body["synthetic"] is True
        if role == "bogor":
            assert [s["region_code"] for s in body["items"]] == ["32.01"]
    province = _get(personas[role], "/editions/ikp-2024-provinsi/submissions")
    if role == "jabar":
        assert [s["region_code"] for s in province.json()["items"]] == ["32"]
    if role == "bogor":
        assert province.json()["count"] == 0


@pytest.mark.parametrize("role", ["ri", "mitra", "jabar", "bogor"])
def test_submission_detail_scope(role: str, personas: dict[str, Any]) -> None:
    p = personas[role]
    mine = _get(p, "/editions/ikp-2024-kabkota/submissions/3201")
    assert mine.status_code == 200
    assert mine.json()["observations"] and mine.json()["region_code"] == "32.01"
    bandung = _get(p, "/editions/ikp-2024-kabkota/submissions/kemendagri:32.04")
    expected = 200 if role in ("ri", "mitra", "jabar") else 404
    assert bandung.status_code == expected
    aceh = _get(p, "/editions/ikp-2024-provinsi/submissions/11")
    assert aceh.status_code == (200 if role in ("ri", "mitra") else 404)


@pytest.mark.parametrize("role", ["publik", "anonymous"])
def test_submission_detail_hidden_from_public(role: str, personas: dict[str, Any]) -> None:
    response = _get(personas[role], "/editions/ikp-2024-kabkota/submissions/32.01")
    assert response.status_code == (401 if role == "anonymous" else 404)


@pytest.mark.parametrize(
    ("role", "own_job", "ri_job"),
    [
        ("ri", 200, 200),
        ("jabar", 200, 404),
        ("mitra", 200, 404),
        ("publik", 200, 404),
        ("anonymous", 401, 401),
    ],
)
def test_job_progress_visible_to_owner_and_ri(
    role: str, own_job: int, ri_job: int, personas: dict[str, Any]
) -> None:
    p = personas[role]
    mine = Job.objects.create(kind="export", status="running", progress=40, created_by=p.user)
    theirs = Job.objects.create(kind="compute", created_by=personas["ri"].user)
    response = _get(p, f"/jobs/{mine.pk}")
    assert response.status_code == own_job
    if own_job == 200:
        assert response.json()["progress"] == 40 and response.json()["status"] == "running"
    assert _get(p, f"/jobs/{theirs.pk}").status_code == ri_job
    assert _get(p, "/jobs/999999").status_code == (401 if role == "anonymous" else 404)


@pytest.mark.parametrize("role", ROLES)
def test_me_reports_role(role: str, personas: dict[str, Any]) -> None:
    body = _get(personas[role], "/me").json()
    expected = {"anonymous": "publik", "jabar": "provinsi", "bogor": "kabkota"}.get(role, role)
    assert body["role"] == expected
    assert body["can_see_unpublished"] is (role in INSIDERS)
    assert body["via"] == ("anonymous" if role == "anonymous" else "session")
