"""``GET /api/v1/live/{slug}``: the live index labelled live, for signed-in callers (token or
session) unless the edition's live index is public."""

from __future__ import annotations

from typing import Any

import pytest

from ikp_web.apps.api.services import create_token
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.live.models import LiveEdition
from ikp_web.apps.scoring.models import Computation

URL = "/api/v1/live/ikp-2024-kabkota"


def test_token_caller_reads_the_live_rows_labelled_live(
    personas: Any, published: Computation, verified: Any, client: Any
) -> None:
    _token, raw = create_token(personas["mitra"].user, name="uji")
    body = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["live"] is True and "LIVE" in body["label"]
    assert body["based_on_version"] == published.version and body["n_incidents"] == 1
    first = body["items"][0]  # largest change first
    assert first["region"]["code"] == "32.01" and first["delta"] > 0
    assert first["incidents"] == {"I05": [verified.pk]}
    assert sum(first["contributions"].values()) == pytest.approx(first["delta"], abs=1e-6)
    one = client.get(URL + "?region=3201", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert one["count"] == 1 and one["items"][0]["region"]["code"] == "32.01"


def test_anonymous_callers_need_a_public_live_index(
    edition: Edition, verified: Any, client: Any
) -> None:
    response = client.get(URL)
    assert response.status_code == 401
    LiveEdition.objects.filter(edition=edition).update(public=True)
    assert client.get(URL).status_code == 200


def test_unknown_edition_or_no_live_run_is_404(personas: Any, edition: Edition) -> None:
    session = personas["ri"].client
    assert session.get("/api/v1/live/tidak-ada").status_code == 404
    assert session.get(URL).status_code == 404  # no published snapshot, no live run
