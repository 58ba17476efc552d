"""Background jobs of downloads (huey): large exports are built off the request. A task only
calls the service; the service records progress and the outcome on the job."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from ikp_web.apps.api.exports import run_export_job


@db_task()
def export_task(job_id: int) -> str | None:
    """Build and store the job's results workbook."""
    return run_export_job(job_id)
