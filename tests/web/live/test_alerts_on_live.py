"""The live index feeds the alert rules: once a verification has refreshed the live index, a
score-rise rule on the index fires for the region whose live score rose, explained by the
incident, and for no other region (their live scores equal the published ones)."""

from __future__ import annotations

from typing import Any

from ikp_web.apps.alerts.models import Alert, AlertRule
from ikp_web.apps.alerts.services import current_states
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.live import services
from ikp_web.apps.scoring.models import Computation

from .conftest import report, verify


def test_a_live_rise_opens_a_score_rise_alert(
    edition: Edition, published: Computation, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    AlertRule.objects.create(
        slug="naik",
        name="naik",
        kind="score_rise",
        component="IKP",
        params={"points": 0.01},
        public=True,
    )
    states = current_states(edition)
    assert states["current_score"].equals(states["published_score"])  # nothing live yet
    incident = report(edition, personas["bogor"].user)
    verify(incident, personas["jabar"].user, django_capture_on_commit_callbacks)
    run = services.latest_run(edition)
    assert run is not None
    bogor = run.results.get(region__code="32.01")
    states = current_states(edition)
    row = states[(states["region_code"] == "32.01") & (states["component"] == "IKP")].iloc[0]
    assert row["current_score"] == bogor.score > row["published_score"]
    alerts = list(Alert.objects.select_related("region"))
    assert [a.region.code for a in alerts] == ["32.01"]
    assert alerts[0].status == "open", alerts[0].explanation
    assert incident.pk in alerts[0].explanation["incidents"], alerts[0].explanation
    # raised on the live score: labelled live, and not shown publicly although the rule is public
    assert alerts[0].source == Alert.Source.LIVE
    assert (
        personas["anonymous"].client.get(f"/peringatan/publik/{alerts[0].pk}/").status_code == 404
    )
    page = personas["bogor"].client.get(f"/peringatan/{alerts[0].pk}/").content.decode()
    assert "indeks langsung / live index" in page
