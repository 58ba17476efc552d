from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ikp_web.apps.api"
    label = "api"
