from django.urls import path

from ikp_web.apps.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("peta/", views.map_page, name="map"),
    path("peta/kelas/<int:n>.css", views.class_css, name="class_css"),
    path("peringkat/", views.ranking, name="ranking"),
    path("wilayah/<str:code>/", views.region, name="region"),
    path("metodologi/", views.methodology, name="methodology"),
    path("metodologi/dokumen/", views.methodology_doc, name="methodology_docs"),
    path("metodologi/dokumen/<slug:name>/", views.methodology_doc, name="methodology_doc"),
    path("metodologi/<slug:slug>/", views.methodology, name="methodology_edition"),
]
