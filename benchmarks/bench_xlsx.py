"""Reading an XLSX whose used range claims the whole sheet (issue 7): a few rows of data, then
styled empty rows down to row 1,048,576 and a ``<dimension>`` of A1:XFD1048576, as Excel writes
a workbook whose user formatted whole rows. Measures ``ikp validate`` on it as a fresh process
(wall time, peak RSS of the child) and the reader in this process (wall, tracemalloc peak).

Before issue 7's fix openpyxl read every styled row padded to 16,384 columns: the same
``ikp validate`` ran 335 s and was killed at 21 GB RSS (a shared 2-core machine). Not re-run
here on purpose.

Run: .venv/bin/python benchmarks/bench_xlsx.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from tests.core.styled_xlsx import PROVINCE, styled_workbook  # noqa: E402

from _common import best_of, fmt  # noqa: E402
from ikp.validation.files import read_raw  # noqa: E402

RUN_IKP = "import sys; sys.argv[0] = 'ikp'; from ikp.cli import main; main()"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-xlsx-") as tmp:
        path = styled_workbook(Path(tmp) / "styled.xlsx")
        print("\n== XLSX with 1,048,576 styled rows (shared machine: noisy) ==")
        print(f"workbook: {path.stat().st_size / 1024:.0f} KB")
        argv = [sys.executable, "-c", RUN_IKP, "validate", str(path), "--province", PROVINCE]
        walls = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=True)
            walls.append(time.perf_counter() - start)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"{'ikp validate (fresh process), median wall':<48} {fmt(sorted(walls)[len(walls) // 2]):>10}"
        )
        print(f"{'ikp validate, peak RSS of the child':<48} {rss:>7.0f} MB")
        seconds = best_of(lambda: read_raw(path), repeat=args.repeat)
        tracemalloc.start()
        raw, _ = read_raw(path)
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        assert raw is not None
        print(f"{'read_raw in process, median wall':<48} {fmt(seconds):>10}")
        print(f"{'read_raw, tracemalloc peak':<48} {peak:>7.1f} MB")
        print(f"rows read: {len(raw.frame)}, columns: {raw.frame.shape[1]}")


if __name__ == "__main__":
    main()
