"""Alert fixtures: a published computation of the test edition (index and D1.S1 results for
the kab/kota of Jawa Barat, with class probabilities), one rule of each kind, verified incidents,
and a local SMTP server and HTTP receiver for deliveries."""

from __future__ import annotations

import datetime as dt
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
        for node, level in (("IKP", 4), ("D1.S1", 2)):
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
