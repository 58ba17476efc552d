"""Alert fixtures: a published computation of the test edition (IKP, D1 and D1.S1 results for
the kab/kota of Jawa Barat, with class probabilities), one rule of each kind, verified incidents,
and a local SMTP server and HTTP receiver for deliveries."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone
from tests.web.incidents.conftest import stored

from ikp_web.apps.alerts.models import AlertRule
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import services as incident_services
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Computation, Result

#: kab/kota of Jawa Barat with their published index score, class and P(tinggi)
SCORES = {
    "32.01": (55.0, "sedang", 0.8),
    "32.02": (30.0, "rendah", 0.05),
    "32.03": (80.0, "tinggi", 0.9),
    "32.04": (45.0, "sedang", 0.3),
}


@pytest.fixture()
def computation(edition: Edition, personas: Any) -> Computation:
    comp = Computation.objects.create(
        edition=edition,
        status=Computation.Status.DONE,
        published=True,
        published_at=timezone.now(),
    )
    regions = {r.code: r for r in Region.objects.filter(edition="current", code__in=SCORES)}
    rows = []
    for code, (score, klass, p_high) in SCORES.items():
        probs = {"rendah": round((1 - p_high) / 2, 3), "sedang": round((1 - p_high) / 2, 3)}
        probs["tinggi"] = p_high
        for node, level in (("IKP", 4), ("D1", 3), ("D1.S1", 2)):
            rows.append(
                Result(
                    computation=comp,
                    region=regions[code],
                    node_code=node,
                    level=level,
                    score=score,
                    klass=klass,
                    class_probabilities=probs,
                )
            )
    Result.objects.bulk_create(rows)
    return comp


def make_rule(slug: str, kind: str, **fields: Any) -> AlertRule:
    params = fields.pop("params", {})
    return AlertRule.objects.create(slug=slug, name=slug, kind=kind, params=params, **fields)


@pytest.fixture()
def rules(db: Any) -> dict[str, AlertRule]:
    return {
        "class": make_rule(
            "sedang-ke-tinggi", "class_transition", params={"from_classes": ["sedang"]}
        ),
        "rise": make_rule("naik-10-poin", "score_rise", params={"points": 10}),
        "spike": make_rule(
            "keamanan-3-kejadian",
            "spike",
            component="D1.S1",
            params={"min_count": 2, "window_days": 7},
        ),
        "prob": make_rule("p-tinggi-75", "prob_threshold", params={"threshold": 0.75}, public=True),
    }


def recent(days: float = 1) -> str:
    """A report time ``days`` ago, as the report form takes it (WIB)."""
    when = timezone.localtime(timezone.now() - dt.timedelta(days=days))
    return when.strftime("%Y-%m-%d %H:%M")


@pytest.fixture()
def verified(edition: Edition, personas: Any) -> Any:
    """Store and verify an incident (by Bawaslu RI); returns it."""

    def make(**changes: Any) -> Any:
        incident = stored(edition, personas["bogor"].user, **changes)
        return incident_services.review(incident, "verify", actor=personas["ri"].user)

    return make


# --------------------------------------------------------------------------- local servers


class _Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def smtp_server(settings: Any) -> Iterator[_Inbox]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd), and Django's SMTP backend pointed at it."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "ikp@bawaslu.test"
    try:
        yield inbox
    finally:
        controller.stop()


class Receiver:
    """A local HTTP server receiving webhooks; answers with ``statuses`` in turn (then 200)."""

    def __init__(self) -> None:
        self.requests: list[tuple[Any, bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append((self.headers, body))  # case-insensitive names
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def webhook_receiver(settings: Any) -> Iterator[Receiver]:
    # the receiver listens on the loopback, which webhooks may reach only when allowed
    settings.IKP_WEBHOOK_ALLOW_PRIVATE = True
    receiver = Receiver()
    try:
        yield receiver
    finally:
        receiver.close()
