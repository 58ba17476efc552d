"""gunicorn settings for ``ikp serve`` (``-c python:ikp_web.config.gunicorn``).

With ``--preload`` the master loads Django once; ``when_ready`` then draws the national map
geometry and loads the four-level region registry (kecamatan and desa/kelurahan: the incident
forms' region picker and every incident validation need it; 1-2 s, once) synchronously in the
master, after its listeners are bound and before any worker is
forked, so every worker starts with it in memory. No thread is running at fork time (a thread
inside an import, e.g. ``pd.read_csv`` loading pyarrow, would leave each forked worker holding a
lock nobody releases).
"""

from __future__ import annotations

import time
from typing import Any


def when_ready(server: Any) -> None:
    start = time.monotonic()
    try:
        from ikp_web.apps.dashboards.maps import warm

        warm()
    except Exception:  # a map that cannot be drawn now is drawn on its first request
        server.log.exception("peta nasional tidak disiapkan / national map not warmed up")
        return
    server.log.info(
        "peta nasional siap / national map warmed up in %.1f s", time.monotonic() - start
    )
    start = time.monotonic()
    try:
        from ikp.regions import RegionRegistry

        RegionRegistry.load(max_level=4)
    except Exception:  # loaded on the first request that needs it
        server.log.exception("daftar wilayah tidak disiapkan / region registry not loaded")
        return
    server.log.info(
        "daftar wilayah siap / region registry (4 levels) loaded in %.1f s",
        time.monotonic() - start,
    )
