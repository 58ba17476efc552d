"""The ``./run`` entry point lists its verbs (serve included) when called without one or with a
wrong one, and exits 2 without setting anything up."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "run"


@pytest.mark.parametrize("args", [[], ["nope"], ["--help"]])
def test_run_without_a_verb_lists_every_verb(args: list[str]) -> None:
    done = subprocess.run(
        ["bash", str(RUN), *args], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 2
    verbs = [line.split()[0] for line in done.stderr.splitlines() if line.startswith("  ")]
    assert verbs == ["serve", "test", "demo", "ikp", "setup", "bench"]
    if args == ["nope"]:
        assert "unknown verb 'nope'" in done.stderr
