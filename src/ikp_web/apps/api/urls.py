from django.urls import path

from ikp_web.apps.api.api import api

urlpatterns = [path("v1/", api.urls)]
