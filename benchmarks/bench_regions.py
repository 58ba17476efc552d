"""Reading the 83,762-village region table (all four levels, 91,599 rows) into the registry,
against a straightforward pandas approach (read the CSV, build the lookup row by row).

Run: .venv/bin/python benchmarks/bench_regions.py
"""

from __future__ import annotations

import gzip
import sys
from importlib import resources
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _common import best_of, report  # noqa: E402
from ikp import regions  # noqa: E402
from ikp.regions import RegionRegistry  # noqa: E402


def baseline() -> dict[str, dict[str, object]]:
    path = resources.files("ikp").joinpath("data/regions/wilayah.csv.gz")
    with gzip.open(str(path), "rt", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str)
    lookup: dict[str, dict[str, object]] = {}
    for _, row in df.iterrows():
        lookup[row["kode"]] = {
            "name": row["nama"],
            "level": int(row["level"]),
            "parent": row["parent"],
        }
    return lookup


def ours() -> RegionRegistry:
    regions._load_registry.cache_clear()
    regions._wilayah.cache_clear()
    return RegionRegistry.load("current", max_level=4)


def main() -> None:
    reg = ours()
    counts = reg.counts
    assert list(counts.values()) == [38, 514, 7285, 83762], counts
    t_ours = best_of(ours, repeat=5)
    t_base = best_of(baseline, repeat=1, warmup=0)
    report(
        "region registry, 4 levels (38 / 514 / 7,285 / 83,762)",
        [("load all levels (cold, cache cleared)", t_ours, t_base, "fast")],
    )


if __name__ == "__main__":
    main()
