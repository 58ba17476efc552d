"""Region endpoints under /wilayah/ (the region profile page itself is the dashboards app's
``/wilayah/<code>/``)."""

from django.urls import path

from ikp_web.apps.regions import views

app_name = "regions"
urlpatterns = [
    path("anak/<str:parent_code>/", views.children, name="children"),
]
