"""Send the daily alert digests (one e-mail per digest subscription with the alerts raised since
its last digest).

Usage::

    python -m django ikp_send_alert_digest

The huey worker runs the same daily (``alerts.tasks.digest_task``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ikp_web.apps.alerts import services


class Command(BaseCommand):
    help = "Send the daily alert digests."

    def handle(self, *args: Any, **options: Any) -> None:
        deliveries = services.send_digests()
        sent = sum(d.status == d.Status.SENT for d in deliveries)
        self.stdout.write(f"{sent} digest(s) sent, {len(deliveries) - sent} failed")
