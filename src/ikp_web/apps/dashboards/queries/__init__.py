"""Read-side helpers for the public pages: which computations a user may see, and the results
of one computation in the shapes the maps, rankings and profiles need.

Access: every choice of edition goes through :func:`visible_choices`, which asks
``ikp_web.apps.accounts.services.can_see_unpublished`` — public visitors get published
computations only; offices, partners and Bawaslu RI also get each edition's latest unpublished
computation (marked as such on every page).

Caching: a computation's results never change once stored (a published one is frozen by the
model; a correction is a new computation), so the derived data of a *published* computation is
kept in Django's cache, keyed by its id and creation time. Unpublished computations are read
fresh on every request. Parsed frameworks are kept per process (keyed by content hash).
"""

from ikp_web.apps.dashboards.queries.choices import (
    CACHE_PREFIX,
    CACHE_SECONDS,
    LEVEL_PARAMS,
    PARAM_OF_LEVEL,
    Choice,
    Labels,
    Visible,
    cutoffs_for,
    default_choice,
    framework_of,
    labels_of,
    resolve_choice,
    sibling,
    visible,
    visible_choices,
)
from ikp_web.apps.dashboards.queries.region import (
    IndicatorRow,
    indicator_results,
    previous_edition,
    previous_version,
    region_or_404,
)
from ikp_web.apps.dashboards.queries.results import (
    CompData,
    Placed,
    Row,
    cached,
    comp_data,
    local_cache,
    on_current_map,
    source_code,
    successor_map,
    tree_order,
)

__all__ = [
    "CACHE_PREFIX",
    "CACHE_SECONDS",
    "Choice",
    "CompData",
    "IndicatorRow",
    "LEVEL_PARAMS",
    "Labels",
    "PARAM_OF_LEVEL",
    "Placed",
    "Row",
    "Visible",
    "cached",
    "comp_data",
    "cutoffs_for",
    "default_choice",
    "framework_of",
    "indicator_results",
    "labels_of",
    "local_cache",
    "on_current_map",
    "previous_edition",
    "previous_version",
    "region_or_404",
    "resolve_choice",
    "sibling",
    "source_code",
    "successor_map",
    "tree_order",
    "visible",
    "visible_choices",
]
