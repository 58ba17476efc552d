"""Public alerts resting on SYNTHETIC data (a synthetic edition, or synthetic incidents among
those the alert names) are labelled "DATA SINTETIS / SYNTHETIC" in the RSS and Atom feeds and
on the public alert page; others are not."""

from __future__ import annotations

from typing import Any

from ikp_web.apps.alerts import services
from ikp_web.apps.alerts.models import Alert
from ikp_web.apps.frameworks.models import Edition

BADGE = "DATA SINTETIS / SYNTHETIC"


def test_feeds_label_alerts_on_synthetic_data(
    edition: Any, computation: Any, rules: Any, personas: Any
) -> None:
    services.evaluate_edition(edition)
    anonymous = personas["anonymous"].client
    alert = Alert.objects.get(region__code="32.03")
    assert BADGE not in anonymous.get("/peringatan/umpan.rss").content.decode()
    assert (
        'id="synthetic-alert"'
        not in anonymous.get(f"/peringatan/publik/{alert.pk}/").content.decode()
    )
    Edition.objects.filter(pk=edition.pk).update(synthetic=True)
    rss = anonymous.get("/peringatan/umpan.rss").content.decode()
    assert rss.count(f"<title>{BADGE}: ") == 2
    assert anonymous.get("/peringatan/umpan.atom").content.decode().count(f"<title>{BADGE}: ") == 2
    page = anonymous.get(f"/peringatan/publik/{alert.pk}/").content.decode()
    assert 'id="synthetic-alert"' in page
