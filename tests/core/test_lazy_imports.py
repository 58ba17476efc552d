"""What a person waits for (issue 7): modules that start every command or web worker must not
import the heavy libraries they only need inside some functions. Checked in a fresh
interpreter, by the modules it has loaded, not by timing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def loaded_after(statement: str, *modules: str) -> list[str]:
    """The subset of ``modules`` that a fresh interpreter has imported after ``statement``."""
    code = (
        f"{statement}\nimport json, sys\n"
        f"print(json.dumps([m for m in {list(modules)!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_cli_module_does_not_import_pandas_numpy_or_scipy() -> None:
    assert loaded_after("import ikp.cli", "pandas", "numpy", "scipy", "rich.progress") == []


def test_help_does_not_import_pandas_numpy_or_scipy() -> None:
    statement = (
        "import sys\nsys.argv = ['ikp', '--help']\nfrom ikp.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert loaded_after(statement, "pandas", "numpy", "scipy") == []


@pytest.mark.parametrize("module", ["ikp.audit", "ikp.methods.cortest"])
def test_audit_modules_do_not_import_scipy(module: str) -> None:
    assert loaded_after(f"import {module}", "scipy", "scipy.stats", "scipy.special") == []


def test_audit_still_loads_scipy_when_it_computes() -> None:
    statement = (
        "import numpy as np\nfrom ikp.audit import paired_correlations\n"
        "paired_correlations(np.arange(6.0).reshape(3, 2), np.ones((3, 2)))"
    )
    assert loaded_after(statement, "scipy.stats") == ["scipy.stats"]
