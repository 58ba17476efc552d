"""Background work of alerts (huey): evaluating an edition after an incident is verified, the
periodic evaluation and daily digest, and webhook deliveries retried with exponential backoff
(each attempt a task of its own, scheduled ``services.backoff(attempt)`` seconds later)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ikp_web.apps.alerts import services
from ikp_web.apps.alerts.models import Subscription
from ikp_web.apps.frameworks.models import Edition


@db_task()
def evaluate_task(edition_id: int) -> int:
    edition = Edition.objects.filter(pk=edition_id).first()
    return len(services.evaluate_edition(edition)) if edition is not None else 0


@db_periodic_task(crontab(minute="*/15"))
def evaluate_all_task() -> int:
    """Every quarter of an hour: every collected edition (windows move with time)."""
    return sum(
        len(services.evaluate_edition(e))
        for e in Edition.objects.filter(kind=Edition.Kind.COLLECTED)
    )


@db_periodic_task(crontab(hour="23", minute="0"))
def digest_task() -> int:
    """Every day at 23:00 UTC (06:00 WIB): the daily digests."""
    return len(services.send_digests())


@db_task()
def webhook_task(subscription_id: int, alert_ids: list[int], attempt: int = 1) -> str:
    """One webhook attempt; a failure with attempts left schedules the next one."""
    sub = Subscription.objects.filter(pk=subscription_id, active=True).first()
    if sub is None:
        return "gone"
    delivery = services.post_webhook(sub, alert_ids, attempt)
    if delivery.status == delivery.Status.RETRYING:
        webhook_task.schedule(
            (subscription_id, alert_ids, attempt + 1), delay=services.backoff(attempt)
        )
    return str(delivery.status)
