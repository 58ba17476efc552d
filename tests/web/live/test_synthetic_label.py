"""SYNTHETIC incidents behind the live index are labelled where the public may see them: in the
region profile's live panel and in the titles of the incident points on the kecamatan map."""

from __future__ import annotations

from typing import Any

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.live.models import LiveEdition
from ikp_web.apps.scoring.models import Computation

from .conftest import report, verify

URL = "/wilayah/32.01/"
BADGE = "DATA SINTETIS / SYNTHETIC"


def test_the_live_panel_labels_synthetic_incidents(
    edition: Edition, personas: Any, verified: Any
) -> None:
    LiveEdition.objects.filter(edition=edition).update(public=True)
    client = personas["anonymous"].client
    assert BADGE not in client.get(URL).content.decode()
    Incident.objects.filter(pk=verified.pk).update(synthetic=True)
    html = client.get(URL).content.decode()
    assert 'data-testid="live-panel"' in html and BADGE in html


def test_map_points_of_synthetic_incidents_say_so(
    edition: Edition, published: Computation, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = personas["bogor"].user
    incident = report(edition, user, latitude="-6.55", longitude="106.85")
    verify(incident, personas["jabar"].user, django_capture_on_commit_callbacks)  # four-eyes
    Incident.objects.filter(pk=incident.pk).update(synthetic=True)
    html = personas["bogor"].client.get(URL).content.decode()
    point = html[html.index(f'data-incident="{incident.pk}"') :].split("</circle>")[0]
    assert BADGE in point
