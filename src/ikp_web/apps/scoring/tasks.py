"""Background jobs of computing (huey; ``python -m django run_huey`` runs the worker, ``ikp serve``
starts it). A task only calls the service; the service records progress and the outcome on the
:class:`~ikp_web.apps.core.models.Job`."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from ikp_web.apps.scoring.services import run_compute_job


@db_task()
def compute_task(job_id: int) -> int | None:
    """Compute the job's edition (index, uncertainty, sensitivity, audit) and store it."""
    comp = run_compute_job(job_id)
    return comp.pk if comp is not None else None
