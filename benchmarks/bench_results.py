"""Writing results (issue 7): wall time of :func:`ikp.io.results.write_results` for each format
and for all four, on the synthetic kab/kota run (514 regions × 83 nodes), in this process; the
XLSX line also times the previous writer (openpyxl's write-only mode) as the baseline.

Run: .venv/bin/python benchmarks/bench_results.py [--repeat 3]
Target: all four formats < 2 s of the ``ikp compute --sample --out DIR`` wall time (see
bench_cli.py for the whole command as a fresh process). Figures on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _common import best_of, fmt, peak_rss_mb  # noqa: E402
from ikp.framework import load_framework  # noqa: E402
from ikp.io import results  # noqa: E402
from ikp.io.xlsx import write_xlsx  # noqa: E402
from ikp.run import IndexRun, compute  # noqa: E402
from ikp.sample import generate  # noqa: E402


def openpyxl_xlsx(path: Path, sheets: dict[str, list[tuple[object, ...]]]) -> None:
    """The writer used before: openpyxl in write-only mode, a row at a time."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)


def xlsx_against_openpyxl(run: IndexRun, out: Path, repeat: int) -> None:
    """The same rows (index and long table) through write_xlsx and through openpyxl."""
    full = results.results_table(run)
    index = results.index_table(run, full=full)
    sheets: dict[str, list[Any]] = {
        "indeks": list(results._sheet_rows(index)),
        "long": list(results._sheet_rows(full)),
    }
    ours = best_of(lambda: write_xlsx(out / "a.xlsx", sheets), repeat=repeat)
    theirs = best_of(lambda: openpyxl_xlsx(out / "b.xlsx", sheets), repeat=1)
    cells = sum(len(r) for rows in sheets.values() for r in rows)
    label = f"{cells:,} cells: write_xlsx | openpyxl write-only"
    print(f"{label:<44} {fmt(ours):>10} {fmt(theirs):>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fw = load_framework("ikp-2024")
    sample = generate(fw, "regency", seed=2024)
    run = compute(fw, sample.values, "regency", region_names=sample.region_names)
    print("\n== write_results, synthetic kab/kota run (median wall; shared machine: noisy) ==")
    print(f"{'what':<44} {'wall':>10} {'baseline':>10}")
    with tempfile.TemporaryDirectory(prefix="bench-results-") as tmp:
        out = Path(tmp)
        for formats in (["csv"], ["xlsx"], ["json"], ["parquet"], list(results.FORMATS)):
            seconds = best_of(
                lambda f=formats: results.write_results(run, out, formats=f),  # type: ignore[misc]
                repeat=args.repeat,
            )
            label = "all four" if len(formats) > 1 else formats[0]
            print(f"{'write_results: ' + label + ' (+ recipe)':<44} {fmt(seconds):>10}")
        xlsx_against_openpyxl(run, out, args.repeat)
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
