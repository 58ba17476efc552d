"""Helpers shared by the benchmark scripts: timing and peak memory, printed as a table."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from typing import Any


def best_of(func: Callable[[], Any], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time in seconds over ``repeat`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux: ru_maxrss is in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(title: str, rows: list[tuple[str, float, float, str]]) -> None:
    """rows: (what, ikp seconds, baseline seconds, target)."""
    print(f"\n== {title} ==")
    print(f"{'what':<58} {'ikp':>10} {'baseline':>10} {'ratio':>8}  target")
    for what, ours, base, target in rows:
        ratio = base / ours if ours > 0 else float("inf")
        print(f"{what:<58} {fmt(ours):>10} {fmt(base):>10} {ratio:>7.1f}x  {target}")


def fmt(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"
