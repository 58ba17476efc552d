"""Data for the dashboard tests, built once for this test package (per xdist worker) inside a
transaction that is rolled back when the package's tests are done; each test runs in its own
savepoint within it, as usual, so tests cannot leak changes into each other. Tests of other
packages never run inside that transaction: pytest finishes a package's fixtures before it moves
on to another package.

What it builds (a subset of the seed, in about a second; the core runs are computed once per
process and stored through ``scoring.services.store_run``, as ``compute_edition`` does):
- regions of today's edition and of 2022; the IKP 2024 framework;
- ``ikp-2024-kabkota`` (SYNTHETIC): the kab/kota of Jawa Barat (32) and Banten (36); v1 with 20
  Monte Carlo runs, published; Kabupaten Bandung's (32.04) verified observations, one of which
  changes after v1; v2 computed from the changed data, NOT published;
- ``ikp-2019-kabkota`` (SYNTHETIC, another seed, Jawa Barat only): published, set as the 2024
  edition's ``previous``;
- ``ikp-2024-provinsi`` (SYNTHETIC): all 38 provinces with 20 Monte Carlo runs over every
  aggregate (``targets="all"``: dimensions have class probabilities too), published;
- ``ikp-2024-bawaslu-provinsi``: Bawaslu's published results (34 provinces of 2022);
- one user per role (the personas of tests/web/conftest.py), logged in.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from ikp.framework import load_framework
from ikp.run import compute
from ikp.sample import combine_levels, generate
from ikp.uncertainty import UncertaintySpec, run_uncertainty
from ikp_web.apps.accounts.models import Profile
from ikp_web.apps.dashboards.queries import local_cache
from ikp_web.apps.frameworks.models import Edition, FrameworkVersion
from ikp_web.apps.regions.models import Region
from ikp_web.apps.regions.services import load_regions
from ikp_web.apps.scoring.models import Computation
from ikp_web.apps.scoring.services import do_publish, load_published_2024, store_run
from ikp_web.apps.submissions.models import Observation, Submission
from ikp_web.apps.submissions.services import store_counts

PROVINCES = ("32", "36")
CHANGE = 25.0
ROLES = {
    "ri": (Profile.Role.RI, None),
    "jabar": (Profile.Role.PROVINCE, "32"),
    "bogor": (Profile.Role.REGENCY, "32.01"),
    "mitra": (Profile.Role.PARTNER, None),
    "publik": (Profile.Role.PUBLIC, None),
}
PRIVILEGED = ("ri", "jabar", "bogor", "mitra")
PUBLIC = ("publik", "anonymous")


@dataclass
class DashData:
    kab: Edition
    kab_v1: Computation
    kab_v2: Computation
    kab_2019: Edition
    prov: Edition
    prov_v1: Computation
    bawaslu: Edition
    clients: dict[str, Client]


@functools.lru_cache(maxsize=1)
def _runs() -> dict[str, Any]:
    """The core runs behind the editions, computed once per process (only the database rows
    are rebuilt for each module): the same calls ``compute_edition`` makes, on synthetic data
    from ``ikp.sample.generate``."""
    fw = load_framework("ikp-2024")
    out: dict[str, Any] = {}

    def run(counts: Any, level: str, slug: str) -> Any:
        names = dict(zip(counts["region_code"], counts["region_name"], strict=True))
        groups = {c: c.split(".")[0] for c in counts["region_code"]}
        raw = combine_levels(counts.sort_values("region_code").reset_index(drop=True), fw)
        meta = {"synthetic": True, "edition": slug}
        return compute(fw, raw, level, region_names=names, groups=groups, metadata=meta)

    kab = generate(fw, "regency", seed=2024).counts
    kab = kab[kab["region_code"].str.split(".").str[0].isin(PROVINCES)].reset_index(drop=True)
    out["kab_counts"] = kab
    out["kab_v1"] = run(kab, "regency", "ikp-2024-kabkota")
    out["kab_v1_unc"] = run_uncertainty(out["kab_v1"], UncertaintySpec(n_runs=20, seed=1))
    changed = kab.copy()
    i01 = [c for c in changed.columns if c.startswith("I01_")][0]
    changed.loc[changed["region_code"] == "32.04", i01] += CHANGE
    out["kab_v2"] = run(changed, "regency", "ikp-2024-kabkota")
    old = generate(fw, "regency", seed=2019).counts
    old = old[old["region_code"].str.startswith("32.")].reset_index(drop=True)
    out["kab_2019"] = run(old, "regency", "ikp-2019-kabkota")
    prov = generate(fw, "province", seed=2024).counts
    out["prov"] = run(prov, "province", "ikp-2024-provinsi")
    # every aggregate (not only the index) gets intervals and class probabilities here
    out["prov_unc"] = run_uncertainty(
        out["prov"], UncertaintySpec(n_runs=20, seed=1, targets="all")
    )
    out["i01_column"] = i01
    return out


def _observations(edition: Edition, counts: Any, code: str) -> Observation:
    """One region's verified observations (the raw values of its profile); returns its I01
    observation at the first incidence level."""
    store_counts(edition, counts[counts["region_code"] == code], source="DATA SINTETIS")
    sub = Submission.objects.get(edition=edition, region__code=code)
    i01 = _runs()["i01_column"]
    return Observation.objects.get(
        submission=sub, indicator_code="I01", incidence_level=i01.partition("_")[2]
    )


def build() -> DashData:
    load_regions("current")
    load_regions("2022")
    fw = load_framework("ikp-2024")
    fv = FrameworkVersion(slug="ikp-2024", version=fw.version, name=fw.name_id)
    fv.definition = fw.to_yaml()
    fv.full_clean()
    fv.save()
    runs = _runs()

    def edition(slug: str, name: str, level: str, **extra: Any) -> Edition:
        return Edition.objects.create(
            slug=slug, name=name, framework=fv, region_level=level, **extra
        )

    kab_2019 = edition(
        "ikp-2019-kabkota", "IKP 2019 kab/kota (DATA SINTETIS)", "regency", synthetic=True
    )
    do_publish(store_run(kab_2019, runs["kab_2019"]), actor=None)

    kab = edition(
        "ikp-2024-kabkota",
        "IKP 2024 kab/kota (DATA SINTETIS)",
        "regency",
        synthetic=True,
        previous=kab_2019,
    )
    obs = _observations(kab, runs["kab_counts"], "32.04")
    kab_v1 = do_publish(
        store_run(kab, runs["kab_v1"], uncertainty=runs["kab_v1_unc"], runs=20), actor=None
    )
    obs.value = (obs.value or 0) + CHANGE  # after v1: v2 is computed from the changed value
    obs.save()
    kab_v2 = store_run(kab, runs["kab_v2"])

    prov = edition(
        "ikp-2024-provinsi", "IKP 2024 provinsi (DATA SINTETIS)", "province", synthetic=True
    )
    prov_v1 = do_publish(
        store_run(prov, runs["prov"], uncertainty=runs["prov_unc"], runs=20), actor=None
    )

    bawaslu = edition(
        "ikp-2024-bawaslu-provinsi",
        "IKP 2024 provinsi — hasil resmi Bawaslu (pendekatan 1)",
        "province",
        region_edition="2022",
        kind=Edition.Kind.PUBLISHED_EXTERNAL,
        source="Bawaslu RI, 16 Dec 2022",
    )
    load_published_2024(bawaslu)

    clients: dict[str, Client] = {}
    user_model = get_user_model()
    for name, (role, region_code) in ROLES.items():
        user = user_model.objects.create_user(username=f"dash-{name}", password="x-password-123")
        region = Region.objects.get(edition="current", code=region_code) if region_code else None
        Profile.objects.create(user=user, role=role, region=region)
        client = Client()
        client.force_login(user)
        clients[name] = client
    clients["anonymous"] = Client()
    return DashData(kab, kab_v1, kab_v2, kab_2019, prov, prov_v1, bawaslu, clients)


@pytest.fixture(scope="package")
def dash(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DashData]:
    cache.clear()
    local_cache.clear()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
    cache.clear()
    local_cache.clear()


@pytest.fixture()
def d(dash: DashData, db: Any) -> DashData:
    """The module's data, inside a per-test savepoint."""
    return dash
