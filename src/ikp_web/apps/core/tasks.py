"""Worker start-up (huey): the jobs a previous worker left running when it died are marked
failed, so their pages say so and they block nothing."""

from __future__ import annotations

from django.db import close_old_connections
from huey.contrib.djhuey import HUEY

from ikp_web.apps.core.services import reap_stopped_jobs


@HUEY.on_startup()
def reap_on_worker_start() -> None:
    close_old_connections()
    try:
        reap_stopped_jobs()
    finally:
        close_old_connections()
