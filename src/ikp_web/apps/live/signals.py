"""Incident changes that move the live index: every status change into or out of "verified"
(an :class:`~ikp_web.apps.incidents.models.IncidentEvent` row, written by the review service)
marks the incident's edition dirty. Listening to the event rows keeps the incidents app unaware
of the live index."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from ikp_web.apps.incidents.models import Incident, IncidentEvent

VERIFIED = Incident.Status.VERIFIED


@receiver(post_save, sender=IncidentEvent, dispatch_uid="live-incident-event")
def incident_changed(sender: Any, instance: IncidentEvent, created: bool, **kwargs: Any) -> None:
    if created and VERIFIED in (instance.from_status, instance.to_status):
        from ikp_web.apps.live.services import mark_dirty

        mark_dirty(instance.incident.edition_id)
