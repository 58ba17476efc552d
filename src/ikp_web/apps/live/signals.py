"""Incident changes that move the live index: every status change into or out of "verified"
(an :class:`~ikp_web.apps.incidents.models.IncidentEvent` row, written by the review service)
marks the incident's edition dirty. Listening to the event rows keeps the incidents app unaware
of the live index. A new publication of an edition whose live index is in use (it has a
:class:`~ikp_web.apps.live.models.LiveEdition` row) refreshes it on the new snapshot."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from ikp_web.apps.incidents.models import Incident, IncidentEvent
from ikp_web.apps.scoring.models import Computation

VERIFIED = Incident.Status.VERIFIED

#: sent after a live run is stored (``edition``, ``run``): the alert rules read the new
#: "current" scores from it (``ikp_web.apps.alerts.receivers``)
live_refreshed = Signal()


@receiver(post_save, sender=IncidentEvent, dispatch_uid="live-incident-event")
def incident_changed(sender: Any, instance: IncidentEvent, created: bool, **kwargs: Any) -> None:
    if created and VERIFIED in (instance.from_status, instance.to_status):
        from ikp_web.apps.live.services import mark_dirty

        mark_dirty(instance.incident.edition_id)


@receiver(post_save, sender=Computation, dispatch_uid="live-publication")
def computation_saved(sender: Any, instance: Computation, created: bool, **kwargs: Any) -> None:
    if not instance.published:
        return
    from ikp_web.apps.live.models import LiveEdition
    from ikp_web.apps.live.services import mark_dirty

    if LiveEdition.objects.filter(edition_id=instance.edition_id, enabled=True).exists():
        mark_dirty(instance.edition_id)
