"""Background jobs of incidents (huey): the bulk upload is checked and stored off the request. The
task only calls the service, which records progress and the outcome on the upload. A worker
starting marks failed the uploads a previous worker left running when it died."""

from __future__ import annotations

from huey.contrib.djhuey import HUEY, db_task

from ikp_web.apps.core.services import reap_stopped_jobs
from ikp_web.apps.incidents.bulk import run_upload
from ikp_web.apps.incidents.models import IncidentUpload


@db_task()
def upload_task(upload_id: int) -> int | None:
    """Check the upload's stored file and store it all or nothing."""
    return run_upload(upload_id)


@HUEY.on_startup()
def reap_incident_uploads_on_worker_start() -> None:
    reap_stopped_jobs(IncidentUpload.objects.all())
