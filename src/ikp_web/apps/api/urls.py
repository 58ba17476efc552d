"""Mounted at ``api/``: the versioned API (``v1/``), its docs page's local files, and the
downloads (also at ``/unduh/`` from the site root)."""

from django.urls import include, path, re_path

from ikp_web.apps.api import views
from ikp_web.apps.api.api import api

urlpatterns = [
    path("v1/docs/assets/<str:name>", views.docs_asset, name="api-docs-asset"),
    path("v1/", api.urls),
    re_path(r"^v1/(?P<rest>.*)$", views.api_not_found),
    path("unduh/", include(("ikp_web.apps.api.download_urls", "unduh"), namespace="api-unduh")),
]
