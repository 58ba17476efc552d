"""The core never imports Django or the web layer (docs/adr/0001-core-has-no-django.md)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import ikp


def test_every_core_module_imports_without_django() -> None:
    names = [m.name for m in pkgutil.walk_packages(ikp.__path__, prefix="ikp.")]
    assert len(names) > 20
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ikp_web'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
