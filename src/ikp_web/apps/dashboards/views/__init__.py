"""Public pages: the map, the ranking, region profiles and the methodology (read-only). As an
anonymous visitor sees them they are cached per published snapshot, language and address
(:mod:`ikp_web.apps.dashboards.page_cache`)."""

from ikp_web.apps.dashboards.page_cache import published_page
from ikp_web.apps.dashboards.views import maps
from ikp_web.apps.dashboards.views import methodology as methodology_views
from ikp_web.apps.dashboards.views import ranking as ranking_views
from ikp_web.apps.dashboards.views import region as region_views

class_css = maps.class_css
home = published_page(maps.home)
map_page = published_page(maps.map_page)
methodology = published_page(methodology_views.methodology)
methodology_doc = published_page(methodology_views.methodology_doc)
ranking = published_page(ranking_views.ranking)
region = published_page(region_views.region)

__all__ = ["class_css", "home", "map_page", "methodology", "methodology_doc", "ranking", "region"]
