"""Public pages: the map, the ranking, region profiles and the methodology (read-only)."""

from ikp_web.apps.dashboards.views.maps import class_css, home, map_page
from ikp_web.apps.dashboards.views.methodology import methodology, methodology_doc
from ikp_web.apps.dashboards.views.ranking import ranking
from ikp_web.apps.dashboards.views.region import region

__all__ = ["class_css", "home", "map_page", "methodology", "methodology_doc", "ranking", "region"]
