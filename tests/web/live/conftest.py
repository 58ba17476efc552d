"""Live index fixtures: the edition of ``tests/web/conftest.py`` with a published synthetic
computation of the kab/kota of Jawa Barat and Banten, and helpers to report and verify
incidents (recent ones, inside the default 90-day window)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pytest
from django.utils import timezone

from ikp.framework import load_framework
from ikp.run import IndexRun, compute
from ikp.sample import combine_levels, generate
from ikp_web.apps.frameworks.models import Edition
from ikp_web.apps.incidents import services as incidents
from ikp_web.apps.incidents.models import Incident
from ikp_web.apps.scoring.models import Computation
from ikp_web.apps.scoring.services import do_publish, store_run

PROVINCES = ("32", "36")


@functools.lru_cache(maxsize=1)
def published_core_run() -> IndexRun:
    fw = load_framework("ikp-2024")
    counts = generate(fw, "regency", seed=2024).counts
    counts = counts[counts["region_code"].str.split(".").str[0].isin(PROVINCES)]
    counts = counts.sort_values("region_code").reset_index(drop=True)
    names = dict(zip(counts["region_code"], counts["region_name"], strict=True))
    groups = {c: c.split(".")[0] for c in counts["region_code"]}
    raw = combine_levels(counts, fw)
    meta = {"synthetic": True, "edition": "ikp-2024-kabkota"}
    return compute(fw, raw, "regency", region_names=names, groups=groups, metadata=meta)


@pytest.fixture()
def published(edition: Edition) -> Computation:
    return do_publish(store_run(edition, published_core_run()), actor=None)


def report(edition: Edition, user: Any, *, days_ago: float = 2, **changes: Any) -> Incident:
    when = timezone.localtime(timezone.now() - dt.timedelta(days=days_ago))
    values = {
        "occurred_at": when.strftime("%Y-%m-%d %H:%M"),
        "province_code": "32",
        "regency_code": "32.01",
        "district_code": "32.01.01",
        "indicator_code": "I05",
        "incidence_level": "L3",
        "description": "Intimidasi terhadap pengawas TPS (uji).",
        "source_type": "pengawas",
        **changes,
    }
    records, found = incidents.check(edition, user, [(None, values)])
    assert found.ok, str(found)
    return incidents.store(edition, records, reporter=user)[0]


def verify(incident: Incident, user: Any, capture: Any) -> None:
    """Verify ``incident`` and run what waits for the commit (the live refresh)."""
    with capture(execute=True):
        incidents.review(incident, "verify", "cek lapangan", actor=user)


@pytest.fixture()
def verified(
    edition: Edition, published: Computation, personas: Any, django_capture_on_commit_callbacks: Any
) -> Incident:
    """One verified report in Kabupaten Bogor (I05, L3) by its office, verified by the province
    office; its live refresh done."""
    incident = report(edition, personas["bogor"].user)
    verify(incident, personas["jabar"].user, django_capture_on_commit_callbacks)
    return incident
