"""Read-only queries of the audit log."""

from __future__ import annotations

import datetime as dt
from datetime import time

from django.db.models import QuerySet
from django.utils import timezone

from ikp_web.apps.core.models import AuditLog


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time.min))


def audit_entries(
    *,
    action: str = "",
    username: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditLog]:
    """Entries, newest first, filtered by action, user name (exact, case-insensitive) and an
    inclusive date range in the site's time zone."""
    qs = AuditLog.objects.all()
    if action:
        qs = qs.filter(action=action)
    if username:
        qs = qs.filter(username__iexact=username)
    if date_from is not None:
        qs = qs.filter(created__gte=_start_of(date_from))
    if date_to is not None:
        qs = qs.filter(created__lt=_start_of(date_to + dt.timedelta(days=1)))
    return qs.order_by("-created", "-pk")


def audit_usernames() -> list[str]:
    """The user names that appear in the log (for the filter's suggestions)."""
    return sorted(
        {u for u in AuditLog.objects.order_by().values_list("username", flat=True).distinct() if u}
    )
