"""Monte Carlo uncertainty analysis: 10,000 replications on 514 kabupaten/kota × 61 indicators
(weights noise at three levels, two normalisations, two aggregations, two imputations), against
a straightforward pandas implementation written as an analyst would (one replication at a time,
one group at a time; timed on 100 replications and scaled to 10,000).

Run: .venv/bin/python benchmarks/bench_uncertainty.py
Targets: < 3 s and < 1 GB for 10,000 runs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _common import peak_rss_mb, report  # noqa: E402
from ikp.framework import Framework, load_framework  # noqa: E402
from ikp.run import IndexRun, compute  # noqa: E402
from ikp.sample import generate  # noqa: E402
from ikp.uncertainty import UncertaintySpec, run_uncertainty  # noqa: E402


def pandas_baseline(fw: Framework, run: IndexRun, n_runs: int, seed: int = 1) -> pd.DataFrame:
    """Per replication: pick an imputation, a normalisation and an aggregation, draw noisy
    weights, aggregate group by group, rank. Returns the rank of every region per run."""
    rng = np.random.default_rng(seed)
    treated = run.data["treated"].to_frame()
    ranks = {}
    for b in range(n_runs):
        df = treated.copy()
        if rng.random() < 0.5:  # median imputation
            for col in fw.indicators:
                df[col] = df[col].fillna(df[col].median())
        use_rank = rng.random() < 0.5
        for col in fw.indicators:
            s = df[col]
            if use_rank:
                df[col] = s.rank(pct=True) * 100
            else:
                lo, hi = s.min(), s.max()
                df[col] = (s - lo) / (hi - lo) * 100 if hi > lo else 0.0
        p = 0.5 if rng.random() < 0.5 else 1.0
        for lvl in range(2, fw.n_levels + 1):
            for code in fw.at_level(lvl):
                kids = list(fw.children(code))
                w = pd.Series(
                    {k: fw.nodes[k].weight("regency") * rng.uniform(0.75, 1.25) for k in kids}
                )
                vals = df[kids] ** p
                num = (vals * w).sum(axis=1)
                den = df[kids].notna().mul(w).sum(axis=1)
                df[code] = (num / den.where(den > 0)) ** (1 / p)
        ranks[b] = df[fw.root].rank(ascending=False, method="min")
    return pd.DataFrame(ranks)


def main() -> None:
    fw = load_framework("ikp-2024")
    sample = generate(fw, "regency", seed=2024)
    run = compute(fw, sample.values, "regency", groups=sample.groups)
    rss_before = peak_rss_mb()
    spec = UncertaintySpec(n_runs=10_000, seed=1)
    run_uncertainty(run, UncertaintySpec(n_runs=200, seed=1))  # warm-up
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = run_uncertainty(run, spec)
        times.append(time.perf_counter() - start)
    ours = sorted(times)[1]
    rss_after = peak_rss_mb()
    start = time.perf_counter()
    pandas_baseline(fw, run, 100)
    base = (time.perf_counter() - start) * 100  # scaled to 10,000 runs
    report(
        "Monte Carlo uncertainty, 514 kab/kota × 61 indicators (DATA SINTETIS)",
        [("10,000 runs (baseline: 100 runs × 100)", ours, base, "< 3 s")],
    )
    print(
        f"peak memory: {rss_after:.0f} MB for the process "
        f"({rss_after - rss_before:.0f} MB added by the analysis); target < 1 GB"
    )
    widths = (result.table["rank_p95"] - result.table["rank_p05"]).median()
    print(f"median 5–95% rank interval width: {widths:.0f} places")


if __name__ == "__main__":
    main()
