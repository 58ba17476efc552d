"""TPS rawan at national scale (issue 9): load + validate + aggregate the 820,161-TPS wide CSV
to all four levels (desa, kecamatan, kab/kota, province) and the nation, with ikp.tps (polars),
against a naive pandas baseline (read_csv + one group-by per level) in the same run.

The SYNTHETIC national list is generated once into a temporary folder (not timed). Each timed
run is a fresh subprocess, so its peak memory (ru_maxrss, which includes the interpreter and
the imported libraries) belongs to that pipeline alone; the time covers reading the file to
having every table, not the imports, once in the fresh process and once more (warm). The
machine is shared: wall times move with its load (printed), CPU seconds much less. The baseline does less work than ikp: it validates nothing
(unknown villages, duplicate TPS, spellings) and computes no variables, shares or top
indicators. Targets (issue 9): < 1.5 s and < 1 GB.

Run: .venv/bin/python benchmarks/bench_tps.py [--repeat 3] [--tps 820161]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import fmt, report  # noqa: E402

LEVEL_WIDTHS = {"village": 13, "district": 8, "regency": 5, "province": 2}


def run_ikp(path: str) -> dict[str, float]:
    from ikp.tps import aggregate_levels, load_tps
    from ikp.tps.villages import villages

    villages()  # the code list, loaded once per process (as in a web worker)
    start = time.perf_counter()
    checked = load_tps(path)
    loaded = time.perf_counter()
    assert checked.frame is not None
    tables = aggregate_levels(checked.frame)
    done = time.perf_counter()
    assert int(tables["nation"]["n_tps"][0]) == checked.frame.height
    return {"total": done - start, "load_validate": loaded - start, "aggregate": done - loaded}


def run_pandas(path: str) -> dict[str, float]:
    import pandas as pd

    start = time.perf_counter()
    df = pd.read_csv(path, dtype={"tps_code": str, "village_code": str})
    loaded = time.perf_counter()
    inds = [c for c in df.columns if c.startswith("T")]
    tables = {}
    for level, width in LEVEL_WIDTHS.items():
        key = df["village_code"].str.slice(0, width)
        grouped = df[inds].groupby(key)
        tables[level] = pd.concat(
            [grouped.size().rename("n_tps"), grouped.sum().add_suffix("_n"), grouped.count()],
            axis=1,
        )
    nation = df[inds].sum()
    done = time.perf_counter()
    assert int(tables["province"]["n_tps"].sum()) == len(df) and len(nation) == 22
    return {"total": done - start, "load_validate": loaded - start, "aggregate": done - loaded}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(which: str, path: str) -> None:
    """Run the pipeline twice: the first run in a fresh process (as the CLI does), then again
    (as a web worker that has run it before); CPU seconds of the second run too."""
    run = run_ikp if which == "ikp" else run_pandas
    figures = run(path)
    cpu = _cpu()
    warm = run(path)
    figures["warm"] = warm["total"]
    figures["warm_cpu"] = _cpu() - cpu
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def measure(which: str, path: Path, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--child", which, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    out = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "peak_mb"}
    out["peak_mb"] = max(r["peak_mb"] for r in runs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tps", type=int, default=820_161)
    parser.add_argument("--child", nargs=2, metavar=("WHICH", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from ikp.tps.sample import sample_tps

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tps-national.csv"
        start = time.perf_counter()
        frame = sample_tps(args.tps)
        made = time.perf_counter() - start
        frame.write_csv(path)
        size = path.stat().st_size / 1e6
        print(
            f"SYNTHETIC national list: {frame.height:,} TPS, {size:.0f} MB CSV "
            f"(generated in {fmt(made)}, not timed); load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores"
        )
        del frame
        # alternate so that both see the same machine load
        ours: list[dict[str, float]] = []
        base: list[dict[str, float]] = []
        for _ in range(args.repeat):
            ours.append(measure("ikp", path, 1))
            base.append(measure("pandas", path, 1))
    a = {k: statistics.median(r[k] for r in ours) for k in ours[0]}
    b = {k: statistics.median(r[k] for r in base) for k in base[0]}
    a["peak_mb"] = max(r["peak_mb"] for r in ours)
    b["peak_mb"] = max(r["peak_mb"] for r in base)
    report(
        f"TPS rawan, {args.tps:,} TPS, median of {args.repeat} fresh processes",
        [
            (
                "read + validate (ikp) / read_csv (pandas)",
                a["load_validate"],
                b["load_validate"],
                "",
            ),
            ("aggregate: 4 levels + nation", a["aggregate"], b["aggregate"], ""),
            ("total, fresh process", a["total"], b["total"], "< 1.5 s"),
            ("total, second run in the same process", a["warm"], b["warm"], "< 1.5 s"),
            ("CPU seconds of the second run (user + sys)", a["warm_cpu"], b["warm_cpu"], ""),
        ],
    )
    print(
        f"peak memory (RSS of the process): ikp {a['peak_mb']:.0f} MB, pandas "
        f"{b['peak_mb']:.0f} MB (target < 1024 MB)"
    )


if __name__ == "__main__":
    main()
