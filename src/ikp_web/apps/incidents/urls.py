"""Incident pages under /laporan/: the list, the report form, a report's page with its review,
evidence files, the bulk upload, and the public report form (/laporan/publik/)."""

from django.urls import path

from ikp_web.apps.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("baru/", views.incident_new, name="new"),
    path("unggah/", views.incident_upload, name="upload"),
    path("unggah/<int:pk>/", views.upload_status, name="upload_status"),
    path("unggah/templat.csv", views.upload_template, name="template"),
    path("publik/", views.public_report, name="public"),
    path("publik/terima-kasih/", views.public_thanks, name="public_thanks"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/bukti/<int:evidence_id>/", views.evidence_file, name="evidence"),
]
