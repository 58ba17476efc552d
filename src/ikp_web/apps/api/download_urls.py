"""Downloads, mounted at the site root as ``/unduh/`` (``path("unduh/",
include("ikp_web.apps.api.download_urls"))`` in config/urls.py) and, for the API's own use, at
``/api/unduh/``. Reverse them as ``unduh:peringkat``, ``unduh:hasil``, ``unduh:peta``,
``unduh:berkas`` (the file an export job built)."""

from django.urls import re_path

from ikp_web.apps.api import views

app_name = "unduh"
urlpatterns = [
    re_path(r"^peringkat\.(?P<fmt>csv|xlsx)$", views.ranking_download, name="peringkat"),
    re_path(
        r"^hasil/(?P<slug>[-a-zA-Z0-9_]+)\.(?P<fmt>csv|xlsx)$",
        views.results_download,
        name="hasil",
    ),
    re_path(r"^pekerjaan/(?P<pk>[0-9]+)/berkas$", views.export_file, name="berkas"),
    re_path(r"^peta/(?P<slug>[-a-zA-Z0-9_]+)\.geojson$", views.geojson_download, name="peta"),
]
