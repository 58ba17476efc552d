"""What a person waits for at the command line (issue 7): ``ikp --help``, ``ikp compute
--sample --out DIR`` for each output format and all four, and ``ikp demo`` (twice: the first
run draws the national maps into an empty ``IKP_CACHE_DIR``, the second reads them), each run
as a fresh process, with the same commands on a baseline source tree beside (by default a18b5e7, main
before issue 7's start-up and writing work; taken with ``git archive`` into a temporary folder
and put first on ``PYTHONPATH``).

Wall time is the median over the runs; CPU is the median user+system time of the child process
(the machine may be shared: CPU time is the steadier figure). The floor line is a bare typer app
with rich help, the least ``ikp --help`` can cost.

Run: .venv/bin/python benchmarks/bench_cli.py [--baseline REV] [--runs 5] [--no-demo]
Targets: ``ikp --help`` < 0.4 s, ``compute --sample`` writing all formats < 2 s of writing
(the computation itself is ~30 ms), ``ikp demo`` < 10 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "a18b5e7"  # main before issue 7's start-up and writing work
RUN_IKP = "import sys; sys.argv[0] = 'ikp'; from ikp.cli import main; main()"
TYPER_FLOOR = (
    "import sys, typer\n"
    "app = typer.Typer(rich_markup_mode='rich')\n"
    "@app.command()\ndef a() -> None: 'A.'\n"
    "@app.command()\ndef b() -> None: 'B.'\n"
    "app()"
)


def timed(argv: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, child CPU seconds) of one run; the command must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(list(argv), env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median_of(
    argv: Sequence[str], env: dict[str, str], cwd: Path, runs: int
) -> tuple[float, float]:
    walls, cpus = zip(*(timed(argv, env, cwd) for _ in range(runs)), strict=True)
    return statistics.median(walls), statistics.median(cpus)


def baseline_tree(rev: str, into: Path) -> Path:
    """The source tree of ``rev`` (git archive), extracted under ``into``."""
    archive = into / "baseline.tar"
    with archive.open("wb") as fh:
        subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree" / "src"


def env_for(src: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def cases(work: Path, demo: bool) -> list[tuple[str, list[str], int | None]]:
    """(label, ikp arguments, runs override) of every measured command."""
    out = str(work / "out")
    found: list[tuple[str, list[str], int | None]] = [("ikp --help", ["--help"], None)]
    for formats in ("csv", "xlsx", "json", "parquet", "csv,xlsx,json,parquet"):
        label = "all formats" if "," in formats else formats
        args = ["compute", "--sample", "--out", out, "--formats", formats, "--limit", "1"]
        found.append((f"ikp compute --sample --out DIR ({label})", args, 3))
    found.append(("ikp compute --sample (no files)", ["compute", "--sample", "--limit", "1"], 3))
    if demo:  # the first run draws the national maps into the empty IKP_CACHE_DIR
        found.append(
            ("ikp demo (first run: maps drawn, cached)", ["demo", "--out", str(work / "demo")], 1)
        )
        found.append(("ikp demo (maps from the cache)", ["demo", "--out", str(work / "demo")], 1))
    return found


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git revision ('' = none)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-demo", action="store_true")
    args, _ = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        work = Path(tmp)
        base_src = baseline_tree(args.baseline, work) if args.baseline else None
        ours, theirs = env_for(None), env_for(base_src)
        ours["IKP_CACHE_DIR"] = theirs["IKP_CACHE_DIR"] = str(work / "cache")  # starts empty
        python = sys.executable
        floor = median_of([python, "-c", TYPER_FLOOR, "--help"], ours, work, args.runs)
        print(f"\n== ikp at the command line (fresh processes; baseline = {args.baseline!r}) ==")
        print(f"{'what':<52} {'wall':>9} {'cpu':>9} {'base wall':>10} {'base cpu':>9}")
        print(f"{'floor: bare typer app --help':<52} {fmt(floor[0]):>9} {fmt(floor[1]):>9}")
        for label, ikp_args, runs in cases(work, not args.no_demo):
            n = runs or args.runs
            now = median_of([python, "-c", RUN_IKP, *ikp_args], ours, work, n)
            row = f"{label:<52} {fmt(now[0]):>9} {fmt(now[1]):>9}"
            if base_src is not None:
                before = median_of([python, "-c", RUN_IKP, *ikp_args], theirs, work, n)
                row += f" {fmt(before[0]):>10} {fmt(before[1]):>9}"
            print(row, flush=True)


if __name__ == "__main__":
    main()
