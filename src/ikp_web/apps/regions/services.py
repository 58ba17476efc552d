"""Loading regions from the core registry (provinces and kabupaten/kota)."""

from __future__ import annotations

from django.db import transaction

from ikp.regions import RegionRegistry
from ikp_web.apps.regions.models import Region


@transaction.atomic
def load_regions(edition: str = "current") -> int:
    """Create or update the 38 provinces and 514 kab/kota of ``edition``; return the count."""
    registry = RegionRegistry.load(edition, max_level=2)
    existing = {r.code: r for r in Region.objects.filter(edition=edition)}
    by_code: dict[str, Region] = {}
    for level in (1, 2):
        for item in registry.at_level(level):
            region = existing.get(item.code) or Region(edition=edition, code=item.code)
            region.name = item.name
            region.level = level
            region.parent = by_code.get(item.parent) if item.parent else None
            region.province_code = item.code.split(".")[0] if level == 2 else item.code
            if edition != "current" and level == 2 and item.parent:
                region.province_code = item.parent
            region.population = registry.population(item.code)
            region.area_km2 = registry.area_km2(item.code)
            region.save()
            by_code[item.code] = region
    return len(by_code)
