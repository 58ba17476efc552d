"""Evaluate the enabled alert rules and raise (and deliver) the alerts that fire.

Usage::

    python -m django ikp_evaluate_alerts                  # every collected edition
    python -m django ikp_evaluate_alerts --edition ikp-2024-kabkota --no-notify

The huey worker runs the same every quarter of an hour (``alerts.tasks.evaluate_all_task``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ikp_web.apps.alerts import services
from ikp_web.apps.frameworks.models import Edition


class Command(BaseCommand):
    help = "Evaluate the alert rules and raise the alerts that fire."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--edition", help="an edition slug (default: every collected one)")
        parser.add_argument("--no-notify", action="store_true", help="raise without delivering")

    def handle(self, *args: Any, **options: Any) -> None:
        editions = Edition.objects.filter(kind=Edition.Kind.COLLECTED)
        if options["edition"]:
            editions = Edition.objects.filter(slug=options["edition"])
            if not editions.exists():
                raise CommandError(f"no edition {options['edition']!r}")
        for edition in editions:
            alerts = services.evaluate_edition(edition, notify=not options["no_notify"])
            self.stdout.write(f"{edition.slug}: {len(alerts)} new alert(s)")
