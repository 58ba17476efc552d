"""Incident fixtures: the personas and edition of ``tests/web/conftest.py``, a valid report
(Kabupaten Bogor, I01 at level L2) and a helper storing checked reports."""

from __future__ import annotations

from typing import Any

import pytest

from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import services
from ikp_web.apps.incidents.models import Incident


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> None:
    """Tests post many public reports from one address; the rate-limit test sets its own."""
    settings.IKP_PUBLIC_REPORT_RATE = {"burst": 0, "per_hour": 0}


def report(**changes: Any) -> dict[str, Any]:
    """A valid incident report in Kabupaten Bogor; ``changes`` override fields."""
    values = {
        "occurred_at": "2024-01-10 09:30",
        "province_code": "32",
        "regency_code": "32.01",
        "district_code": "32.01.01",
        "indicator_code": "I01",
        "incidence_level": "L2",
        "description": "Pengerahan massa di depan kantor KPU kabupaten (uji).",
        "source_type": "pengawas",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def stored(edition: Edition, user: Any, **changes: Any) -> Incident:
    records, found = services.check(edition, user, [(None, report(**changes))])
    assert found.ok, str(found)
    return services.store(edition, records, reporter=user)[0]


@pytest.fixture()
def make_incident(edition: Edition) -> Any:
    def make(user: Any, **changes: Any) -> Incident:
        return stored(edition, user, **changes)

    return make
