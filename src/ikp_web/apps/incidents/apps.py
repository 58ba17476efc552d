from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "ikp_web.apps.incidents"
    label = "incidents"
