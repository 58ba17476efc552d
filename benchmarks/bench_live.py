"""The live index (issue 8): how fast verified incidents reach the live result.

1. Aggregation (pure core, :func:`ikp.live.incident_counts`): 200,000 SYNTHETIC incidents
   (514 kab/kota, 61 indicators, 3 levels, all in the window) counted inside a 90-day window
   per region × indicator × level and weighted. Goal: < 1 s.
2. End to end (Django, a fresh SQLite database in a temporary directory, or the PostgreSQL
   server when ``--postgres`` is given: database ``ikp_live_bench``, dropped and re-created): a
   published SYNTHETIC computation of all 514 kab/kota, 200,000 verified incidents in the
   database, then one report verified through the review service; timed from the start of the
   review to the refreshed live run stored (read the verified incidents, count, compute on the
   published scale, store 514 results with contributions and incident ids). The first refresh
   of a worker process also replays the published recipe (printed apart: "cold"). Goal: < 3 s;
   the debounce delay (``IKP_LIVE_DELAY``, default 1 s) comes on top and is printed too.
3. The share of the refresh that the live results of every dimension and sub-dimension cost
   (``LiveResult.nodes``): the comparison of the index alone against that of all 17 aggregate
   nodes plus their JSON, on the same live run, and the stored JSON's size.

Run: .venv/bin/python benchmarks/bench_live.py [incidents] [--postgres]
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from _common import best_of, fmt, peak_rss_mb  # noqa: E402
from _web import setup_django as common_setup_django  # noqa: E402
from _web import synthetic_regency_edition  # noqa: E402

N_DEFAULT = 200_000
PG_URL = "postgres://postgres@127.0.0.1:5432/ikp_live_bench"


def synthetic_incidents(n: int, regions: list[str], framework, now: dt.datetime) -> pd.DataFrame:
    """``n`` SYNTHETIC incidents: random region, indicator and level, times over the last 89
    days (all inside the 90-day window)."""
    rng = np.random.default_rng(2024)
    levels = list(framework.incidence_weights())
    return pd.DataFrame(
        {
            "region_code": np.asarray(regions, dtype=object)[rng.integers(len(regions), size=n)],
            "indicator_code": np.asarray(framework.indicators, dtype=object)[
                rng.integers(len(framework.indicators), size=n)
            ],
            "incidence_level": np.asarray(levels, dtype=object)[rng.integers(len(levels), size=n)],
            "occurred_at": pd.Timestamp(now)
            - pd.to_timedelta(rng.integers(0, 89 * 24 * 60, size=n), unit="min"),
        }
    )


def bench_aggregation(n: int) -> None:
    from ikp.framework import load_framework
    from ikp.live import Window, incident_counts
    from ikp.regions import RegionRegistry

    fw = load_framework("ikp-2024")
    regions = [r.code for r in RegionRegistry.load("current", max_level=2).at_level(2)]
    now = dt.datetime.now(dt.UTC)
    frame = synthetic_incidents(n, regions, fw, now)
    window = Window.last(90, now)
    seconds = best_of(lambda: incident_counts(frame, fw, regions, window), repeat=5)
    got = incident_counts(frame, fw, regions, window)
    print(f"\n== Live index: aggregation of {n:,} SYNTHETIC incidents (goal < 1 s) ==")
    print(
        f"{len(regions)} kab/kota × {len(fw.indicators)} indicators × {len(got.levels)} levels, "
        f"{got.n_in_window:,} in the 90-day window"
    )
    print(f"incident_counts (median of 5): {fmt(seconds)}   goal ratio {1.0 / seconds:.1f}x")


def setup_django(postgres: bool, var_dir: str) -> None:
    common_setup_django(postgres, var_dir, PG_URL.rsplit("/", 1)[1])


def bench_end_to_end(n: int, postgres: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    from ikp.run import compute
    from ikp.sample import combine_levels, generate
    from ikp_web.apps.accounts.models import Profile
    from ikp_web.apps.core.bulk import insert_rows
    from ikp_web.apps.incidents import services as incident_services
    from ikp_web.apps.incidents.models import Incident
    from ikp_web.apps.live import services as live
    from ikp_web.apps.live.models import LiveRun
    from ikp_web.apps.regions.models import Region
    from ikp_web.apps.scoring.services import do_publish, method_steps, store_run

    HUEY.immediate = True  # the task runs in this process, as a worker would
    t = time.perf_counter()
    fw, edition = synthetic_regency_edition()
    counts = generate(fw, "regency", seed=2024).counts.sort_values("region_code")
    counts = counts.reset_index(drop=True)
    names = dict(zip(counts["region_code"], counts["region_name"], strict=True))
    groups = {c: c.split(".")[0] for c in counts["region_code"]}
    run = compute(
        fw,
        combine_levels(counts, fw),
        "regency",
        steps=method_steps(edition, None),
        region_names=names,
        groups=groups,
        metadata={"synthetic": True, "edition": edition.slug},
    )
    comp = do_publish(store_run(edition, run), actor=None)
    regencies = {
        r.code: (r.pk, r.parent_id)
        for r in Region.objects.filter(edition="current", level=2).only("pk", "code", "parent")
    }
    now = timezone.now()
    frame = synthetic_incidents(n, sorted(regencies), fw, now)
    fields = (
        "edition", "occurred_at", "province", "regency", "district_code", "village_code",
        "indicator_code", "incidence_level", "description", "source_type", "via",
        "contact_name", "contact_phone", "contact_email", "status", "created", "updated",
        "synthetic",
    )  # fmt: skip
    with transaction.atomic():
        insert_rows(
            Incident,
            fields,
            (
                (
                    edition.pk,
                    when.to_pydatetime(),
                    regencies[code][1],
                    regencies[code][0],
                    "",
                    "",
                    ind,
                    lv,
                    "DATA SINTETIS",
                    "pengawas",
                    "upload",
                    "",
                    "",
                    "",
                    "verified",
                    now,
                    now,
                    True,
                )  # fmt: skip
                for code, ind, lv, when in frame.itertuples(index=False)
            ),
        )
    user = get_user_model().objects.create_user(username="bench-ri", password="x-password-123")
    Profile.objects.create(user=user, role=Profile.Role.RI)
    # another officer reports (nobody verifies their own report: four-eyes)
    reporter = get_user_model().objects.create_user(username="bench-lapor", password="x-pw-123")
    Profile.objects.create(user=reporter, role=Profile.Role.RI)
    setup = time.perf_counter() - t
    db = "PostgreSQL" if postgres else "SQLite"
    print(f"\n== Live index: verification → refreshed live result, 514 kab/kota ({db}) ==")
    print(f"setup (regions, published computation, {n:,} verified incidents): {fmt(setup)}")

    def one_verification() -> float:
        values = {
            "occurred_at": timezone.localtime(now - dt.timedelta(days=1)).strftime(
                "%Y-%m-%d %H:%M"
            ),
            "province_code": "32",
            "regency_code": "32.01",
            "indicator_code": "I05",
            "incidence_level": "L3",
            "description": "DATA SINTETIS: verifikasi uji",
            "source_type": "pengawas",
        }
        records, found = incident_services.check(edition, reporter, [(None, values)])
        assert found.ok, str(found)
        incident = incident_services.store(edition, records, reporter=reporter)[0]
        before = LiveRun.objects.count()
        start = time.perf_counter()
        with transaction.atomic():  # the refresh runs once this commits
            incident_services.review(incident, "verify", "cek lapangan", actor=user)
        took = time.perf_counter() - start
        assert LiveRun.objects.count() == before + 1 or before >= live.KEEP_RUNS
        return took

    cold = one_verification()
    warm = sorted(one_verification() for _ in range(3))[1]
    latest = live.latest_run(edition)
    assert latest is not None and latest.based_on_id == comp.pk
    delay = live.delay_seconds()
    print(f"incidents counted in the window: {latest.n_incidents:,}")
    print(f"cold (first refresh of a worker: replays the published recipe): {fmt(cold)}")
    print(f"warm (median of 3): {fmt(warm)}   of which the refresh {fmt(latest.seconds)}")
    print(
        f"with the debounce delay ({delay:g} s): {fmt(warm + delay)}   "
        f"goal < 3 s, ratio {3.0 / (warm + delay):.1f}x (without the delay {3.0 / warm:.1f}x)"
    )
    bench_nodes(comp, edition)


def cpu_of(func, repeat: int = 5) -> float:
    """Median process CPU time in seconds over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return sorted(times)[repeat // 2]


def bench_nodes(comp, edition) -> None:
    import json

    from ikp.live import (
        Window,
        compare_live,
        compare_live_nodes,
        incident_counts,
        live_inputs,
        live_run,
    )
    from ikp_web.apps.live import services as live

    published = live.published_run(comp)
    frame = live.verified_incidents(edition, Window())
    counts = incident_counts(frame, published.framework, published.data["raw"].regions, Window())
    run = live_run(published, live_inputs(published.data["raw"], counts.weighted))
    root = published.framework.root
    index_only = best_of(lambda: compare_live(published, run), repeat=5)

    def every_node() -> None:
        tables = compare_live_nodes(published, run, decimals=live.DECIMALS)
        tables.pop(root)
        for one in live.node_json(tables):
            json.dumps(one)  # as insert_rows serialises it

    nodes = best_of(every_node, repeat=5)
    cpu_index, cpu_nodes = cpu_of(lambda: compare_live(published, run)), cpu_of(every_node)
    tables = compare_live_nodes(published, run, decimals=live.DECIMALS)
    tables.pop(root)
    size = sum(len(json.dumps(d)) for d in live.node_json(tables))
    print(f"\n== Live index: every dimension and sub-dimension ({len(tables)} nodes + index) ==")
    print(f"compare, index only (median of 5): {fmt(index_only)}")
    print(
        f"compare, every aggregate node + nodes JSON serialised (median of 5): {fmt(nodes)}   "
        f"ratio {nodes / index_only:.1f}x, {fmt(nodes - index_only)} more per refresh"
    )
    print(
        f"CPU time (less sensitive to a shared machine's load): index only {fmt(cpu_index)}, "
        f"every node + JSON {fmt(cpu_nodes)}, {fmt(cpu_nodes - cpu_index)} more per refresh"
    )
    print(
        f"nodes JSON stored per refresh: {size / 1e6:.2f} MB ({size / len(run.data['raw'].regions):,.0f} bytes per region)"
    )


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else N_DEFAULT
    postgres = "--postgres" in sys.argv
    bench_aggregation(n)
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(postgres, var_dir)
        bench_end_to_end(n, postgres)
    print(f"peak memory: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
