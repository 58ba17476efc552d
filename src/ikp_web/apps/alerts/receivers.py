"""Evaluate the alert rules of an edition once a verified incident is committed, and again once
the live index has been refreshed (its scores are the rules' "current" values)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.incidents.signals import incident_reviewed
from ikp_web.apps.live.signals import live_refreshed


@receiver(incident_reviewed, dispatch_uid="alerts_after_incident_review")
def evaluate_after_verification(sender: Any, incident: Incident, action: str, **_: Any) -> None:
    if incident.status != Incident.Status.VERIFIED:
        return
    from ikp_web.apps.alerts.tasks import evaluate_task

    edition_id = incident.edition_id
    transaction.on_commit(lambda: evaluate_task(edition_id))


@receiver(live_refreshed, dispatch_uid="alerts_after_live_refresh")
def evaluate_after_live_refresh(sender: Any, edition: Any, run: Any, **_: Any) -> None:
    from ikp_web.apps.alerts.tasks import evaluate_task

    edition_id = edition.pk
    transaction.on_commit(lambda: evaluate_task(edition_id))
