"""Data collection: /data/ (work list), /data/kemajuan/ (progress board),
/data/<edition>/<region>/ (questionnaire, upload, template, review),
/data/<edition>/massal/<province>/ (a province's kab/kota on one sheet)."""

from django.urls import path, register_converter

from ikp_web.apps.submissions import views


class RegionCodeConverter:
    """A Kemendagri code of a province (``32``) or kabupaten/kota (``32.01``)."""

    regex = r"\d{2}(?:\.\d{2})?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegionCodeConverter, "region")

app_name = "submissions"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("kemajuan/", views.progress, name="progress"),
    path("unggahan/<int:pk>/masalah.xlsx", views.annotated, name="annotated"),
    path("unggahan/<int:pk>/putuskan/", views.decide, name="decide"),
    path("<slug:edition_slug>/massal/<region:province_code>/", views.batch, name="batch"),
    path(
        "<slug:edition_slug>/massal/<region:province_code>/templat.xlsx",
        views.batch_template,
        name="batch_template",
    ),
    path("<slug:edition_slug>/<region:region_code>/", views.questionnaire, name="questionnaire"),
    path("<slug:edition_slug>/<region:region_code>/unggah/", views.upload, name="upload"),
    path("<slug:edition_slug>/<region:region_code>/templat.xlsx", views.template, name="template"),
    path("<slug:edition_slug>/<region:region_code>/tinjau/", views.review, name="review"),
    path("<slug:edition_slug>/<region:region_code>/buka-kembali/", views.reopen, name="reopen"),
]
