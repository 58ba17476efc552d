"""Monte Carlo uncertainty analysis with the default specification (ADR 0005): Poisson noise
in the counts (50 resampled data sets mapped onto the fitted scale), weights ±25 % at three
levels, no imputation or median imputation.

The engine shares the replications out between up to 2 threads (``spec.workers``); the
one-thread figures are printed beside.

1. 10,000 replications on 514 kabupaten/kota × 61 indicators, against a straightforward pandas
   implementation written as an analyst would (one replication at a time, one group at a time;
   timed on 100 replications and scaled to 10,000). Target < 1 s.
2. Scaling: 1,000 replications on 38, 514 and 7,285 regions (provinces, kab/kota, kecamatan;
   the kecamatan run uses IKP 2024's tree with the kab/kota cut-offs on synthetic counts).
   Time, peak memory allocated by the analysis (tracemalloc, which numpy reports to), and the
   memory the earlier engine's regions × ranks histogram alone needed (8 · n² bytes per
   target). Targets: 7,285 regions < 2 s and < 500 MB.

All data are SYNTHETIC (DATA SINTETIS). Run: .venv/bin/python benchmarks/bench_uncertainty.py
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _common import fmt, peak_rss_mb, report  # noqa: E402
from ikp.dataset import Dataset  # noqa: E402
from ikp.framework import Framework, load_framework  # noqa: E402
from ikp.regions import RegionRegistry  # noqa: E402
from ikp.run import IndexRun, compute  # noqa: E402
from ikp.sample import generate  # noqa: E402
from ikp.uncertainty import UncertaintySpec, run_uncertainty  # noqa: E402


def pandas_baseline(fw: Framework, run: IndexRun, n_runs: int, seed: int = 1) -> pd.DataFrame:
    """Per replication: resample every count (Poisson), map it onto the nominal scale by
    interpolation, pick an imputation, draw noisy weights, aggregate group by group, rank.
    Returns the rank of every region per run."""
    rng = np.random.default_rng(seed)
    raw = run.data["raw"].to_frame()[list(fw.indicators)]
    normalized = run.data["normalized"].to_frame()[list(fw.indicators)]
    ranks = {}
    for b in range(n_runs):
        df = pd.DataFrame(index=raw.index)
        for col in fw.indicators:
            x = raw[col]
            ok = x.notna()
            noisy = x.copy()
            noisy[ok] = rng.poisson(x[ok].to_numpy())
            pairs = pd.DataFrame({"x": x[ok], "y": normalized[col][ok]}).sort_values("x")
            df[col] = np.where(ok, np.interp(noisy.fillna(0), pairs["x"], pairs["y"]), np.nan)
        if rng.random() < 0.5:  # median imputation
            df = df.fillna(df.median())
        for lvl in range(2, fw.n_levels + 1):
            for code in fw.at_level(lvl):
                kids = list(fw.children(code))
                w = pd.Series(
                    {k: fw.nodes[k].weight("regency") * rng.uniform(0.75, 1.25) for k in kids}
                )
                num = (df[kids] * w).sum(axis=1)
                den = df[kids].notna().mul(w).sum(axis=1)
                df[code] = num / den.where(den > 0)
        ranks[b] = df[fw.root].rank(ascending=False, method="min")
    return pd.DataFrame(ranks)


def district_run(fw: Framework, seed: int = 2024) -> IndexRun:
    """IKP 2024's tree on 7,285 kecamatan with synthetic counts (gamma–Poisson with a region
    effect, many zeros, 2 % missing cells); classified with the kab/kota cut-offs."""
    data = fw.to_dict()
    data["region_levels"] = [*data["region_levels"], "district"]
    data["classification"]["cutoffs"]["district"] = data["classification"]["cutoffs"]["regency"]
    for node in data["nodes"]:
        if isinstance(node.get("weight"), dict):
            node["weight"]["district"] = node["weight"]["regency"]
    dfw = Framework.from_dict(data)
    codes = [r.code for r in RegionRegistry.load(max_level=3).at_level("district")]
    rng = np.random.default_rng(seed)
    n, k = len(codes), len(dfw.indicators)
    rate = rng.gamma(1.2, 0.4, size=(n, 1)) * rng.gamma(0.8, 1.0, size=(1, k))
    values = rng.poisson(rate).astype(np.float64)
    values[rng.random((n, k)) < 0.02] = np.nan
    return compute(dfw, Dataset(tuple(codes), dfw.indicators, values), "district")


def measure(
    run: IndexRun, n_runs: int, repeat: int = 3, workers: int | None = None
) -> tuple[float, float, object]:
    """Median seconds over ``repeat`` runs (after a warm-up) and the traced peak in MB;
    ``workers`` threads (default: the engine's, up to 2)."""
    spec = UncertaintySpec(n_runs=n_runs, seed=1, workers=workers)
    run_uncertainty(run, UncertaintySpec(n_runs=50, seed=1))  # warm-up
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run_uncertainty(run, spec)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    run_uncertainty(run, spec)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return sorted(times)[len(times) // 2], peak / 2**20, result


def main() -> None:
    fw = load_framework("ikp-2024")
    regency = generate(fw, "regency", seed=2024)
    run = compute(fw, regency.values, "regency", groups=regency.groups)
    rss_before = peak_rss_mb()
    ours, traced, result = measure(run, 10_000)
    rss_after = peak_rss_mb()
    single, _, _ = measure(run, 10_000, workers=1)
    start = time.perf_counter()
    pandas_baseline(fw, run, 100)
    base = (time.perf_counter() - start) * 100  # scaled to 10,000 runs
    report(
        "Monte Carlo uncertainty, 514 kab/kota × 61 indicators, default spec (DATA SINTETIS)",
        [
            ("10,000 runs (baseline: 100 runs × 100)", ours, base, "< 1 s"),
            ("10,000 runs, one thread", single, base, ""),
        ],
    )
    print(
        f"peak memory: {traced:.0f} MB allocated by the analysis (tracemalloc); process peak "
        f"{rss_after:.0f} MB ({rss_after - rss_before:.0f} MB added)"
    )
    t = result.table  # type: ignore[attr-defined]
    print(
        f"median 5–95% score interval: {(t['score_p95'] - t['score_p05']).median():.2f} points; "
        f"median rank interval: {(t['rank_p95'] - t['rank_p05']).median():.0f} places"
    )

    province = generate(fw, "province", seed=2024)
    sizes = [
        ("provinsi", compute(fw, province.values, "province")),
        ("kab/kota", run),
        ("kecamatan", district_run(fw)),
    ]
    print("\n== scaling: 1,000 runs, default spec (DATA SINTETIS) ==")
    print(
        f"{'level':<10} {'regions':>8} {'time':>10} {'1 thread':>10} {'per region':>11} "
        f"{'peak MB':>9} {'MB/region':>10} {'old histogram MB':>17}"
    )
    for name, r in sizes:
        n = len(r.data["normalized"].regions)
        seconds, peak, _ = measure(r, 1000)
        one, _, _ = measure(r, 1000, workers=1)
        print(
            f"{name:<10} {n:>8,} {fmt(seconds):>10} {fmt(one):>10} "
            f"{seconds / n * 1e6:>9.0f}µs {peak:>9.0f} {peak / n:>10.3f} "
            f"{8 * n * n / 2**20:>17.0f}"
        )
    print("targets: kecamatan (7,285) < 2 s and < 500 MB")


if __name__ == "__main__":
    main()
