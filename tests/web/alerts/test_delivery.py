"""Delivery: e-mail through a real SMTP server started by the test (immediate and the daily
digest, Bahasa Indonesia then English), and signed webhooks to a real local HTTP server, retried
with backoff, every attempt logged."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import hmac
import json
from typing import Any

from django.utils import timezone
from huey.contrib.djhuey import HUEY

from ikp_web.apps.alerts import services, tasks
from ikp_web.apps.alerts.models import Alert, Delivery, Subscription
from ikp_web.apps.regions.models import Region


def subscribe(user: Any, **fields: Any) -> Subscription:
    regions = fields.pop("regions", [])
    user.email = f"{user.username}@contoh.test"
    user.save()
    sub = Subscription.objects.create(user=user, **fields)
    sub.regions.set(Region.objects.filter(edition="current", code__in=regions))
    return sub


def part_of(envelope: Any, content_type: str = "text/plain") -> str:
    """The decoded ``content_type`` part of a received multipart/alternative message."""
    message = email.message_from_bytes(envelope.content)
    assert message.get_content_type() == "multipart/alternative"
    for part in message.walk():
        if part.get_content_type() == content_type:
            payload = part.get_payload(decode=True)
            return str(payload.decode(part.get_content_charset() or "utf-8"))
    raise AssertionError(f"no {content_type} part")


def body_of(envelope: Any) -> str:
    return part_of(envelope, "text/plain")


def test_immediate_email_in_indonesian_then_english(
    edition: Any, computation: Any, rules: Any, personas: Any, smtp_server: Any
) -> None:
    sub = subscribe(personas["jabar"].user, regions=["32"], include_children=True)
    subscribe(personas["bogor"].user, components=["D4"])  # another component: nothing
    alerts = services.evaluate_edition(edition)
    assert len(alerts) == 2
    assert len(smtp_server.messages) == 2
    assert {m.rcpt_tos[0] for m in smtp_server.messages} == {"jabar@contoh.test"}
    text = body_of(smtp_server.messages[0])
    assert text.index("Peringatan #") < text.index("---- English ----") < text.index("Alert #")
    assert "P(tinggi)" in text
    deliveries = Delivery.objects.filter(subscription=sub)
    assert [d.status for d in deliveries] == ["sent", "sent"]
    assert {a.pk for d in deliveries for a in d.alerts.all()} == {a.pk for a in alerts}


def test_html_alternative_with_absolute_links(
    edition: Any, computation: Any, rules: Any, personas: Any, smtp_server: Any, settings: Any
) -> None:
    """The message is multipart/alternative: text and HTML, both Indonesian first, both linking
    the alert and the subscription page on ``IKP_SITE_URL``; the HTML loads nothing from
    outside and carries no script."""
    settings.IKP_SITE_URL = "https://ikp.contoh.test"
    subscribe(personas["jabar"].user, regions=["32.03"])
    [alert] = [a for a in services.evaluate_edition(edition) if a.region.code == "32.03"]
    [envelope] = smtp_server.messages
    link = f"https://ikp.contoh.test/peringatan/{alert.pk}/"
    manage = "https://ikp.contoh.test/peringatan/langganan/"
    text, html = part_of(envelope, "text/plain"), part_of(envelope, "text/html")
    for part in (text, html):
        assert link in part and manage in part
        assert part.index("Peringatan #") < part.index("Alert #")
    assert f'href="{link}"' in html and f'href="{manage}"' in html
    assert "<script" not in html and "<img" not in html and "<link" not in html
    assert 'lang="id"' in html and 'lang="en"' in html
    assert "32.03" in text and "32.01" not in text  # only the subscribed region
    # webhooks and the API carry the same absolute link
    assert services.alert_json(alert)["url"] == link


def test_children_and_kinds_filter(
    edition: Any, computation: Any, rules: Any, personas: Any, smtp_server: Any
) -> None:
    subscribe(personas["ri"].user, regions=["32"], include_children=False)
    subscribe(personas["mitra"].user, kinds=["spike"])
    services.evaluate_edition(edition)
    assert smtp_server.messages == []


def test_daily_digest(
    edition: Any, computation: Any, rules: Any, personas: Any, smtp_server: Any
) -> None:
    sub = subscribe(personas["mitra"].user, email_mode="digest")
    services.evaluate_edition(edition)
    assert smtp_server.messages == []  # waits for the digest
    deliveries = services.send_digests(timezone.now() + dt.timedelta(seconds=1))
    assert len(deliveries) == 1 and deliveries[0].alerts.count() == 2
    assert len(smtp_server.messages) == 1
    message = email.message_from_bytes(smtp_server.messages[0].content)
    assert "Ringkasan peringatan harian" in message["Subject"]
    text = body_of(smtp_server.messages[0])
    assert text.count("Peringatan #") == 2 and text.count("Alert #") == 2
    html = part_of(smtp_server.messages[0], "text/html")
    assert html.count("Peringatan #") == 2 and "Ringkasan peringatan harian (2)" in html
    for d in deliveries[0].alerts.all():
        assert services.alert_url(d) in text and services.alert_url(d) in html
    sub.refresh_from_db()
    assert sub.digest_sent_at is not None
    assert services.send_digests(timezone.now() + dt.timedelta(seconds=2)) == []  # nothing new


def test_email_failure_is_logged(
    edition: Any, computation: Any, rules: Any, personas: Any, settings: Any
) -> None:
    from tests.web.alerts.conftest import _free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    sub = subscribe(personas["ri"].user)
    services.evaluate_edition(edition)
    statuses = set(Delivery.objects.filter(subscription=sub).values_list("status", flat=True))
    assert statuses == {"failed"}
    assert Delivery.objects.filter(subscription=sub).exclude(error="").exists()


def verify(secret: str, headers: Any, body: bytes) -> bool:
    """What a receiver does: recompute the HMAC over ``<timestamp>.<body>``."""
    timestamp = headers["X-IKP-Timestamp"]
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + expected.hexdigest(), headers["X-IKP-Signature"])


def test_webhook_signed_json(
    edition: Any, computation: Any, rules: Any, personas: Any, webhook_receiver: Any
) -> None:
    sub = subscribe(personas["mitra"].user, channel="webhook", webhook_url=webhook_receiver.url)
    alerts = services.evaluate_edition(edition)
    assert len(webhook_receiver.requests) == 2
    headers, body = webhook_receiver.requests[0]
    assert verify(sub.webhook_secret, headers, body)
    assert not verify("another-secret", headers, body)
    data = json.loads(body)
    assert data["alerts"][0]["id"] in {a.pk for a in alerts}
    url = f"http://127.0.0.1:8000/peringatan/{data['alerts'][0]['id']}/"  # IKP_SITE_URL default
    assert data["alerts"][0]["url"] == url
    assert data["alerts"][0]["explanation"]["text_en"]
    assert headers["Content-Type"].startswith("application/json")
    assert [d.status for d in Delivery.objects.filter(subscription=sub)] == ["sent", "sent"]
    assert {d.response_code for d in Delivery.objects.filter(subscription=sub)} == {200}


def test_webhook_retries_with_backoff_and_logs_every_attempt(
    edition: Any, computation: Any, rules: Any, personas: Any, webhook_receiver: Any
) -> None:
    rules["prob"].public = False
    rules["prob"].save()
    sub = subscribe(personas["ri"].user, channel="webhook", webhook_url=webhook_receiver.url)
    services.evaluate_edition(edition, notify=False)
    alert = Alert.objects.get(region__code="32.03")
    webhook_receiver.statuses = [500, 503]
    HUEY.flush()
    # the task makes one attempt and schedules the next one ``backoff(attempt)`` seconds later
    assert tasks.webhook_task(sub.pk, [alert.pk], 1)() == "retrying"
    scheduled = HUEY.scheduled()
    assert len(scheduled) == 1
    assert scheduled[0].args == (sub.pk, [alert.pk], 2)
    delay = (scheduled[0].eta - dt.datetime.now(dt.UTC).replace(tzinfo=None)).total_seconds()
    assert 0 < delay <= services.backoff(1) == 30
    assert services.backoff(2) == 60 and services.backoff(4) == 240
    HUEY.flush()
    # the worker would run the scheduled attempts; here they run one by one
    assert services.post_webhook(sub, [alert.pk], 2).status == "retrying"
    assert services.post_webhook(sub, [alert.pk], 3).status == "sent"
    log = list(Delivery.objects.filter(subscription=sub).order_by("attempt"))
    assert [(d.attempt, d.status, d.response_code) for d in log] == [
        (1, "retrying", 500),
        (2, "retrying", 503),
        (3, "sent", 200),
    ]
    assert len(webhook_receiver.requests) == 3
    assert [h["X-IKP-Delivery-Attempt"] for h, _b in webhook_receiver.requests] == ["1", "2", "3"]
    assert all(verify(sub.webhook_secret, h, b) for h, b in webhook_receiver.requests)


def test_webhook_gives_up_after_the_last_attempt(
    edition: Any, computation: Any, rules: Any, personas: Any, webhook_receiver: Any
) -> None:
    sub = subscribe(personas["ri"].user, channel="webhook", webhook_url=webhook_receiver.url)
    services.evaluate_edition(edition, notify=False)
    alert = Alert.objects.first()
    assert alert is not None
    webhook_receiver.statuses = [500]
    last = services.post_webhook(sub, [alert.pk], services.WEBHOOK_ATTEMPTS)
    assert (last.status, last.response_code, last.error) == ("failed", 500, "HTTP 500")
    webhook_receiver.close()
    unreachable = services.post_webhook(sub, [alert.pk], 1)
    assert unreachable.status == "retrying" and unreachable.response_code is None
    assert unreachable.error


def test_webhooks_never_reach_private_addresses_unless_allowed(
    edition: Any, computation: Any, rules: Any, personas: Any, webhook_receiver: Any, settings: Any
) -> None:
    """A subscriber cannot make the platform post to the loopback, a private network or cloud
    metadata: the delivery fails, logged with the reason, and the server hears nothing."""
    settings.IKP_WEBHOOK_ALLOW_PRIVATE = False
    sub = subscribe(personas["mitra"].user, channel="webhook", webhook_url=webhook_receiver.url)
    services.evaluate_edition(edition)
    assert webhook_receiver.requests == []
    deliveries = list(Delivery.objects.filter(subscription=sub))
    assert deliveries and all("non-public address" in d.error for d in deliveries)
    for url in ("http://10.1.2.3/hook", "http://169.254.169.254/latest", "http://[::1]:8/x"):
        assert services.webhook_url_problem(url) is not None, url
    assert services.webhook_url_problem("ftp://example.org/") is not None
    # the subscription form refuses what the URL itself shows, without looking names up
    assert services.webhook_url_problem("http://192.168.1.5/", resolve=False) is not None
    assert services.webhook_url_problem("http://localhost:9/", resolve=False) is not None
    assert services.webhook_url_problem("https://mitra.example/hook", resolve=False) is None
