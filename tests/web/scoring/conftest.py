"""Fixtures for computing and publishing, built once for the package through the services (and
removed afterwards; each test runs in a transaction that is rolled back):

- ``ikp-2024-kabkota`` (``data_edition``): SYNTHETIC, kabupaten/kota, verified data for Jawa
  Barat's 27 kab/kota from ``ikp.sample``, never computed;
- ``ikp-2024-kabkota-uji`` (``computed``): the same data, v1 computed with 20 Monte Carlo runs
  (kept small to stay fast), not published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
import pytest

from ikp.framework import load_framework
from ikp.sample import generate
from ikp_web.apps.core.models import AuditLog, Job
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.regions.models import Region
from ikp_web.apps.regions.services import load_regions
from ikp_web.apps.scoring.models import Computation, Result
from ikp_web.apps.scoring.services import compute_edition
from ikp_web.apps.submissions.models import Observation, Submission
from ikp_web.apps.submissions.services import store_counts

Persona = Any  # tests/web/conftest.py's Persona (name, user, client)
RUNS = 20
SOURCE = "DATA SINTETIS — bukan data Bawaslu (uji hitung)"


@lru_cache(maxsize=1)
def _jabar_counts() -> pd.DataFrame:
    sample = generate(load_framework("ikp-2024"), "regency", seed=2024)
    counts = sample.counts
    return counts[counts["region_code"].str.startswith("32.")].reset_index(drop=True)


def add_observations(
    edition: Edition, *, status: str = "verified", scale: dict[str, float] | None = None
) -> int:
    """Observations for Jawa Barat's kab/kota in ``status``; ``scale`` multiplies every count of
    the regions it names (a corrected data set). Returns the number of submissions."""
    counts = _jabar_counts()
    Observation.objects.filter(submission__edition=edition).delete()
    for code, factor in (scale or {}).items():
        values = [c for c in counts.columns if c not in ("synthetic", "region_code", "region_name")]
        counts.loc[counts["region_code"] == code, values] *= factor
    return store_counts(edition, counts, status=status, source=SOURCE)


@dataclass
class ScoringData:
    framework: FrameworkVersion
    fresh: Edition
    computed_edition: Edition
    v1: int  # pk of the computed edition's v1


def _remove() -> None:
    Result.objects.all().delete()
    Computation.objects.all().delete()
    Observation.objects.all().delete()
    Submission.objects.all().delete()
    Edition.objects.all().delete()
    FrameworkVersion.objects.all().delete()
    Job.objects.all().delete()
    AuditLog.objects.all().delete()
    Region.objects.filter(parent__isnull=False).delete()
    Region.objects.all().delete()


def _build() -> ScoringData:
    load_regions("current")
    fw = load_framework("ikp-2024")
    stored = FrameworkVersion.objects.create(
        slug="ikp-2024", version=fw.version, name=fw.name_id, definition=fw.to_yaml()
    )

    def edition(slug: str) -> Edition:
        e = Edition.objects.create(
            slug=slug,
            name=f"IKP 2024 kab/kota ({slug})",
            framework=stored,
            region_level="regency",
            synthetic=True,
            source=SOURCE,
        )
        add_observations(e)
        return e

    fresh = edition("ikp-2024-kabkota")
    computed = edition("ikp-2024-kabkota-uji")
    v1 = compute_edition(computed, runs=RUNS)
    Job.objects.all().delete()
    AuditLog.objects.all().delete()
    return ScoringData(stored, fresh, computed, v1.pk)


@pytest.fixture(scope="package")
def scoring_data(django_db_setup: Any, django_db_blocker: Any) -> Iterator[ScoringData]:
    with django_db_blocker.unblock():
        _remove()
        data = _build()
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            _remove()


@pytest.fixture()
def regions(scoring_data: ScoringData, db: Any) -> None:
    """Overrides the web conftest's fixture: the regions come with ``scoring_data``."""


@pytest.fixture()
def framework_version(scoring_data: ScoringData, db: Any) -> FrameworkVersion:
    return FrameworkVersion.objects.get(pk=scoring_data.framework.pk)


@pytest.fixture()
def edition(scoring_data: ScoringData, db: Any) -> Edition:
    return Edition.objects.get(pk=scoring_data.fresh.pk)


@pytest.fixture()
def data_edition(edition: Edition) -> Edition:
    """ikp-2024-kabkota: SYNTHETIC, verified data for Jawa Barat's 27 kab/kota, no computation."""
    return edition


@pytest.fixture()
def computed(scoring_data: ScoringData, db: Any) -> Computation:
    """v1 of ikp-2024-kabkota-uji, computed with 20 Monte Carlo runs, not published."""
    return Computation.objects.select_related("edition").get(pk=scoring_data.v1)


@pytest.fixture()
def compute(computed: Computation) -> Callable[..., Computation]:
    """Compute the next version of the computed edition (``runs`` default 20)."""

    def run(runs: int = RUNS, **kwargs: Any) -> Computation:
        return compute_edition(computed.edition, runs=runs, **kwargs)

    return run
