from django.urls import path

from ikp_web.apps.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
]
