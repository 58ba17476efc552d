"""Worker start-up (huey): the jobs a previous worker left running when it died are marked
failed, so their pages say so and they block nothing. (The worker thread's connection is
renewed by each task: ``db_task`` closes old connections before and after it.)"""

from __future__ import annotations

from huey.contrib.djhuey import HUEY

from ikp_web.apps.core.services import reap_stopped_jobs


@HUEY.on_startup()
def reap_on_worker_start() -> None:
    reap_stopped_jobs()
