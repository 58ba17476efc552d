"""Computing and publishing (Bawaslu RI): /hitung/ (editions, start), /hitung/pekerjaan/<id>/
(job progress, with ``.json`` status), /hitung/log/ (audit log), /hitung/<edition>/v<version>/
(inspect) and its /terbitkan/ (publish). The job and audit-log views live in the core app."""

from django.urls import path

from ikp_web.apps.core import views as core_views
from ikp_web.apps.scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("mulai/", views.start, name="start"),
    path("pekerjaan/<int:pk>/", core_views.job, name="job"),
    path("pekerjaan/<int:pk>.json", core_views.job_status, name="job_status"),
    path("log/", core_views.audit_log, name="audit_log"),
    path("<slug:edition_slug>/v<int:version>/", views.computation, name="computation"),
    path("<slug:edition_slug>/v<int:version>/terbitkan/", views.publish, name="publish"),
]
