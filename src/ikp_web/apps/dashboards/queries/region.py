"""One region's details: indicator results (with the raw values the computation read), earlier
versions and editions, and the region itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from django.core.cache import cache
from django.http import Http404

from ikp_web.apps.dashboards.queries.choices import (
    CACHE_PREFIX,
    REGION_SECONDS,
    Choice,
    Visible,
)
from ikp_web.apps.dashboards.queries.results import cached
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Result

# --------------------------------------------------------------------------- one region


class IndicatorRow(NamedTuple):
    code: str
    score: float | None
    rank: float | None
    raw: float | None


def indicator_results(choice: Choice, region_code: str) -> dict[str, IndicatorRow]:
    """Level-1 (indicator) results of one region as the computation stored them: the raw value
    it read, the normalised value and its rank (never the current observations, which may hold
    verified but unpublished changes)."""

    def build() -> dict[str, IndicatorRow]:
        rows = Result.objects.filter(
            computation=choice.comp, level=1, region__code=region_code
        ).values_list("node_code", "score", "rank", "raw")
        return {code: IndicatorRow(code, score, rank, raw) for code, score, rank, raw in rows}

    out: dict[str, IndicatorRow] = cached(choice, f"ind:{region_code}", build)
    return out


def previous_version(seen: Visible, choice: Choice) -> Choice | None:
    """The latest earlier version of the same edition the user may see."""
    for comp in seen.history.get(choice.edition.pk, []):
        if comp.version < choice.comp.version:
            return Choice(comp.edition, comp, False)
    return None


def previous_edition(choices: Sequence[Choice], choice: Choice) -> Choice | None:
    """The latest visible computation of the edition's ``previous`` edition."""
    prev_id = choice.edition.previous_id
    if prev_id is None:
        return None
    candidates = [c for c in choices if c.edition.pk == prev_id]
    return candidates[0] if candidates else None


def region_or_404(code: str) -> Region:
    """A region of today's edition, with its parent (cached briefly: regions change only when
    a region edition is reloaded)."""
    key = f"{CACHE_PREFIX}:region:{code}"
    region = cache.get(key)
    if region is None:
        region = (
            Region.objects.filter(edition="current", code=code).select_related("parent").first()
        )
        if region is None:
            raise Http404("region not found")
        cache.set(key, region, REGION_SECONDS)
    return region  # type: ignore[no-any-return]
