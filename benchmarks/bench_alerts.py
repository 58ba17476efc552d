"""Evaluating every alert rule for all 552 regions (38 provinces and 514 kab/kota): the pure
core evaluator (:func:`ikp.alert_rules.evaluate`) over a SYNTHETIC region-state table (index,
4 dimensions and 12 sub-dimensions per region: 9,384 rows) and 50,000 SYNTHETIC verified
incidents over a year, with 20 rules (each kind on several components). Target: under 0.5 s.

Run: .venv/bin/python benchmarks/bench_alerts.py [incidents]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _common import best_of, fmt, peak_rss_mb  # noqa: E402
from ikp.alert_rules import Rule, evaluate  # noqa: E402
from ikp.framework import load_framework  # noqa: E402
from ikp.regions import RegionRegistry  # noqa: E402

AT = dt.datetime(2024, 2, 10, 12, 0)
CLASSES = ("rendah", "sedang", "tinggi")


def states(regions: list[tuple[str, str]], components: list[str]) -> pd.DataFrame:
    rng = random.Random(2024)
    rows = []
    for code, parent in regions:
        for comp in components:
            published = rng.uniform(0, 100)
            current = min(100.0, max(0.0, published + rng.gauss(0, 8)))
            p_high = rng.random()
            rows.append(
                (code, parent, comp, published, CLASSES[int(published // 34)], current,
                 CLASSES[int(current // 34)], p_high, (1 - p_high) / 2, (1 - p_high) / 2)
            )  # fmt: skip
    cols = ["region_code", "parent_code", "component", "published_score", "published_class"]
    cols += ["current_score", "current_class", "prob_tinggi", "prob_sedang", "prob_rendah"]
    return pd.DataFrame(rows, columns=cols)


def incidents(regencies: list[tuple[str, str]], indicators: list[str], n: int) -> pd.DataFrame:
    rng = random.Random(8)
    rows = []
    for i in range(n):
        code, parent = rng.choice(regencies)
        when = AT - dt.timedelta(minutes=rng.randrange(0, 525_600))
        rows.append((i + 1, code, parent, rng.choice(indicators), when))
    cols = ["incident_id", "region_code", "province_code", "indicator_code", "occurred_at"]
    return pd.DataFrame(rows, columns=cols)


def rules(subdimensions: list[str], dimensions: list[str]) -> list[Rule]:
    out = [
        Rule(slug="sedang-tinggi", kind="class_transition", params={"from_classes": ["sedang"]}),
        Rule(slug="rendah-sedang", kind="class_transition", params={"to_class": "sedang"}),
        Rule(slug="naik-10", kind="score_rise", params={"points": 10}),
        Rule(slug="p-tinggi", kind="prob_threshold", params={"threshold": 0.8}),
    ]
    for d in dimensions:
        out.append(Rule(slug=f"naik-{d}", kind="score_rise", component=d, params={"points": 15}))
    for s in subdimensions:
        out.append(
            Rule(slug=f"spike-{s}", kind="spike", component=s,
                 params={"min_count": 5, "rate_factor": 2.0, "window_days": 7})
        )  # fmt: skip
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    registry = RegionRegistry.load("current", max_level=2)
    provinces = [(r.code, "") for r in registry.at_level(1)]
    regencies = [(r.code, r.parent or "") for r in registry.at_level(2)]
    regions = provinces + regencies
    framework = load_framework("ikp-2024")
    components = [framework.root, *framework.at_level(3), *framework.at_level(2)]
    mapping = {c: framework.indicators_under(c) for c in framework.nodes}
    children = {c: framework.children(c) for c in framework.nodes}
    table = states(regions, components)
    events = incidents(regencies, list(framework.indicators), n)
    all_rules = rules(list(framework.at_level(2)), list(framework.at_level(3)))

    def run() -> list:
        return evaluate(
            all_rules,
            table,
            events,
            at=AT,
            component_indicators=mapping,
            component_children=children,
        )

    fired = run()
    seconds = best_of(run)
    print(f"regions {len(regions)} · state rows {len(table):,} · incidents {len(events):,}")
    print(f"rules {len(all_rules)} · triggered {len(fired):,}")
    print(f"evaluate all rules: {fmt(seconds)} (median of 5; target < 0.5 s)")
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
