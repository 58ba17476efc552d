"""Background jobs of data collection (huey): spreadsheet imports are checked and saved off the
request. A task only calls the service; the service records progress and the outcome on the
job."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from ikp_web.apps.submissions.jobs import run_import_job


@db_task()
def import_task(job_id: int) -> int | None:
    """Check the job's stored upload and save it all or nothing."""
    return run_import_job(job_id)
