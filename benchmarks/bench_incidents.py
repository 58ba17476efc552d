"""Validating a bulk upload of 50,000 incident reports (SYNTHETIC rows): the core's file stage
(``;`` CSV, and XLSX) followed by the one incident validation every intake path runs
(:func:`ikp.incidents.check_table`), region codes checked against the full registry (83,762
villages) with each distinct code looked up once. Target: under 10 s for 50,000 rows.

Also prints the time of one bad file (every row with an issue) to show that listing every
issue stays in the same range.

Run: .venv/bin/python benchmarks/bench_incidents.py [rows]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent))
from _common import fmt, peak_rss_mb  # noqa: E402
from ikp.framework import load_framework  # noqa: E402
from ikp.incidents import TEMPLATE_COLUMNS, IncidentRules, check_table  # noqa: E402
from ikp.regions import RegionRegistry  # noqa: E402
from ikp.validation.files import read_raw  # noqa: E402

TZ = zoneinfo.ZoneInfo("Asia/Jakarta")
SOURCES = ("pengawas", "masyarakat", "media", "mitra")


def synthetic_rows(n: int, registry: RegionRegistry, indicators: list[str], *, bad: bool = False):
    """``n`` SYNTHETIC incident rows (random places, indicators and times in 2023-2024)."""
    rng = random.Random(2024)
    villages = registry.at_level(4)
    start = dt.datetime(2023, 1, 1)
    rows = []
    for i in range(n):
        village = rng.choice(villages)
        district = village.parent or ""
        regency = district.rsplit(".", 1)[0]
        when = start + dt.timedelta(minutes=rng.randrange(0, 700_000))
        row = [
            when.strftime("%Y-%m-%d %H:%M"),
            regency.split(".")[0],
            regency,
            district,
            village.code if i % 3 == 0 else "",
            str(rng.randrange(1, 40)) if i % 2 == 0 else "",
            f"{rng.uniform(-8, 5):.5f}" if i % 4 == 0 else "",
            f"{rng.uniform(95, 140):.5f}" if i % 4 == 0 else "",
            rng.choice(indicators),
            f"L{rng.randrange(1, 4)}",
            f"DATA SINTETIS: kejadian uji nomor {i}",
            rng.choice(SOURCES),
        ]
        if bad:
            row[8] = "I99"
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    lines = [";".join(TEMPLATE_COLUMNS), *(";".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(list(TEMPLATE_COLUMNS))
    for row in rows:
        sheet.append(row)
    book.save(path)


def validate(path: Path, rules: IncidentRules) -> tuple[float, float, int, int]:
    """(file stage seconds, validation seconds, records, issues)."""
    t0 = time.perf_counter()
    raw, report = read_raw(path, max_bytes=None)
    t1 = time.perf_counter()
    assert raw is not None, str(report)
    records, found = check_table(raw.frame, rules, file=path.name)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(records), len(found)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    t = time.perf_counter()
    registry = RegionRegistry.load("current", max_level=4)
    framework = load_framework("ikp-2024")
    load = time.perf_counter() - t
    indicators = list(framework.indicators)
    rules = IncidentRules(
        registry=registry,
        indicators={c: framework.node(c).name_id for c in indicators},
        levels=tuple(lv.code for lv in framework.incidence_levels),
        now=dt.datetime.now(TZ),
        tz=TZ,
        in_scope=lambda province, regency: True,
    )
    good = synthetic_rows(n, registry, indicators)
    bad = synthetic_rows(n, registry, indicators, bad=True)
    print(f"\n== Incident bulk upload: {n:,} SYNTHETIC rows (target < 10 s) ==")
    print(f"registry (4 levels) and framework loaded once per process: {fmt(load)}")
    print(f"{'file':<34} {'read':>10} {'validate':>10} {'total':>10} {'records':>9} {'issues':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for name, rows, writer in (
            ("incidents.csv (;)", good, write_csv),
            ("incidents-bad.csv (; all rows bad)", bad, write_csv),
            ("incidents.xlsx", good, write_xlsx),
        ):
            path = Path(tmp) / name.split()[0]
            writer(path, rows)
            cases.append((name, path))
        for name, path in cases:
            read, check, records, issues = validate(path, rules)
            total = read + check
            print(
                f"{name:<34} {fmt(read):>10} {fmt(check):>10} {fmt(total):>10} "
                f"{records:>9,} {issues:>8,}"
            )
    print(f"peak memory: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
