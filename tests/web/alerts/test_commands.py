"""The management commands: ``ikp_evaluate_alerts`` and ``ikp_send_alert_digest``."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from ikp_web.apps.alerts.models import Alert


def test_evaluate_command(edition: Any, computation: Any, rules: Any) -> None:
    out = StringIO()
    call_command("ikp_evaluate_alerts", "--edition", edition.slug, "--no-notify", stdout=out)
    assert "ikp-2024-kabkota: 2 new alert(s)" in out.getvalue()
    assert Alert.objects.count() == 2
    call_command("ikp_evaluate_alerts", stdout=out)
    assert Alert.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("ikp_evaluate_alerts", "--edition", "tidak-ada")


def test_digest_command(db: Any) -> None:
    out = StringIO()
    call_command("ikp_send_alert_digest", stdout=out)
    assert "0 digest(s) sent, 0 failed" in out.getvalue()
