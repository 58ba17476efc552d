"""The region picker's endpoint, ``/wilayah/anak/<parent>/`` (``ikp_web.apps.regions.views``):
the first answer (which loads the four-level region registry, 91,599 regions), then answers
from the per-process cache against building each answer afresh from the loaded registry, for
every kab/kota (its kecamatan) and every kecamatan (its desa/kelurahan). The view runs through
Django's request factory (no database: the endpoint reads the shipped registry only); the
browser may also keep an answer for a day (``Cache-Control: max-age=86400``).

Run: .venv/bin/python benchmarks/bench_region_picker.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import fmt, peak_rss_mb  # noqa: E402


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "ikp_web.config.settings.dev"
    os.environ.setdefault("IKP_VAR_DIR", tempfile.mkdtemp(prefix="ikp-bench-picker-"))
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.test import RequestFactory

    from ikp.regions import RegionRegistry, _load_registry
    from ikp_web.apps.regions import views

    factory = RequestFactory()

    def ask(code: str, q: str = "") -> int:
        request = factory.get(f"/wilayah/anak/{code}/", {"q": q} if q else {})
        response = views.children(request, code)
        assert response.status_code == 200, (code, response.content[:200])
        return len(response.content)

    _load_registry.cache_clear()
    views.children_of.cache_clear()
    views._encoded.cache_clear()
    start = time.perf_counter()
    ask("32.01")
    first = time.perf_counter() - start

    registry = RegionRegistry.load("current", max_level=4)
    parents = [r.code for r in registry.at_level(2)] + [r.code for r in registry.at_level(3)]

    def sweep(cached: bool) -> float:
        if not cached:
            views.children_of.cache_clear()
            views._encoded.cache_clear()
        start = time.perf_counter()
        for code in parents:
            ask(code)
        return (time.perf_counter() - start) / len(parents)

    sweep(cached=True)  # fill the cache
    warm = min(sweep(cached=True) for _ in range(3))
    fresh = min(sweep(cached=False) for _ in range(3))
    start = time.perf_counter()
    for _ in range(200):
        ask("32.01", q="ci")
    filtered = (time.perf_counter() - start) / 200

    print(f"\n== Region picker: /wilayah/anak/<parent>/ ({len(parents):,} parents) ==")
    print(f"first answer (loads the 4-level registry): {fmt(first)}")
    print(f"per answer, built afresh:                  {fmt(fresh)}")
    print(f"per answer, from the cache:                {fmt(warm)}   ratio {fresh / warm:.1f}x")
    print(f"per answer with ?q= (32.01, 'ci'):         {fmt(filtered)}")
    print(f"peak memory: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
