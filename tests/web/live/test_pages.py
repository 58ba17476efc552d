"""The region profile's live panel: labelled LANGSUNG / LIVE, for signed-in users (public only
when the edition's live index is set public), with the incidents behind each indicator; pages
with live content never enter the public page cache."""

from __future__ import annotations

from typing import Any

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.live.models import LiveEdition
from ikp_web.apps.scoring.models import Computation

from .conftest import report, verify

URL = "/wilayah/32.01/"


def test_signed_in_users_see_the_live_panel(personas: Any, verified: Any) -> None:
    response = personas["bogor"].client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="live-panel"' in html and "LANGSUNG" in html
    assert "I05" in html and f"/laporan/{verified.pk}/" in html
    assert response["X-IKP-Live"] == "1"


def test_links_only_for_readers_of_the_report(personas: Any, verified: Any) -> None:
    link = f"/laporan/{verified.pk}/"
    assert link in personas["ri"].client.get(URL).content.decode()
    public = personas["publik"].client.get(URL).content.decode()
    assert 'data-testid="live-panel"' in public and link not in public
    assert link not in personas["jabar"].client.get("/wilayah/36.01/").content.decode()


def test_anonymous_visitors_see_published_only_by_default(personas: Any, verified: Any) -> None:
    response = personas["anonymous"].client.get(URL)
    assert response.status_code == 200
    assert 'data-testid="live-panel"' not in response.content.decode()
    assert "X-IKP-Live" not in response


def test_a_public_live_index_shows_without_links_and_is_not_cached(
    edition: Edition, personas: Any, verified: Any
) -> None:
    LiveEdition.objects.filter(edition=edition).update(public=True)
    client = personas["anonymous"].client
    first, second = client.get(URL), client.get(URL)
    html = second.content.decode()
    assert 'data-testid="live-panel"' in html and "LANGSUNG" in html
    assert f"/laporan/{verified.pk}/" not in html  # no links for the public
    assert "X-IKP-Page-Cache" not in first and "X-IKP-Page-Cache" not in second


def test_english_label(personas: Any, verified: Any) -> None:
    client = personas["ri"].client
    client.cookies["django_language"] = "en"
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "LIVE" in html


def test_incident_points_on_the_kecamatan_map(
    edition: Edition, published: Computation, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = personas["bogor"].user
    incident = report(edition, user, latitude="-6.55", longitude="106.85")
    verify(incident, personas["jabar"].user, django_capture_on_commit_callbacks)
    html = personas["bogor"].client.get(URL).content.decode()
    assert 'data-testid="live-points"' in html and f'data-incident="{incident.pk}"' in html
    anonymous = personas["anonymous"].client.get(URL).content.decode()
    assert 'data-testid="live-points"' not in anonymous
