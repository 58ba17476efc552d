"""One region's details: indicator results, raw values from verified observations, earlier
versions and editions, and the region itself."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db.models import Max
from django.http import Http404

from ikp_web.apps.dashboards.queries.choices import (
    CACHE_PREFIX,
    CACHE_SECONDS,
    OBSERVATION_STATE_SECONDS,
    REGION_SECONDS,
    Choice,
    Visible,
    framework_of,
)
from ikp_web.apps.dashboards.queries.results import cached
from ikp_web.apps.regions.models import Region
from ikp_web.apps.scoring.models import Result
from ikp_web.apps.submissions.models import Observation, Submission

# --------------------------------------------------------------------------- one region


class IndicatorRow(NamedTuple):
    code: str
    score: float | None
    rank: float | None


def indicator_results(choice: Choice, region_code: str) -> dict[str, IndicatorRow]:
    """Level-1 (indicator) results of one region: the normalised value and its rank."""

    def build() -> dict[str, IndicatorRow]:
        rows = Result.objects.filter(
            computation=choice.comp, level=1, region__code=region_code
        ).values_list("node_code", "score", "rank")
        return {code: IndicatorRow(code, score, rank) for code, score, rank in rows}

    out: dict[str, IndicatorRow] = cached(choice, f"ind:{region_code}", build)
    return out


def raw_indicator_values(choice: Choice, region_code: str) -> tuple[dict[str, float], bool, str]:
    """The raw indicator values (Σ count × incidence-level weight, the core's
    ``ikp.sample.combine_levels``) from the region's verified observations, and whether those
    observations changed after the computation was made (then they may differ from what was
    computed), and a version string naming that state of the data (for cache keys). Cached by
    the time of the last change to those observations (looked up at most once a minute)."""
    state_key = f"{CACHE_PREFIX}:obs-state:{choice.edition.pk}:{region_code}"
    sub = cache.get(state_key)
    if sub is None:
        sub = (
            Submission.objects.filter(
                edition=choice.edition,
                region__edition=choice.region_edition,
                region__code=region_code,
                status=Submission.Status.VERIFIED,
            )
            .annotate(last=Max("observations__updated"))
            .values("pk", "last")
            .first()
        ) or {"pk": None, "last": None}
        cache.set(state_key, sub, OBSERVATION_STATE_SECONDS)
    if sub is None or sub["last"] is None:
        return {}, False, "none"
    changed = bool(sub["last"] > choice.comp.created)
    version = f"{sub['pk']}-{sub['last'].timestamp():.6f}"
    key = f"{CACHE_PREFIX}:raw:{choice.edition.pk}:{version}"
    values = cache.get(key)
    if values is None:
        values = _raw_values(choice, sub["pk"], region_code)
        cache.set(key, values, CACHE_SECONDS)
    return values, changed, version


def _raw_values(choice: Choice, submission_id: int, region_code: str) -> dict[str, float]:
    import pandas as pd

    from ikp.sample import combine_levels

    obs = Observation.objects.filter(submission_id=submission_id).values_list(
        "indicator_code", "incidence_level", "value"
    )
    cells: dict[str, Any] = {"region_code": [region_code]}
    for indicator, level, value in obs:
        column = f"{indicator}_{level}" if level else indicator
        cells[column] = [math.nan if value is None else float(value)]
    dataset = combine_levels(pd.DataFrame(cells), framework_of(choice.edition))
    return {
        code: float(v)
        for code, v in zip(dataset.columns, dataset.values[0].tolist(), strict=True)
        if not math.isnan(v)
    }


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
