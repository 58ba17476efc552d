from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("ikp_web.apps.api.urls")),
    path("unduh/", include("ikp_web.apps.api.download_urls")),
    path("admin/", admin.site.urls),
    path("akun/", include("ikp_web.apps.accounts.urls")),
    path("data/", include("ikp_web.apps.submissions.urls")),
    path("hitung/", include("ikp_web.apps.scoring.urls")),
    path("laporan/", include("ikp_web.apps.incidents.urls")),
    path("peringatan/", include("ikp_web.apps.alerts.urls")),
    path("wilayah/", include("ikp_web.apps.regions.urls")),
    path("", include("ikp_web.apps.dashboards.urls")),
]

# JSON under /api/ and /unduh/, the site's page elsewhere
handler500 = "ikp_web.apps.api.views.server_error"

if settings.DEBUG:  # pragma: no cover
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

__all__ = ["handler500", "urlpatterns", "i18n_patterns"]
