"""API fixtures: a small platform built through the services once for this test package (per
xdist worker, again whenever a worker comes back to the package after running other tests), and
removed when the worker leaves the package, so other tests see an empty database.

- ``ikp-2024-kabkota``: SYNTHETIC, kabupaten/kota, data for Jawa Barat's 27 kab/kota only,
  v1 computed (20 Monte Carlo runs) and published;
- ``ikp-2024-provinsi``: SYNTHETIC, 38 provinces, v1 published, v2 computed but NOT published;
- ``ikp-2024-kabkota-draf``: SYNTHETIC, Jawa Barat, v1 computed, nothing published;
- ``ikp-2024-bawaslu-provinsi``: Bawaslu's published IKP 2024 province results (2022 codes);
- ``ikp-2028-kabkota``: an edition with no data at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from ikp.framework import load_framework
from ikp.sample import generate
from ikp_web.apps.api.models import ApiToken
from ikp_web.apps.core.models import AuditLog, Job
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.regions.models import Region
from ikp_web.apps.regions.services import load_regions
from ikp_web.apps.scoring.models import Computation, Result
from ikp_web.apps.scoring.services import compute_edition, do_publish, load_published_2024
from ikp_web.apps.submissions.models import Observation, Submission
from ikp_web.apps.submissions.services import store_counts

SYNTHETIC_SOURCE = "DATA SINTETIS — bukan data Bawaslu (uji API)"


@dataclass
class ApiData:
    kabkota: Edition
    provinsi: Edition
    draft: Edition
    bawaslu: Edition
    empty: Edition


def _observations(edition: Edition, framework: Any, province: str | None = None) -> None:
    counts = generate(framework, edition.region_level, seed=2024).counts
    if province is not None:
        counts = counts[counts["region_code"].str.startswith(province + ".")]
    store_counts(edition, counts, source=SYNTHETIC_SOURCE)


def build_api_data() -> ApiData:
    load_regions("current")
    load_regions("2022")
    fw = load_framework("ikp-2024")
    stored = FrameworkVersion(slug="ikp-2024", version=fw.version, name=fw.name_id)
    stored.definition = fw.to_yaml()
    stored.full_clean()
    stored.save()

    def edition(slug: str, level: str, **extra: Any) -> Edition:
        defaults = {"synthetic": True, "source": SYNTHETIC_SOURCE}
        return Edition.objects.create(
            slug=slug,
            name=slug,
            framework=stored,
            region_level=level,
            **{**defaults, **extra},
        )

    kabkota = edition("ikp-2024-kabkota", "regency")
    _observations(kabkota, fw, province="32")
    do_publish(compute_edition(kabkota, runs=20), actor=None)

    provinsi = edition("ikp-2024-provinsi", "province")
    _observations(provinsi, fw)
    do_publish(compute_edition(provinsi, runs=20), actor=None)
    compute_edition(provinsi, runs=0)  # v2, not published

    draft = edition("ikp-2024-kabkota-draf", "regency")
    _observations(draft, fw, province="32")
    compute_edition(draft, runs=0)

    bawaslu = edition(
        "ikp-2024-bawaslu-provinsi",
        "province",
        synthetic=False,
        region_edition="2022",
        kind=Edition.Kind.PUBLISHED_EXTERNAL,
        source="Bawaslu RI, 16 Dec 2022",
    )
    load_published_2024(bawaslu)
    empty = edition("ikp-2028-kabkota", "regency", synthetic=False, source="")
    return ApiData(kabkota, provinsi, draft, bawaslu, empty)


def remove_api_data() -> None:
    Result.objects.all().delete()
    Computation.objects.all().delete()
    Observation.objects.all().delete()
    Submission.objects.all().delete()
    Edition.objects.all().delete()
    FrameworkVersion.objects.all().delete()
    Region.objects.filter(parent__isnull=False).delete()
    Region.objects.all().delete()
    Job.objects.all().delete()
    AuditLog.objects.all().delete()
    ApiToken.objects.all().delete()


@pytest.fixture(scope="package")
def api_data(django_db_setup: Any, django_db_blocker: Any) -> Iterator[ApiData]:
    with django_db_blocker.unblock():
        remove_api_data()
        data = build_api_data()
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            remove_api_data()


@pytest.fixture()
def regions(api_data: ApiData, db: Any) -> None:
    """Overrides the web conftest's fixture: the regions come with ``api_data``."""


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
