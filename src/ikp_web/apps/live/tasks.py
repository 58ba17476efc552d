"""Background refresh of the live index (huey). The task only calls the service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.live.services import refresh


@db_task()
def refresh_task(edition_id: int) -> int | None:
    """Refresh the edition's live index if a verification marked it dirty."""
    edition = Edition.objects.filter(pk=edition_id).first()
    run = refresh(edition) if edition is not None else None
    return run.pk if run is not None else None
